from __future__ import annotations

from django.urls import path

from ambassade.content import views

app_name = "content"
urlpatterns: list = []
