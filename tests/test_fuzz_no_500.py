"""No request is a server error: hostile values in every admin and API parameter and form field.

The fuzzer finds its targets itself, so a new admin page, filter or API route is covered
without touching this file:

- admin pages from ``admin.site``: each registered model's URLs (``ModelAdmin.get_urls()``:
  change list, add page, and the change, history and delete pages of two records), the site's
  own pages (index, app lists, password change, two-factor …), and the autocomplete view for
  every autocomplete field of every admin and inline;
- query parameters from each rendered change list (its links' ``?…`` and GET forms: search,
  list filters, ordering, pages) plus the admin's own (``q``, ``o``, ``p``, ``_to_field`` …);
- form fields from each rendered POST form (``<input>``, ``<select>``, ``<textarea>`` names,
  inline rows and management forms included), posted back with hostile values;
- API routes from the URL conf (``/api/…``), their query parameters from the list the API
  gives for an unknown one (and the view's filterset), and the writable fields of each
  resource (``OPTIONS``) for JSON ``POST`` and ``PATCH`` bodies;
- anonymously: the admin login form, the token login, and every API route's parameters.

The values: NUL, control characters, 10,000 characters, huge and negative numbers, unicode
oddities, ``%``-garbage and arrays where one value is expected (JSON bodies also get every
wrong type). Every value goes to all of a target's parameters (or fields) at once; a few go
to each parameter alone as well, since one bad value can hide another's error (an invalid
filter ends a change list before the others are used). A form redrawn with its errors costs
a hundred times a query, so forms get fewer values, and only the first record's page is
posted field by field (see :func:`fuzz_forms`). About 10,000 requests, a minute and a half
per database engine.

A response of 500 or more fails the test, naming the request and the exception behind it.
Writes happen in the test's transaction, which pytest-django rolls back; no delete is ever
confirmed, and the superuser's own account is left alone so the session holds. Throttles and
the login lockout are reset before each request: the fuzzer is one client sending thousands.
"""

from __future__ import annotations

import json
import os
import re
import time
import traceback
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

from cases.tests.api_data import make_graph
from cases.tests.factories import CitationFactory, PlaceNameFactory
from people.tests.factories import OrganizationNameFactory
from tests.html_forms import page_forms

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

LONG = "x" * 10_000
HUGE = "9" * 40  # no integer column holds it
CONTROL = "bell\x07 escape\x1b[31m delete\x7f c1\x85 lone\rreturn"
ODD_UNICODE = "\u202e\u0301\ufeff\uffff\U0001d518 ǅ ß ﬁ \u200b"  # RTL override, combining mark, BOM, astral …
ARRAY = ["1", "2"]  # one key sent twice where one value is expected
# Raw, un-encoded query-string garbage: bad escapes, an overlong UTF-8 NUL, a lone continuation byte.
RAW_GARBAGE = "%zz%%%u0000%C0%80%ff%"

# Every value, sent to all of a page's query parameters at once: one request each.
HOSTILE = [
    "\x00",
    "a\x00b",
    CONTROL,
    LONG,
    HUGE,
    "-1",
    "-" + HUGE,
    "0",
    "1e400",
    "NaN",
    ODD_UNICODE,
    "' OR 1=1 --",
    "<script>alert(1)</script>{{ 7|add:7 }}",
    "../../../etc/passwd",
    "2012-13-45",
    " ",
    ARRAY,
]
# Sent to each parameter alone, where one bad value could hide another's error (an invalid filter
# ends a change list before the others are used).
ALONE = ["a\x00b", LONG, HUGE, ODD_UNICODE, ARRAY]
# A form re-rendered with its errors costs a hundred times a query: fewer values, each a kind of its own.
FORM_ROWS = ["\x00", CONTROL, LONG, HUGE, ODD_UNICODE, "2012-13-45", ARRAY]
FORM_ALONE = [LONG, HUGE, "-1", ODD_UNICODE, ARRAY]
FORM_MANAGEMENT = [HUGE, "-1"]
FORM_QUICK = [CONTROL, LONG, HUGE, ARRAY]
# For JSON bodies: the strings, and values of every wrong type.
JSON_HOSTILE = [*HOSTILE[:-1], "\ud800", 2**70, -(2**70), -1, 1.5, 1e308, True, None, [], ["a", "b"], {"a": "b"}]
JSON_ALONE = [LONG, 2**70, ["a", "b"]]
# An anonymous reader gets fewer per parameter: what differs for them is the visibility rule, not parsing.
ANONYMOUS_ALONE = ["a\x00b", HUGE, ARRAY]

