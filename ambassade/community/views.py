"""Pages of community events: list, detail and RSVP, the manager's forms and
attendance sheet, the .ics download and the private calendar feed."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ambassade.accounts.models import Role
from ambassade.accounts.notifications import absolute_url
from ambassade.accounts.permissions import OrgRequest, get_scoped_or_404, org_view
from ambassade.community import selectors, services
from ambassade.community.forms import EventForm
from ambassade.community.ics import event_ics, feed_ics
from ambassade.community.models import CalendarFeed, Event, RsvpStatus


def _errors(error: ValidationError | PermissionDenied) -> list[str]:
    return list(error.messages) if isinstance(error, ValidationError) else [str(error)]


def _event_or_404(request: OrgRequest, pk: int) -> Event:
    event = selectors.events_for(membership=request.membership).filter(pk=pk).first()
    if event is None:
        raise Http404(_("Not found."))
    return event


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@org_view()
def event_list(request: OrgRequest) -> HttpResponse:
    membership = request.membership
    upcoming, past = selectors.event_lists(membership=membership, now=timezone.now())
    mine = selectors.rsvps_by_event(
        membership=membership, event_ids=[e.pk for e in upcoming + past]
    )
    return render(
        request,
        "community/event_list.html",
        {
            "upcoming": [(e, mine.get(e.pk)) for e in upcoming],
            "past": [(e, mine.get(e.pk)) for e in past],
            "can_manage": membership.has_role(Role.MANAGER),
        },
    )


@require_safe
@org_view()
def event_detail(request: OrgRequest, pk: int) -> HttpResponse:
    membership = request.membership
    event = _event_or_404(request, pk)
    now = timezone.now()
    rsvp = selectors.rsvps_by_event(membership=membership, event_ids=[event.pk]).get(event.pk)
    viewer_zone = request.user.time_zone or event.time_zone
    viewer_start = event.starts_at.astimezone(zoneinfo.ZoneInfo(viewer_zone))
    can_manage = membership.has_role(Role.MANAGER)
    return render(
        request,
        "community/event_detail.html",
        {
            "event": event,
            "rsvp": rsvp,
            "position": selectors.waiting_position(rsvp=rsvp) if rsvp else None,
            "viewer_zone": viewer_zone,
            "viewer_start": viewer_start,
            "same_time": viewer_start.utcoffset() == event.local_start.utcoffset(),
            "open": not event.is_cancelled and event.ends_at > now,
            "started": event.starts_at <= now,
            "full": event.capacity is not None and event.going_count >= event.capacity,  # type: ignore[attr-defined]
            "can_manage": can_manage,
            "attendees": selectors.event_attendees(event=event) if can_manage else [],
        },
    )


@require_POST
@org_view()
def rsvp(request: OrgRequest, pk: int) -> HttpResponse:
    event = _event_or_404(request, pk)
    try:
        answer = services.rsvp_create(actor=request.membership, event=event, now=timezone.now())
    except (ValidationError, PermissionDenied) as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        if answer.status == RsvpStatus.GOING:
            messages.success(request, _("You are signed up. See you there!"))
        else:
            messages.info(
                request,
                _(
                    "The event is full: you are on the waiting list. We will tell you if a seat frees up."
                ),
            )
    return redirect("community:event_detail", pk=event.pk)


@require_POST
@org_view()
def rsvp_cancel(request: OrgRequest, pk: int) -> HttpResponse:
    event = _event_or_404(request, pk)
    try:
        services.rsvp_cancel(actor=request.membership, event=event, now=timezone.now())
    except (ValidationError, PermissionDenied) as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        messages.success(request, _("Your sign-up is cancelled."))
    return redirect("community:event_detail", pk=event.pk)


@require_safe
@org_view()
def event_ics_download(request: OrgRequest, pk: int) -> HttpResponse:
    event = _event_or_404(request, pk)
    return _ics_response(event_ics(event=event, now=timezone.now()), f"event-{event.pk}.ics")


def _event_form(request: OrgRequest, event: Event | None) -> HttpResponse:
    initial: dict[str, Any] = {"time_zone": request.organization.time_zone}
    if event is not None:
        initial = {
            "kind": event.kind,
            "direction": event.direction,
            "title": event.title,
            "description": event.description,
            "program": event.program_id,
            "starts_at": event.local_start.replace(tzinfo=None),
            "ends_at": event.local_end.replace(tzinfo=None),
            "time_zone": event.time_zone,
            "place": event.place,
            "online_url": event.online_url,
            "capacity": event.capacity,
        }
    posted = request.method == "POST"
    form = EventForm(
        request.POST if posted else None, initial=initial, organization=request.organization
    )
    if posted and form.is_valid():
        now = timezone.now()
        try:
            if event is None:
                event = services.event_create(
                    actor=request.membership, data=form.event_data(), now=now
                )
            else:
                event = services.event_update(
                    actor=request.membership, event=event, data=form.event_data(), now=now
                )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The event is saved."))
            return redirect("community:event_detail", pk=event.pk)
    return render(request, "community/event_form.html", {"form": form, "event": event})


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(Role.MANAGER)
def event_create(request: OrgRequest) -> HttpResponse:
    return _event_form(request, None)


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(Role.MANAGER)
def event_update(request: OrgRequest, pk: int) -> HttpResponse:
    return _event_form(request, get_scoped_or_404(Event.objects.all(), request.organization, pk=pk))


@require_POST
@org_view(Role.MANAGER)
def event_cancel(request: OrgRequest, pk: int) -> HttpResponse:
    event = get_scoped_or_404(Event.objects.all(), request.organization, pk=pk)
    try:
        services.event_cancel(actor=request.membership, event=event, now=timezone.now())
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The event is cancelled; those signed up are told."))
    return redirect("community:event_detail", pk=event.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(Role.MANAGER)
def attendance(request: OrgRequest, pk: int) -> HttpResponse:
    event = get_scoped_or_404(Event.objects.all(), request.organization, pk=pk)
    if request.method == "POST":
        ids = {int(v) for v in request.POST.getlist("attended") if v.isdigit()}
        try:
            came = services.attendance_mark(
                actor=request.membership, event=event, attended_ids=ids, now=timezone.now()
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Attendance saved: %(count)s present.") % {"count": came})
            return redirect("community:attendance", pk=event.pk)
    going = [r for r in selectors.event_attendees(event=event) if r.status == RsvpStatus.GOING]
    return render(request, "community/attendance.html", {"event": event, "going": going})


# --- Private calendar feed ------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@org_view()
def calendar(request: OrgRequest) -> HttpResponse:
    membership = request.membership
    now = timezone.now()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "revoke":
            services.calendar_feed_revoke(actor=membership)
            messages.success(request, _("Your calendar address no longer works."))
        elif action == "regenerate":
            services.calendar_feed_regenerate(actor=membership, now=now)
            messages.success(request, _("New calendar address: the old one no longer works."))
        else:
            services.calendar_feed_get(actor=membership, now=now)
        return redirect("community:calendar")
    feed = CalendarFeed.objects.filter(membership=membership).first()
    url = absolute_url(reverse("community:calendar_feed", args=[feed.token])) if feed else ""
    return render(
        request,
        "community/calendar.html",
        {
            "feed": feed,
            "url": url,
            "webcal_url": url.replace("https://", "webcal://", 1).replace(
                "http://", "webcal://", 1
            ),
        },
    )


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private feed: no session, the token in the address is the credential."""
    now = timezone.now()
    membership = services.calendar_feed_open(token=token, now=now)
    if membership is None:
        raise Http404(_("Not found."))
    rsvps = selectors.feed_rsvps(membership=membership)
    content = feed_ics(
        name=f"Ambassade · {membership.organization.name}",
        rsvps=[(r.event, r.status) for r in rsvps],
        now=now,
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
