from __future__ import annotations

from django.urls import path

from ambassade.accounts import views

app_name = "accounts"
urlpatterns: list = []
