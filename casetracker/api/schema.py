"""OpenAPI: the project's fields, error responses, ETag headers and examples for drf-spectacular."""

from __future__ import annotations

import inspect
import re

from django.utils.translation import gettext
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.permissions import SAFE_METHODS

from casetracker.problems import PROBLEM_CONTENT_TYPE

from .fields import ISO_DATE, NO_NUL
from .filters import MAX_ID
from .permissions import ReadAnyoneWriteWithModelPermissions
from .serializers import (
    BriefSerializer,
    ConflictProblemSerializer,
    ProblemSerializer,
    QualifiedFigureSerializer,
    UnknownParameterProblemSerializer,
    ValidationProblemSerializer,
)
from .throttling import AnonymousRateThrottle

ETAG_SCHEMA = {"type": "string", "example": '"3f7a9c0e5b1d2a4c6e8f0a1b2c3d4e5f"'}

ERROR_DESCRIPTIONS = {
    "304": "Not modified: the record still has the ETag given in If-None-Match.",
    "400": "Bad request: a field, filter or query parameter is invalid. The body names each one.",
    "401": "The token or session sent is not valid (or a write was attempted without signing in).",
    "403": "Signed in, but without the permission this needs.",
    "404": "No such record, or not one you may see (hidden records answer 404, never 403).",
    "409": "Refused: other records depend on this one. The body names them.",
    "412": "The record changed since you read it: GET it again and send its new ETag in If-Match.",
    "429": "Too many requests from an anonymous client; wait (see Retry-After) or sign in.",
}


ACTION_SUMMARIES = {
    "list": "List {many}",
    "retrieve": "One {one}",
    "create": "Record a {one}",
    "update": "Replace a {one}",
    "partial_update": "Change a {one}",
    "destroy": "Delete a {one}",
}

ACTION_DESCRIPTIONS = {
    "list": (
        "The {many} you may see (anonymous clients: public records only), filtered by the parameters below, "
        "paginated by page number or, with `cursor=`, by cursor. An unknown parameter is a 400 that lists "
        "the allowed ones."
    ),
    "retrieve": (
        "One {one}, with the records it links to. Hidden records answer 404. The `ETag` header identifies "
        "this version: send it in `If-Match` when changing the record, or in `If-None-Match` to get a 304 "
        "when nothing changed."
    ),
    "create": (
        "Needs the `{permission}` permission. Related records are given by id. The answer is the new record "
        "as GET shows it, with its `ETag` and `Location`. A broken rule is a 400 naming each field."
    ),
    "update": (
        "Needs the `{permission}` permission. Send every writable field; with `If-Match` the change is "
        "refused (412) if the record changed since you read it."
    ),
    "partial_update": (
        "Needs the `{permission}` permission. Send only the fields to change; with `If-Match` the change is "
        "refused (412) if the record changed since you read it."
    ),
    "destroy": (
        "Needs the `{permission}` permission. Refused with 409, naming them, while other records depend on "
        "this one; with `If-Match`, refused (412) if the record changed since you read it."
    ),
}

DETAIL_ACTIONS = {"retrieve", "update", "partial_update", "destroy"}
WRITE_ACTIONS = {"create", "update", "partial_update", "destroy"}


