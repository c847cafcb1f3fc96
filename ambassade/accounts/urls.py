from __future__ import annotations

from django.urls import URLPattern, path

from ambassade.accounts import views, views_people

app_name = "accounts"
urlpatterns: list[URLPattern] = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password/reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("password/change/", views.password_change, name="password_change"),
    path("password/change/done/", views.password_change_done, name="password_change_done"),
    path("language/", views.set_language, name="set_language"),
    path("organization/", views.switch_organization, name="switch_organization"),
    path("profile/", views.profile, name="profile"),
    path("social-accounts/new/", views.social_account_create, name="social_account_create"),
    path(
        "social-accounts/<int:pk>/edit/",
        views.social_account_update,
        name="social_account_update",
    ),
    path(
        "social-accounts/<int:pk>/delete/",
        views.social_account_delete,
        name="social_account_delete",
    ),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("organization/settings/", views.organization_settings, name="organization_settings"),
    path("people/", views_people.people_list, name="people"),
    path("people/new/", views_people.member_add, name="person_add"),
    path("people/<int:pk>/", views_people.member_edit, name="person"),
    path("people/<int:pk>/remove/", views_people.member_remove, name="person_remove"),
    path(
        "people/<int:pk>/invitation/",
        views_people.member_invitation_resend,
        name="person_invitation",
    ),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
]
