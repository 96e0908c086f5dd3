"""Find every admin and API address by itself, visit each as one role, and collect what leaks.

Nothing here names a model, an admin or a route of the project:

- the admin from ``django.contrib.admin.site._registry``: each ``ModelAdmin``'s change
  list, every filter link its rendered sidebar offers, search, add pages (also prefilled
  with hidden records), change / history / history version / delete pages of every
  record (hidden ones too), actions on every record, and every autocomplete endpoint
  named by any admin's or inline's ``autocomplete_fields``;
- the API from the URL conf (``get_resolver()``) and the OpenAPI schema (drf-spectacular,
  for methods, query parameters and request bodies): every list page by page (numbered,
  one record a page, cursors), every query parameter (ids: each hidden record of the model
  the filter points at, compared with an id that does not exist; choices: each value; free
  text: the search terms below), every extra format, every record's detail, and errors (an
  invalid PATCH or POST, a DELETE, writes pointing a relation at a hidden record; each in a
  rolled-back transaction).

Search terms (admin search, autocomplete, free-text filters): each hidden name (of a
person, case or source the role may not see, and each recorded variant), the marker
prefixes ``Zqx`` and ``Qpb`` (each matches every planted record at once, excerpts, notes
and descriptions included) and one public name.

A *leak* is a protected marker in a response body or header (the request's own markers
excepted where the response merely echoes them: ``?q=…`` in links, the search box's
``value``, an API 4xx repeating the value sent), a 5xx, a hidden record that answers
differently from a record that does not exist (an existence oracle: status, count, rows,
error body), or a hidden record's admin page that answers 200.
"""

from __future__ import annotations

import io
import json
import re
import time
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import NoReverseMatch, Resolver404

#: An id no planted record has (each table holds a few dozen rows).
MISSING_ID = 987654321
SNIPPET = 120
#: The API lives under this prefix; the admin is crawled from its registry.
API_PREFIX = "/api/"
ADMIN_PREFIX = "/admin/"


@dataclass
class Leak:
    role: str
    method: str
    url: str
    status: int
    marker: str  # the marker found, or what went wrong ("5xx", "oracle", "hidden record answered 200")
    level: str  # restricted / confidential, or "error"
    snippet: str
    surface: str  # the address pattern, for grouping


@dataclass
class Page:
    status: int
    text: str  # body and headers: what is searched for markers
    body: str
    json: Any
    archive: bool
    response: Any

    def lean(self) -> Page:
        """What comparisons need later (not a whole HTML page, nor the response)."""
        html = "html" in self.response.get("Content-Type", "") if self.response is not None else False
        return Page(self.status, "", "" if html else self.body, self.json, self.archive, None)


