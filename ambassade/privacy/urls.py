from __future__ import annotations

from django.urls import URLPattern, path

from ambassade.privacy import views

app_name = "privacy"
urlpatterns: list[URLPattern] = [
    path("", views.policy, name="policy"),
    path("me/", views.my_data, name="my_data"),
    path("me/export/", views.my_data_export, name="my_data_export"),
    path("me/erase/", views.erase, name="erase"),
    path("me/consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("members/", views.member_list, name="member_list"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/export/", views.member_export, name="member_export"),
    path("members/<int:pk>/erase/", views.member_erase, name="member_erase"),
    path("consents/", views.consent_register, name="consent_register"),
    path(
        "consents/<slug:slug>/export.csv",
        views.consent_register_export,
        name="consent_register_export",
    ),
]
