"""Forms of the privacy pages: confirming an erasure."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class EraseForm(forms.Form):
    """A person confirms they want their data erased, with their password."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm.")},
    )


class MemberEraseForm(forms.Form):
    """A manager confirms the member asked for the erasure."""

    confirm = forms.BooleanField(
        label=_(
            "This person asked for their data to be erased. I understand that this cannot be undone."
        ),
        error_messages={"required": _("Tick the box to confirm.")},
    )
