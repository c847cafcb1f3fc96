"""The API's refusals: one JSON shape, declared wherever an operation can answer it.

Every refusal is ``{"detail": …}``: a sentence, a list of sentences, or, when the
request does not match the OpenAPI document (422), one entry per wrong field. The
exception handlers in ``ambassade/api.py`` write them; ``errors_declare`` writes
the ones every operation shares into the OpenAPI document, so that a client knows
each status it may meet without 39 decorators repeating them:

- 401 on every operation that needs a token or a session;
- 403 on every unsafe operation of those (a session without its CSRF token);
- 400 on every operation with a body (it is not JSON);
- 404 on every operation with a path parameter (nothing there, or not yours);
- 422 on every operation with parameters or a body (they do not match the schema);
- 429 on every operation (too many requests: the rate limits).

What only some operations answer (400 refused by a rule, 403 a role, 404 a body
that names something unknown) stays in their own ``response={…}``.
"""

from __future__ import annotations

from typing import Any

from ninja import Field, NinjaAPI, Schema
from ninja.openapi.schema import OpenAPISchema

REF = "#/components/schemas/{model}"
UNSAFE_METHODS = {"post", "put", "patch", "delete"}
COMMON_ERRORS = {
    400: "The body cannot be read as JSON.",
    401: "Authentication required: no token, an unknown, expired or revoked one.",
    403: "Refused: your role does not allow it, or a session request came without its CSRF token.",
    404: "Not found: nothing with this id in your organization.",
    422: "The request does not match this document: one entry per wrong field.",
    429: "Too many requests: wait for the number of seconds in Retry-After.",
}


class FieldErrorOut(Schema):
    type: str = Field(description="What is wrong, e.g. missing, int_parsing, string_too_long.")
    loc: list[str | int] = Field(description='Where, e.g. ["body", "payload", "title"].')
    msg: str


class ErrorOut(Schema):
    detail: str | list[str] | list[FieldErrorOut] = Field(
        description="Why: a sentence, a list of sentences, or one entry per wrong field (422)."
    )


def _common_statuses(path: str, method: str, operation: dict[str, Any]) -> list[int]:
    statuses = [429]
    if operation.get("security"):
        statuses.append(401)
        if method in UNSAFE_METHODS:
            statuses.append(403)
    if "{" in path:
        statuses.append(404)
    if operation.get("requestBody"):
        statuses.append(400)
    if operation.get("parameters") or operation.get("requestBody"):
        statuses.append(422)
    return sorted(statuses)


def errors_declare(document: dict[str, Any]) -> None:
    """Add the shared error responses to each operation that does not declare its own."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    error_schema = ErrorOut.model_json_schema(ref_template=REF)
    schemas.update(error_schema.pop("$defs", {}))
    schemas.setdefault("ErrorOut", error_schema)
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in _common_statuses(path, method, operation):
                if status in responses or str(status) in responses:
                    continue
                responses[status] = {
                    "description": COMMON_ERRORS[status],
                    "content": {
                        "application/json": {"schema": {"$ref": REF.format(model="ErrorOut")}}
                    },
                }


class DeclaredErrorsAPI(NinjaAPI):
    """A NinjaAPI whose OpenAPI document declares the errors every operation shares."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        errors_declare(document)
        return document
