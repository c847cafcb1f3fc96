from __future__ import annotations

import datetime as dt

from django.urls import reverse

from ambassade.accounts.models import Network
from ambassade.programs.models import Consent, EnrolmentStatus
from ambassade.sharing.services import share_create
from ambassade.training.selectors import onboarding_for, onboarding_team
from ambassade.training.services import charter_acknowledge, charter_version_publish, quiz_submit
from ambassade.training.tests.helpers import answers, quiz_module
from tests.factories import EnrolmentFactory, MembershipFactory, SocialAccountFactory, WaveFactory

NOW = dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.UTC)


def _done(membership) -> list[str]:
    return [s.code for s in onboarding_for(membership=membership).steps if s.done]


def test_a_new_ambassador_goes_through_the_steps(world) -> None:
    newcomer = MembershipFactory.create(organization=world.org, is_ambassador=True)
    enrolment = EnrolmentFactory.create(
        program=world.program, membership=newcomer, status=EnrolmentStatus.INVITED, joined_at=None
    )
    version = charter_version_publish(
        actor=world.manager, program=world.program, text="Be kind.", note="", now=NOW
    )
    assert _done(newcomer) == []
    assert onboarding_for(membership=newcomer).percent == 0

    enrolment.status = EnrolmentStatus.ACTIVE
    enrolment.save()
    Consent.objects.create(enrolment=enrolment, text="ok", version=1, given_at=NOW)
    assert _done(newcomer) == ["consent"]
    charter_acknowledge(actor=newcomer, program=world.program, version_id=version.pk, now=NOW)
    assert _done(newcomer) == ["consent", "charter"]
    module = quiz_module(world.org)
    quiz_submit(actor=newcomer, module=module, answers=answers(module), now=NOW)
    SocialAccountFactory.create(user=newcomer.user, network=Network.X, handle="@new")
    assert _done(newcomer) == ["consent", "charter", "module", "networks"]
    share_create(
        actor=newcomer, item=world.item, network=Network.X, commentary="Mon regard.", now=NOW
    )
    onboarding = onboarding_for(membership=newcomer)
    assert onboarding.complete
    assert onboarding.percent == 100


def test_onboarding_page_and_widget(world) -> None:
    client = world.client_for(world.ambassador)
    page = client.get(reverse("training:onboarding")).content.decode()
    assert 'data-step="consent"' in page
    feed = client.get(reverse("sharing:feed")).content.decode()
    assert "data-onboarding-widget" in feed


def test_manager_sees_each_person_by_wave(world) -> None:
    wave = WaveFactory.create(program=world.program, name="Vague pilote")
    newcomer = MembershipFactory.create(organization=world.org, is_ambassador=True)
    EnrolmentFactory.create(
        program=world.program, membership=newcomer, wave=wave, status=EnrolmentStatus.INVITED
    )
    groups = onboarding_team(program=world.program)
    by_wave = {g.wave.name if g.wave else None: g for g in groups}
    assert [m.membership for m in by_wave["Vague pilote"].members] == [newcomer]
    client = world.client_for(world.manager)
    page = client.get(reverse("training:onboarding_team")).content.decode()
    assert "Vague pilote" in page
    assert newcomer.user.full_name in page


def test_team_page_refuses_ambassadors_and_strangers_see_only_theirs(world) -> None:
    url = reverse("training:onboarding_team")
    assert world.client_for(world.ambassador).get(url).status_code == 403
    page = world.client_for(world.stranger).get(url).content.decode()
    assert world.ambassador.user.full_name not in page
    assert world.program.name not in page
