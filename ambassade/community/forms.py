from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from ambassade.accounts.models import TIME_ZONE_CHOICES, Organization
from ambassade.community.models import EventKind, TipsDirection
from ambassade.community.services import EventData
from ambassade.programs.models import Program

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def _local_field(label: StrOrPromise) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=[LOCAL_FORMAT, "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT),
        help_text=_("In the event's time zone."),
    )


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    direction = forms.ChoiceField(
        label=_("Who coaches whom (tips exchange)"), choices=TipsDirection.choices, required=False
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    program = forms.ModelChoiceField(
        label=_("Program"),
        queryset=Program.objects.none(),
        required=False,
        empty_label=_("Whole organization"),
    )
    starts_at = _local_field(_("Starts at"))
    ends_at = _local_field(_("Ends at"))
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    capacity = forms.IntegerField(
        label=_("Capacity"), min_value=1, required=False, help_text=_("Leave empty for no limit.")
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        program_field = self.fields["program"]
        assert isinstance(program_field, forms.ModelChoiceField)
        program_field.queryset = Program.objects.filter(organization=organization)

    def _in_zone(self, value: datetime | None, zone: str) -> datetime | None:
        """The typed wall-clock time, read in the event's time zone."""
        if value is None:
            return None
        naive = timezone.make_naive(value) if timezone.is_aware(value) else value
        return naive.replace(tzinfo=zoneinfo.ZoneInfo(zone))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        zone = data.get("time_zone")
        if zone:
            data["starts_at"] = self._in_zone(data.get("starts_at"), zone)
            data["ends_at"] = self._in_zone(data.get("ends_at"), zone)
        return data

    def event_data(self) -> EventData:
        d = self.cleaned_data
        return EventData(
            kind=d["kind"],
            direction=d.get("direction") or "",
            title=d["title"],
            description=d.get("description") or "",
            program=d.get("program"),
            starts_at=d["starts_at"],
            ends_at=d["ends_at"],
            time_zone=d["time_zone"],
            place=d.get("place") or "",
            online_url=d.get("online_url") or "",
            capacity=d.get("capacity"),
        )


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
