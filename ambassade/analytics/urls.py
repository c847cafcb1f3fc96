from __future__ import annotations

from django.urls import URLPattern, path

from ambassade.analytics import views

app_name = "analytics"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("me/", views.my_impact, name="my_impact"),
    path("me/export.<str:fmt>", views.my_impact_export, name="my_impact_export"),
    path("costs/<int:pk>/delete", views.cost_delete, name="cost_delete"),
    path("programs/<slug:slug>/", views.program_dashboard_view, name="program_dashboard"),
    path("programs/<slug:slug>/settings", views.program_settings, name="program_settings"),
    path("programs/<slug:slug>/export/<str:table>.<str:fmt>", views.export, name="export"),
]
