"""The audit log's filters: what, who, between which days (in the viewer's time zone)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ambassade.accounts.models import Membership
from ambassade.accounts.selectors import display_name, is_erased_email
from ambassade.audit.models import AuditAction


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


@dataclass(frozen=True)
class LogFilters:
    action: str = ""
    person: Membership | None = None
    start: datetime | None = None
    end: datetime | None = None


def _day_start(day: date) -> datetime:
    """Midnight starting ``day`` in the active (the viewer's) time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *AuditAction.choices]
    )
    person = forms.TypedChoiceField(label=_("Person"), required=False, coerce=int, empty_value=None)
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args: Any, people: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {member.pk: member for member in people}
        self.fields["person"].choices = [  # type: ignore[attr-defined]
            ("", _("Everyone")),
            *(
                (
                    member.pk,
                    f"{display_name(member)} (#{member.pk})"
                    if is_erased_email(member.user.email)
                    else display_name(member),
                )
                for member in people
            ),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date must be on or after the start date."))
        return data

    def filters(self) -> LogFilters:
        """The filters asked for; none when the form is wrong (it says why)."""
        if not self.is_bound or not self.is_valid():
            return LogFilters()
        data = self.cleaned_data
        since: date | None = data.get("since")
        until: date | None = data.get("until")
        return LogFilters(
            action=data.get("action") or "",
            person=self.people.get(data["person"]) if data.get("person") else None,
            start=_day_start(since) if since else None,
            end=_day_start(until + timedelta(days=1)) if until else None,
        )
