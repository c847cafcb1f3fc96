"""Conversions where people look for them: the share, the item, the ambassador, the program."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from ambassade.demo.generator import DemoSizes, demo_flush, demo_generate
from ambassade.tracking.conversions import ConversionReport, conversion_record
from ambassade.tracking.models import Click, Conversion, ConversionSource
from ambassade.tracking.tests.attribution import make_click, make_share


def convert(click: Click, kind: str, **extra: object) -> Conversion:
    return conversion_record(
        organization=click.organization,
        click_id=click.click_id,
        report=ConversionReport(kind=kind, **extra),  # type: ignore[arg-type]
        source=ConversionSource.SERVER,
        now=timezone.now(),
    ).conversion


@pytest.fixture
def converted(world) -> Click:
    share = make_share(world.ambassador, world.item)
    click = make_click(share)
    make_click(share, ip="203.0.113.10")  # a second click keeps click counts honest
    convert(click, "job_application", external_id="A-1")
    convert(click, "lead", external_id="L-1", value=Decimal("250"), currency="EUR")
    withdrawn = convert(click, "lead", external_id="L-2")
    withdrawn.withdrawn_at = timezone.now()
    withdrawn.save()
    return click


def test_my_activity_counts_conversions_per_share(world, converted) -> None:
    page = world.client_for(world.ambassador).get(reverse("sharing:activity"))
    activity = page.context["activity"]
    assert activity.conversions == 2
    assert activity.rows[0].conversions == 2
    assert activity.rows[0].human_clicks == 2  # not multiplied by the conversions


def test_the_item_shows_conversions_to_its_curator(world, converted) -> None:
    page = world.client_for(world.curator).get(reverse("content:item_detail", args=[world.item.pk]))
    shares = page.context["shares"]
    assert shares.conversions == 2
    assert shares.rows[0].conversions == 2
    assert shares.human_clicks == 2


def test_the_program_shows_totals_by_type_and_by_ambassador(world, converted) -> None:
    page = world.client_for(world.manager).get(
        reverse("programs:program_detail", args=[world.program.slug])
    )
    assert page.status_code == 200
    totals = {total.kind: total for total in page.context["conversions"]}
    assert totals["job_application"].count == 1
    assert totals["lead"].count == 1
    assert totals["lead"].values == {"EUR": Decimal("250.00")}
    top = page.context["top_converters"]
    assert [(row.name, row.conversions, row.human_clicks) for row in top] == [
        ("Amine Ambassadeur", 2, 2)
    ]
    html = page.content.decode()
    assert 'id="conversions"' in html
    assert 'data-kind="job_application"' in html


def test_a_stranger_sees_none_of_it(world, converted) -> None:
    client = world.client_for(world.stranger)
    assert (
        client.get(reverse("programs:program_detail", args=[world.program.slug])).status_code == 404
    )
    assert client.get(reverse("content:item_detail", args=[world.item.pk])).status_code == 404
    activity = client.get(reverse("sharing:activity")).context["activity"]
    assert activity.conversions == 0


def test_an_ambassador_cannot_open_the_program_figures(world, converted) -> None:
    response = world.client_for(world.ambassador).get(
        reverse("programs:program_detail", args=[world.program.slug])
    )
    assert response.status_code == 403


def test_the_api_gives_conversions_per_share(world, converted) -> None:
    client = world.client_for(world.ambassador)
    mine = client.get("/api/v1/shares/mine").json()["items"]
    assert mine[0]["conversions"] == 2
    assert mine[0]["verified_at"] is not None
    share_id = mine[0]["id"]
    detail = client.get(f"/api/v1/shares/{share_id}/clicks").json()
    assert detail["conversions"] == 2
    assert detail["verified_at"] is not None
    stranger = world.client_for(world.stranger).get(f"/api/v1/shares/{share_id}/clicks")
    assert stranger.status_code == 404


def test_the_demo_includes_conversions_on_human_clicks_only(db) -> None:
    now = dt.datetime(2026, 3, 16, 10, 30, tzinfo=dt.UTC)
    summary = demo_generate(seed=42, now=now, sizes=DemoSizes(ambassadors=40, days=60))
    conversions = Conversion.objects.select_related("click", "organization")
    assert summary.conversions == conversions.count() > 0
    assert {c.kind for c in conversions} >= {"job_application", "lead"}
    assert {c.source for c in conversions} == {"server", "client"}
    for conversion in conversions:
        assert not conversion.click.is_bot
        assert conversion.share_id == conversion.click.link.share_id
        window = dt.timedelta(days=conversion.organization.attribution_window_days)
        assert (
            conversion.click.clicked_at
            <= conversion.occurred_at
            <= conversion.click.clicked_at + window
        )
        assert conversion.occurred_at <= now
    again = [(c.external_id, c.kind, c.occurred_at) for c in conversions.order_by("external_id")]
    demo_flush()
    assert not Conversion.objects.exists()
    demo_generate(seed=42, now=now, sizes=DemoSizes(ambassadors=40, days=60))
    assert again == [
        (c.external_id, c.kind, c.occurred_at) for c in Conversion.objects.order_by("external_id")
    ]
