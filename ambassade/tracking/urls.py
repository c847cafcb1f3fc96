from __future__ import annotations

from django.urls import path

from ambassade.tracking import beacon, qr, views

app_name = "tracking"
urlpatterns = [
    path("r/<str:code>", views.redirect, name="redirect"),
    path("t.js", beacon.script, name="script"),
    path("b", beacon.beacon, name="beacon"),
    path("links/<str:code>/qr.svg", qr.link_qr_svg, name="qr_svg"),
    path("links/<str:code>/qr.png", qr.link_qr_png, name="qr_png"),
]
