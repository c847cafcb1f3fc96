from __future__ import annotations

from typing import Any

from ambassade.lib.api_errors import ErrorOut, errors_declare


def _document() -> dict[str, Any]:
    ok = {"description": "OK"}
    return {
        "paths": {
            "/things": {
                "get": {"security": [{"BearerToken": []}], "responses": {200: ok}},
                "post": {
                    "security": [{"BearerToken": []}],
                    "requestBody": {"content": {}},
                    "responses": {201: ok, 400: {"description": "Refused by a rule"}},
                },
            },
            "/things/{thing_id}": {
                "get": {
                    "security": [{"BearerToken": []}],
                    "parameters": [{"in": "path", "name": "thing_id"}],
                    "responses": {200: ok},
                }
            },
            "/signed": {"post": {"requestBody": {"content": {}}, "responses": {"201": ok}}},
        }
    }


def test_each_operation_gets_the_errors_it_can_answer() -> None:
    document = _document()
    errors_declare(document)
    statuses = {
        (path, method): sorted(int(code) for code in operation["responses"])
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    }
    assert statuses == {
        ("/things", "get"): [200, 401, 429],
        ("/things", "post"): [201, 400, 401, 403, 422, 429],
        ("/things/{thing_id}", "get"): [200, 401, 404, 422, 429],
        ("/signed", "post"): [201, 400, 422, 429],
    }


def test_what_an_operation_declares_itself_is_kept() -> None:
    document = _document()
    errors_declare(document)
    post = document["paths"]["/things"]["post"]["responses"]
    assert post[400] == {"description": "Refused by a rule"}
    assert post[401]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }


def test_the_error_schema_is_in_the_components() -> None:
    document = _document()
    errors_declare(document)
    schemas = document["components"]["schemas"]
    assert {"ErrorOut", "FieldErrorOut"} <= set(schemas)
    assert "$defs" not in str(schemas["ErrorOut"])


def test_the_error_schema_reads_every_shape_of_detail() -> None:
    assert ErrorOut.model_validate({"detail": "Not found."})
    assert ErrorOut.model_validate({"detail": ["One.", "Two."]})
    field_error = {"type": "missing", "loc": ["body", "payload", "title"], "msg": "Required"}
    assert ErrorOut.model_validate({"detail": [field_error]})
