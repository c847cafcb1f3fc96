from __future__ import annotations

from django.urls import URLPattern, path

from ambassade.newsletter import views

app_name = "newsletter"
urlpatterns: list[URLPattern] = [
    path("", views.issue_list, name="issue_list"),
    path("archive/", views.archive_list, name="archive_list"),
    path("preferences/", views.preferences, name="preferences"),
    path("programs/<slug:slug>/new/", views.issue_create, name="issue_create"),
    path("programs/<slug:slug>/settings/", views.settings_edit, name="settings"),
    path("<int:pk>/", views.issue_detail, name="issue_detail"),
    path("<int:pk>/send/", views.issue_send, name="issue_send"),
    path("<int:pk>/schedule/", views.issue_schedule, name="issue_schedule"),
    path("<int:pk>/unschedule/", views.issue_unschedule, name="issue_unschedule"),
    path("<int:pk>/preview/", views.issue_preview, name="issue_preview"),
    path("<int:pk>/archive/", views.issue_archive, name="issue_archive"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("c/<str:token>/", views.click, name="click"),
    path("o/<str:token>.gif", views.open_pixel, name="open"),
]
