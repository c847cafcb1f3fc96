from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ambassade.accounts.models import Network
from ambassade.sharing.models import Share
from ambassade.sharing.services import share_create
from ambassade.training.models import CharterAcknowledgement, CharterVersion, TrainingSettings
from ambassade.training.selectors import charter_acknowledged
from ambassade.training.services import (
    CharterNotAcknowledged,
    charter_acknowledge,
    charter_version_initial,
    charter_version_publish,
)

NOW = dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.UTC)
CHARTER = "Be yourself, be kind, never share what is confidential."


def _share(world, now=NOW):
    return share_create(
        actor=world.ambassador,
        item=world.item,
        network=Network.X,
        commentary="Mon avis sur l'IA en 2026 : à lire.",
        now=now,
    )


def test_no_charter_no_gate(world) -> None:
    assert charter_acknowledged(membership=world.ambassador, program=world.program)
    _share(world)


def test_share_is_refused_until_the_charter_is_acknowledged(world) -> None:
    version = charter_version_publish(
        actor=world.manager, program=world.program, text=CHARTER, note="", now=NOW
    )
    with pytest.raises(CharterNotAcknowledged) as refused:
        _share(world)
    message = str(refused.value)
    assert "charter" in message
    assert world.program.name in message
    assert reverse("training:charter") in message
    assert not Share.objects.exists()

    charter_acknowledge(
        actor=world.ambassador, program=world.program, version_id=version.pk, now=NOW
    )
    _share(world)
    assert Share.objects.count() == 1


def test_a_new_version_must_be_acknowledged_again(world) -> None:
    v1 = charter_version_publish(
        actor=world.manager, program=world.program, text=CHARTER, note="", now=NOW
    )
    charter_acknowledge(actor=world.ambassador, program=world.program, version_id=v1.pk, now=NOW)
    v2 = charter_version_publish(
        actor=world.manager,
        program=world.program,
        text=CHARTER + " Add your own words.",
        note="Own words",
        now=NOW + dt.timedelta(days=1),
    )
    assert v2.version == 2
    with pytest.raises(PermissionDenied, match="charter"):
        _share(world)
    # The old version cannot be acknowledged any more.
    with pytest.raises(ValidationError, match="newer version"):
        charter_acknowledge(
            actor=world.ambassador, program=world.program, version_id=v1.pk, now=NOW
        )
    ack = charter_acknowledge(
        actor=world.ambassador, program=world.program, version_id=v2.pk, now=NOW
    )
    assert (ack.version.version, ack.acknowledged_at) == (2, NOW)
    _share(world, now=NOW + dt.timedelta(days=1, hours=1))
    assert CharterAcknowledgement.objects.filter(membership=world.ambassador).count() == 2


def test_program_charter_text_becomes_version_one_and_gates(world) -> None:
    world.program.charter_text = CHARTER
    world.program.save()
    assert not charter_acknowledged(membership=world.ambassador, program=world.program)
    version = charter_version_initial(program=world.program, now=NOW)
    assert version is not None
    assert (version.version, version.text) == (1, CHARTER)
    assert charter_version_initial(program=world.program, now=NOW) == version


def test_organization_may_switch_the_gate_off(world) -> None:
    charter_version_publish(
        actor=world.manager, program=world.program, text=CHARTER, note="", now=NOW
    )
    TrainingSettings.objects.create(organization=world.org, charter_required=False)
    _share(world)


def test_api_share_obeys_the_charter(world) -> None:
    charter_version_publish(
        actor=world.manager, program=world.program, text=CHARTER, note="", now=NOW
    )
    client = world.client_for(world.ambassador)
    response = client.post(
        "/api/v1/shares",
        {"item_id": world.item.pk, "network": "x", "commentary": "Mon avis en propres mots."},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "charter" in response.json()["detail"]


def test_only_managers_publish_and_only_of_their_organization(world) -> None:
    with pytest.raises(PermissionDenied):
        charter_version_publish(
            actor=world.ambassador, program=world.program, text=CHARTER, note="", now=NOW
        )
    with pytest.raises(PermissionDenied):
        charter_version_publish(
            actor=world.stranger, program=world.program, text=CHARTER, note="", now=NOW
        )
    version = charter_version_publish(
        actor=world.manager, program=world.program, text=CHARTER, note="", now=NOW
    )
    with pytest.raises(PermissionDenied):
        charter_acknowledge(
            actor=world.stranger, program=world.program, version_id=version.pk, now=NOW
        )
    with pytest.raises(ValidationError):
        charter_version_publish(
            actor=world.manager, program=world.program, text="  ", note="", now=NOW
        )


def test_charter_pages_and_banner(world) -> None:
    version = charter_version_publish(
        actor=world.manager, program=world.program, text=CHARTER, note="", now=NOW
    )
    client = world.client_for(world.ambassador)
    feed = client.get(reverse("sharing:feed")).content.decode()
    assert "data-charter-banner" in feed
    share_page = client.get(reverse("sharing:share", args=[world.item.pk])).content.decode()
    assert "data-charter-banner" in share_page
    assert reverse("training:charter") in share_page
    page = client.get(reverse("training:charter")).content.decode()
    assert "never share what is confidential" in page
    response = client.post(
        reverse("training:charter"), {"program": world.program.pk, "version": version.pk}
    )
    assert response.status_code == 302
    assert CharterAcknowledgement.objects.filter(membership=world.ambassador).exists()
    assert "data-charter-banner" not in client.get(reverse("sharing:feed")).content.decode()


def test_manager_page_publishes_and_counts(world) -> None:
    client = world.client_for(world.manager)
    url = reverse("training:charter_manage", args=[world.program.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, {"text": CHARTER, "note": "First"})
    assert response.status_code == 302
    assert CharterVersion.objects.get(program=world.program).version == 1
    assert world.client_for(world.ambassador).get(url).status_code == 403
    assert world.client_for(world.stranger).get(url).status_code == 404


def test_stranger_cannot_acknowledge_through_the_page(world) -> None:
    version = charter_version_publish(
        actor=world.manager, program=world.program, text=CHARTER, note="", now=NOW
    )
    client = world.client_for(world.stranger)
    response = client.post(
        reverse("training:charter"), {"program": world.program.pk, "version": version.pk}
    )
    assert response.status_code == 404
    assert not CharterAcknowledgement.objects.exists()


def test_settings_are_for_admins(world) -> None:
    url = reverse("training:settings")
    assert world.client_for(world.manager).post(url, {}).status_code == 403
    world.client_for(world.admin).post(url, {})
    assert TrainingSettings.objects.get(organization=world.org).charter_required is False
    world.client_for(world.stranger).post(url, {"charter_required": "on"})
    assert TrainingSettings.objects.get(organization=world.org).charter_required is False
