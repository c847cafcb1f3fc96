from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ambassade.accounts.models import Network
from ambassade.analytics.periods import PRESETS, Period, preset_period
from ambassade.analytics.selectors import STEPS, Rate, default_step

MAX_DAYS = 366 * 5


class PeriodForm(forms.Form):
    preset = forms.ChoiceField(
        label=_("Period"),
        choices=[*PRESETS.items(), ("custom", _("Custom"))],
        required=False,
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    step = forms.ChoiceField(
        label=_("Per"), choices=[("", _("Automatic")), *STEPS.items()], required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if data.get("preset") == "custom" or (start and end and not data.get("preset")):
            if not start or not end:
                raise forms.ValidationError(_("Give both dates of a custom period."))
            if start > end:
                raise forms.ValidationError(_("The period ends before it starts."))
            if (end - start).days > MAX_DAYS:
                raise forms.ValidationError(_("Choose a period of at most five years."))
        return data

    def period(self, *, today: date, program_start: date) -> tuple[Period, str]:
        """The period asked for (this month when the form is empty or invalid) and its step."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        preset = data.get("preset") or ""
        if preset == "custom" or (not preset and data.get("start") and data.get("end")):
            period = Period(data["start"], data["end"], "custom")
        else:
            period = preset_period(preset or "this_month", today=today, program_start=program_start)
        step = data.get("step") or default_step(period.start, period.end)
        return period, step


class RatesForm(forms.Form):
    """CPM and CPC per network; both empty means the default."""

    def __init__(self, *args: Any, rates: list[Rate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rates = rates
        for rate in rates:
            for name, value in (("cpm", rate.cpm), ("cpc", rate.cpc)):
                self.fields[f"{name}_{rate.network}"] = forms.DecimalField(
                    label=f"{rate.label} {name.upper()}",
                    required=False,
                    min_value=Decimal(0),
                    max_digits=10,
                    decimal_places=2,
                    initial=None if rate.is_default else value,
                    widget=forms.NumberInput(attrs={"placeholder": str(value), "step": "0.01"}),
                )

    def rows(self) -> list[tuple[Rate, forms.BoundField, forms.BoundField]]:
        return [
            (rate, self[f"cpm_{rate.network}"], self[f"cpc_{rate.network}"]) for rate in self.rates
        ]

    def to_rates(self) -> dict[str, tuple[Decimal | None, Decimal | None]]:
        return {
            network: (
                self.cleaned_data.get(f"cpm_{network}"),
                self.cleaned_data.get(f"cpc_{network}"),
            )
            for network in Network.values
        }


class CostForm(forms.Form):
    label = forms.CharField(label=_("What for"), max_length=200)
    amount = forms.DecimalField(
        label=_("Amount"), min_value=Decimal(0), max_digits=12, decimal_places=2
    )
    currency = forms.CharField(label=_("Currency"), max_length=3)
    spent_on = forms.DateField(label=_("Spent on"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean_spent_on(self) -> date:
        value: date = self.cleaned_data["spent_on"]
        if value > date.today() + timedelta(days=366):
            raise forms.ValidationError(_("This date is too far in the future."))
        return value
