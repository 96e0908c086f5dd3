"""The OpenAPI schema: generated without warnings, valid, and true to the running API (schemathesis)."""

import json
import os
import threading
import time

import pytest
import schemathesis
import yaml
from django.core.management import call_command
from django.db import connections
from django.urls import resolve
from knox.models import AuthToken
from openapi_spec_validator import validate

from casetracker.wsgi import application

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_records():
    """A few linked records, public and protected, for the generated requests to find."""
    from cases.tests.factories import (
        ChargeFactory,
        CitationFactory,
        DefendantFactory,
        EventFigureFactory,
        SentenceFactory,
        StatusChangeFactory,
    )
    from casetracker.choices import Confidentiality
    from people.tests.factories import MembershipFactory, PersonFactory, PersonNameFactory

    for confidentiality in Confidentiality.values:
        person = PersonFactory(confidentiality=confidentiality)
        PersonNameFactory(person=person)
        sentence = SentenceFactory(defendant=DefendantFactory(person=person))
        ChargeFactory(defendant=sentence.defendant)
        StatusChangeFactory(defendant=sentence.defendant)
        CitationFactory(content_object=person)
        CitationFactory(content_object=sentence)
        MembershipFactory(person=person)
        figure = EventFigureFactory()
        figure.event.persons.add(person)
        sentence.defendant.case.events.add(figure.event)


