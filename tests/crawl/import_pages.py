"""The import surfaces (issue 14): the admin's Import pages and ``POST /api/v1/imports/``, as one role.

The rest of the crawl finds its addresses by itself, but an import answers a spreadsheet, and no
URL conf or schema says what a sheet should hold. So this part reads the kinds and their columns
from ``imports.kinds`` and, for each column that names another record (a person, a case, a
defendant, a source, the record a citation supports), sends a one-row sheet naming each record this
role may not see, by each text that finds it (its name or title, its ``external_id``), to the API
(a dry run) and to the admin's upload page. Each answer must

- hold no protected marker but the one the sheet itself sent (an error repeating the cell);
- be the answer to the same sheet naming a record that does not exist (the existence oracle), the
  sent text aside: the status, every row's outcome, changes and errors.

One text is left out by design: a row whose *own* ``external_id`` is that of a hidden record of its
kind. An identifier is unique, so that row cannot be imported, and saying so tells that the
identifier is taken, as the unique field of any form does; it says nothing of the record.

The upload pages and the templates of every kind are visited too.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Case, Defendant
from imports.kinds import KINDS
from people.models import Person
from sources.citable import citable_for
from sources.models import Source

from .discover import Crawler, Page

API = "/api/v1/imports/"
MISSING_TEXT = "crawl-missing-987654321"


def external_id(obj) -> str:
    return f"crawl-{obj._meta.model_name}-{obj.pk}"


def texts_of(obj) -> list[str]:
    """The texts an import finds ``obj`` by: its external_id, and its name or title where it has one.

    (A defendant is also found by its person's name, but that finds the person, checked as a person;
    a visible person's visible defendants are found, whoever else's are hidden.)"""
    found = [external_id(obj)] if hasattr(obj, "external_id") else []
    for name_field in ("name", "title"):
        if isinstance(getattr(obj, name_field, None), str):
            found.append(getattr(obj, name_field))
    return found


def crawl_imports(c: Crawler, public: list) -> None:
    """The upload pages and templates, then every referencing column given every hidden record."""
    for kind in KINDS:
        c.visit("GET", f"/admin/imports/{kind}/", "admin import page")
        for fmt in ("csv", "xlsx"):
            c.visit("GET", f"/admin/imports/{kind}/template.{fmt}", "admin import template")
    # Every planted record that can hold one gets an external_id, so rows may name it by that too.
    for model, pk in sorted({*c.protected, *((type(obj), obj.pk) for obj in public)}, key=str):
        if any(f.name == "external_id" for f in model._meta.fields):
            model._base_manager.filter(pk=pk).update(external_id=external_id(model(pk=pk)))
    visible = {type(obj): obj for obj in reversed(public)}
    person, case, source = visible[Person].name, visible[Case].title, visible[Source].title
    hidden = [model._base_manager.get(pk=pk) for (model, pk) in sorted(c.hidden, key=str)]
    levels = {text: c.hidden[(type(obj), obj.pk)] for obj in hidden for text in texts_of(obj)}
    citable_kinds = {}
    for obj in hidden:
        entry = citable_for(type(obj))
        if entry is not None and hasattr(obj, "external_id"):
            citable_kinds.setdefault(entry.name, []).append(obj)

    def named(*models):
        return [text for obj in hidden if isinstance(obj, models) for text in texts_of(obj)]

    # (kind, the column naming another record, the texts naming hidden ones, the row's other cells)
    checks = [
        ("persons", "name", named(Person), {"confidentiality": "restricted"}),
        ("cases", "title", named(Case), {"confidentiality": "restricted"}),
        ("defendants", "person", named(Person), {"case": case}),
        ("defendants", "case", named(Case), {"person": person}),
        ("charges", "defendant", named(Person, Defendant), {"offence": "Crawl offence"}),
        ("charges", "case", named(Case), {"defendant": person, "offence": "Crawl offence"}),
        ("sentences", "defendant", named(Person, Defendant), {"kind": "imprisonment", "term": "5 years"}),
        ("status-changes", "defendant", named(Person, Defendant), {"status": "detained", "note": "Crawl note"}),
        ("status-changes", "source", named(Source), {"defendant": person, "status": "detained", "excerpt": "x"}),
        ("citations", "source", named(Source), {"record_kind": "person", "record": person, "excerpt": "x"}),
    ]
    for record_kind, objects in sorted(citable_kinds.items()):
        texts = [text for obj in objects for text in texts_of(obj)]
        checks.append(("citations", "record", texts, {"record_kind": record_kind, "source": source, "excerpt": "x"}))
    for kind, column, texts, others in checks:
        for text in dict.fromkeys(texts):
            for surface in ("api", "admin"):
                got = send(c, surface, kind, column, {**others, column: text}, echo=text)
                missing = send(c, surface, kind, column, {**others, column: MISSING_TEXT}, echo=MISSING_TEXT)
                mine, theirs = outcome(got, text), outcome(missing, MISSING_TEXT)
                if mine != theirs:
                    c.leak(
                        "POST",
                        f"{API if surface == 'api' else f'/admin/imports/{kind}/'} {kind}.{column}={text}",
                        got.status,
                        "oracle",
                        levels.get(text, ""),
                        f"a hidden record's {column} answers {mine[:300]}, a missing one {theirs[:300]}",
                        f"{surface} import {kind}.{column}=hidden",
                    )


def sheet(row: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(row))
    writer.writerow(list(row.values()))
    return out.getvalue().encode()


def send(c: Crawler, surface: str, kind: str, column: str, row: dict, *, echo: str) -> Page:
    """Post a one-row sheet (a dry run; in a rolled-back transaction all the same) and check the answer,
    the cell's own text repeated by an error aside."""
    content = sheet(row)
    url = API if surface == "api" else f"/admin/imports/{kind}/"
    key = ("POST", f"{url} {kind} {hashlib.sha256(content).hexdigest()}")
    if key in c._pages:
        return c._pages[key]
    data = {"file": SimpleUploadedFile("crawl.csv", content, content_type="text/csv")}
    if surface == "api":
        data.update(kind=kind, dry_run="true")
    name = f"{surface} import {kind}.{column}"
    c.urls.add(key)
    c.surfaces[name] += 1
    page = c._request("POST", url, data=data, rollback=True)
    c.inspect("POST", url, None, dataclasses.replace(page, text=page.text.replace(echo, "<echo>")), name)
    kept = dataclasses.replace(page.lean(), json=result_of(page))
    c._pages[key] = kept
    return kept


def result_of(page: Page):
    """The preview an answer holds: the API's JSON, or the admin page's ``result``."""
    if page.json is not None:
        return page.json
    context = getattr(page.response, "context", None)
    try:
        result = context["result"] if context is not None else None
    except KeyError:
        result = None
    return result.as_dict() if result is not None else None


def outcome(page: Page, text: str) -> str:
    """What must not depend on whether the named record exists: the status and the preview, token aside
    (a hash of the file, which holds the text)."""
    preview = page.json
    if isinstance(preview, dict):
        preview = {key: value for key, value in preview.items() if key != "token"}
    return f"{page.status} {json.dumps(preview, sort_keys=True, default=str).replace(text, '<text>')}"
