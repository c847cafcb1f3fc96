"""The API's plumbing: authentication, errors as JSON, the OpenAPI document, the docs."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone

from ambassade.accounts.models import Membership
from ambassade.accounts.tokens import api_token_create, api_token_revoke
from conftest import World

MINE = "/api/v1/shares/mine"


def token_for(membership: Membership, **kwargs: object) -> str:
    _token, raw = api_token_create(
        actor=membership,
        name="Intégration",
        now=timezone.now(),
        **kwargs,  # type: ignore[arg-type]
    )
    return raw


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def test_no_credentials_is_a_json_401(world: World) -> None:
    response = Client().get(MINE)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer amb_not-a-real-token",
        "Bearer not-even-the-prefix",
        "Bearer ",
        "Basic YWxpY2U6c2VjcmV0",
    ],
)
def test_garbage_token_is_401(world: World, header: str) -> None:
    response = Client().get(MINE, headers={"Authorization": header})
    assert response.status_code == 401


def test_valid_token_is_accepted(world: World) -> None:
    raw = token_for(world.ambassador)
    response = Client().get(MINE, headers=bearer(raw))
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}


def test_expired_token_is_401(world: World) -> None:
    raw = token_for(world.ambassador, expires_at=timezone.now() + dt.timedelta(hours=1))
    assert Client().get(MINE, headers=bearer(raw)).status_code == 200
    world.ambassador.user.api_tokens.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert Client().get(MINE, headers=bearer(raw)).status_code == 401


def test_revoked_token_is_401(world: World) -> None:
    token, raw = api_token_create(actor=world.ambassador, name="CRM", now=timezone.now())
    api_token_revoke(actor=world.ambassador, token_id=token.pk, now=timezone.now())
    assert Client().get(MINE, headers=bearer(raw)).status_code == 401


def test_token_of_a_deactivated_user_is_401(world: World) -> None:
    raw = token_for(world.ambassador)
    world.ambassador.user.is_active = False
    world.ambassador.user.save()
    assert Client().get(MINE, headers=bearer(raw)).status_code == 401


def test_token_of_someone_removed_from_the_organization_is_401(world: World) -> None:
    raw = token_for(world.ambassador)
    world.ambassador.delete()
    assert Client().get(MINE, headers=bearer(raw)).status_code == 401


def test_token_records_its_last_use(world: World) -> None:
    token, raw = api_token_create(actor=world.ambassador, name="CRM", now=timezone.now())
    assert token.last_used_at is None
    Client().get(MINE, headers=bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_errors_speak_the_token_owners_language(world: World) -> None:
    user = world.curator.user
    user.language = "en"
    user.save()
    response = Client().get(MINE, headers=bearer(token_for(world.curator)))
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not allow this action."}


def test_session_auth_works_for_a_logged_in_person(world: World) -> None:
    response = world.client_for(world.ambassador).get(MINE)
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_session_without_membership_is_401(world: World) -> None:
    world.ambassador.delete()
    response = world.client_for(world.ambassador).get(MINE)
    assert response.status_code == 401


def test_session_post_needs_the_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.ambassador.user)
    body = {"item_id": world.item.pk, "network": "linkedin", "commentary": "Mon analyse."}
    refused = client.post("/api/v1/shares", body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]

    secret = "a" * 32
    client.cookies["csrftoken"] = secret
    accepted = client.post(
        "/api/v1/shares", body, content_type="application/json", HTTP_X_CSRFTOKEN=secret
    )
    assert accepted.status_code == 201


def test_token_clients_need_no_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    body = {"item_id": world.item.pk, "network": "linkedin", "commentary": "Mon analyse."}
    response = client.post(
        "/api/v1/shares",
        body,
        content_type="application/json",
        headers=bearer(token_for(world.ambassador)),
    )
    assert response.status_code == 201


def test_bad_token_on_a_post_is_401_not_a_csrf_failure(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/shares", {}, content_type="application/json", headers=bearer("amb_wrong")
    )
    assert response.status_code == 401


def test_unknown_object_is_a_json_404(world: World) -> None:
    response = world.client_for(world.admin).get("/api/v1/shares/999999/clicks")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_openapi_document_lists_paths_and_bearer_scheme(world: World) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Ambassade API"
    for path in ("/api/v1/shares/mine", "/api/v1/shares/{share_id}/clicks", "/api/v1/shares"):
        assert path in document["paths"], path
    schemes = document["components"]["securitySchemes"]
    assert schemes["BearerToken"]["type"] == "http"
    assert schemes["BearerToken"]["scheme"] == "bearer"
    assert schemes["SessionMembership"] == {
        "type": "apiKey",
        "in": "cookie",
        "name": "sessionid",
        "description": schemes["SessionMembership"]["description"],
    }
    operation = document["paths"]["/api/v1/shares/mine"]["get"]
    assert {"BearerToken": []} in operation["security"]
    assert operation["tags"] == ["shares"]


def test_docs_page_works_offline(world: World) -> None:
    """The interactive docs load Swagger UI from the instance itself, never a CDN."""
    response = world.client_for(world.ambassador).get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "cdn.jsdelivr.net" not in page
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert finders.find("ninja/swagger-ui-bundle.js") is not None
    assert finders.find("ninja/swagger-ui.css") is not None


def test_every_operation_documents_the_refusals_it_shares(world: World) -> None:
    document = Client().get("/api/v1/openapi.json").json()
    operations = [
        (path, operation)
        for path, methods in document["paths"].items()
        for operation in methods.values()
    ]
    assert len(operations) >= 39
    error = {"$ref": "#/components/schemas/ErrorOut"}
    for path, operation in operations:
        responses = operation["responses"]
        assert "429" in responses, path
        if operation.get("security"):
            assert responses["401"]["content"]["application/json"]["schema"] == error, path
        if operation.get("parameters") or operation.get("requestBody"):
            assert "422" in responses, path
        if "{" in path:
            assert "404" in responses, path


def test_a_request_that_does_not_match_the_schema_gets_the_documented_422(world: World) -> None:
    response = Client().get(
        "/api/v1/items?limit=0", headers={"Authorization": f"Bearer {token_for(world.curator)}"}
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "greater_than_equal",
                "loc": ["query", "limit"],
                "msg": "Input should be greater than or equal to 1",
                "ctx": {"ge": 1},
            }
        ]
    }
