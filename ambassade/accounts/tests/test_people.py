"""The People page of organization admins: list, roles, add by e-mail, remove; all audited."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse

from ambassade.accounts.models import Membership, Notification, User
from ambassade.accounts.people import (
    membership_add,
    membership_invitation_resend,
    membership_remove,
    membership_update,
)
from ambassade.audit.models import AuditAction, AuditEntry
from ambassade.programs.models import Enrolment, EnrolmentStatus
from ambassade.rewards.selectors import lifetime_points
from ambassade.rewards.services import points_award
from ambassade.rewards.tests.helpers import make_share
from ambassade.sharing.models import Share
from conftest import World
from tests.factories import MembershipFactory, UserFactory

NOW = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)
PEOPLE = reverse("accounts:people")
ADD = reverse("accounts:person_add")


def speak_english(membership: Membership) -> None:
    membership.user.language = "en"
    membership.user.save()


def person_url(membership: Membership) -> str:
    return reverse("accounts:person", args=[membership.pk])


def remove_url(membership: Membership) -> str:
    return reverse("accounts:person_remove", args=[membership.pk])


def entries(action: AuditAction) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action))


# --- The list ------------------------------------------------------------------------


def test_an_admin_sees_the_members_and_filters_them(world: World) -> None:
    speak_english(world.admin)
    world.ambassador.department = "Data"
    world.ambassador.office = "Lyon"
    world.ambassador.save()
    client = world.client_for(world.admin)
    page = client.get(PEOPLE).content.decode()
    for member in (world.admin, world.manager, world.curator, world.ambassador):
        assert f'data-member="{member.pk}"' in page
        assert member.user.email in page
    assert "sam@globex.example" not in page
    assert "Lyon" in page
    assert f'href="{PEOPLE}"' in page  # in the top bar

    curators = client.get(PEOPLE, {"role": "curator"}).content.decode()
    assert f'data-member="{world.curator.pk}"' in curators
    assert f'data-member="{world.ambassador.pk}"' not in curators
    assert (
        f'data-member="{world.admin.pk}"' in client.get(PEOPLE, {"role": "admin"}).content.decode()
    )
    found = client.get(PEOPLE, {"q": "amine"}).content.decode()
    assert f'data-member="{world.ambassador.pk}"' in found
    assert f'data-member="{world.manager.pk}"' not in found
    data = client.get(PEOPLE, {"department": "Data"}).content.decode()
    assert 'data-people-count="1"' in data


def test_the_page_and_its_link_are_for_admins_only(world: World) -> None:
    for membership in (world.manager, world.curator, world.ambassador):
        client = world.client_for(membership)
        assert f'href="{PEOPLE}"' not in client.get(reverse("accounts:profile")).content.decode()
        assert client.get(PEOPLE).status_code == 403
        assert client.get(ADD).status_code == 403
        assert client.get(person_url(world.ambassador)).status_code == 403
        assert client.post(remove_url(world.ambassador)).status_code == 403
    assert Membership.objects.filter(pk=world.ambassador.pk, user=world.ambassador.user).exists()


def test_a_stranger_admin_sees_only_their_own_organization(world: World) -> None:
    client = world.client_for(world.stranger)
    page = client.get(PEOPLE).content.decode()
    assert "sam@globex.example" in page
    assert "amine@acme.example" not in page
    assert client.get(person_url(world.ambassador)).status_code == 404
    assert client.post(person_url(world.ambassador), {"roles": ["admin"]}).status_code == 404
    assert client.post(remove_url(world.ambassador)).status_code == 404
    with pytest.raises(Http404):
        membership_update(
            actor=world.stranger, membership_id=world.ambassador.pk, roles=["admin"], now=NOW
        )
    with pytest.raises(Http404):
        membership_remove(actor=world.stranger, membership_id=world.ambassador.pk, now=NOW)
    assert not Membership.objects.get(pk=world.ambassador.pk).is_admin
    assert not AuditEntry.objects.exists()


def test_services_refuse_other_roles(world: World) -> None:
    for membership in (world.manager, world.curator, world.ambassador):
        with pytest.raises(PermissionDenied):
            membership_update(
                actor=membership, membership_id=membership.pk, roles=["admin"], now=NOW
            )
        with pytest.raises(PermissionDenied):
            membership_add(actor=membership, email="x@acme.example", roles=[], now=NOW)
        with pytest.raises(PermissionDenied):
            membership_remove(actor=membership, membership_id=world.ambassador.pk, now=NOW)
    assert not AuditEntry.objects.exists()


# --- Roles and details ---------------------------------------------------------------


def test_changing_roles_is_audited_with_before_and_after(world: World) -> None:
    speak_english(world.admin)
    client = world.client_for(world.admin)
    response = client.post(
        person_url(world.ambassador),
        {"roles": ["ambassador", "curator"], "department": "Data", "seniority": "junior"},
        follow=True,
    )
    assert "Amine Ambassadeur&#x27;s details have been saved." in response.content.decode()
    member = Membership.objects.get(pk=world.ambassador.pk)
    assert (member.is_curator, member.is_ambassador, member.department) == (True, True, "Data")
    (entry,) = entries(AuditAction.ROLES_CHANGED)
    assert entry.actor == world.admin
    assert entry.subject == member
    assert entry.details == {"before": ["ambassador"], "after": ["curator", "ambassador"]}
    # Details alone are not a sensitive change.
    client.post(
        person_url(world.ambassador), {"roles": ["ambassador", "curator"], "office": "Lyon"}
    )
    assert Membership.objects.get(pk=world.ambassador.pk).office == "Lyon"
    assert AuditEntry.objects.count() == 1


def test_the_last_admin_keeps_the_role(world: World) -> None:
    speak_english(world.admin)
    client = world.client_for(world.admin)
    response = client.post(person_url(world.admin), {"roles": ["manager"]})
    assert response.status_code == 200
    assert "the organization&#x27;s last admin" in response.content.decode()
    assert Membership.objects.get(pk=world.admin.pk).is_admin
    assert client.post(remove_url(world.admin)).status_code == 400
    assert Membership.objects.get(pk=world.admin.pk).user == world.admin.user
    assert not AuditEntry.objects.exists()

    # With a second admin, one may step down.
    membership_update(
        actor=world.admin, membership_id=world.manager.pk, roles=["admin", "manager"], now=NOW
    )
    membership_update(actor=world.admin, membership_id=world.admin.pk, roles=["manager"], now=NOW)
    assert not Membership.objects.get(pk=world.admin.pk).is_admin
    assert len(entries(AuditAction.ROLES_CHANGED)) == 2


def test_unknown_roles_are_refused(world: World) -> None:
    with pytest.raises(ValidationError):
        membership_update(
            actor=world.admin, membership_id=world.ambassador.pk, roles=["superuser"], now=NOW
        )


# --- Adding people -------------------------------------------------------------------


def test_a_new_person_is_invited_to_choose_a_password(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    speak_english(world.admin)
    client = world.client_for(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ADD,
            {
                "email": " Nadia@Acme.example ",
                "full_name": "Nadia Nouvelle",
                "language": "en",
                "roles": ["ambassador"],
                "department": "RH",
            },
            follow=True,
        )
    assert "an invitation to choose a password is on its way" in response.content.decode()
    user = User.objects.get(email="nadia@acme.example")
    assert not user.has_usable_password()
    member = Membership.objects.get(user=user, organization=world.org)
    assert (member.is_ambassador, member.department) == (True, "RH")
    (entry,) = entries(AuditAction.MEMBER_ADDED)
    assert (entry.actor, entry.subject) == (world.admin, member)
    assert entry.details == {"roles": ["ambassador"], "new_account": True}

    (message,) = mail.outbox
    assert message.to == ["nadia@acme.example"]
    assert "Acme Conseil" in message.subject
    link = re.search(r"http://testserver(/accounts/password/reset/\S+)", str(message.body))
    assert link is not None
    # The link lets her choose a password, then log in.
    newcomer = Client()
    form_page = newcomer.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    newcomer.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1),
        {"new_password1": "un nouveau mot de passe", "new_password2": "un nouveau mot de passe"},
    )
    assert User.objects.get(pk=user.pk).check_password("un nouveau mot de passe")


def test_an_existing_account_gets_a_membership_and_a_message(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        membership = membership_add(
            actor=world.admin, email="SAM@globex.example", roles=["curator"], now=NOW
        )
    assert membership.user == world.stranger.user
    assert membership.organization == world.org
    assert membership.is_curator
    assert world.stranger.user.has_usable_password()
    assert Notification.objects.filter(user=world.stranger.user, organization=world.org).exists()
    assert mail.outbox
    assert "Acme Conseil" in mail.outbox[0].subject
    (entry,) = entries(AuditAction.MEMBER_ADDED)
    assert entry.details == {"roles": ["curator"], "new_account": False}


def test_adding_someone_twice_or_without_a_name_is_explained(world: World) -> None:
    speak_english(world.admin)
    client = world.client_for(world.admin)
    page = client.post(ADD, {"email": "amine@acme.example", "language": "fr", "roles": ["curator"]})
    assert "already a member of the organization" in page.content.decode()
    page = client.post(ADD, {"email": "new@acme.example", "language": "fr", "roles": ["curator"]})
    assert "enter their name" in page.content.decode()
    assert not User.objects.filter(email="new@acme.example").exists()
    assert not AuditEntry.objects.exists()
    assert not mail.outbox


def test_the_invitation_can_be_sent_again_until_a_password_is_chosen(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        member = membership_add(
            actor=world.admin,
            email="nadia@acme.example",
            full_name="Nadia Nouvelle",
            roles=["ambassador"],
            now=NOW,
        )
    client = world.client_for(world.admin)
    resend = reverse("accounts:person_invitation", args=[member.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(resend).status_code == 302
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == ["nadia@acme.example"]
    with pytest.raises(ValidationError):
        membership_invitation_resend(actor=world.admin, membership_id=world.ambassador.pk, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        assert world.client_for(world.stranger).post(resend).status_code == 404
        assert world.client_for(world.manager).post(resend).status_code == 403
    assert len(mail.outbox) == 2


# --- Removing people -----------------------------------------------------------------


def test_a_removed_member_loses_access_and_their_history_stays_anonymous(world: World) -> None:
    speak_english(world.admin)
    share = make_share(world.ambassador, world.item, world.program, at=NOW)
    points_award(
        membership=world.ambassador, program=world.program, rule="share", source=share, now=NOW
    )
    amine = world.ambassador.user
    client = world.client_for(world.admin)
    assert "Amine Ambassadeur" in client.get(remove_url(world.ambassador)).content.decode()
    response = client.post(remove_url(world.ambassador), follow=True)
    assert "Amine Ambassadeur has been removed" in response.content.decode()

    member = Membership.objects.get(pk=world.ambassador.pk)
    assert member.user != amine
    assert not member.user.is_active
    assert member.user.full_name == ""
    assert member.roles == []
    assert not Membership.objects.filter(user=amine, organization=world.org).exists()
    # What they did still counts, without their name.
    assert Share.objects.get(pk=share.pk).membership == member
    assert Share.objects.get(pk=share.pk).ambassador == member.user
    assert lifetime_points(membership=member, program=world.program) > 0
    enrolment = Enrolment.objects.get(membership=member, program=world.program)
    assert enrolment.status == EnrolmentStatus.LEFT
    # They are off the list, and their account no longer opens the organization.
    assert f'data-member="{member.pk}"' not in client.get(PEOPLE).content.decode()
    assert world.client_for(world.ambassador).get(reverse("sharing:feed")).status_code == 403
    (entry,) = entries(AuditAction.MEMBER_REMOVED)
    assert (entry.actor, entry.subject) == (world.admin, member)
    assert entry.details == {"roles": ["ambassador"], "user_id": amine.pk}
    log = client.get(reverse("audit:log")).content.decode()
    assert "Alice Admin removed Amine Ambassadeur from the organization" in log


def test_an_admin_may_leave_when_another_admin_remains(world: World) -> None:
    world.manager.is_admin = True
    world.manager.save()
    client = world.client_for(world.admin)
    response = client.post(remove_url(world.admin))
    assert response.status_code == 302
    assert not Membership.objects.filter(user=world.admin.user).exists()
    (entry,) = entries(AuditAction.MEMBER_REMOVED)
    assert entry.actor_id == world.admin.pk


def test_a_person_added_back_after_removal_starts_afresh(world: World) -> None:
    membership_remove(actor=world.admin, membership_id=world.ambassador.pk, now=NOW)
    again = membership_add(
        actor=world.admin, email="amine@acme.example", roles=["ambassador"], now=NOW
    )
    assert again.pk != world.ambassador.pk
    assert again.user == world.ambassador.user


# --- The Django admin ----------------------------------------------------------------


@pytest.fixture
def staff(world: World) -> Client:
    client = Client()
    user: User = UserFactory.create(email="ops@ambassade.example", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def membership_form(membership: Membership, **roles: bool) -> dict[str, object]:
    data: dict[str, object] = {
        "user": membership.user_id,
        "organization": membership.organization_id,
        "department": membership.department,
        "specialty": membership.specialty,
        "seniority": membership.seniority,
        "office": membership.office,
        "created_at_0": "2026-01-01",
        "created_at_1": "09:00:00",
    }
    for role in ("is_admin", "is_manager", "is_curator", "is_ambassador"):
        if roles.get(role, getattr(membership, role)):
            data[role] = "on"
    return data


def test_roles_changed_in_the_django_admin_are_audited(world: World, staff: Client) -> None:
    url = reverse("admin:accounts_membership_change", args=[world.ambassador.pk])
    response = staff.post(url, membership_form(world.ambassador, is_curator=True))
    assert response.status_code == 302
    (entry,) = entries(AuditAction.ROLES_CHANGED)
    assert entry.actor is None
    assert entry.subject == world.ambassador
    assert entry.details == {
        "via": "django admin",
        "before": ["ambassador"],
        "after": ["curator", "ambassador"],
    }


def test_a_staff_member_of_the_organization_is_the_actor(world: World, staff: Client) -> None:
    world.admin.user.is_staff = True
    world.admin.user.is_superuser = True
    world.admin.user.save()
    url = reverse("admin:accounts_membership_change", args=[world.curator.pk])
    world.client_for(world.admin).post(url, membership_form(world.curator, is_manager=True))
    (entry,) = entries(AuditAction.ROLES_CHANGED)
    assert entry.actor == world.admin


def test_memberships_added_in_the_django_admin_are_audited(world: World, staff: Client) -> None:
    user: User = UserFactory.create(email="new@acme.example")
    data = membership_form(MembershipFactory.build(user=user, organization=world.org))
    data["is_ambassador"] = "on"
    response = staff.post(reverse("admin:accounts_membership_add"), data)
    assert response.status_code == 302
    (entry,) = entries(AuditAction.MEMBER_ADDED)
    assert entry.subject == Membership.objects.get(user=user)
    assert entry.details == {"via": "django admin", "roles": ["ambassador"]}
    # Editing details only leaves no new entry.
    staff.post(
        reverse("admin:accounts_membership_change", args=[entry.subject_id]),
        {**data, "office": "Lyon"},
    )
    assert AuditEntry.objects.count() == 1


def test_roles_changed_in_an_inline_are_audited(world: World, staff: Client) -> None:
    url = reverse("admin:accounts_organization_change", args=[world.org.pk])
    page = staff.get(url)
    form = page.context["adminform"].form
    data: dict[str, object] = {
        name: value for name, value in form.initial.items() if value is not None
    }
    data["created_at_0"] = "2026-01-01"
    data["created_at_1"] = "09:00:00"
    inline = page.context["inline_admin_formsets"][0].formset
    prefix = inline.prefix
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": len(inline.forms),
            f"{prefix}-INITIAL_FORMS": len(inline.forms),
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
    )
    for index, subform in enumerate(inline.forms):
        member = subform.instance
        data[f"{prefix}-{index}-id"] = member.pk
        data[f"{prefix}-{index}-organization"] = world.org.pk
        data[f"{prefix}-{index}-user"] = member.user_id
        data[f"{prefix}-{index}-department"] = member.department
        for role in ("is_admin", "is_manager", "is_curator", "is_ambassador"):
            wanted = getattr(member, role) or (member.pk == world.curator.pk and role == "is_admin")
            if wanted:
                data[f"{prefix}-{index}-{role}"] = "on"
    response = staff.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    (entry,) = entries(AuditAction.ROLES_CHANGED)
    assert entry.subject == world.curator
    assert entry.details["after"] == ["admin", "curator"]


def test_the_conversion_secret_changed_in_the_django_admin_is_audited(
    world: World, staff: Client
) -> None:
    url = reverse("admin:accounts_organization_change", args=[world.org.pk])
    page = staff.get(url)
    form = page.context["adminform"].form
    data: dict[str, object] = {
        name: value for name, value in form.initial.items() if value is not None
    }
    data["created_at_0"] = "2026-01-01"
    data["created_at_1"] = "09:00:00"
    data["conversion_secret"] = "a-brand-new-secret"
    data["disclosure_text"] = "#Acme"
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": 0,
            f"{prefix}-INITIAL_FORMS": 0,
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
    )
    response = staff.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    (rotated,) = entries(AuditAction.CONVERSION_SECRET_ROTATED)
    assert rotated.details == {"via": "django admin"}
    assert "a-brand-new-secret" not in str(rotated.details)
    (settings_entry,) = entries(AuditAction.ORGANIZATION_SETTINGS_CHANGED)
    assert "disclosure_text" in settings_entry.details["fields"]
    assert "created_at" not in settings_entry.details["fields"]


def test_every_page_renders_in_french(world: World) -> None:
    membership_update(
        actor=world.admin, membership_id=world.ambassador.pk, roles=["curator"], now=NOW
    )
    client = world.client_for(world.admin)  # French, the default
    for url, marker in (
        (PEOPLE, "data-person-add"),
        (ADD, "data-roles-field"),
        (person_url(world.ambassador), "data-remove"),
        (remove_url(world.ambassador), "data-confirm-remove"),
        (reverse("audit:log"), "data-export-csv"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert marker in response.content.decode(), url
