from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils.html import escape

from ambassade.accounts.models import Network
from ambassade.content.models import ItemStatus
from ambassade.sharing.models import Share
from ambassade.tracking.models import TrackedLink
from tests.factories import (
    ContentItemFactory,
    MembershipFactory,
    SocialAccountFactory,
    SuggestedMessageFactory,
)

COMMENTARY = "Chez nous, ces outils changent nos revues chaque semaine."
JSON = {"HTTP_ACCEPT": "application/json"}


def share_url(item) -> str:
    return reverse("sharing:share", args=[item.pk])


def network_choices(response) -> list[str]:
    return [n["value"] for n in response.context["networks"]]


def test_share_page_offers_only_allowed_networks_the_person_has_an_account_on(world) -> None:
    world.program.allowed_networks = ["linkedin", "x", "bluesky"]
    world.program.save()
    SocialAccountFactory(user=world.ambassador.user, network=Network.FACEBOOK, handle="amine.fb")
    response = world.client_for(world.ambassador).get(share_url(world.item))
    assert response.status_code == 200
    assert network_choices(response) == ["linkedin", "x"]
    page = response.content.decode()
    assert 'value="x"' in page
    assert 'value="facebook"' not in page
    assert 'value="bluesky"' not in page
    assert 'data-budget="256"' in page


def test_share_page_without_a_usable_account_points_to_the_profile(world) -> None:
    world.program.allowed_networks = ["bluesky"]
    world.program.save()
    response = world.client_for(world.ambassador).get(share_url(world.item))
    assert response.status_code == 200
    assert network_choices(response) == []
    page = response.content.decode()
    assert reverse("accounts:profile") in page
    assert "Bluesky" in page
    assert 'id="share-form"' not in page


def test_share_page_shows_the_suggestions_for_the_network_or_any(world) -> None:
    SuggestedMessageFactory(item=world.item, network=Network.LINKEDIN, text="Pour LinkedIn.")
    page = world.client_for(world.ambassador).get(share_url(world.item)).content.decode()
    assert escape("Une analyse claire des tendances de l'IA en 2026.") in page
    assert 'data-network="linkedin"' in page
    assert "Pour LinkedIn." in page
    assert "js/share.js" in page
    assert 'id="share-references"' in page


def test_sharing_creates_the_share_and_its_tracked_link(world) -> None:
    world.item.url = "https://acme.example/blog/ia-2026?lang=fr&utm_source=newsletter#conclusion"
    world.item.save()
    response = world.client_for(world.ambassador).post(
        share_url(world.item), {"network": "x", "commentary": COMMENTARY}
    )
    share = Share.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("sharing:shared", args=[share.pk])
    assert share.network == "x"
    assert share.commentary == COMMENTARY
    assert share.program == world.program
    assert share.social_account is not None
    assert share.social_account.handle == "@amine"
    assert share.own_words_ratio == 1.0

    link = TrackedLink.objects.get(share=share)
    parts = urlsplit(link.destination)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "acme.example", "/blog/ia-2026")
    assert parts.fragment == "conclusion"
    assert parse_qs(parts.query) == {
        "lang": ["fr"],
        "utm_source": ["x"],
        "utm_medium": ["employee_advocacy"],
        "utm_campaign": ["talents-acme"],
        "utm_content": [str(share.pk)],
    }

    done = world.client_for(world.ambassador).get(response["Location"])
    page = done.content.decode()
    assert f"http://testserver/r/{link.code}" in page
    assert "https://x.com/intent/tweet?text=" in page


def test_json_answer_gives_what_the_script_needs(world) -> None:
    client = world.client_for(world.ambassador)
    x = client.post(share_url(world.item), {"network": "x", "commentary": COMMENTARY}, **JSON)
    assert x.status_code == 200
    data = x.json()
    share = Share.objects.get(pk=data["share_id"])
    assert data["tracked_url"] == f"http://testserver/r/{share.link.code}"
    assert data["copy_to_clipboard"] is False
    query = parse_qs(urlsplit(data["intent_url"]).query)
    assert data["intent_url"].startswith("https://x.com/intent/tweet?")
    assert query == {"text": [COMMENTARY], "url": [data["tracked_url"]]}

    linkedin = client.post(
        share_url(world.item), {"network": "linkedin", "commentary": COMMENTARY}, **JSON
    ).json()
    assert linkedin["copy_to_clipboard"] is True
    assert linkedin["intent_url"].startswith("https://www.linkedin.com/sharing/share-offsite/")
    assert COMMENTARY in linkedin["text"]
    assert linkedin["tracked_url"] in linkedin["text"]