@dataclass
class Crawler:
    """Visits addresses as one signed-in (or anonymous) client and records leaks."""

    role: str
    client: Client
    user: Any  # None for an anonymous client
    markers: dict[str, str]  # every planted marker -> its level ("public" included)
    forbidden: dict[str, str]  # the markers this role may not see -> level
    hidden: dict[tuple[type, int], str]  # (model, pk) of records this role may not see -> level
    protected: dict[tuple[type, int], str]  # every protected record, whoever the role
    names: set[str] = field(default_factory=set)  # the markers that are part of a record's name
    #: only what deleting reaches (delete pages, actions, DELETE): for a role that differs from another
    #: crawled role only by its permission to delete
    deletes_only: bool = False
    leaks: list[Leak] = field(default_factory=list)
    urls: set[tuple[str, str]] = field(default_factory=set)
    responses: int = 0
    seen_markers: Counter = field(default_factory=Counter)
    surfaces: Counter = field(default_factory=Counter)
    seconds: Counter = field(default_factory=Counter)
    _baselines: dict[tuple, Page] = field(default_factory=dict)
    _pages: dict[tuple, Page] = field(default_factory=dict)

    # -- visiting ---------------------------------------------------------------------------------

    def visit(
        self,
        method: str,
        url: str,
        surface: str,
        *,
        data: Any = None,
        as_json: bool = False,
        rollback: bool = False,
        follow_links: bool = False,
        follow: bool = False,
    ) -> Page | None:
        """Request ``url``, check the answer for leaks, and return it (a visited address is not asked
        again: its answer as :meth:`Page.lean` keeps it)."""
        key = (method, url if data is None else f"{url} {json.dumps(data, sort_keys=True, default=str)}")
        if key in self.urls:
            return self._pages.get(key)
        self.urls.add(key)
        self.surfaces[surface] += 1
        began = time.monotonic()
        page = self._request(method, url, data=data, as_json=as_json, rollback=rollback, follow=follow)
        self.inspect(method, url, data, page, surface)
        self.seconds[surface] += time.monotonic() - began
        self._pages[key] = page.lean()
        if follow_links and isinstance(page.json, dict) and page.status == 200:
            next_url = page.json.get("next")
            pages = 0
            while next_url and pages < 100:
                pages += 1
                path = _local(next_url)
                nxt = self._request("GET", path)
                self.urls.add(("GET", path))
                self.surfaces[surface] += 1
                self.inspect("GET", path, None, nxt, surface)
                next_url = nxt.json.get("next") if isinstance(nxt.json, dict) and nxt.status == 200 else None
        return page

    def _request(
        self,
        method: str,
        url: str,
        *,
        data: Any = None,
        as_json: bool = False,
        rollback: bool = False,
        follow: bool = False,
    ):
        kwargs = {"follow": True} if follow else {}
        if data is not None:
            if as_json:
                kwargs.update(data=json.dumps(data), content_type="application/json")
            else:
                kwargs.update(data=data)
        call = getattr(self.client, method.lower())
        if rollback:
            with transaction.atomic():
                response = call(url, **kwargs)
                body, archive = response_body(response)  # streamed bodies are built inside the transaction
                transaction.set_rollback(True)
        else:
            response = call(url, **kwargs)
            body, archive = response_body(response)
        self.responses += 1
        parsed = None
        if not archive and "json" in response.get("Content-Type", ""):
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
        headers = "\n".join(f"{name}: {value}" for name, value in response.items())
        # Where a followed POST went (each Location), then the page it ended on (with its messages).
        headers += "".join(f"\nRedirect: {where}" for where, _status in getattr(response, "redirect_chain", []))
        return Page(
            status=response.status_code,
            text=f"{body}\n{headers}",
            body=body,
            json=parsed,
            archive=archive,
            response=response,
        )

    # -- checking ---------------------------------------------------------------------------------

    def inspect(self, method: str, url: str, data: Any, page: Page, surface: str) -> None:
        sent = f"{url} {json.dumps(data, default=str) if data is not None else ''}".casefold()
        echoed = {m for m in self.markers if m.casefold() in sent}
        text = page.text
        if echoed and not (url.startswith(API_PREFIX) and page.status >= 400):
            text = strip_echo(text, echoed)
        low = text.casefold()
        for marker, level in self.markers.items():
            at = low.find(marker.casefold())
            if at < 0:
                continue
            if marker in echoed and url.startswith(API_PREFIX) and page.status >= 400:
                continue  # an API error repeating the value the client sent
            self.seen_markers[marker] += 1
            if marker in self.forbidden:
                self.leak(method, url, page.status, marker, level, snippet(text, at, len(marker)), surface)
        if page.status >= 500:
            error = getattr(page.response, "exc_info", None)
            detail = f"{error[0].__name__}: {error[1]}" if error else page.text[:SNIPPET]
            self.leak(method, url, page.status, "5xx", "error", detail[: SNIPPET * 2], surface)

    def leak(self, method, url, status, marker, level, text, surface) -> None:
        self.leaks.append(Leak(self.role, method, url, status, marker, level, text, surface))

    def compare_with_missing(
        self,
        page: Page | None,
        missing: Page | None,
        *,
        method: str,
        url: str,
        surface: str,
        level: str,
        hidden_id: int,
        what: str,
        body_too: bool = False,
    ) -> None:
        """A hidden record must answer like one that does not exist."""
        if page is None or missing is None:
            return
        mine = response_shape(page, body_too=body_too)
        theirs = response_shape(missing, body_too=body_too, asked_id=MISSING_ID, shown_as=hidden_id)
        if mine != theirs:
            self.leak(
                method,
                url,
                page.status,
                "oracle",
                level,
                f"{what}: hidden id answers {_short(mine)}, a missing id answers {_short(theirs)}",
                surface,
            )

    def missing(self, method: str, url: str, surface: str, **kwargs) -> Page:
        """The answer for an id that does not exist (asked once per address)."""
        key = (method, url, json.dumps(kwargs.get("data"), sort_keys=True, default=str))
        if key not in self._baselines:
            page = self._request(method, url, **kwargs)
            self.urls.add((method, url))
            self.surfaces[surface] += 1
            self.inspect(method, url, kwargs.get("data"), page, surface)
            self._baselines[key] = page.lean()
        return self._baselines[key]

    # -- what the planted data holds ------------------------------------------------------------------

    def hidden_ids(self, model) -> list[tuple[int, str]]:
        """Ids of ``model``'s records hidden from this role, with their level."""
        model = _concrete(model)
        return sorted((pk, level) for (m, pk), level in self.hidden.items() if m is model)

    def protected_ids(self, model) -> list[int]:
        """Ids of ``model``'s protected records (whoever may see them)."""
        model = _concrete(model)
        return sorted(pk for (m, pk) in self.protected if m is model)

    @property
    def search_terms(self) -> list[str]:
        """Values for searches, autocomplete and free-text filters: each hidden name (of a person, case
        or source this role may not see, and each recorded variant), the marker prefixes (``Zqx``,
        ``Qpb``: each matches every planted record at once, excerpts, notes and descriptions included,
        so a role allowed to see them gets them all) and one public name."""
        prefixes = sorted({m.split("-", 1)[0] for m in self.markers})
        public = [m for m, level in self.markers.items() if level == "public"][:1]
        return [*(m for m in self.forbidden if m in self.names), *prefixes, *public]

    def level_of(self, model, pk) -> str | None:
        return self.hidden.get((_concrete(model), pk))