# The admin's own query parameters (search, ordering, page, show all, error flag, popups, kept filters).
CHANGELIST_PARAMETERS = ["q", "o", "p", "all", "e", "_to_field", "_popup", "_changelist_filters"]
FORM_PAGE_PARAMETERS = ["_to_field", "_popup", "_changelist_filters"]
OBJECTS_PER_MODEL = 2
# An inline formset's management fields (how many rows), and a field of one of its rows.
MANAGEMENT_FIELD = re.compile(r"-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$")
INLINE_FIELD = re.compile(r"-\d+-[^-]+$")
NO_POST = ("/delete/", "/logout/", "/history/")  # never confirm a delete or sign the session out

# FUZZ_PROFILE=1 prints where the time goes (seconds and requests per page) and every failure.
PROFILE = {} if os.environ.get("FUZZ_PROFILE") else None


@dataclass
class Fuzzer:
    """Sends requests with one client and notes each server error with its cause."""

    client: Client
    who: str
    requests: int = 0
    failures: list[str] = field(default_factory=list)
    management_forms_done: bool = False
    before_each = None

    def send(self, method: str, url: str, note: str, **kwargs):
        if self.before_each is not None:
            self.before_each()
        cache.clear()  # throttles count in the cache: the fuzzer is one client making thousands of requests
        started = time.monotonic()
        response = getattr(self.client, method)(url, **kwargs)
        self.requests += 1
        if PROFILE is not None:
            key = (method, re.sub(r"/\d+/", "/N/", url.split("?")[0]))
            count, seconds = PROFILE.get(key, (0, 0.0))
            PROFILE[key] = (count + 1, seconds + time.monotonic() - started)
        if response.status_code >= 500:
            self.failures.append(f"{self.who}: {method.upper()} {url} {note} → {response.status_code}{cause(response)}")
        return response

    def get(self, url: str, note: str = "", **kwargs):
        return self.send("get", url, note, **kwargs)


def cause(response) -> str:
    """The exception behind a server error, and where it was raised (the deepest frame of the project)."""
    exc_info = getattr(response, "exc_info", None)
    if not exc_info:
        return ""
    error = exc_info[1]
    frames = traceback.extract_tb(exc_info[2])
    ours = [frame for frame in frames if "site-packages" not in frame.filename] or frames
    where = f"{os.path.relpath(ours[-1].filename)}:{ours[-1].lineno}" if ours else "?"
    return f" ({type(error).__name__}: {str(error)[:120]} at {where}, raised in {frames[-1].name})"


def show(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:30]}…({len(text)} chars)"


# -- data ---------------------------------------------------------------------------------------------


def records():
    """Two of everything, linked as in real use (each graph: a person prosecuted, with every related record)."""
    for _ in range(OBJECTS_PER_MODEL):
        graph = make_graph()
        OrganizationNameFactory(organization=graph.organization)
        PlaceNameFactory(place=graph.place)
        CitationFactory(content_object=graph.person, source=graph.source)


# -- the admin ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdminPage:
    url: str
    post: bool  # post its forms back field by field (elsewhere: all fields at once, a few values)
    changelist: bool = False  # each query parameter alone (elsewhere: all at once)
    again: bool = False  # the same page for another record: only loaded


def admin_pages(me) -> list[AdminPage]:
    """Every page of the admin site for a few records of each model, from ``admin.site``."""
    site = admin.site
    root = reverse(f"{site.name}:index")
    urls = [root, f"{root}password_change/", f"{root}jsi18n/"]
    urls += [f"{root}{label}/" for label in sorted({model._meta.app_label for model in site._registry})]
    urls += [f"{root}{pattern.pattern}" for pattern in site.get_urls() if _is_static_site_page(pattern)]
    pages = [AdminPage(url, post=True) for url in urls]
    for model, model_admin in site._registry.items():
        base = f"{root}{model._meta.app_label}/{model._meta.model_name}/"
        objects = model._base_manager.all()
        if model is get_user_model():
            objects = objects.exclude(pk=me.pk)  # fuzzing one's own account would end the session
        pks = list(objects.order_by("pk").values_list("pk", flat=True)[:OBJECTS_PER_MODEL])
        for pattern in model_admin.get_urls():
            route = str(pattern.pattern)
            if "<" not in route:  # the change list, the add page (the first record's page has the same form)
                pages.append(AdminPage(base + route, post=False, changelist=route == ""))
            else:
                pages += [
                    AdminPage(base + re.sub(r"<[^>]+>", str(pk), route), post=i == 0, again=i > 0)
                    for i, pk in enumerate(pks)
                ]
    return list({page.url: page for page in pages if not page.url.endswith("/logout/")}.values())


