"""The OpenAPI schema is valid, warning-free, and what /api/schema/ serves."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator


def test_the_schema_validates_without_warnings(tmp_path):
    # --fail-on-warn turns any unresolvable field or name collision into a failure.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3.")


@pytest.mark.django_db
def test_every_operation_documents_the_shared_error_body(api, exec_user):
    document = api(exec_user).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    # The schemathesis run fuzzes the generated document: it must be the served one.
    generated = SchemaGenerator().get_schema(request=None, public=True)
    assert document["paths"] == generated["paths"]
    assert document["components"] == generated["components"]
    operations = [
        (path, method, op)
        for path, methods in document["paths"].items()
        for method, op in methods.items()
    ]
    assert len(operations) > 120
    for path, method, op in operations:
        for code in ("401", "403"):
            body = op["responses"][code]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/Error"}, (path, method, code)
    blocked = document["paths"]["/api/campaigns/{id}/status/"]["post"]["responses"]["409"]
    assert blocked["content"]["application/json"]["schema"]["$ref"].endswith("/Blocked")


def test_blank_and_null_answers_are_in_the_schema():
    """A conflict with no country answers "", an opening event has no previous state, a
    conflict without SKU or assignee answers null: the schema must allow each."""
    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    blank = {"$ref": "#/components/schemas/BlankEnum"}
    assert blank in schemas["Conflict"]["properties"]["country"]["oneOf"]
    assert blank in schemas["ConflictEvent"]["properties"]["from_state"]["oneOf"]
    for name in ("sku_code", "assignee_username"):
        assert schemas["Conflict"]["properties"][name]["nullable"] is True
    bulk = SchemaGenerator().get_schema(request=None, public=True)["paths"]["/api/orders/bulk/"]
    assert {"200", "207"} <= set(bulk["post"]["responses"])