def test_shared_page_for_linkedin_offers_the_text_to_copy(world) -> None:
    client = world.client_for(world.ambassador)
    response = client.post(
        share_url(world.item), {"network": "linkedin", "commentary": COMMENTARY}, follow=True
    )
    page = response.content.decode()
    assert "data-copy-source" in page
    assert COMMENTARY in page
    assert "https://www.linkedin.com/sharing/share-offsite/?url=" in page


def test_copying_the_suggestion_records_no_own_words(world) -> None:
    world.client_for(world.ambassador).post(
        share_url(world.item),
        {"network": "linkedin", "commentary": "Une analyse claire des tendances de l'IA en 2026."},
    )
    assert Share.objects.get().own_words_ratio == 0.0


def test_too_long_commentary_for_x_is_refused_and_kept(world) -> None:
    text = "Mon avis " + "très " * 60
    client = world.client_for(world.ambassador)
    response = client.post(share_url(world.item), {"network": "x", "commentary": text})
    assert response.status_code == 200
    assert not Share.objects.exists()
    page = response.content.decode()
    assert "256" in page
    assert response.context["form"].non_field_errors()
    assert text.strip() in page

    as_json = client.post(share_url(world.item), {"network": "x", "commentary": text}, **JSON)
    assert as_json.status_code == 400
    errors = as_json.json()["errors"]["__all__"]
    assert "256" in errors[0]["message"]
    assert not Share.objects.exists()


def test_an_empty_commentary_or_no_network_is_refused(world) -> None:
    client = world.client_for(world.ambassador)
    response = client.post(share_url(world.item), {"network": "", "commentary": "   "})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"network", "commentary"}
    assert not Share.objects.exists()


def test_a_network_the_person_has_no_account_on_is_refused(world) -> None:
    client = world.client_for(world.ambassador)
    response = client.post(share_url(world.item), {"network": "facebook", "commentary": "Bien."})
    assert response.status_code == 200
    assert response.context["form"].errors["network"]
    assert not Share.objects.exists()


def test_someone_elses_account_cannot_be_used(world) -> None:
    stranger_account = world.stranger.user.social_accounts.get()
    response = world.client_for(world.ambassador).post(
        share_url(world.item),
        {"network": "x", "commentary": "Bien.", "social_account": stranger_account.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["social_account"]
    assert not Share.objects.exists()


def test_stranger_cannot_open_or_share_acme_items(world) -> None:
    client = world.client_for(world.stranger)
    assert client.get(share_url(world.item)).status_code == 404
    response = client.post(share_url(world.item), {"network": "x", "commentary": COMMENTARY})
    assert response.status_code == 404
    assert not Share.objects.filter(item=world.item).exists()


def test_curator_cannot_share(world) -> None:
    client = world.client_for(world.curator)
    assert client.get(share_url(world.item)).status_code == 403
    response = client.post(share_url(world.item), {"network": "x", "commentary": COMMENTARY})
    assert response.status_code == 403
    assert not Share.objects.exists()


def test_ambassador_outside_the_program_cannot_share(world) -> None:
    outsider = MembershipFactory(organization=world.org, is_ambassador=True)
    SocialAccountFactory(user=outsider.user, network=Network.X)
    client = world.client_for(outsider)
    page = client.get(share_url(world.item)).content.decode()
    assert reverse("programs:my_programs") in page
    assert 'id="share-form"' not in page
    response = client.post(share_url(world.item), {"network": "x", "commentary": COMMENTARY})
    assert response.status_code == 200
    assert not Share.objects.exists()
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1
    assert errors[0] in response.content.decode()


@pytest.mark.parametrize("status", [ItemStatus.DRAFT, ItemStatus.ARCHIVED])
def test_items_that_are_not_live_cannot_be_opened(world, status) -> None:
    item = ContentItemFactory(organization=world.org, programs=[world.program], status=status)
    assert world.client_for(world.ambassador).get(share_url(item)).status_code == 404


def test_shared_page_is_only_for_the_person_who_shared(world) -> None:
    world.client_for(world.ambassador).post(
        share_url(world.item), {"network": "x", "commentary": COMMENTARY}
    )
    url = reverse("sharing:shared", args=[Share.objects.get().pk])
    colleague = MembershipFactory(organization=world.org, is_ambassador=True)
    assert world.client_for(world.ambassador).get(url).status_code == 200
    assert world.client_for(colleague).get(url).status_code == 404
    assert world.client_for(world.stranger).get(url).status_code == 404
    assert world.client_for(world.curator).get(url).status_code == 403
