from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import CharField

from ambassade.accounts.models import Membership, Organization, SocialAccount, User
from ambassade.content.models import ContentItem, Family, ItemStatus
from ambassade.demo.generator import DemoSizes, demo_flush, demo_generate
from ambassade.lib.own_words import own_words_ratio
from ambassade.programs.models import Consent, Enrolment, EnrolmentStatus, Phase, Program
from ambassade.sharing.models import Share
from ambassade.tracking.models import Click, TrackedLink

NOW = dt.datetime(2026, 3, 16, 10, 30, tzinfo=dt.UTC)
SMALL = DemoSizes(ambassadors=12, days=20)
IPV4 = re.compile(r"\b\d{1,3}(\.\d{1,3}){3}\b")
IPV6 = re.compile(r"\b[0-9a-f]{1,4}(:[0-9a-f]{0,4}){2,7}\b", re.IGNORECASE)

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--ambassadors", "12", "--days", "20", *args, stdout=out)
    return out.getvalue()


def fingerprint() -> tuple[object, ...]:
    return (
        User.objects.count(),
        SocialAccount.objects.count(),
        ContentItem.objects.count(),
        Share.objects.count(),
        Click.objects.count(),
        Click.objects.filter(is_bot=True).count(),
        list(TrackedLink.objects.order_by("id").values_list("code", flat=True)[:5]),
        list(Share.objects.order_by("id").values_list("commentary", flat=True)[:3]),
    )


def test_command_loads_an_agency_running_two_client_organizations() -> None:
    output = seed()

    orgs = Organization.objects.order_by("name")
    assert [org.name for org in orgs] == ["Maison Caldera", "Verdane Énergie"]
    operator = User.objects.get(email="camille.laurent@rivage.example")
    admin_of = Membership.objects.filter(user=operator, is_admin=True)
    assert {m.organization.slug for m in admin_of} == {"verdane-energie", "maison-caldera"}
    for org in orgs:
        members = Membership.objects.filter(organization=org)
        assert members.filter(is_manager=True).exists()
        assert members.filter(is_curator=True).exists()
        assert members.filter(is_ambassador=True).exists()
    assert Membership.objects.filter(is_ambassador=True).count() == 12
    superuser = User.objects.get(email="admin@ambassade.example")
    assert superuser.is_staff
    assert superuser.is_superuser
    assert operator.check_password("ambassade-demo")
    # The summary and the logins, in French.
    assert "Organisations  2" in output
    assert "Ambassadeurs   12" in output
    assert "mot de passe pour tous : ambassade-demo" in output
    assert "camille.laurent@rivage.example" in output
    assert "Ambassadeur (très actif)" in output
    assert "/admin/" in output


def test_people_have_offices_time_zones_and_accounts_on_known_networks() -> None:
    demo_generate(seed=7, now=NOW, sizes=DemoSizes(ambassadors=40, days=30))

    ambassadors = Membership.objects.filter(is_ambassador=True).select_related("user")
    for membership in ambassadors:
        expected = "Africa/Casablanca" if membership.office == "Casablanca" else "Europe/Paris"
        assert membership.user.time_zone == expected
        assert membership.department
        assert membership.specialty
        assert membership.seniority
        accounts = SocialAccount.objects.filter(user=membership.user)
        assert 1 <= accounts.count() <= 3
    assert {m.office for m in ambassadors} == {"Paris", "Casablanca"}
    assert SocialAccount.objects.filter(network="linkedin").count() >= 30
    for account in SocialAccount.objects.filter(network="mastodon"):
        assert account.mastodon_instance


def test_programs_have_their_phases_waves_objectives_and_consents() -> None:
    demo_generate(seed=42, now=NOW, sizes=SMALL)

    verdane = Program.objects.get(organization__slug="verdane-energie")
    assert verdane.name == "Ambassadeurs Verdane"
    assert verdane.phase == Phase.ROLLOUT
    assert list(verdane.waves.values_list("name", flat=True)) == ["Pilote", "Déploiement"]
    assert "mastodon" in verdane.allowed_networks
    assert {o.kind for o in verdane.objectives.all()} == {"applicants", "awareness", "traffic"}
    assert verdane.objectives.filter(targets__metric="applications").exists()
    caldera = Program.objects.get(organization__slug="maison-caldera")
    assert caldera.phase == Phase.PILOT
    assert list(caldera.waves.values_list("name", flat=True)) == ["Pilote"]
    assert set(caldera.allowed_networks) == {"linkedin", "facebook", "threads", "x"}
    assert caldera.budget_currency == "EUR"

    statuses = set(Enrolment.objects.values_list("status", flat=True))
    assert statuses == {EnrolmentStatus.ACTIVE, EnrolmentStatus.INVITED, EnrolmentStatus.LEFT}
    for enrolment in Enrolment.objects.all():
        consents = Consent.objects.filter(enrolment=enrolment)
        if enrolment.status == EnrolmentStatus.INVITED:
            assert not consents.exists()
        else:
            joined_at = enrolment.joined_at
            assert joined_at is not None
            assert consents.exists()
            assert all(c.text and c.given_at >= joined_at for c in consents)
        if enrolment.status == EnrolmentStatus.LEFT:
            assert consents.filter(withdrawn_at=enrolment.left_at).exists()


