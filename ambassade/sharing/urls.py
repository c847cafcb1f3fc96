from __future__ import annotations

from django.urls import path

from ambassade.sharing import views

app_name = "sharing"
urlpatterns = [
    path("", views.feed, name="feed"),
    path("share/<int:pk>/", views.share, name="share"),
    path("shares/<int:pk>/", views.shared, name="shared"),
    path("activity/", views.activity, name="activity"),
    path("scheduled/", views.scheduled_list, name="scheduled_list"),
    path("scheduled/<int:pk>/cancel/", views.scheduled_cancel, name="scheduled_cancel"),
]
