"""The feed source editor."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ambassade.accounts.models import Language, Organization
from ambassade.content.feeds.services import FeedSourceData
from ambassade.content.models import Family, FeedMode, FeedSource, Kind
from ambassade.programs.models import Program


class FeedSourceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    url = forms.URLField(
        label=_("Feed address"),
        max_length=2000,
        assume_scheme="https",
        help_text=_("RSS, Atom or JSON Feed address."),
    )
    family = forms.ChoiceField(label=_("Family"), choices=Family.choices, widget=forms.RadioSelect)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    programs = forms.ModelMultipleChoiceField(
        label=_("Programs"), queryset=Program.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    mode = forms.ChoiceField(
        label=_("New items"),
        choices=FeedMode.choices,
        widget=forms.RadioSelect,
        help_text=_("Proposed items wait in the approval queue."),
    )
    max_items_per_day = forms.IntegerField(
        label=_("Maximum new items per day"), min_value=1, max_value=1000
    )
    poll_interval_minutes = forms.IntegerField(
        label=_("Polling interval (minutes)"), min_value=5, max_value=7 * 24 * 60
    )
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "family": Family.MARKET,
                "kind": Kind.SECTOR_NEWS,
                "mode": FeedMode.PUBLISH,
                "max_items_per_day": 20,
                "poll_interval_minutes": 60,
                "is_active": True,
            },
        )
        super().__init__(*args, **kwargs)
        field = self.fields["programs"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Program.objects.filter(organization=organization).order_by("name")

    @staticmethod
    def initial_for(source: FeedSource) -> dict[str, Any]:
        return {
            "name": source.name,
            "url": source.url,
            "family": source.family,
            "kind": source.kind,
            "language": source.language,
            "programs": list(source.programs.all()),
            "mode": source.mode,
            "max_items_per_day": source.max_items_per_day,
            "poll_interval_minutes": source.poll_interval_minutes,
            "is_active": source.is_active,
        }

    def source_data(self) -> FeedSourceData:
        data = self.cleaned_data
        return FeedSourceData(
            name=data["name"],
            url=data["url"],
            programs=list(data["programs"]),
            family=data["family"],
            kind=data["kind"],
            language=data["language"],
            mode=data["mode"],
            max_items_per_day=data["max_items_per_day"],
            poll_interval_minutes=data["poll_interval_minutes"],
            is_active=data["is_active"],
        )