def _is_static_site_page(pattern) -> bool:
    route = str(getattr(pattern, "pattern", ""))
    return isinstance(pattern, URLPattern) and "<" not in route and "(" not in route and route not in ("", "logout/")


def autocomplete_requests() -> list[dict]:
    """The autocomplete view's parameters for every autocomplete field of every admin and inline."""
    requests = []
    for model, model_admin in admin.site._registry.items():
        owners = [(model, model_admin.autocomplete_fields)]
        owners += [(inline.model, inline.autocomplete_fields) for inline in model_admin.inlines]
        for owner, names in owners:
            for name in names:
                requests.append(
                    {
                        "app_label": owner._meta.app_label,
                        "model_name": owner._meta.model_name,
                        "field_name": name,
                        "term": "a",
                    }
                )
    return list({json.dumps(params, sort_keys=True): params for params in requests}.values())


def query_parameters(html: str, extra: list[str]) -> list[str]:
    """The query parameters a page uses: its links' ``?…`` and its GET forms' fields, plus ``extra``."""
    names = list(extra)
    for href in re.findall(r'href="(\?[^"]*)"', html):
        names += [key for key, _value in parse_qsl(href[1:].replace("&amp;", "&"), keep_blank_values=True)]
    for form in page_forms(html):
        if form.method == "get":
            names += form.names
    return list(dict.fromkeys(names))


def fuzz_query(
    fuzzer: Fuzzer, url: str, names: list[str], *, base: dict | None = None, alone=ALONE, together=HOSTILE
) -> None:
    """Each parameter alone with the ``alone`` values and raw %-garbage; all of them at once with ``together``."""
    base = base or {}
    names = [name for name in names if name not in base] + list(base)
    for name in names if alone else []:
        for value in alone:
            fuzzer.get(url, f"?{name}={show(value)}", data={**base, name: value})
        query = urlencode(base)
        fuzzer.get(f"{url}?{query}{'&' if query else ''}{name}={RAW_GARBAGE}", "(raw %-garbage)")
    for value in together:
        fuzzer.get(url, f"?every parameter={show(value)}", data={**base, **dict.fromkeys(names, value)})
    fuzzer.get(f"{url}?{RAW_GARBAGE}={RAW_GARBAGE}", "(raw %-garbage as a name)")


def fuzz_forms(fuzzer: Fuzzer, url: str, html: str, *, full: bool = True) -> None:
    """Post each POST form of the page back with hostile values.

    In every field at once, with each of :data:`FORM_ROWS`, but the inline formsets' management
    fields kept (a broken management form stops Django from reading the inline rows at all);
    then in every field including those, with a few values; then in each of the record's own
    fields and each management field alone (a hostile value in one field must not hide
    another's error), one value each, in turn. Not ``full``: every field at once, a few values.
    """
    for form in page_forms(html):
        if form.method != "post":
            continue
        target = url if form.action in ("", ".") else form.action
        if target.startswith("?"):
            target = url + target
        if any(marker in target for marker in NO_POST):
            continue
        defaults = form.data()
        names = [name for name in form.names if name != "csrfmiddlewaretoken" and "__prefix__" not in name]
        rows = [name for name in names if not MANAGEMENT_FIELD.search(name)]
        for value in FORM_ROWS if full else FORM_QUICK:
            post_form(fuzzer, target, {**defaults, **dict.fromkeys(rows, value)}, f"every field={show(value)}")
        if not full:
            continue
        if len(rows) < len(names) and not fuzzer.management_forms_done:
            # Django's formset code reads every page's management form alike, and a huge row count
            # makes it build its cap of rows (1,000 more than max_num) per inline: once is enough.
            fuzzer.management_forms_done = True
            for value in FORM_MANAGEMENT:
                note = f"every field and management form={show(value)}"
                post_form(fuzzer, target, {**defaults, **dict.fromkeys(names, value)}, note)
        alone = [name for name in rows if not INLINE_FIELD.search(name)]  # the record's own fields
        for index, name in enumerate(alone):
            value = FORM_ALONE[index % len(FORM_ALONE)]
            post_form(fuzzer, target, {**defaults, name: value}, f"{name}={show(value)}")


