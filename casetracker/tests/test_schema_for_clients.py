"""The schema as client generators read it: exact, named once, binary where files are, in 3.0 and 3.1."""

import json
import re

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db

#: response properties that are absent in some answers (cursor pages have no count nor count_is_exact; problem
#: extensions)
SOMETIMES_ABSENT = {"count", "count_is_exact", "unknown", "allowed", "preview"}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_always_present_response_property_is_required(schema):
    for name, component in schema["components"]["schemas"].items():
        if name.endswith("Request") or name.startswith("Patched") or "properties" not in component:
            continue
        missing = set(component["properties"]) - set(component.get("required", [])) - SOMETIMES_ABSENT
        assert not missing, (name, missing)


def test_enums_are_named_once_and_reused_by_filters_and_nested_fields(schema):
    schemas = schema["components"]["schemas"]
    assert "NullEnum" not in schemas and "BlankEnum" not in schemas
    named = {frozenset(component["enum"]) for component in schemas.values() if "enum" in component}
    for path, _method, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            inline = parameter["schema"].get("items", parameter["schema"]).get("enum")
            # A filter's values that some record also has are that record's named enum, never a copy.
            assert inline is None or frozenset(inline) not in named, (path, parameter["name"])
    status = schemas["DefendantStatusChange"]["properties"]["status"]
    assert "DefendantStatusEnum" in json.dumps(status)
    assert "SentenceKindEnum" in json.dumps(schemas["DefendantSentence"]["properties"]["kind"])
    defendants = next(op for path, m, op in operations(schema) if path == "/api/v1/defendants/" and m == "get")
    status_filter = next(p for p in defendants["parameters"] if p["name"] == "status")
    assert status_filter["schema"]["items"] == {"$ref": "#/components/schemas/DefendantStatusEnum"}


def test_nullable_references_state_their_type(schema):
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("nullable") is True:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    assert found and all("type" in node for node in found)


def test_files_are_binary_and_errors_are_problem_documents(schema):
    paths = schema["paths"]
    for path in ("/api/v1/sentence-summaries.csv", "/api/v1/sentence-summaries.xlsx"):
        content = paths[path]["get"]["responses"]["200"]["content"]
        assert all(media["schema"] == {"type": "string", "format": "binary"} for media in content.values())
    assert "application/octet-stream" in paths["/api/v1/sentence-summaries.xlsx"]["get"]["responses"]["200"]["content"]
    for path, _method, operation in operations(schema):
        for code, response in operation["responses"].items():
            if code.startswith(("4", "5")) and response.get("content"):
                assert list(response["content"]) == ["application/problem+json"], (path, code)


def test_descriptions_are_written_for_clients_and_servers_are_named(schema):
    text = json.dumps(schema)
    assert not re.search(r":(class|func|meth|mod|attr):`", text)
    assert "``" not in text
    assert schema["servers"] and schema["servers"][0]["url"]


def test_openapi_31_is_offered_beside_30(client):
    response = client.get("/api/schema/3.1/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.1")
    assert '"nullable"' not in response.content.decode()
    validate(document)
