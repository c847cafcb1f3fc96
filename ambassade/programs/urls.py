from __future__ import annotations

from django.urls import URLPattern, path

from ambassade.programs import views

app_name = "programs"
urlpatterns: list[URLPattern] = [
    path("", views.program_list, name="program_list"),
    path("new", views.program_create, name="program_create"),
    path("mine", views.my_programs, name="my_programs"),
    path("objectives/<int:pk>/targets/new", views.target_create, name="target_create"),
    path("objectives/<int:pk>/delete", views.objective_delete, name="objective_delete"),
    path("targets/<int:pk>/delete", views.target_delete, name="target_delete"),
    path("waves/<int:pk>/edit", views.wave_update, name="wave_update"),
    path("enrolments/<int:pk>/wave", views.enrolment_set_wave, name="enrolment_set_wave"),
    path("<slug:slug>/", views.program_detail, name="program_detail"),
    path("<slug:slug>/edit", views.program_update, name="program_update"),
    path("<slug:slug>/objectives/new", views.objective_create, name="objective_create"),
    path("<slug:slug>/waves/new", views.wave_create, name="wave_create"),
    path("<slug:slug>/invite", views.invite, name="invite"),
    path("<slug:slug>/join", views.join, name="join"),
    path("<slug:slug>/leave", views.leave, name="leave"),
]
