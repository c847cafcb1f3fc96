from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from ambassade.accounts.models import Language, Network, SocialAccount
from ambassade.content.models import Family, Kind

COMMENTARY_MAX_LENGTH = 5000

# Django's classes are generic for the type checker only.
if TYPE_CHECKING:
    AccountFieldBase = forms.ModelChoiceField[SocialAccount]
else:
    AccountFieldBase = forms.ModelChoiceField


class FeedFilterForm(forms.Form):
    family = forms.ChoiceField(
        label=_("Family"), choices=[("", _("All families")), *Family.choices], required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *Kind.choices], required=False
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("All languages")), *Language.choices], required=False
    )

    def filters(self) -> dict[str, str]:
        """The valid filters only: a bad value is reported and ignored."""
        if not self.is_bound:
            return {}
        self.is_valid()
        cleaned: dict[str, Any] = getattr(self, "cleaned_data", {})
        return {name: cleaned[name] for name in ("family", "kind", "language") if cleaned.get(name)}


class AccountChoiceField(AccountFieldBase):
    def label_from_instance(self, obj: SocialAccount) -> str:
        return f"{obj.get_network_display()}: {obj.handle}"


class ShareForm(forms.Form):
    network = forms.ChoiceField(label=_("Network"), widget=forms.RadioSelect)
    social_account = AccountChoiceField(
        label=_("Account"),
        queryset=SocialAccount.objects.none(),
        required=False,
        empty_label=_("My first account on this network"),
    )
    commentary = forms.CharField(
        label=_("Your commentary"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=COMMENTARY_MAX_LENGTH,
    )

    def __init__(self, *args: Any, accounts: list[SocialAccount], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Network.choices)
        networks = [n for n in Network.values if any(a.network == n for a in accounts)]
        network_field = self.fields["network"]
        assert isinstance(network_field, forms.ChoiceField)
        network_field.choices = [(n, labels[n]) for n in networks]
        if len(networks) == 1:
            network_field.initial = networks[0]
        account_field = self.fields["social_account"]
        assert isinstance(account_field, AccountChoiceField)
        account_field.queryset = SocialAccount.objects.filter(pk__in=[a.pk for a in accounts])

    def clean_commentary(self) -> str:
        # Browsers send CRLF line ends; count a line break once, as the networks do.
        text: str = self.cleaned_data["commentary"]
        return text.replace("\r\n", "\n").strip()


class MonthForm(forms.Form):
    month = forms.ChoiceField(label=_("Month"), required=False)

    def __init__(self, *args: Any, months: list[date], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.months = months
        month_field = self.fields["month"]
        assert isinstance(month_field, forms.ChoiceField)
        month_field.choices = [
            (m.strftime("%Y-%m"), formats.date_format(m, "YEAR_MONTH_FORMAT")) for m in months
        ]

    def selected(self) -> date:
        """The chosen month; this month when none or an unknown one is asked for."""
        if self.is_bound and self.is_valid() and self.cleaned_data["month"]:
            year, month = self.cleaned_data["month"].split("-")
            return date(int(year), int(month), 1)
        return self.months[0]


DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class ScheduleForm(forms.Form):
    """When to be reminded to share, in the person's own time zone."""

    run_at = forms.DateTimeField(
        label=_("Remind me on"),
        input_formats=[DATETIME_LOCAL_FORMAT, "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_FORMAT),
        help_text=_("In your time zone. You get an e-mail and a notification then."),
    )
