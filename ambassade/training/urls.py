from __future__ import annotations

from django.urls import URLPattern, path

from ambassade.training import views

app_name = "training"
urlpatterns: list[URLPattern] = [
    path("", views.module_list, name="module_list"),
    path("modules/<int:pk>/", views.module_detail, name="module_detail"),
    path("modules/<int:pk>/complete/", views.module_complete, name="module_complete"),
    path("modules/results/", views.module_stats, name="module_stats"),
    path("charter/", views.charter, name="charter"),
    path("charter/<slug:slug>/", views.charter_manage, name="charter_manage"),
    path("settings/", views.training_settings, name="settings"),
    path("onboarding/", views.onboarding, name="onboarding"),
    path("onboarding/team/", views.onboarding_team, name="onboarding_team"),
]
