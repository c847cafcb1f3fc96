from __future__ import annotations

from django.urls import path

from ambassade.programs import views

app_name = "programs"
urlpatterns: list = []