def post_form(fuzzer: Fuzzer, url: str, data: dict, note: str):
    body = urlencode(data, doseq=True)
    return fuzzer.send("post", url, note, data=body, content_type="application/x-www-form-urlencoded")


def fuzz_admin(fuzzer: Fuzzer, pages: list[AdminPage]) -> int:
    rendered = 0
    for page in pages:
        response = fuzzer.get(page.url, "(as found)")
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        rendered += 1
        if page.again:
            continue
        html = response.content.decode()
        fuzz_forms(fuzzer, page.url, html, full=page.post)
        if page.changelist:
            fuzz_query(fuzzer, page.url, query_parameters(html, CHANGELIST_PARAMETERS))
        else:
            fuzz_query(fuzzer, page.url, FORM_PAGE_PARAMETERS, alone=(), together=FORM_QUICK)
    for params in autocomplete_requests():
        url = reverse(f"{admin.site.name}:autocomplete")
        fuzz_query(fuzzer, url, list(params), base=params, alone=["a\x00b", HUGE, ARRAY])
    return rendered


# -- the API ------------------------------------------------------------------------------------------


def url_conf_routes(patterns=None, prefix: str = "") -> list[str]:
    """Every route of the URL conf as a path template (``api/v1/persons/<pk>/``)."""
    routes = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        text = _route_text(pattern.pattern)
        if isinstance(pattern, URLResolver):
            routes += url_conf_routes(pattern.url_patterns, prefix + text)
        else:
            routes.append(prefix + text)
    return routes


def _route_text(pattern) -> str:
    text = str(pattern)
    if hasattr(pattern, "regex") and text.startswith("^"):  # a router's regex: ^persons/(?P<pk>[^/.]+)/$
        text = text.lstrip("^").rstrip("$")
        text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", text)
        text = text.replace("\\.", ".")
    return text


def api_urls() -> list[str]:
    """Each API route with its ``<pk>`` (or other id) filled with a record of the route's model."""
    urls = []
    for route in url_conf_routes():
        if not route.startswith("api/") or "<format>" in route or "?" in route or "(" in route:
            continue
        path = "/" + route
        if "<" in path:
            probe = re.sub(r"<[^>]+>", "1", path)
            model = _route_model(probe)
            record = model._base_manager.order_by("pk").first() if model is not None else None
            if record is None:
                continue
            path = re.sub(r"<[^>]+>", str(record.pk), path)
        urls.append(path)
    return list(dict.fromkeys(urls))


def _route_model(path: str):
    try:
        match = resolve(path)
    except Resolver404:
        return None
    view = getattr(match.func, "cls", None)
    queryset = getattr(view, "queryset", None)
    return queryset.model if queryset is not None else None


def api_query_parameters(fuzzer: Fuzzer, url: str) -> list[str]:
    """The parameters the route accepts: those its 400 for an unknown parameter lists, and its filterset's.

    None for a route that ignores unknown parameters (the schema and its viewers).
    """
    response = fuzzer.get(url, "(probe)", data={"fuzz_probe": "1"})
    names = []
    body = json_body(response)
    if isinstance(body, dict) and isinstance(body.get("allowed"), list):
        names += body["allowed"]
    view = getattr(resolve(url).func, "cls", None)
    filterset = getattr(view, "filterset_class", None)
    if filterset is not None:
        names += list(filterset.base_filters)
    return list(dict.fromkeys(names))


def json_body(response):
    """The response's JSON, or None when it is not JSON (a schema, a page, a file)."""
    if response.get("Content-Type", "").split(";")[0] != "application/json" or getattr(response, "streaming", False):
        return None
    try:
        return json.loads(response.content)
    except ValueError:
        return None


def writable_fields(fuzzer: Fuzzer, url: str, method: str) -> list[str]:
    response = fuzzer.send("options", url, "(fields)")
    body = json_body(response)
    if response.status_code != 200 or not isinstance(body, dict):
        return []
    actions = body.get("actions", {})
    fields = actions.get(method) or actions.get("POST") or actions.get("PUT") or {}
    return [name for name, spec in fields.items() if not spec.get("read_only")]


