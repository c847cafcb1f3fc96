"""The dashboard, settings and "my impact" pages, the exports and the API: who may see what."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ambassade.accounts.models import Membership, Network
from ambassade.accounts.tokens import api_token_create
from ambassade.analytics.models import NetworkRate
from ambassade.analytics.services import rollups_update
from ambassade.analytics.tests.helpers import click_make, conversion_make, share_make
from ambassade.analytics.views import TABLES
from ambassade.programs.models import KpiTarget, Metric, Objective, ProgramCost
from ambassade.tracking.models import ConversionKind
from conftest import World
from tests.factories import WaveFactory

pytestmark = pytest.mark.django_db


def api_client(membership: Membership) -> Client:
    _token, raw = api_token_create(actor=membership, name="Tests", now=timezone.now())
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def busy(world: World) -> World:
    now = timezone.now()
    share = share_make(
        program=world.program,
        membership=world.ambassador,
        item=world.item,
        network=Network.LINKEDIN,
        at=now - timedelta(hours=2),
    )
    clicks = [
        click_make(share=share, at=now - timedelta(hours=1), visitor=f"v{n}", referrer="lnkd.in")
        for n in range(4)
    ]
    conversion_make(
        click=clicks[0], kind=ConversionKind.JOB_APPLICATION, at=now - timedelta(minutes=30)
    )
    objective = Objective.objects.create(program=world.program, kind="traffic", title="Trafic")
    KpiTarget.objects.create(
        objective=objective,
        metric=Metric.HUMAN_CLICKS,
        target_value=Decimal(1000),
        deadline_on=date.today() + timedelta(days=60),
    )
    WaveFactory.create(program=world.program, name="Pilote")
    rollups_update(now=now)
    return world


def test_manager_reads_the_dashboard_in_french(busy: World) -> None:
    client = busy.client_for(busy.manager)
    response = client.get(reverse("analytics:program_dashboard", args=[busy.program.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tableau de bord" in page or "Dashboard" in page
    assert 'data-kpi="human_clicks"><strong>4</strong>' in page
    assert 'data-metric="human_clicks" data-status=' in page
    assert "<svg" in page
    assert "<script" not in page.split("<main")[1]
    assert 'data-enough="no"' in page


def test_program_page_shows_the_targets(busy: World) -> None:
    page = (
        busy.client_for(busy.manager)
        .get(reverse("programs:program_detail", args=[busy.program.slug]))
        .content.decode()
    )
    assert 'data-metric="human_clicks" data-status="' in page


@pytest.mark.parametrize("table", TABLES)
def test_every_table_exports_as_csv_and_xlsx(busy: World, table: str) -> None:
    client = busy.client_for(busy.manager)
    csv_response = client.get(reverse("analytics:export", args=[busy.program.slug, table, "csv"]))
    assert csv_response.status_code == 200
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows
    assert rows[0]
    xlsx_response = client.get(reverse("analytics:export", args=[busy.program.slug, table, "xlsx"]))
    assert xlsx_response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_response.content)).active
    assert sheet is not None
    assert [cell.value for cell in sheet[1]] == rows[0]
    assert sheet.max_row == len(rows)


def test_kpi_export_has_the_figures(busy: World) -> None:
    response = busy.client_for(busy.manager).get(
        reverse("analytics:export", args=[busy.program.slug, "kpis", "xlsx"])
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["Clics humains"] == 4 or values.get("Human clicks") == 4


def test_settings_rates_and_costs(busy: World) -> None:
    client = busy.client_for(busy.manager)
    url = reverse("analytics:program_settings", args=[busy.program.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, {"form": "rates", "cpm_linkedin": "25", "cpc_linkedin": "3"})
    assert response.status_code == 302
    rate = NetworkRate.objects.get(program=busy.program, network=Network.LINKEDIN)
    assert (rate.cpm, rate.cpc) == (Decimal(25), Decimal(3))
    response = client.post(url, {"form": "rates", "cpm_x": "25"})
    assert response.status_code == 200
    assert not NetworkRate.objects.filter(network=Network.X).exists()
    response = client.post(
        url,
        {
            "form": "cost",
            "label": "Petit-déjeuner",
            "amount": "120",
            "currency": "USD",
            "spent_on": "2026-03-01",
        },
    )
    assert response.status_code == 200
    assert not ProgramCost.objects.exists()
    response = client.post(
        url,
        {
            "form": "cost",
            "label": "Petit-déjeuner",
            "amount": "120",
            "currency": "EUR",
            "spent_on": "2026-03-01",
        },
    )
    assert response.status_code == 302
    cost = ProgramCost.objects.get()
    assert client.post(reverse("analytics:cost_delete", args=[cost.pk])).status_code == 302
    assert not ProgramCost.objects.exists()


def test_my_impact(busy: World) -> None:
    client = busy.client_for(busy.ambassador)
    page = client.get(reverse("analytics:my_impact")).content.decode()
    assert 'data-kpi="human_clicks"><strong>4</strong>' in page
    response = client.get(reverse("analytics:my_impact_export", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet.max_row == 2


def test_api_dashboard_and_endpoints(busy: World) -> None:
    client = api_client(busy.manager)
    base = f"/api/v1/analytics/programs/{busy.program.slug}"
    data = client.get(f"{base}/dashboard").json()
    assert data["kpis"]["human_clicks"] == 4
    assert data["kpis"]["applications"] == 1
    assert set(data["breakdowns"]) >= {"network", "wave", "department", "item", "ambassador"}
    assert client.get(f"{base}/kpis").json()["unique_visitors"] == 4
    for dimension in (
        "network",
        "wave",
        "department",
        "item",
        "ambassador",
        "family",
        "referrer_network",
        "referrer_host",
    ):
        assert client.get(f"{base}/breakdowns/{dimension}").status_code == 200
    # An unknown dimension is refused by the schema, which lists the dimensions.
    assert client.get(f"{base}/breakdowns/planet").status_code == 422
    assert client.get(f"{base}/series?step=week").status_code == 200
    assert client.get(f"{base}/kpis?start=2026-03-02&end=2026-03-01").status_code == 400
    targets = client.get(f"{base}/targets").json()
    assert targets[0]["metric"] == "human_clicks"
    assert targets[0]["status"] in {
        "on_track",
        "at_risk",
        "off_track",
    }
    wave = busy.program.waves.get()
    comparison = client.get(f"{base}/comparison?wave_a={wave.pk}").json()
    assert comparison["enough_data"] is False
    mine = api_client(busy.ambassador).get("/api/v1/analytics/me").json()
    assert mine[0]["human_clicks"] == 4


def test_stranger_is_refused_everywhere(busy: World) -> None:
    slug = busy.program.slug
    client = busy.client_for(busy.stranger)  # an admin of another organization
    for url in (
        reverse("analytics:program_dashboard", args=[slug]),
        reverse("analytics:program_settings", args=[slug]),
        *[reverse("analytics:export", args=[slug, table, "csv"]) for table in TABLES],
    ):
        assert client.get(url).status_code == 404, url
    cost = ProgramCost.objects.create(
        program=busy.program, label="x", amount=1, currency="EUR", spent_on=date(2026, 1, 1)
    )
    assert client.post(reverse("analytics:cost_delete", args=[cost.pk])).status_code == 404
    api = api_client(busy.stranger)
    base = f"/api/v1/analytics/programs/{slug}"
    for path in (
        "dashboard",
        "kpis",
        "breakdowns/network",
        "series",
        "targets",
        "comparison?wave_a=1",
    ):
        assert api.get(f"{base}/{path}").status_code == 404, path
    # Their own impact never includes Acme's figures.
    assert api.get("/api/v1/analytics/me").json()[0]["program_slug"] == busy.other_program.slug


def test_wrong_roles_are_refused(busy: World) -> None:
    slug = busy.program.slug
    for member in (busy.ambassador, busy.curator):
        client = busy.client_for(member)
        assert client.get(reverse("analytics:program_dashboard", args=[slug])).status_code == 403
        assert (
            client.get(reverse("analytics:export", args=[slug, "kpis", "csv"])).status_code == 403
        )
        assert client.get(reverse("analytics:program_settings", args=[slug])).status_code == 403
        assert api_client(member).get(f"/api/v1/analytics/programs/{slug}/kpis").status_code == 403
    manager = busy.client_for(busy.manager)
    assert manager.get(reverse("analytics:my_impact")).status_code == 403
    assert api_client(busy.manager).get("/api/v1/analytics/me").status_code == 403
    assert busy.client_for(busy.curator).get(reverse("analytics:my_impact")).status_code == 403


def test_anonymous_is_sent_to_log_in(world: World) -> None:
    response = Client().get(reverse("analytics:program_dashboard", args=[world.program.slug]))
    assert response.status_code == 302
    assert "login" in response["Location"]