class RecordAutoSchema(AutoSchema):
    """Adds what every resource has: error responses, ETag/If-Match, detail bodies for writes."""

    def _action(self) -> str | None:
        return getattr(self.view, "action", None)

    def _is_record_view(self) -> bool:
        return hasattr(self.view, "detail_serializer_class")

    def _model(self):
        queryset = getattr(self.view, "queryset", None)
        return queryset.model if queryset is not None else None

    def get_summary(self):
        action = self._action()
        model = self._model()
        if not self._is_record_view() or model is None or action not in ACTION_SUMMARIES:
            return super().get_summary()
        meta = model._meta
        return ACTION_SUMMARIES[action].format(one=meta.verbose_name, many=meta.verbose_name_plural)

    def get_description(self):
        action = self._action()
        model = self._model()
        if not self._is_record_view() or model is None or action not in ACTION_DESCRIPTIONS:
            return super().get_description()
        meta = model._meta
        what = inspect.cleandoc(self.view.__class__.__dict__.get("__doc__") or model.__doc__ or "")
        verb = {"create": "add", "destroy": "delete"}.get(action, "change")
        permission = f"{meta.app_label}.{verb}_{meta.model_name}"
        how = ACTION_DESCRIPTIONS[action].format(
            one=meta.verbose_name, many=meta.verbose_name_plural, permission=permission
        )
        return f"{what}\n\n{how}".strip()

    def get_auth(self):
        auths = super().get_auth()
        read_open = any(isinstance(p, ReadAnyoneWriteWithModelPermissions) for p in self.view.get_permissions())
        if read_open and self.method in SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths

    def _get_filter_parameters(self):
        parameters = super()._get_filter_parameters()
        filterset_class = getattr(self.view, "filterset_class", None)
        filters = filterset_class.base_filters if filterset_class is not None else {}
        for parameter in parameters:
            # Empty values are refused (400), so the schema does not offer them.
            schema = parameter.get("schema", {})
            max_length = getattr(filters.get(parameter["name"]), "extra", {}).get("max_length")
            if max_length and schema.get("type") == "string":
                schema.setdefault("maxLength", max_length)
            if schema.get("type") == "array":
                schema["minItems"] = 1
                schema = schema.get("items", {})
            if schema.get("type") == "string" and "pattern" not in schema and "enum" not in schema:
                schema.setdefault("minLength", 1)
                # Text cannot hold NUL characters (PostgreSQL refuses them): they are a 400.
                schema["pattern"] = NO_NUL
        return parameters

    def _map_basic_serializer(self, serializer, direction):
        """In responses every field is always there (null when empty), so every property is required;
        a serializer names the few that are sometimes absent in ``sometimes_absent``."""
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "response" and "properties" in schema:
            absent = set(getattr(serializer, "sometimes_absent", ()))
            required = [name for name in schema["properties"] if name not in absent]
            if required:
                schema["required"] = required
        return schema

    def get_response_serializers(self):
        action = self._action()
        if self._is_record_view() and action in {"retrieve", "create", "update", "partial_update"}:
            return self.view.detail_serializer_class or self.view.serializer_class
        return super().get_response_serializers()

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if not self._is_record_view():
            return parameters
        action = self._action()
        if action in {"update", "partial_update", "destroy"}:
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description=(
                        gettext(
                            "The ETag from your last GET of this record. If the record changed since, the request is "
                            "refused with 412 instead of overwriting someone else's change."
                        )
                    ),
                )
            )
        if action == "retrieve":
            parameters.append(
                OpenApiParameter(
                    "If-None-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description=gettext(
                        "An ETag you hold: if the record still has it, the answer is 304 with no body."
                    ),
                )
            )
        if action == "list":
            parameters.append(
                OpenApiParameter(
                    "Link",
                    {"type": "string", "example": '<https://example.org/api/v1/cases/?page=2>; rel="next"'},
                    OpenApiParameter.HEADER,
                    description=gettext(
                        "The other pages (RFC 8288): `next`, `prev`, `first`, and `last` in page-number mode; "
                        "the same URLs as the body's `next` and `previous`."
                    ),
                    response=["200"],
                )
            )
        if self.method in SAFE_METHODS and any(
            isinstance(throttle, AnonymousRateThrottle) for throttle in self.view.get_throttles()
        ):
            parameters += [
                OpenApiParameter(
                    "RateLimit-Policy",
                    {"type": "string", "example": '"anon";q=120;w=60'},
                    OpenApiParameter.HEADER,
                    description=gettext("Anonymous clients only: the quota, q requests per window of w seconds."),
                    response=["200", "429"],
                ),
                OpenApiParameter(
                    "RateLimit",
                    {"type": "string", "example": '"anon";r=117;t=42'},
                    OpenApiParameter.HEADER,
                    description=gettext("Anonymous clients only: r requests left, t seconds until the window ends."),
                    response=["200", "429"],
                ),
            ]
        if action in {"retrieve", "create", "update", "partial_update"}:
            parameters.append(
                OpenApiParameter(
                    "ETag",
                    ETAG_SCHEMA,
                    OpenApiParameter.HEADER,
                    description=gettext(
                        "The version of the record returned; send it back in If-Match when changing it."
                    ),
                    response=["200", "201", "304"],
                    required=True,
                )
            )
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["400", "401", "404", "429"]
        action = self._action()
        if self.method != "GET" or action == "list":
            codes.append("403")
        if action in {"update", "partial_update", "destroy"}:
            codes.append("412")
        if action == "destroy":
            codes.append("409")
        if action == "retrieve" and self._is_record_view():
            codes.append("304")
        for code in codes:
            if code in responses:
                continue
            if code == "304":
                responses[code] = {
                    "description": ERROR_DESCRIPTIONS[code],
                    "headers": self._get_response_headers_for_code(code, direction),
                }
                continue
            serializer = {
                # Every 400 has the same shape; a list's also says which parameters it takes.
                "400": UnknownParameterProblemSerializer if self.method == "GET" else ValidationProblemSerializer,
                "409": ConflictProblemSerializer,
            }.get(code, ProblemSerializer)
            response = self._get_response_for_code(serializer, code, direction=direction)
            response["description"] = ERROR_DESCRIPTIONS[code]
            responses[code] = response
        return dict(sorted(responses.items()))


