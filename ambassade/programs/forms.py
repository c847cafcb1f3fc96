"""Forms of the program pages. They parse input; the services decide."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ambassade.accounts.models import Membership, Network, Organization, User
from ambassade.programs.models import Metric, ObjectiveKind, Phase, Program, Wave
from ambassade.programs.selectors import invitable_memberships, manager_candidates
from ambassade.programs.services import ProgramSettings

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CURRENCIES = [
    ("EUR", _("Euro (EUR)")),
    ("USD", _("US dollar (USD)")),
    ("GBP", _("Pound sterling (GBP)")),
    ("CHF", _("Swiss franc (CHF)")),
    ("CAD", _("Canadian dollar (CAD)")),
    ("MAD", _("Moroccan dirham (MAD)")),
    ("XOF", _("CFA franc (XOF)")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        # The browser's date picker speaks ISO 8601 whatever the language.
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ManagerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} <{obj.email}>" if obj.full_name else obj.email


class MembershipChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Membership) -> str:
        label = obj.user.full_name or obj.user.email
        return f"{label} · {obj.department}" if obj.department else label


def _decimal_field(label: StrOrPromise, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        **kwargs,
    )


class ProgramForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    slug = forms.SlugField(
        label=_("Slug"),
        max_length=50,
        help_text=_("Short name in web addresses and in utm_campaign, e.g. talents-2026."),
    )
    manager = ManagerChoiceField(
        label=_("Program manager"), queryset=User.objects.none(), required=False
    )
    budget_amount = _decimal_field(
        _("Budget"), max_digits=12, decimal_places=2, min_value=Decimal("0"), initial=0
    )
    budget_currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES, initial="EUR")
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices, initial=Phase.PILOT)
    starts_on = forms.DateField(label=_("Start date"), widget=DateInput())
    ends_on = forms.DateField(label=_("End date"), widget=DateInput(), required=False)
    editorial_line = forms.CharField(
        label=_("Editorial line"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    charter_text = forms.CharField(
        label=_("Charter"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    consent_text = forms.CharField(
        label=_("Consent text"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ambassadors accept it when they join. Changing it creates a new version."),
    )
    allowed_networks = forms.MultipleChoiceField(
        label=_("Networks allowed"),
        choices=Network.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checks"}),
        initial=Network.values,
    )
    company_share_target = forms.IntegerField(
        label=_("Company content target (%)"),
        min_value=0,
        max_value=100,
        initial=20,
        help_text=_("The rest is market content. Recommended: 20 % company, 80 % market."),
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.fields["manager"]
        assert isinstance(manager, ManagerChoiceField)
        manager.queryset = manager_candidates(organization=organization)
        if not self.is_bound and "consent_text" not in self.initial:
            self.initial["consent_text"] = str(Program._meta.get_field("consent_text").default)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end date must be on or after the start date."))
        return data

    @staticmethod
    def initial_for(program: Program) -> dict[str, Any]:
        return {
            "name": program.name,
            "slug": program.slug,
            "manager": program.manager_id,
            "budget_amount": program.budget_amount,
            "budget_currency": program.budget_currency,
            "phase": program.phase,
            "starts_on": program.starts_on,
            "ends_on": program.ends_on,
            "editorial_line": program.editorial_line,
            "charter_text": program.charter_text,
            "consent_text": program.consent_text,
            "allowed_networks": list(program.allowed_networks),
            "company_share_target": program.company_share_target,
        }

    def to_settings(self) -> ProgramSettings:
        data = self.cleaned_data
        return ProgramSettings(
            name=data["name"],
            slug=data["slug"],
            manager=data["manager"],
            budget_amount=data["budget_amount"],
            budget_currency=data["budget_currency"],
            phase=data["phase"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            editorial_line=data["editorial_line"].strip(),
            charter_text=data["charter_text"].strip(),
            # Normalised so that re-saving an unchanged text keeps its version.
            consent_text=data["consent_text"].strip().replace("\r\n", "\n"),
            allowed_networks=list(data["allowed_networks"]),
            company_share_target=data["company_share_target"],
        )


class ObjectiveForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ObjectiveKind.choices)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("For instance: double the applications to our engineering jobs."),
    )


class KpiTargetForm(forms.Form):
    metric = forms.ChoiceField(label=_("Metric"), choices=Metric.choices)
    target_value = _decimal_field(
        _("Target value"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    deadline_on = forms.DateField(label=_("Deadline"), widget=DateInput())


class WaveForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    starts_on = forms.DateField(label=_("Start date"), widget=DateInput())
    ends_on = forms.DateField(label=_("End date"), widget=DateInput(), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_on: date | None = data.get("starts_on")
        ends_on: date | None = data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end date must be on or after the start date."))
        return data


class WaveChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Wave) -> str:
        return obj.name


def _wave_field(program: Program) -> WaveChoiceField:
    return WaveChoiceField(
        label=_("Wave"),
        queryset=program.waves.all(),
        required=False,
        empty_label=_("No wave"),
    )


class InviteForm(forms.Form):
    memberships = MembershipChoiceField(
        label=_("People to invite"),
        queryset=Membership.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checks column"}),
        error_messages={"required": _("Choose at least one person to invite.")},
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        memberships = self.fields["memberships"]
        assert isinstance(memberships, MembershipChoiceField)
        memberships.queryset = invitable_memberships(program=program)
        self.fields["wave"] = _wave_field(program)


class SetWaveForm(forms.Form):
    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["wave"] = _wave_field(program)


class JoinForm(forms.Form):
    accept = forms.BooleanField(
        label=_("I have read and accept"),
        error_messages={
            "required": _("Tick the box to confirm you have read and accept the consent text.")
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
