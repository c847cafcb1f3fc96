"""Forms of the accounts pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ambassade.accounts.models import (
    TIME_ZONE_CHOICES,
    ApprovalPolicy,
    Language,
    Membership,
    Organization,
    Seniority,
    SocialAccount,
    User,
)

# The zones most people of a French program live in come first.
FREQUENT_TIME_ZONES = ["Europe/Paris", "Africa/Casablanca"]


def time_zone_choices() -> list[tuple[Any, Any]]:
    frequent = [(name, name.replace("_", " ")) for name in FREQUENT_TIME_ZONES]
    return [(_("Frequent"), frequent), (_("All time zones"), TIME_ZONE_CHOICES)]


class EmailAuthenticationForm(auth_forms.AuthenticationForm):
    """Log in with an e-mail address (User.USERNAME_FIELD is ``email``)."""

    username = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _("This e-mail address and password do not match. Please try again."),
    }

    def clean_username(self) -> str:
        # Addresses are stored in lower case by the user manager.
        return str(self.cleaned_data["username"]).strip().lower()


class LocalizedPasswordResetForm(auth_forms.PasswordResetForm):
    """The reset e-mail is written in the language of the person who receives it."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context.get("user")
        language = getattr(user, "language", None) or translation.get_language()
        with translation.override(language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class ProfileForm(forms.Form):
    """The person's own details and their details in the current organization."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        help_text=_("Dates and times are shown in this time zone."),
    )
    department = forms.CharField(label=_("Department"), max_length=100, required=False)
    specialty = forms.CharField(
        label=_("Specialty"),
        max_length=100,
        required=False,
        help_text=_("Your field of expertise, e.g. data, recruiting, cloud."),
    )
    seniority = forms.ChoiceField(
        label=_("Seniority"),
        choices=[("", "—"), *Seniority.choices],
        required=False,
    )
    office = forms.CharField(label=_("Office"), max_length=100, required=False)

    user_fields = ("full_name", "language", "time_zone")
    membership_fields = ("department", "specialty", "seniority", "office")

    @classmethod
    def initial_for(cls, membership: Membership) -> dict[str, Any]:
        user = membership.user
        return {
            "full_name": user.full_name,
            "language": user.language,
            "time_zone": user.time_zone,
            "department": membership.department,
            "specialty": membership.specialty,
            "seniority": membership.seniority,
            "office": membership.office,
        }


class SocialAccountForm(forms.ModelForm):  # type: ignore[type-arg]
    """Parses a social account; ``social_account_create/update`` validate the rest."""

    class Meta:
        model = SocialAccount
        fields = ["network", "handle", "kind", "audience_size", "mastodon_instance"]
        help_texts = {
            "handle": _("Your @handle or the address of your profile."),
            "audience_size": _("Followers or connections, roughly."),
            "kind": _("A professional account speaks for your job; a personal one for you."),
            "mastodon_instance": _(
                "Mastodon only: the server of your account, e.g. mastodon.social."
            ),
        }
        widgets = {
            "audience_size": forms.NumberInput(attrs={"min": 0}),
            "mastodon_instance": forms.TextInput(attrs={"placeholder": "mastodon.social"}),
        }


class ApiTokenForm(forms.Form):
    """Parses a new token; ``api_token_create`` decides."""

    LIFETIME_CHOICES = [
        (30, _("30 days")),
        (90, _("90 days")),
        (180, _("180 days")),
        (365, _("1 year")),
    ]

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “Company website”."),
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Expires after"),
        choices=LIFETIME_CHOICES,
        coerce=int,
        initial=90,
        help_text=_("The token stops working then; create a new one to keep going."),
    )


class AdminUserCreationForm(auth_forms.AdminUserCreationForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = ("email", "full_name")

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("A user with this e-mail address already exists."))
        return email


class AdminUserChangeForm(auth_forms.UserChangeForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        taken = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("A user with this e-mail address already exists."))
        return email


class OrganizationSettingsForm(forms.Form):
    """The approval policy and the compliance rules an organization admin sets."""

    approval_policy = forms.ChoiceField(
        label=_("Items that need a curator's approval"),
        choices=ApprovalPolicy.choices,
        widget=forms.RadioSelect,
    )
    disclosure_text = forms.CharField(
        label=_("Required disclosure"),
        max_length=100,
        required=False,
        help_text=_(
            "Added at the end of every share unless the ambassador already wrote it, "
            "and counted in the network's length limit. E.g. #IWorkAtAcme."
        ),
    )
    blocked_words = forms.CharField(
        label=_("Blocked words and phrases"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One per line. Whole words only, whatever the case and accents: "
            "“art” does not block “article”."
        ),
    )
    daily_share_limit = forms.IntegerField(
        label=_("Shares per ambassador per day"),
        min_value=0,
        max_value=1000,
        help_text=_("In the ambassador's time zone; 0 for no limit."),
    )
    sharing_start_hour = forms.IntegerField(
        label=_("Sharing allowed from (hour)"), min_value=0, max_value=23
    )
    sharing_end_hour = forms.IntegerField(
        label=_("Until (hour)"),
        min_value=1,
        max_value=24,
        help_text=_("In each ambassador's time zone; from 0 until 24 means at any time."),
    )
    burst_gap_minutes = forms.IntegerField(
        label=_("Minimum gap between colleagues sharing the same item on the same network"),
        min_value=0,
        max_value=1440,
        help_text=_("In minutes; later shares get a suggested time. 0 for off."),
    )

    FIELDS = (
        "approval_policy",
        "disclosure_text",
        "blocked_words",
        "daily_share_limit",
        "sharing_start_hour",
        "sharing_end_hour",
        "burst_gap_minutes",
    )

    @classmethod
    def initial_for(cls, organization: Organization) -> dict[str, Any]:
        return {name: getattr(organization, name) for name in cls.FIELDS}