class BriefRelatedFieldExtension(OpenApiSerializerFieldExtension):
    """Writes take an id; reads give ``{"id", "label", "url"}``."""

    target_class = "casetracker.api.fields.BriefRelatedField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        return auto_schema.resolve_serializer(BriefSerializer, direction).ref


class ApproximateDateFieldExtension(OpenApiSerializerFieldExtension):
    """ISO 8601 reduced precision: ``2012``, ``2012-02`` or ``2012-02-14``."""

    target_class = "casetracker.api.fields.ApproximateDateField"

    def map_serializer_field(self, auto_schema, direction):
        schema = build_basic_type(OpenApiTypes.STR)
        schema["pattern"] = ISO_DATE.pattern
        schema["example"] = "2012-02"
        return schema


class QualifiedFigureFieldExtension(OpenApiSerializerFieldExtension):
    """``{"value", "qualifier", "display"}``, or null when the number is unknown."""

    target_class = "casetracker.api.fields.QualifiedFigureField"

    def map_serializer_field(self, auto_schema, direction):
        return auto_schema.resolve_serializer(QualifiedFigureSerializer, direction).ref


def problem_media_types(result, generator, request, public):
    """drf-spectacular postprocessing hook: every error response (4xx, 5xx) is ``application/problem+json``,
    as the API sends it (:mod:`casetracker.problems`)."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            for code, response in operation.get("responses", {}).items():
                content = response.get("content")
                if not content or str(code)[:1] not in ("4", "5") or "application/json" not in content:
                    continue
                content[PROBLEM_CONTENT_TYPE] = content.pop("application/json")
    return result


# -- schema postprocessing: what clients generated from the schema need ------------------------------

_RST_ROLE = re.compile(r":(?:class|func|meth|mod|attr|data|exc|obj):`~?(?:[\w.]+\.)?([\w]+)(?:\(\))?`")
_RST_LITERAL = re.compile(r"``([^`]+)``")


def _walk(node, visit):
    """Call ``visit`` on every dict in ``node``, depth first (children after their parent)."""
    if isinstance(node, dict):
        visit(node)
        for value in list(node.values()):
            _walk(value, visit)
    elif isinstance(node, list):
        for value in node:
            _walk(value, visit)


def client_descriptions(result, generator, request, public):
    """Descriptions written for clients: Sphinx roles (``:class:`X```) and double backticks, which come
    from the code's docstrings, become Markdown code (`X`)."""

    def visit(node):
        for key in ("description", "summary"):
            text = node.get(key)
            if isinstance(text, str):
                text = _RST_ROLE.sub(r"`\1`", text)
                node[key] = _RST_LITERAL.sub(r"`\1`", text)

    _walk(result, visit)
    return result