def fuzz_api_bodies(fuzzer: Fuzzer, url: str) -> None:
    detail = bool(re.search(r"/\d+/$", url))
    method = "patch" if detail else "post"
    names = writable_fields(fuzzer, url, "PUT" if detail else "POST")
    for value in JSON_HOSTILE:
        body = dict.fromkeys(names or ["name"], value)
        fuzzer.send(method, url, f"every field={show(value)}", data=body, content_type="application/json")
    for name in names:
        for value in JSON_ALONE:
            fuzzer.send(method, url, f"{name}={show(value)}", data={name: value}, content_type="application/json")
    for raw in ("[1, 2]", '"text"', "{", "\x00", '{"a": "\\u0000"}', "9" * 5000):
        fuzzer.send(method, url, f"body {show(raw)}", data=raw, content_type="application/json")


def fuzz_api(fuzzer: Fuzzer, urls: list[str], *, write: bool, alone=ALONE) -> None:
    """Each route as found, its query parameters, and (``write``) its JSON bodies."""
    for url in urls:
        fuzzer.get(url, "(as found)")
        names = api_query_parameters(fuzzer, url)
        if names:
            fuzz_query(fuzzer, url, names, alone=alone)
        else:
            fuzz_query(fuzzer, url, ["format", "lang", "page"], alone=(), together=FORM_QUICK)
        if write:
            fuzz_api_bodies(fuzzer, url)


# -- the tests ----------------------------------------------------------------------------------------


def report(fuzzer: Fuzzer, started: float, what: str) -> str:
    seconds = time.monotonic() - started
    return f"{what}: {fuzzer.requests} requests in {seconds:.0f} s, {len(fuzzer.failures)} server errors"


def assert_no_server_error(fuzzer: Fuzzer, summary: str) -> None:
    print(summary)
    if PROFILE is not None:
        print("\n".join(fuzzer.failures))
        for key, (count, seconds) in sorted(PROFILE.items(), key=lambda item: -item[1][1])[:40]:
            print(f"{seconds:7.1f} s {count:5d} {key}")
    shown = "\n".join(fuzzer.failures[:30])
    assert not fuzzer.failures, f"{summary}:\n{shown}"


@pytest.mark.slow(seconds=140)
def test_no_admin_page_form_or_filter_gives_a_server_error_to_a_superuser(superuser):
    records()
    client = Client(raise_request_exception=False)
    client.force_login(superuser)
    fuzzer = Fuzzer(client, "superuser")
    started = time.monotonic()
    pages = admin_pages(superuser)
    rendered = fuzz_admin(fuzzer, pages)
    assert rendered >= 3 * len(admin.site._registry), f"only {rendered} pages rendered; is the superuser signed in?"
    assert_no_server_error(fuzzer, report(fuzzer, started, f"admin, {len(pages)} URLs ({rendered} pages rendered)"))


@pytest.mark.slow(seconds=75)
def test_no_api_route_gives_a_server_error_to_a_superuser(superuser):
    records()
    client = Client(raise_request_exception=False)
    client.force_login(superuser)
    fuzzer = Fuzzer(client, "superuser")
    started = time.monotonic()
    urls = api_urls()
    assert len(urls) >= 30, urls
    fuzz_api(fuzzer, urls, write=True)
    assert_no_server_error(fuzzer, report(fuzzer, started, f"API, {len(urls)} URLs"))


@pytest.mark.slow(seconds=30)
def test_no_login_form_or_public_route_gives_a_server_error_to_anyone(settings, superuser):
    records()
    settings.AXES_ENABLED = True  # the lockout records user names: an absurd one must not break it
    fuzzer = Fuzzer(Client(raise_request_exception=False), "anonymous")
    fuzzer.before_each = lambda: AccessAttempt.objects.all().delete()  # never locked out half-way
    started = time.monotonic()
    login = "/admin/login/"
    html = fuzzer.get(login).content.decode()
    fuzz_forms(fuzzer, login, html)
    fuzz_query(fuzzer, login, query_parameters(html, ["next"]), alone=ANONYMOUS_ALONE)
    for name in ("username", "password", "otp"):
        for value in JSON_HOSTILE:
            body = {"username": "root", "password": "wrong", name: value}
            fuzzer.send(
                "post", "/api/v1/auth/token/", f"{name}={show(value)}", data=body, content_type="application/json"
            )
    for page in admin_pages(superuser)[:5]:
        fuzz_query(fuzzer, page.url, ["next", "q"], alone=ANONYMOUS_ALONE)
    fuzz_api(fuzzer, api_urls(), write=False, alone=ANONYMOUS_ALONE)
    assert_no_server_error(fuzzer, report(fuzzer, started, "anonymous"))
