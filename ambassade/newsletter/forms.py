"""Forms of the newsletter pages: the draft, the schedule, the settings, one's preferences."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ambassade.newsletter.models import DigestFrequency, Issue, Section

DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class IssueForm(forms.Form):
    """The draft: subject, editorial, tip, and each section's place and display."""

    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for the usual subject, in each recipient's language."),
    )
    editorial = forms.CharField(
        label=_("Editorial"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("A few words from the program team; blank lines separate paragraphs."),
    )
    tip = forms.CharField(
        label=_("Tip of the month"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Leave empty for the default tip, in each recipient's language."),
    )

    def __init__(self, *args: Any, issue: Issue, **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.update({"subject": issue.subject, "editorial": issue.editorial, "tip": issue.tip})
        super().__init__(*args, **kwargs)
        labels = dict(Section.choices)
        order = [entry["key"] for entry in issue.sections if entry.get("key") in labels]
        order += [key for key in Section.values if key not in order]
        visible = set(issue.visible_sections())
        self.section_keys = order
        for position, key in enumerate(order, start=1):
            self.fields[f"position_{key}"] = forms.IntegerField(
                label=labels[key], min_value=1, max_value=99, initial=position
            )
            self.fields[f"visible_{key}"] = forms.BooleanField(
                label=_("Show"), required=False, initial=key in visible
            )

    def section_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"position_{key}"], self[f"visible_{key}"]) for key in self.section_keys]

    def sections(self) -> list[dict[str, Any]]:
        """The sections in the chosen order (ties keep the current order)."""
        data = self.cleaned_data
        ranked = sorted(
            enumerate(self.section_keys), key=lambda pair: (data[f"position_{pair[1]}"], pair[0])
        )
        return [{"key": key, "visible": bool(data[f"visible_{key}"])} for _i, key in ranked]


class ScheduleForm(forms.Form):
    send_at = forms.DateTimeField(
        label=_("Send on"),
        input_formats=[DATETIME_LOCAL_FORMAT, "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_FORMAT),
        help_text=_("In your time zone."),
    )


class SettingsForm(forms.Form):
    is_enabled = forms.BooleanField(label=_("Prepare a newsletter every month"), required=False)
    day_of_month = forms.IntegerField(
        label=_("Day of the month"),
        min_value=1,
        max_value=28,
        help_text=_("The draft is prepared that day and covers the previous calendar month."),
    )
    hour = forms.IntegerField(
        label=_("Hour"), min_value=0, max_value=23, help_text=_("In the organization's time zone.")
    )
    auto_send = forms.BooleanField(
        label=_("Send it automatically"),
        required=False,
        help_text=_("Otherwise the draft waits for your review."),
    )
    open_tracking = forms.BooleanField(
        label=_("Count opens"),
        required=False,
        help_text=_("Per issue, never per person. Off by default: many consider it intrusive."),
    )
    tip = forms.CharField(
        label=_("Default tip of the month"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Used when an issue has no tip of its own; empty for Ambassade's tips."),
    )


class PreferencesForm(forms.Form):
    newsletter = forms.BooleanField(label=_("The monthly newsletter"), required=False)
    digest = forms.ChoiceField(
        label=_("New content to share, by e-mail"),
        choices=DigestFrequency.choices,
        widget=forms.RadioSelect,
    )
