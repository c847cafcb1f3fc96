"""The ambassador's side: my programs, opting in with consent, leaving."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from ambassade.programs.models import Consent, Enrolment, EnrolmentStatus
from ambassade.programs.tests.helpers import make_enrolment
from ambassade.sharing.services import share_create
from ambassade.tracking.models import Click, TrackedLink
from tests.factories import SocialAccountFactory

NOW = timezone.now().replace(microsecond=0) + dt.timedelta(days=1)


def invite(world, membership):
    return make_enrolment(world.program, membership)


def join_data(world, accept=True, version=None):
    prefix = world.program.slug
    data = {f"{prefix}-version": version or world.program.consent_version}
    if accept:
        data[f"{prefix}-accept"] = "on"
    return data


def test_my_programs_shows_the_consent_text(world):
    world.program.consent_text = "I agree to share on my own terms."
    world.program.consent_version = 3
    world.program.save()
    response = world.client_for(world.ambassador).get(reverse("programs:my_programs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Talents Acme" in html
    assert "I agree to share on my own terms." in html
    assert "version 3" in html
    assert "Globex Pilot" not in html
    assert "Leave the program" in html


def test_my_programs_of_an_invited_person(world):
    invite(world, world.curator)
    response = world.client_for(world.curator).get(reverse("programs:my_programs"))
    html = response.content.decode()
    assert "Talents Acme" in html
    assert "Invited" in html
    assert "I have read and accept" in html


def test_my_programs_of_a_person_without_invitation(world):
    response = world.client_for(world.curator).get(reverse("programs:my_programs"))
    assert response.status_code == 200
    assert "Talents Acme" not in response.content.decode()


def test_stranger_sees_only_their_own_programs(world):
    response = world.client_for(world.stranger).get(reverse("programs:my_programs"))
    html = response.content.decode()
    assert "Globex Pilot" in html
    assert "Talents Acme" not in html


def test_invite_then_join_records_consent(world):
    world.client_for(world.manager).post(
        reverse("programs:invite", args=["talents-acme"]), {"memberships": [world.curator.pk]}
    )
    client = world.client_for(world.curator)
    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse("programs:join", args=["talents-acme"]), join_data(world))
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:my_programs")
    enrolment = Enrolment.objects.get(program=world.program, membership=world.curator)
    assert enrolment.status == EnrolmentStatus.ACTIVE
    assert enrolment.joined_at == NOW
    consent = enrolment.consents.get()
    assert consent.text == world.program.consent_text
    assert consent.version == 1
    assert consent.given_at == NOW
    assert consent.withdrawn_at is None
    page = client.get(reverse("programs:my_programs")).content.decode()
    assert "Leave the program" in page


def test_join_without_ticking_the_box_changes_nothing(world):
    invite(world, world.curator)
    response = world.client_for(world.curator).post(
        reverse("programs:join", args=["talents-acme"]), join_data(world, accept=False)
    )
    assert response.status_code == 200
    assert (
        "Tick the box to confirm you have read and accept the consent text."
        in response.content.decode()
    )
    enrolment = Enrolment.objects.get(program=world.program, membership=world.curator)
    assert enrolment.status == EnrolmentStatus.INVITED
    assert enrolment.joined_at is None
    assert not Consent.objects.exists()


def test_join_after_the_consent_text_changed_asks_to_read_again(world):
    invite(world, world.curator)
    world.program.consent_version = 2
    world.program.save()
    response = world.client_for(world.curator).post(
        reverse("programs:join", args=["talents-acme"]), join_data(world, version=1)
    )
    assert response.status_code == 200
    assert "The consent text has just changed. Please read it again." in (response.content.decode())
    assert not Consent.objects.exists()


def test_join_without_invitation_is_404(world):
    response = world.client_for(world.curator).post(
        reverse("programs:join", args=["talents-acme"]), join_data(world)
    )
    assert response.status_code == 404
    assert not Enrolment.objects.filter(membership=world.curator).exists()


def test_stranger_cannot_join_acme_programs(world):
    response = world.client_for(world.stranger).post(
        reverse("programs:join", args=["talents-acme"]), join_data(world)
    )
    assert response.status_code == 404
    assert not Enrolment.objects.filter(program=world.program, membership=world.stranger).exists()
    assert not Consent.objects.exists()


def test_stranger_cannot_leave_for_an_acme_ambassador(world):
    response = world.client_for(world.stranger).post(
        reverse("programs:leave", args=["talents-acme"])
    )
    assert response.status_code == 404
    enrolment = Enrolment.objects.get(program=world.program, membership=world.ambassador)
    assert enrolment.status == EnrolmentStatus.ACTIVE


@pytest.mark.parametrize("name", ["join", "leave"])
def test_join_and_leave_need_post(world, name):
    response = world.client_for(world.ambassador).get(
        reverse(f"programs:{name}", args=["talents-acme"])
    )
    assert response.status_code == 405


def test_leave_withdraws_consent_and_stops_attribution(world):
    client = world.client_for(world.ambassador)
    # Re-join first, so that an open consent exists to withdraw.
    client.post(reverse("programs:leave", args=["talents-acme"]))
    client.post(reverse("programs:join", args=["talents-acme"]), join_data(world))
    outcome = share_create(
        actor=world.ambassador,
        item=world.item,
        network="linkedin",
        commentary="Ce que l'IA change vraiment pour nos métiers, à lire.",
        now=timezone.now(),
    )
    code = outcome.share.link.code
    before = client.get(f"/r/{code}")
    assert before.status_code == 302
    assert "utm_campaign=talents-acme" in before["Location"]
    assert Click.objects.count() == 1

    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse("programs:leave", args=["talents-acme"]))
    assert response.status_code == 302

    enrolment = Enrolment.objects.get(program=world.program, membership=world.ambassador)
    assert enrolment.status == EnrolmentStatus.LEFT
    assert enrolment.left_at == NOW
    consent = enrolment.consents.get()
    assert consent.withdrawn_at == NOW

    after = world.client_for(world.curator).get(f"/r/{code}")
    assert after.status_code == 302
    assert after["Location"] == world.item.url
    assert Click.objects.count() == 1

    page = client.get(reverse("programs:my_programs")).content.decode()
    assert "You left on" in page
    assert "I have read and accept" in page


def test_leave_leaves_other_peoples_links_alone(world):
    other = world.client_for(world.manager)
    world.manager.is_ambassador = True
    world.manager.save()
    make_enrolment(world.program, world.manager, status="active")
    SocialAccountFactory(user=world.manager.user, network="linkedin", handle="marc")
    outcome = share_create(
        actor=world.manager,
        item=world.item,
        network="linkedin",
        commentary="Mon regard sur ce marché.",
        now=timezone.now(),
    )
    world.client_for(world.ambassador).post(reverse("programs:leave", args=["talents-acme"]))
    assert TrackedLink.objects.get(pk=outcome.share.link.pk).is_attributed
    assert other.get(f"/r/{outcome.share.link.code}")["Location"] != world.item.url


def test_rejoin_gives_a_new_consent_and_attributes_new_shares_only(world):
    client = world.client_for(world.ambassador)
    first = share_create(
        actor=world.ambassador,
        item=world.item,
        network="linkedin",
        commentary="Première lecture, mon avis.",
        now=timezone.now(),
    )
    client.post(reverse("programs:leave", args=["talents-acme"]))
    response = client.post(reverse("programs:join", args=["talents-acme"]), join_data(world))
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(program=world.program, membership=world.ambassador)
    assert enrolment.status == EnrolmentStatus.ACTIVE
    assert enrolment.left_at is None
    assert enrolment.consents.filter(withdrawn_at__isnull=True).count() == 1
    second = share_create(
        actor=world.ambassador,
        item=world.item,
        network="x",
        commentary="Deuxième lecture.",
        now=timezone.now(),
    )
    assert not TrackedLink.objects.get(pk=first.share.link.pk).is_attributed
    assert TrackedLink.objects.get(pk=second.share.link.pk).is_attributed


def test_leave_twice_says_so(world):
    client = world.client_for(world.ambassador)
    client.post(reverse("programs:leave", args=["talents-acme"]))
    response = client.post(reverse("programs:leave", args=["talents-acme"]), follow=True)
    assert "You are not an active member of this program." in response.content.decode()


def test_no_new_share_after_leaving(world):
    from django.core.exceptions import PermissionDenied

    world.client_for(world.ambassador).post(reverse("programs:leave", args=["talents-acme"]))
    with pytest.raises(PermissionDenied):
        share_create(
            actor=world.ambassador,
            item=world.item,
            network="linkedin",
            commentary="Encore une fois.",
            now=timezone.now(),
        )
