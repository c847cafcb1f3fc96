from __future__ import annotations

from django.urls import path

from ambassade.jobs import views

app_name = "jobs"
urlpatterns = [path("", views.run_list, name="run_list")]
