from __future__ import annotations

from django.urls import URLPattern, path

from ambassade.audit import views

app_name = "audit"
urlpatterns: list[URLPattern] = [
    path("", views.audit_log, name="log"),
    path("export.csv", views.audit_log_csv, name="log_csv"),
]