def test_content_mixes_company_and_market_items_on_example_domains() -> None:
    demo_generate(seed=42, now=NOW, sizes=SMALL)

    items = ContentItem.objects.all()
    company = items.filter(family=Family.COMPANY).count()
    assert 10 <= 100 * company / items.count() <= 30
    for item in items:
        assert re.match(r"^https://[a-z0-9.-]+\.example/", item.url), item.url
        assert item.suggested_messages.count() in {1, 2, 3}
        assert item.programs.count() == 1
        assert item.created_by is not None
        assert item.created_by.memberships.get().is_curator
    assert items.filter(status=ItemStatus.PUBLISHED, publish_at__gt=NOW).exists()  # scheduled
    assert items.filter(status=ItemStatus.DRAFT).exists()
    assert items.filter(expires_at__isnull=False).exists()


def test_shares_follow_the_programs_rules_and_measure_own_words() -> None:
    demo_generate(seed=42, now=NOW, sizes=SMALL)

    shares = Share.objects.select_related("program", "item", "social_account", "link")
    assert shares.count() > 10
    ratios = set()
    for share in shares:
        assert share.network in share.program.allowed_networks
        assert SocialAccount.objects.filter(user=share.ambassador, network=share.network).exists()
        assert share.social_account is not None
        assert share.social_account.user_id == share.ambassador_id
        assert share.item.publish_at is not None
        assert share.created_at > share.item.publish_at
        assert share.created_at <= NOW
        assert share.membership.enrolments.filter(program=share.program).exists()
        if share.network in {"x", "bluesky"}:
            assert len(share.commentary) <= 250
        suggestions = [m.text for m in share.item.suggested_messages.all()]
        expected = own_words_ratio(
            share.commentary, [*suggestions, share.item.title, share.item.summary]
        )
        assert share.own_words_ratio == expected
        ratios.add(share.own_words_ratio)
        link = share.link
        assert re.fullmatch(r"[0-9A-Za-z]{10}", link.code)
        assert link.plain_url == share.item.url
        assert f"utm_content={share.pk}" in link.destination
        assert f"utm_campaign={share.program.slug}" in link.destination
    assert len(ratios) > 3  # own words vary from one share to the next


def test_clicks_come_after_their_share_with_bots_and_no_ip_address() -> None:
    demo_generate(seed=42, now=NOW, sizes=SMALL)

    clicks = Click.objects.select_related("link__share")
    text_columns = [f.attname for f in Click._meta.concrete_fields if isinstance(f, CharField)]
    assert "visitor_hash" in text_columns
    total = clicks.count()
    assert total > 20
    bots = clicks.filter(is_bot=True)
    assert 5 <= 100 * bots.count() / total <= 30
    assert all(click.bot_reason for click in bots)
    assert not clicks.filter(is_bot=False).exclude(bot_reason="").exists()
    for click in clicks:
        assert click.link.share.created_at < click.clicked_at <= NOW
        assert click.organization_id == click.link.organization_id
        assert re.fullmatch(r"[0-9a-f]{32}", click.visitor_hash)
        for name in text_columns:
            value = getattr(click, name)
            assert not IPV4.search(value), value
            assert not IPV6.search(value), value
    assert clicks.values("click_id").distinct().count() == total
    assert clicks.filter(referrer_host="www.linkedin.com").exists()


def test_the_same_seed_gives_the_same_demo() -> None:
    demo_generate(seed=42, now=NOW, sizes=SMALL)
    first = fingerprint()
    demo_flush()
    assert not Organization.objects.exists()
    assert not User.objects.exists()

    demo_generate(seed=42, now=NOW, sizes=SMALL)
    assert fingerprint() == first

    demo_flush()
    demo_generate(seed=43, now=NOW, sizes=SMALL)
    assert fingerprint()[6] != first[6]


def test_if_empty_does_nothing_the_second_time() -> None:
    seed("--if-empty")
    before = fingerprint()

    output = seed("--if-empty")

    assert "existent déjà" in output
    assert "mot de passe pour tous : ambassade-demo" in output
    assert fingerprint() == before


def test_running_again_without_flush_is_refused_and_flush_replaces() -> None:
    seed()
    with pytest.raises(CommandError, match="--flush"):
        seed()

    output = seed("--flush", "--seed", "5")

    assert "supprimées" in output
    assert Organization.objects.count() == 2


def test_flush_leaves_other_organizations_alone(world) -> None:
    assert "existent déjà" in seed("--if-empty")  # the world's organizations count
    assert not Organization.objects.filter(slug="verdane-energie").exists()

    seed()
    demo_flush()

    assert set(Organization.objects.values_list("slug", flat=True)) == {"acme", "globex"}
    assert User.objects.filter(email="amine@acme.example").exists()
    assert ContentItem.objects.filter(pk__in=[world.item.pk, world.other_item.pk]).count() == 2
    assert not Share.objects.exists()
    assert not Click.objects.exists()


def test_bad_sizes_are_refused_with_a_clear_message() -> None:
    with pytest.raises(CommandError, match="au moins 2 ambassadeurs"):
        call_command("seed_demo", "--ambassadors", "1", stdout=StringIO())
    assert not Organization.objects.exists()
