"""Forms of the gratification pages; validation beyond the fields is in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ambassade.accounts.models import Network
from ambassade.rewards.models import Challenge, PointsRules, Reward

RULE_FORM_FIELDS = [
    "share",
    "own_words",
    "own_words_threshold",
    "click",
    "click_cap_per_share",
    "application",
    "lead",
    "proposal_approved",
    "training_module",
    "event_attended",
    "weekly_streak",
    "streak_weeks",
    "daily_cap",
    "weekly_cap",
]


class PointsRulesForm(forms.ModelForm[PointsRules]):
    """The rules, plus one optional field per network for a share's value there."""

    class Meta:
        model = PointsRules
        fields = RULE_FORM_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.network_values or {}
        for network in Network:
            self.fields[f"network_{network.value}"] = forms.IntegerField(
                label=_("A share on %(network)s") % {"network": network.label},
                required=False,
                min_value=0,
                max_value=1000,
                initial=current.get(network.value),
                help_text=_("Empty: the share value."),
            )
        self.fields["own_words_threshold"].widget.attrs.update(
            {"min": "0", "max": "1", "step": "0.05"}
        )

    def clean_own_words_threshold(self) -> float:
        value = float(self.cleaned_data["own_words_threshold"])
        if not 0 <= value <= 1:
            raise forms.ValidationError(_("Between 0 and 1."))
        return value

    def values(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in RULE_FORM_FIELDS}
        data["network_values"] = {
            network.value: self.cleaned_data[f"network_{network.value}"]
            for network in Network
            if self.cleaned_data.get(f"network_{network.value}") is not None
        }
        return data


class ChallengeForm(forms.ModelForm[Challenge]):
    class Meta:
        model = Challenge
        fields = ["title", "description", "metric", "threshold", "scope", "starts_on", "ends_on"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("A challenge ends on or after its start date."))
        return data


class RewardForm(forms.ModelForm[Reward]):
    class Meta:
        model = Reward
        fields = ["name", "description", "points_cost", "monetary_value", "stock", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class RedemptionRequestForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the program team"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. a preferred date")}),
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ProfileForm(forms.Form):
    anonymous = forms.BooleanField(
        label=_("Appear anonymously on leaderboards"),
        required=False,
        help_text=_("Colleagues see “Anonymous ambassador” instead of your name and department."),
    )


class AdjustPointsForm(forms.Form):
    """Points a manager adds (or takes, with a minus sign) by hand, and why."""

    membership = forms.TypedChoiceField(label=_("Ambassador"), coerce=int)
    points = forms.IntegerField(
        label=_("Points"),
        min_value=-10_000,
        max_value=10_000,
        help_text=_("A negative number takes points away, e.g. -20."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("The ambassador reads it on their points page."),
    )

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membership"].choices = [("", "—"), *members]  # type: ignore[attr-defined]
