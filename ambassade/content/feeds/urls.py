from __future__ import annotations

from django.urls import path

from ambassade.content.feeds import views

app_name = "feeds"
urlpatterns = [
    path("", views.source_list, name="list"),
    path("new", views.source_create, name="create"),
    path("<int:pk>/edit", views.source_update, name="update"),
    path("<int:pk>/delete", views.source_delete, name="delete"),
    path("<int:pk>/test", views.source_test, name="test"),
    path("<int:pk>/poll", views.source_poll, name="poll"),
]
