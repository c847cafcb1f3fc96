from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ambassade.accounts.models import User
from ambassade.sharing.services import share_create
from tests.factories import UserFactory


def test_shares_are_listed_filtered_and_searched(world) -> None:
    share_create(
        actor=world.ambassador,
        item=world.item,
        network="x",
        commentary="Mon regard sur l'IA.",
        now=timezone.now(),
    )
    client = Client()
    operator: User = UserFactory.create(is_staff=True, is_superuser=True)
    client.force_login(operator)
    url = reverse("admin:sharing_share_changelist")
    assert client.get(url).context["cl"].result_count == 1
    assert client.get(url, {"network__exact": "linkedin"}).context["cl"].result_count == 0
    assert (
        client.get(url, {"organization__id__exact": world.org.pk}).context["cl"].result_count == 1
    )
    assert (
        client.get(url, {"organization__id__exact": world.other_org.pk}).context["cl"].result_count
        == 0
    )
    assert client.get(url, {"q": "amine@acme"}).context["cl"].result_count == 1
    assert client.get(url, {"q": "inexistant"}).context["cl"].result_count == 0
