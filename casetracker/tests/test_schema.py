"""The OpenAPI schema: generated without warnings, valid, and true to the running API (schemathesis)."""

import pytest
import schemathesis
import yaml
from django.core.management import call_command
from openapi_spec_validator import validate
from rest_framework.authtoken.models import Token

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


def run_schemathesis(config: dict) -> list[str]:
    """Run every schemathesis phase in-process against the WSGI app; the failures, one line each."""
    from schemathesis import engine
    from schemathesis.engine import events

    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/", application, config=schemathesis.config.SchemathesisConfig.from_dict(config)
    )
    problems = []
    counts = {}
    for event in engine.from_schema(schema).execute():
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
    print(counts)
    return sorted(set(problems))


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("wsgi_transport_without_socket_options")
def test_schemathesis_finds_nothing_for_anonymous_clients(settings, api_records):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None}}
    problems = run_schemathesis({"generation": {"max-examples": 5}, "workers": 1})
    assert not problems, "\n".join(problems)


WRITES = ["POST", "PUT", "PATCH", "DELETE"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("wsgi_transport_without_socket_options")
def test_schemathesis_finds_nothing_for_staff_with_a_token(settings, api_records, senior_user):
    token = Token.objects.create(user=senior_user)
    problems = run_schemathesis(
        {
            "generation": {"max-examples": 5},
            "workers": 1,
            "headers": {"Authorization": f"Token {token.key}"},
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
            ],
        }
    )
    assert not problems, "\n".join(problems)
