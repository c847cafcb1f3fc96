from __future__ import annotations

from django.urls import path

from ambassade.rewards import manage_views, views

app_name = "rewards"

urlpatterns = [
    path("", views.my_points, name="points"),
    path("preferences/", views.preferences, name="preferences"),
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("leaderboard.csv", manage_views.leaderboard_csv, name="leaderboard_csv"),
    path("badges/", views.badges, name="badges"),
    path("catalog/", views.catalog, name="catalog"),
    path("catalog/<int:pk>/request/", views.reward_request, name="reward_request"),
    path("requests/", views.my_requests, name="my_requests"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="request_cancel"),
    path("challenges/", views.challenges, name="challenges"),
    path("challenges/new/", manage_views.challenge_form, name="challenge_new"),
    path("challenges/<int:pk>/edit/", manage_views.challenge_form, name="challenge_edit"),
    path("manage/rules/", manage_views.rules, name="rules"),
    path("manage/catalog/", manage_views.catalog_manage, name="catalog_manage"),
    path("manage/catalog/new/", manage_views.reward_form, name="reward_new"),
    path("manage/catalog/<int:pk>/edit/", manage_views.reward_form, name="reward_edit"),
    path("manage/approvals/", manage_views.approvals, name="approvals"),
    path("manage/approvals/<int:pk>/<str:action>/", manage_views.decide, name="redemption_decide"),
    path("manage/budget/", manage_views.budget, name="budget"),
    path("manage/adjust/", manage_views.adjust, name="adjust"),
    path("picks/", manage_views.picks, name="picks"),
    path("picks/<int:pk>/", manage_views.pick, name="pick"),
]
