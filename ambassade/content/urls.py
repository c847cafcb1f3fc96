from __future__ import annotations

from django.urls import include, path

from ambassade.content import views

app_name = "content"
urlpatterns = [
    path("", views.item_list, name="item_list"),
    path("items/new", views.item_create, name="item_create"),
    path("feeds/", include("ambassade.content.feeds.urls")),
    path("items/<int:pk>", views.item_detail, name="item_detail"),
    path("items/<int:pk>/edit", views.item_update, name="item_update"),
    path("items/<int:pk>/publish", views.item_publish, name="item_publish"),
    path("items/<int:pk>/archive", views.item_archive, name="item_archive"),
    path("items/<int:pk>/approve", views.item_approve, name="item_approve"),
    path("items/<int:pk>/reject", views.item_reject, name="item_reject"),
    path("approval", views.approval_queue, name="approval_queue"),
    path("preview", views.preview, name="preview"),
    path("images/<str:key>", views.image, name="image"),
    path("propose", views.proposal_create, name="proposal_create"),
]
