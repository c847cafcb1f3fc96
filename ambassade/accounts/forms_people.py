"""Forms of the People page (organization admins): they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ambassade.accounts.models import Language, Membership, Role, Seniority

ROLE_HELP = {
    Role.ADMIN: _("People, roles and the organization's settings; everything else too."),
    Role.MANAGER: _("Programs, objectives, waves, points, rewards, dashboards, newsletter."),
    Role.CURATOR: _("Content to share, feeds, approvals."),
    Role.AMBASSADOR: _("Shares content in their own words and earns points."),
}


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("All roles")), *Role.choices, ("none", _("No role"))],
    )
    department = forms.ChoiceField(label=_("Department"), required=False)

    def __init__(self, *args: Any, departments: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [  # type: ignore[attr-defined]
            ("", _("All departments")),
            *((name, name) for name in departments),
        ]

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"search": "", "role": "", "department": ""}
        data = self.cleaned_data
        return {"search": data["q"], "role": data["role"], "department": data["department"]}


class MemberForm(forms.Form):
    """A member's roles and details in the organization."""

    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    department = forms.CharField(label=_("Department"), max_length=100, required=False)
    specialty = forms.CharField(label=_("Specialty"), max_length=100, required=False)
    seniority = forms.ChoiceField(
        label=_("Seniority"), choices=[("", "—"), *Seniority.choices], required=False
    )
    office = forms.CharField(label=_("Office"), max_length=100, required=False)

    DETAILS = ("department", "specialty", "seniority", "office")

    @classmethod
    def initial_for(cls, membership: Membership) -> dict[str, Any]:
        return {
            "roles": [role.value for role in membership.roles],
            **{name: getattr(membership, name) for name in cls.DETAILS},
        }

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"roles": data["roles"], **{name: data[name] for name in self.DETAILS}}


class MemberAddForm(MemberForm):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        required=False,
        help_text=_("Needed when the person has no Ambassade account yet."),
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=Language.choices,
        initial=Language.FRENCH,
        help_text=_("For a new account; people who have one keep their own."),
    )
    field_order = ["email", "full_name", "language", "roles"]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **super().values(),
            "email": data["email"],
            "full_name": data["full_name"],
            "language": data["language"],
        }
