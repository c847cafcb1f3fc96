from __future__ import annotations

import xml.etree.ElementTree as ET
from io import BytesIO

import pytest
import segno
from django.urls import reverse

from ambassade.tracking.models import TrackedLink
from ambassade.tracking.qr import qr_code, qr_payload
from ambassade.tracking.services import short_url
from ambassade.tracking.tests.attribution import make_share

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def link(world) -> TrackedLink:
    return make_share(world.ambassador, world.item).link


def test_the_qr_code_carries_the_short_link_marked_as_a_scan(link) -> None:
    assert qr_payload(link) == f"{short_url(link.code)}?via=qr"
    expected = segno.make_qr(qr_payload(link), error="m")
    assert qr_code(link).matrix == expected.matrix


def test_the_ambassador_downloads_the_svg(world, link) -> None:
    response = world.client_for(world.ambassador).get(reverse("tracking:qr_svg", args=[link.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert f"ambassade-{link.code}.svg" in response["Content-Disposition"]
    root = ET.fromstring(response.content)  # well-formed XML
    assert root.tag.endswith("svg")
    assert qr_payload(link) in response.content.decode()  # in its <title>


def test_the_ambassador_downloads_the_png(world, link) -> None:
    response = world.client_for(world.ambassador).get(reverse("tracking:qr_png", args=[link.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    content = response.content
    assert content.startswith(PNG_SIGNATURE)
    assert content[12:16] == b"IHDR"
    width = int.from_bytes(content[16:20], "big")
    # scale 10 × (version-dependent modules + 2 × 4 border)
    assert width == 10 * (qr_code(link).symbol_size(scale=1, border=4)[0])
    out = BytesIO()
    qr_code(link).save(out, kind="png", scale=10, border=4)
    assert content == out.getvalue()


@pytest.mark.parametrize("who", ["curator", "manager", "admin"])
def test_people_running_the_program_see_any_link(world, link, who) -> None:
    client = world.client_for(getattr(world, who))
    assert client.get(reverse("tracking:qr_png", args=[link.code])).status_code == 200


def test_another_ambassador_gets_a_404(world, link) -> None:
    from tests.factories import MembershipFactory

    colleague = MembershipFactory.create(organization=world.org, is_ambassador=True)
    response = world.client_for(colleague).get(reverse("tracking:qr_svg", args=[link.code]))
    assert response.status_code == 404


def test_a_stranger_gets_a_404(world, link) -> None:
    client = world.client_for(world.stranger)
    assert client.get(reverse("tracking:qr_svg", args=[link.code])).status_code == 404
    assert client.get(reverse("tracking:qr_png", args=[link.code])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(link) -> None:
    from django.test import Client

    response = Client().get(reverse("tracking:qr_svg", args=[link.code]))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_my_activity_links_to_the_qr_codes(world, link) -> None:
    page = world.client_for(world.ambassador).get(reverse("sharing:activity"))
    html = page.content.decode()
    assert reverse("tracking:qr_svg", args=[link.code]) in html
    assert reverse("tracking:qr_png", args=[link.code]) in html
