from __future__ import annotations

from django.urls import path

from ambassade.tracking import views

app_name = "tracking"
urlpatterns = [path("r/<str:code>", views.redirect, name="redirect")]
