from __future__ import annotations

from django.urls import path

from ambassade.sharing import views

app_name = "sharing"
urlpatterns: list = []
