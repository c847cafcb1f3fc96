from __future__ import annotations

from django.urls import URLPattern, path

from ambassade.community import views, views_mentoring

app_name = "community"
urlpatterns: list[URLPattern] = [
    path("", views.event_list, name="event_list"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", views.event_update, name="event_update"),
    path("events/<int:pk>/cancel/", views.event_cancel, name="event_cancel"),
    path("events/<int:pk>/rsvp/", views.rsvp, name="rsvp"),
    path("events/<int:pk>/rsvp/cancel/", views.rsvp_cancel, name="rsvp_cancel"),
    path("events/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("events/<int:pk>/event.ics", views.event_ics_download, name="event_ics"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("mentoring/", views_mentoring.mentoring_home, name="mentoring"),
    path("mentoring/confirm/", views_mentoring.pair_confirm, name="pair_confirm"),
    path("mentoring/<int:pk>/", views_mentoring.pair_detail, name="pair_detail"),
    path("mentoring/<int:pk>/end/", views_mentoring.pair_end, name="pair_end"),
]