@pytest.fixture
def schema_document(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yml"))
    assert yaml.safe_load((tmp_path / "schema.yml").read_text())["paths"]


def test_schema_is_valid_openapi(schema_document):
    validate(schema_document)


def test_every_list_documents_its_filters_pagination_and_errors(schema_document):
    from cases.tests.api_data import LIST_ENDPOINTS
    from casetracker.api.views import PAGINATION_PARAMETERS

    for resource in LIST_ENDPOINTS:
        operation = schema_document["paths"][f"/api/v1/{resource}/"]["get"]
        documented = {parameter["name"] for parameter in operation["parameters"]}
        view = resolve(f"/api/v1/{resource}/").func
        filters = set(view.cls.filterset_class.base_filters)
        assert filters | PAGINATION_PARAMETERS <= documented, resource
        assert {"200", "400", "401", "403", "404", "429"} <= set(operation["responses"]), resource
        detail = schema_document["paths"][f"/api/v1/{resource}/{{id}}/"]
        if "patch" in detail:  # status changes are history: never edited
            assert {"400", "401", "403", "404", "412", "429"} <= set(detail["patch"]["responses"]), resource
        assert {"409", "412"} <= set(detail["delete"]["responses"]), resource
        assert "ETag" in detail["get"]["responses"]["200"]["headers"], resource


def test_schema_examples_validate_against_their_schemas(schema_document):
    from jsonschema import Draft7Validator
    from schemathesis.specs.openapi.converter import to_json_schema

    components = {
        "schemas": {
            name: to_json_schema(schema, "nullable", is_response_schema=True)
            for name, schema in schema_document["components"]["schemas"].items()
        }
    }
    checked = 0
    for path, operations in schema_document["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {}).get("application/json", {})
                for name, example in content.get("examples", {}).items():
                    # Read the OpenAPI 3.0 schema as schemathesis reads it (nullable → "or null"); the
                    # components travel with it so that its "#/components/…" references resolve.
                    schema = to_json_schema(content["schema"], "nullable", is_response_schema=True)
                    validator = Draft7Validator({**schema, "components": components})
                    errors = [
                        f"{list(error.absolute_path)}: {error.message}"
                        for error in validator.iter_errors(example["value"])
                    ]
                    assert not errors, f"{method.upper()} {path} {status} example {name!r}: {errors[:3]}"
                    checked += 1
    assert checked >= 20


def test_schema_examples_are_the_seed_as_anonymous_clients_see_it(client):
    """The recorded examples are what the API answers an anonymous client about the seed data.

    Re-record them after changing the seed or a representation:
    ``UPDATE_API_EXAMPLES=1 .venv/bin/pytest casetracker/tests/test_schema.py -k seed``.
    """
    from casetracker.api.examples import BASE_URL, EXAMPLES_FILE, SEEDED_EXAMPLES

    call_command("load_seed", verbosity=0)
    recorded = {}
    for resource, (pk, _summary) in SEEDED_EXAMPLES.items():
        detail = client.get(f"/api/v1/{resource}/{pk}/")
        assert detail.status_code == 200, f"{resource} {pk} is not visible to anonymous clients"
        rows = client.get(f"/api/v1/{resource}/", {"page_size": 500}).json()["results"]
        row = next(row for row in rows if row["id"] == pk)
        recorded[resource] = {"row": _stable(row), "detail": _stable(detail.json())}
    text = json.dumps(recorded, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    text = text.replace("http://testserver", BASE_URL)
    if os.environ.get("UPDATE_API_EXAMPLES"):
        EXAMPLES_FILE.write_text(text, encoding="utf-8")
    assert EXAMPLES_FILE.exists() and EXAMPLES_FILE.read_text(encoding="utf-8") == text, (
        "The OpenAPI examples no longer match the seed data as the API shows it. Re-record them with "
        "UPDATE_API_EXAMPLES=1 .venv/bin/pytest casetracker/tests/test_schema.py -k seed, and commit "
        "casetracker/api/examples.json."
    )


def _stable(value):
    """The response without the moments the seed was loaded (they change on every load)."""
    if isinstance(value, dict):
        return {
            key: ("2026-01-01T00:00:00Z" if key in {"created", "updated"} else _stable(item))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_stable(item) for item in value]
    return value


@pytest.fixture
def wsgi_transport_without_socket_options(monkeypatch):
    """Work around schemathesis 4.32.5 passing socket options (max_redirects …) to werkzeug's in-process client.

    Its WSGI transport drops them only when a requests session is given; checks that re-send a request
    give none, and werkzeug's EnvironBuilder refuses the unknown keyword.
    """
    from schemathesis.transport.wsgi import WSGITransport

    original = WSGITransport.send

    def send(self, case, *, session=None, **kwargs):
        for name in ("max_redirects", "verify", "cert", "proxies"):
            kwargs.pop(name, None)
        return original(self, case, session=session, **kwargs)

    monkeypatch.setattr(WSGITransport, "send", send)


# A fixed seed keeps CI reproducible; explore further with e.g.
#   SCHEMATHESIS_SEED=$RANDOM SCHEMATHESIS_MAX_EXAMPLES=50 \
#   .venv/bin/pytest casetracker/tests/test_schema.py -k schemathesis
SEED = int(os.environ.get("SCHEMATHESIS_SEED", "20121008"))
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "5"))


def closing_connections(app):
    """The WSGI app, closing the database connections of schemathesis' worker threads after each request.

    Django keeps one connection per thread; left open, they stop the test database from being dropped.
    """

    def wrapped(environ, start_response):
        try:
            return app(environ, start_response)
        finally:
            if threading.current_thread() is not threading.main_thread():
                connections.close_all()

    return wrapped


def run_schemathesis(config: dict) -> list[str]:
    """Run every schemathesis phase in-process against the WSGI app; the failures, one line each."""
    from schemathesis import engine
    from schemathesis.engine import events

    config = {
        "seed": SEED,
        "workers": 1,
        # No example database or cache on disk: every run starts from the seed alone.
        "cache": {"enabled": False},
        **config,
        "generation": {"max-examples": MAX_EXAMPLES, "database": "none", **config.get("generation", {})},
    }

    loaded_config = schemathesis.config.SchemathesisConfig.from_dict(config)
    schema = schemathesis.openapi.from_wsgi("/api/schema/", closing_connections(application), config=loaded_config)
    problems = []
    counts = {}
    seconds = {}
    for event in engine.from_schema(schema).execute():
        if isinstance(event, events.PhaseStarted):
            seconds[event.phase.name.value] = time.monotonic()
        if isinstance(event, events.PhaseFinished):
            seconds[event.phase.name.value] = round(time.monotonic() - seconds[event.phase.name.value], 1)
        if isinstance(event, events.ScenarioFinished):
            counts[event.phase] = counts.get(event.phase, 0) + 1
            if event.status in ("success", "skip"):
                continue
            for nodes in event.recorder.checks.values():
                for node in nodes:
                    if node.failure_info is not None:
                        failure = node.failure_info.failure
                        problems.append(
                            f"{event.label} [{node.name}] {failure.title}: {str(failure.message)[:300]}\n"
                            f"    {node.failure_info.code_sample}"
                        )
        if isinstance(event, (events.NonFatalError, events.FatalError)):
            problems.append(f"error: {event!r}"[:2000])
    scenarios = {phase.value: count for phase, count in counts.items()}
    print(f"schemathesis seed {SEED}, scenarios per phase: {scenarios}, seconds per phase: {seconds}")
    return sorted(set(problems))


@pytest.mark.slow(seconds=100)
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("wsgi_transport_without_socket_options")
def test_schemathesis_finds_nothing_for_anonymous_clients(settings, api_records):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None}}
    problems = run_schemathesis(
        {
            "operations": [
                {
                    # A NUL byte anywhere in a form, even in the name of a field the schema does not know
                    # (schemathesis counts unknown form fields as valid), is refused with a 400 before
                    # authentication (casetracker.security.RejectNulMiddleware): an answer, not a failure.
                    "include-method": WRITES,
                    "checks": {
                        "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404", "409"]}
                    },
                    # An anonymous write is refused before its body is read: the coverage phase's thousands of
                    # body variants (every boundary of every field) would each be the same 401. The examples
                    # and fuzzing phases still send anonymous writes; staff's run covers the bodies.
                    "phases": {"coverage": {"enabled": False}},
                },
                CHANGE_FEED_CURSOR,
            ],
        }
    )
    assert not problems, "\n".join(problems)


WRITES = ["POST", "PUT", "PATCH", "DELETE"]

# The change feed's `since` is an opaque cursor the server hands out (in `next`): the schema can say it is a
# string, not which strings the server made, so a made-up one is a 400 naming `since`: an answer, not a failure.
CHANGE_FEED_CURSOR = {
    "include-path": "/api/v1/changes/",
    "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404"]}},
}


@pytest.mark.slow(seconds=300)
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("wsgi_transport_without_socket_options")
def test_schemathesis_finds_nothing_for_staff_with_a_token(settings, api_records, senior_user):
    # Generated requests include many token logins from one address: the sign-in limits would answer 429.
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "login-address": None, "login-username": None},
    }
    _record, token = AuthToken.objects.create(user=senior_user)
    problems = run_schemathesis(
        {
            "headers": {"Authorization": f"Token {token}"},
            "operations": [
                {
                    # Well-formed writes may still break a business rule (a fine with a term, a trial of
                    # another case) or carry a stale If-Match: 400 and 412 are answers, not failures.
                    "include-method": WRITES,
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "412"]
                        }
                    },
                },
                CHANGE_FEED_CURSOR,
            ],
        }
    )
    assert not problems, "\n".join(problems)