def reuse_enums(result, generator, request, public):
    """Filters take the same named enums as the records they filter (``status`` of a defendant and the
    ``status`` filter are both ``DefendantStatusEnum``), so a client passes one to the other."""
    schemas = result.get("components", {}).get("schemas", {})
    named = {}
    for name, schema in schemas.items():
        values = schema.get("enum")
        if values and None not in values:
            named.setdefault(frozenset(values), name)

    def ref_for(schema):
        if not isinstance(schema, dict) or "enum" not in schema:
            return None
        name = named.get(frozenset(schema["enum"]))
        return {"$ref": f"#/components/schemas/{name}"} if name else None

    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if schema.get("type") == "array" and ref_for(schema.get("items")):
                    schema["items"] = ref_for(schema["items"])
                elif ref_for(schema):
                    parameter["schema"] = ref_for(schema)
    return result


def openapi_31(result, generator, request, public):
    """OpenAPI 3.1 (``/api/schema/?version=3.1``): JSON Schema's ``null`` type instead of 3.0's ``nullable``.

    drf-spectacular converts what it builds itself; this converts the hand-written parts (pagination,
    project fields) the same way. A no-op for 3.0."""
    if not str(result.get("openapi", "")).startswith("3.1"):
        return result

    def visit(node):
        if node.pop("nullable", False) is not True:
            return
        kind = node.get("type")
        if isinstance(kind, str):
            node["type"] = [kind, "null"]
            if "enum" in node and None not in node["enum"]:
                node["enum"] = [*node["enum"], None]
        elif isinstance(kind, list):
            if "null" not in kind:
                kind.append("null")
        else:
            alternatives = node.pop("oneOf", None) or node.pop("allOf", None) or []
            if "$ref" in node:
                alternatives = [{"$ref": node.pop("$ref")}]
            node["oneOf"] = [*alternatives, {"type": "null"}]

    _walk(result, visit)
    return result


def binary_alternatives(result, generator, request, public):
    """A file answer (``format: binary``: a CSV, an XLSX workbook, a document of any type) is also described,
    first, as ``application/octet-stream``, which every generator reads as bytes (some read ``text/*`` as
    text, which a binary schema contradicts, and know no XLSX): the body is the same file either way."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            for response in operation.get("responses", {}).values():
                content = response.get("content") or {}
                binary = [media for media in content.values() if (media.get("schema") or {}).get("format") == "binary"]
                if binary and "application/octet-stream" not in content:
                    response["content"] = {"application/octet-stream": {"schema": dict(binary[0]["schema"])}, **content}
    return result


def nullable_types(result, generator, request, public):
    """OpenAPI 3.0: a nullable reference (``allOf: [$ref], nullable: true``, how drf-spectacular writes a
    nullable enum or related record) also states the referenced ``type``, without which ``nullable``
    means nothing (OpenAPI 3.0.3 §4.7.25) and generators drop it."""
    schemas = result.get("components", {}).get("schemas", {})

    def visit(node):
        if node.get("nullable") is not True or "type" in node:
            return
        for alternative in [node, *node.get("allOf", []), *node.get("oneOf", [])]:
            ref = alternative.get("$ref", "") if isinstance(alternative, dict) else ""
            if ref.startswith("#/components/schemas/"):
                node["type"] = schemas.get(ref.rsplit("/", 1)[1], {}).get("type", "object")
                return

    _walk(result, visit)
    return result