def _concrete(model):
    return getattr(model, "_meta", None) and model._meta.concrete_model or model


def _short(shape) -> str:
    return str(shape)[:50]


def _local(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def snippet(text: str, at: int, length: int) -> str:
    pad = max(0, (SNIPPET - length) // 2)
    return " ".join(text[max(0, at - pad) : at + length + pad].split())


def strip_echo(text: str, echoed: Iterable[str]) -> str:
    """Remove the places a page repeats the request's own values: query parameters of addresses
    (``?q=…``, ``&amp;q=…``, ``next=…%3Dvalue``) and ``value="…"`` attributes (the admin search
    box, hidden inputs of filter forms). A name shown anywhere else still counts."""
    for marker in echoed:
        m = re.escape(marker)
        text = re.sub(rf"(?i)([?&](?:amp;)?[\w.%-]+=|%3D|%253D){m}", r"\1<echo>", text)
        text = re.sub(rf"(?i)\bvalue=\"{m}\"", 'value="<echo>"', text)
    return text


def response_body(response) -> tuple[str, bool]:
    """The body as text (every part of an XLSX, or any zip, unpacked), and whether it was an archive."""
    raw = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if raw[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist()), True
        except zipfile.BadZipFile:
            pass
    return raw.decode("utf-8", "replace"), False


def response_shape(page: Page, *, body_too: bool = False, asked_id: int | None = None, shown_as: int | None = None):
    """What must not depend on whether a record exists: the status, how many rows a list or
    export has, and (for write errors) the error body. For the missing record's answer, its id
    (``asked_id``, a number no other part of a body holds) is written as the hidden record's
    (``shown_as``), so the two bodies must be identical: replacing the hidden id instead would also
    rewrite any other number equal to it ("The request has 2 problems" for id 2)."""
    shape: list = [page.status]
    data = page.json
    if isinstance(data, dict):
        if "count" in data:
            shape.append(("count", data["count"]))
        if isinstance(data.get("results"), list):
            shape.append(("results", len(data["results"])))
        if body_too and page.status >= 400:
            body = json.dumps(data, sort_keys=True)
            if asked_id is not None and shown_as is not None:
                body = re.sub(rf"(?<!\d){asked_id}(?!\d)", str(shown_as), body)
            shape.append(("body", body))
    elif isinstance(data, list):
        shape.append(("items", len(data)))
    elif page.status == 200:
        if page.archive:
            shape.append(("rows", page.body.count("<row ")))
        else:
            shape.append(("lines", len([line for line in page.body.splitlines() if line.strip()])))
    return tuple(shape)


# ======================================================================================================
# The admin
# ======================================================================================================


class _FilterLinks(HTMLParser):
    """The ``?…`` links inside ``<… id="changelist-filter">``."""

    def __init__(self):
        super().__init__()
        self.depth = 0  # >0 inside the filter sidebar
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth:
            if tag not in {"br", "img", "input", "hr", "meta", "link"}:
                self.depth += 1
            href = attrs.get("href") or ""
            if tag == "a" and href.startswith("?"):
                self.links.append(href)
        elif attrs.get("id") == "changelist-filter":
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1


def filter_links(html: str) -> list[str]:
    parser = _FilterLinks()
    parser.feed(html)
    return list(dict.fromkeys(parser.links))


def related_model_for(model, lookup: str):
    """The model a lookup such as ``defendant__case__id__exact`` or ``case_id`` points at, or None."""
    current, target = model, None
    for part in lookup.split("__"):
        try:
            f = current._meta.get_field(part)
        except FieldDoesNotExist:
            if part.endswith("_id"):
                try:
                    f = current._meta.get_field(part[:-3])
                except FieldDoesNotExist:
                    break
            else:
                break
        if not f.is_relation or f.related_model is None:
            break
        current = target = f.related_model
    return target


def _admin_url(name: str, *args) -> str | None:
    try:
        return reverse(f"admin:{name}", args=args)
    except NoReverseMatch:
        return None


def crawl_admin(c: Crawler) -> None:
    site = admin.site
    registry = sorted(site._registry.items(), key=lambda item: item[0]._meta.label)
    if c.deletes_only:
        for model, model_admin in registry:
            crawl_model_admin(c, model, model_admin)
        return
    c.visit("GET", reverse("admin:index"), "admin index")
    for app_label in sorted({model._meta.app_label for model, _ in registry}):
        c.visit("GET", reverse("admin:app_list", args=[app_label]), "admin app index")
    for model, model_admin in registry:
        crawl_model_admin(c, model, model_admin)
    crawl_autocomplete(c, registry)


def crawl_model_admin(c: Crawler, model, model_admin) -> None:
    opts = model._meta
    info = f"{opts.app_label}_{opts.model_name}"
    label = opts.label
    changelist = _admin_url(f"{info}_changelist")
    if changelist is None:
        return
    if not c.deletes_only:
        crawl_changelist_and_add(c, model, model_admin, changelist, info, label)
    crawl_records_and_actions(c, model, model_admin, changelist, info, label)


def crawl_changelist_and_add(c: Crawler, model, model_admin, changelist: str, info: str, label: str) -> None:
    opts = model._meta

    # Change list, each filter link of its sidebar, and each related filter given hidden ids.
    page = c.visit("GET", changelist, f"admin {label} changelist")
    links = filter_links(page.text) if page and page.status == 200 else []
    for href in links:
        c.visit("GET", changelist + href, f"admin {label} changelist filter")
    for href in links:
        params = parse_qsl(href[1:], keep_blank_values=True)
        for i, (name, value) in enumerate(params):
            if not value.isdigit():
                continue
            target = related_model_for(model, name)
            for pk, _level in c.hidden_ids(target) if target is not None else []:
                changed = [*params[:i], (name, str(pk)), *params[i + 1 :]]
                c.visit("GET", f"{changelist}?{urlencode(changed)}", f"admin {label} changelist filter=hidden id")

    # Search with every marker the role may not see, and with prefixes every marker shares.
    if model_admin.search_fields:
        for marker in c.search_terms:
            c.visit("GET", f"{changelist}?{urlencode({'q': marker})}", f"admin {label} changelist search")

    # Add page, plain and prefilled with each protected record a relation of this model may point at.
    add = _admin_url(f"{info}_add")
    if add:
        c.visit("GET", add, f"admin {label} add")
        for f in opts.get_fields():
            if not (f.is_relation and f.concrete and (f.many_to_one or f.many_to_many)) or f.related_model is None:
                continue
            for pk in c.protected_ids(f.related_model):
                c.visit("GET", f"{add}?{urlencode({f.name: pk})}", f"admin {label} add ?{f.name}=protected id")
            # The add form sent with the relation pointing at each hidden record (a rolled-back POST):
            # the answer (errors, or a success message) must not name it.
            for pk, _level in c.hidden_ids(f.related_model):
                c.visit(
                    "POST",
                    add,
                    f"admin {label} add POST {f.name}=hidden id",
                    data={f.name: str(pk)},
                    rollback=True,
                    follow=True,
                )


def crawl_records_and_actions(c: Crawler, model, model_admin, changelist: str, info: str, label: str) -> None:
    opts = model._meta
    # Every record's pages, hidden ones included; a hidden record answers like a missing one.
    history_model = getattr(getattr(model, "history", None), "model", None)
    kinds = [("change", f"{info}_change"), ("history", f"{info}_history"), ("delete", f"{info}_delete")]
    if c.deletes_only:
        kinds, history_model = kinds[2:], None
    for obj in model._base_manager.order_by("pk"):
        level = c.level_of(model, obj.pk)
        for kind, name in kinds:
            url = _admin_url(name, obj.pk)
            if url is None:
                continue
            surface = f"admin {label} {kind}"
            got = c.visit("GET", url, surface)
            if level:
                missing = c.missing("GET", _admin_url(name, MISSING_ID), surface)
                _check_hidden_admin_page(c, got, missing, url, surface, level, obj.pk)
        if history_model is not None:
            pk_name = opts.pk.attname
            for history_id in history_model.objects.filter(**{pk_name: obj.pk}).values_list("history_id", flat=True):
                url = _admin_url(f"{info}_simple_history", obj.pk, history_id)
                surface = f"admin {label} history version"
                got = c.visit("GET", url, surface)
                if level:
                    missing = c.missing("GET", _admin_url(f"{info}_simple_history", MISSING_ID, MISSING_ID), surface)
                    _check_hidden_admin_page(c, got, missing, url, surface, level, obj.pk)

    # Every action, on every record (hidden ones among them), in a rolled-back transaction.
    if c.user is not None and c.user.is_staff:
        request = RequestFactory().get(changelist)
        request.user = c.user
        ids = [str(pk) for pk in model._base_manager.order_by("pk").values_list("pk", flat=True)]
        if ids:
            for action in model_admin.get_actions(request):
                c.visit(
                    "POST",
                    changelist,
                    f"admin {label} action {action}",
                    data={"action": action, "_selected_action": ids, "index": "0", "select_across": "0"},
                    rollback=True,
                    follow=True,
                )


def _check_hidden_admin_page(c: Crawler, got: Page | None, missing: Page, url, surface, level, pk) -> None:
    if got is None:
        return
    if got.status == 200:
        c.leak("GET", url, 200, "hidden record answered 200", level, "a record the role may not see was shown", surface)
    elif got.status != missing.status:
        c.leak(
            "GET",
            url,
            got.status,
            "oracle",
            level,
            f"hidden record answers {got.status}, a missing one {missing.status}",
            surface,
        )


def autocomplete_fields(registry) -> list[tuple[Any, str]]:
    """(model holding the field, field name) for every ``autocomplete_fields`` of every admin and inline."""
    found = []
    for model, model_admin in registry:
        for name in model_admin.autocomplete_fields:
            found.append((model, name))
        for inline in model_admin.inlines:
            if isinstance(inline, type) and issubclass(inline, InlineModelAdmin):
                for name in inline.autocomplete_fields:
                    found.append((inline.model, name))
    return list(dict.fromkeys(found))


def crawl_autocomplete(c: Crawler, registry) -> None:
    base = reverse("admin:autocomplete")
    for model, name in autocomplete_fields(registry):
        for term in ["", *c.search_terms]:
            query = {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": name,
                "term": term,
            }
            surface = f"admin autocomplete {model._meta.label}.{name}"
            page = c.visit("GET", f"{base}?{urlencode(query)}", surface)
            number = 1
            while page and page.status == 200 and isinstance(page.json, dict) and number < 50:
                if not page.json.get("pagination", {}).get("more"):
                    break
                number += 1
                page = c.visit("GET", f"{base}?{urlencode({**query, 'page': number})}", surface)


# ======================================================================================================
# The API
# ======================================================================================================


@dataclass
class Route:
    template: str  # /api/v1/persons/{id}/
    methods: dict[str, dict]  # method -> OpenAPI operation ({} when the route is not in the schema)
    view: Any = None
    model: Any = None
    formats: list[str] = field(default_factory=list)

    @property
    def has_id(self) -> bool:
        return "{" in self.template

    def url(self, pk=None) -> str:
        return re.sub(r"\{[^}]+\}", str(pk), self.template) if pk is not None else self.template


_NAMED_GROUP = re.compile(r"\(\?P<([^>]+)>[^)]*\)")
_CONVERTER = re.compile(r"<(?:[^:>]+:)?([^>]+)>")


def _route_text(pattern) -> str | None:
    """A URL pattern as text with ``{name}`` placeholders, or None if it is not a plain address."""
    raw = str(pattern)
    if hasattr(pattern, "regex") and type(pattern).__name__ == "RegexPattern":
        text = _NAMED_GROUP.sub(lambda m: "{" + m.group(1) + "}", raw.lstrip("^").rstrip("$").replace("\\Z", ""))
        text = text.replace("\\.", ".").replace("\\/", "/")
        if re.search(r"[\\()\[\]*+?|^$]", text):
            return None
        return text
    return _CONVERTER.sub(lambda m: "{" + m.group(1) + "}", raw)


def url_conf_routes() -> dict[str, Any]:
    """Every plain address of the URL conf outside the admin: template -> view callback."""
    found = {}

    def walk(patterns, prefix):
        for p in patterns:
            text = _route_text(p.pattern)
            if text is None:
                continue
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + text)
            elif isinstance(p, URLPattern):
                found["/" + prefix + text] = p.callback

    walk(get_resolver().url_patterns, "")
    return {t: cb for t, cb in found.items() if not t.startswith(ADMIN_PREFIX) and t.startswith(API_PREFIX)}


def _normal(template: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", template)


def api_routes() -> tuple[list[Route], dict]:
    """The routes of the URL conf under ``/api/``, with their schema operations."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    routes: dict[str, Route] = {}
    for template, operations in schema["paths"].items():
        methods = {m.upper(): op for m, op in operations.items() if isinstance(op, dict) and "responses" in op}
        routes[_normal(template)] = Route(template, methods)
    for template in url_conf_routes():
        key = _normal(template)
        if key not in routes:
            routes[key] = Route(template, {"GET": {}})
    for route in routes.values():
        try:
            match = resolve(route.url(1) if route.has_id else route.template)
        except Resolver404:
            continue
        cls = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)
        route.view = cls
        queryset = getattr(cls, "queryset", None)
        route.model = getattr(queryset, "model", None)
        # ``?format=`` for each renderer but the first (the default answer, already asked for without it).
        formats = [getattr(r, "format", None) for r in getattr(cls, "renderer_classes", [])]
        route.formats = sorted(set(formats[1:]) - {None, *formats[:1]})
    return sorted(routes.values(), key=lambda r: r.template), schema


def _resolve_ref(schema: dict, node: dict) -> dict:
    while isinstance(node, dict) and "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    return node or {}


def body_properties(schema: dict, operation: dict) -> list[str]:
    content = (operation.get("requestBody") or {}).get("content") or {}
    for media in content.values():
        props = _resolve_ref(schema, media.get("schema") or {}).get("properties") or {}
        return [name for name, prop in props.items() if not prop.get("readOnly")]
    return []


def query_parameters(operation: dict) -> list[dict]:
    return [p for p in operation.get("parameters", []) if p.get("in") == "query"]


def filter_target(route: Route, name: str):
    """The model an id filter points at, from the route's filterset (``field_name`` or the filter's name)."""
    filterset = getattr(route.view, "filterset_class", None)
    model = getattr(getattr(filterset, "_meta", None), "model", None) or route.model
    flt = getattr(filterset, "base_filters", {}).get(name)
    if model is None or flt is None:
        return None
    field_name = getattr(flt, "field_name", None) or name
    target = related_model_for(model, field_name)
    if target is None and getattr(flt, "method", None):
        from django.apps import apps

        # A method filter (``?case=``): the model its name stands for.
        wanted = name.replace("_", "").lower()
        candidates = [m for m in apps.get_models() if m._meta.model_name == wanted]
        target = candidates[0] if len(candidates) == 1 else None
    return target


def crawl_api(c: Crawler) -> None:
    routes, schema = api_routes()
    if c.deletes_only:
        for route in routes:
            if route.has_id and "DELETE" in route.methods:
                crawl_api_record_route(c, route, schema, methods=["DELETE"])
        return
    c.visit("GET", "/api/v1/", "api root")
    for route in routes:
        if route.has_id:
            crawl_api_record_route(c, route, schema)
        else:
            crawl_api_collection(c, route, schema)


def _value_samples(param: dict) -> list[str] | None:
    """Values to try for a query parameter that is not an id: enums, dates, booleans, numbers."""
    s = param.get("schema") or {}
    items = s.get("items") or {}
    enum = s.get("enum") or items.get("enum")
    if enum:
        return [str(v) for v in enum if v not in (None, "")]
    kind = s.get("type")
    if kind == "boolean":
        return ["true", "false"]
    if kind in {"integer", "number"}:
        return [str(s.get("minimum", 0))]
    if s.get("format") in {"date", "date-time"}:
        return ["2012-01-01"]
    if s.get("pattern"):
        if re.fullmatch(s["pattern"], "Zqx-Any-Text"):
            return None  # free text
        return [v for v in ("2012-01-01", "2012-01", "2012", "KZ", "en") if re.fullmatch(s["pattern"], v)][:1]
    return None


def crawl_api_collection(c: Crawler, route: Route, schema: dict) -> None:
    base = route.template
    surface = f"api {route.template}"
    if "GET" in route.methods:
        op = route.methods["GET"]
        params = {p["name"]: p for p in query_parameters(op)}
        c.visit("GET", base, surface, follow_links=True)
        if "page_size" in params:
            c.visit("GET", f"{base}?page_size=1", surface + " ?page_size=1", follow_links=True)
        if "cursor" in params:
            c.visit("GET", f"{base}?cursor=", surface + " ?cursor=", follow_links=True)
            c.visit("GET", f"{base}?cursor=&page_size=1", surface + " ?cursor=&page_size=1", follow_links=True)
        for fmt in route.formats:
            c.visit("GET", f"{base}?{urlencode({'format': fmt})}", surface + " ?format=")
        for name, param in params.items():
            if name in {"page", "page_size", "cursor", "format"}:
                continue
            s = param.get("schema") or {}
            is_id = s.get("type") == "integer" and (s.get("maximum") or 0) > 2**40
            psurface = f"{surface} ?{name}="
            if is_id:
                target = filter_target(route, name)
                if target is not None:
                    for pk, level in c.hidden_ids(target):
                        got = c.visit("GET", f"{base}?{urlencode({name: pk})}", psurface + "hidden id")
                        missing = c.missing("GET", f"{base}?{urlencode({name: MISSING_ID})}", psurface + "missing id")
                        c.compare_with_missing(
                            got,
                            missing,
                            method="GET",
                            url=f"{base}?{name}={pk}",
                            surface=psurface + "hidden id",
                            level=level,
                            hidden_id=pk,
                            what=f"?{name}=<hidden {target._meta.model_name}>",
                        )
                    for pk in c.protected_ids(target):
                        c.visit("GET", f"{base}?{urlencode({name: pk})}", psurface + "protected id")
                else:  # a generic id (a citation's target): every protected id, markers only
                    for pk in sorted({pk for (_m, pk) in c.protected}):
                        c.visit("GET", f"{base}?{urlencode({name: pk})}", psurface + "protected id")
                continue
            samples = _value_samples(param)
            if samples is None:  # free text: every marker the role may not see, and the shared prefixes
                samples = c.search_terms
            for value in samples:
                c.visit("GET", f"{base}?{urlencode({name: value})}", psurface)
    for method in ("POST", "PUT", "PATCH"):
        if method in route.methods:
            crawl_api_write(c, route, schema, method, base, None)


def crawl_api_record_route(c: Crawler, route: Route, schema: dict, methods: list[str] | None = None) -> None:
    model = route.model
    if model is None:
        return
    surface = f"api {route.template}"
    for pk in model._base_manager.order_by("pk").values_list("pk", flat=True):
        level = c.level_of(model, pk)
        for method in methods or route.methods:
            if method == "PUT" and "PATCH" in route.methods:
                continue  # the same update, whole: the PATCH covers it
            url = route.url(pk)
            msurface = f"{method} {surface}"
            if method == "GET":
                got = c.visit("GET", url, msurface)
                missing = c.missing("GET", route.url(MISSING_ID), msurface) if level else None
            elif method == "DELETE":
                got = c.visit("DELETE", url, msurface, rollback=True)
                missing = c.missing("DELETE", route.url(MISSING_ID), msurface, rollback=True) if level else None
            else:
                body = {name: [[]] for name in body_properties(schema, route.methods[method])} or {"x": [[]]}
                got = c.visit(method, url, msurface + " (invalid body)", data=body, as_json=True, rollback=True)
                missing = (
                    c.missing(
                        method,
                        route.url(MISSING_ID),
                        msurface + " (invalid body)",
                        data=body,
                        as_json=True,
                        rollback=True,
                    )
                    if level
                    else None
                )
            if level:
                c.compare_with_missing(
                    got,
                    missing,
                    method=method,
                    url=url,
                    surface=msurface,
                    level=level,
                    hidden_id=pk,
                    what=f"{method} on a hidden {model._meta.model_name}",
                )
    # Writes to a record everyone may see, pointing one relation at each hidden record.
    public = [
        pk for pk in model._base_manager.order_by("pk").values_list("pk", flat=True) if (model, pk) not in c.protected
    ]
    for method in ("PATCH",):
        if method in route.methods and public and methods is None:
            crawl_api_write(c, route, schema, method, route.url(public[0]), model)


def crawl_api_write(c: Crawler, route: Route, schema: dict, method: str, url: str, model) -> None:
    """An invalid body, then bodies pointing one relation at a hidden record (compared with a missing one)."""
    op = route.methods[method]
    props = body_properties(schema, op)
    surface = f"{method} api {route.template}"
    if model is None:  # a collection: the invalid body (record routes send theirs per record)
        c.visit(
            method,
            url,
            surface + " (invalid body)",
            data={p: [[]] for p in props} or {"x": [[]]},
            as_json=True,
            rollback=True,
        )
    model = model or route.model
    if model is None:
        return
    for prop in props:
        try:
            f = model._meta.get_field(prop)
        except FieldDoesNotExist:
            continue
        if not (f.is_relation and f.concrete) or f.related_model is None:
            continue
        many = f.many_to_many
        for pk, level in c.hidden_ids(f.related_model):
            body = {prop: [pk] if many else pk}
            got = c.visit(method, url, surface + f" {prop}=hidden id", data=body, as_json=True, rollback=True)
            missing = c.missing(
                method,
                url,
                surface + f" {prop}=missing id",
                data={prop: [MISSING_ID] if many else MISSING_ID},
                as_json=True,
                rollback=True,
            )
            c.compare_with_missing(
                got,
                missing,
                method=method,
                url=f"{url} {body}",
                surface=surface + f" {prop}=",
                level=level,
                hidden_id=pk,
                body_too=True,
                what=f"{prop} = a hidden {f.related_model._meta.model_name}",
            )
