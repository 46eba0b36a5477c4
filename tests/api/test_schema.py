"""The OpenAPI schema: served, documented, and the same as docs/openapi.json."""

import json
from pathlib import Path

from django.test import Client

from coplanner.api.api import build_schema_text

CHECKED_IN = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_the_checked_in_schema_matches_the_code():
    assert CHECKED_IN.read_text(encoding="utf-8") == build_schema_text(), (
        "docs/openapi.json differs from the API's code. Regenerate it with "
        "`coplanner api-schema -o docs/openapi.json` and check it in."
    )


def test_the_schema_and_docs_are_served_without_a_login(db):
    client = Client()
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200
    assert served.json() == json.loads(build_schema_text())
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()


def test_every_error_is_documented_as_a_problem():
    schema = json.loads(build_schema_text())
    assert schema["components"]["securitySchemes"]["IntegrationBearer"] == {
        "scheme": "bearer",
        "type": "http",
    }
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"401", "404", "422", "500"} <= set(responses), (method, path)
            for status in ("401", "404", "422", "500"):
                assert list(responses[status]["content"]) == [
                    "application/problem+json"
                ]
