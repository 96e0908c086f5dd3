"""OpenAPI examples: the Zhanaozen seed data exactly as the API shows it to an anonymous client.

``examples.json`` holds real responses, recorded by
``casetracker/tests/test_schema.py::test_schema_examples_are_the_seed_as_anonymous_clients_see_it``
against a database holding only the seed. Recording them anonymously means an
example can only ever show public records (a restricted or confidential one
answers 404 and cannot be recorded). The same test fails when the seed or the
API changes and the examples no longer match; it tells you how to re-record
them (``UPDATE_API_EXAMPLES=1``).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from drf_spectacular.utils import OpenApiExample

EXAMPLES_FILE = Path(__file__).with_name("examples.json")
BASE_URL = "http://localhost:8000"

# resource -> the seeded record shown (a public one, as the seed describes it).
SEEDED_EXAMPLES = {
    "persons": (1, "Vladimir Kozlov"),
    "organizations": (1, "Algha!, the party Kozlov leads"),
    "memberships": (1, "Kozlov leads Algha!"),
    "sources": (1, "The December 2012 article"),
    "citations": (11, "The December 2012 article on Kozlov"),
    "places": (4, "Aqtau, also spelt Aktau"),
    "events": (2, "The shooting of 16 December 2011, with its contested death toll"),
    "event-figures": (1, "At least 16 dead, says the December 2012 article"),
    "cases": (1, "Trial of Kozlov, Sapargali and Aminov"),
    "defendants": (1, "Vladimir Kozlov in his trial"),
    "status-changes": (3, "Kozlov imprisoned, October 2012"),
    "charges": (1, "Kozlov charged with inciting social hatred"),
    "trials": (1, "The October 2012 trial"),
    "sentences": (1, "Kozlov: 7½ years"),
}


@cache
def _recorded() -> dict:
    if not EXAMPLES_FILE.exists():
        return {}
    return json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))


def seed_examples(resource: str, *, detail: bool) -> list[OpenApiExample]:
    """The recorded example of ``resource``: its list row, or its detail (``detail=True``)."""
    recorded = _recorded().get(resource)
    if recorded is None:
        return []
    _pk, summary = SEEDED_EXAMPLES[resource]
    value = recorded["detail" if detail else "row"]
    return [OpenApiExample(summary, value=value, response_only=True, summary=summary)]
