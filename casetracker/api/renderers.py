"""JSON rendering with orjson: the same output as DRF's renderer, several times faster on large pages."""

from __future__ import annotations

import json

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

_FALLBACK = JSONEncoder()


def _default(value):
    # Decimals, lazy translation strings, approximate dates …: what DRF's encoder knows.
    return _FALLBACK.default(value)


class ORJSONRenderer(JSONRenderer):
    """``application/json`` via orjson; ``Accept: application/json; indent=2`` pretty-prints."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        option = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
        if self.get_indent(accepted_media_type, renderer_context or {}):
            option |= orjson.OPT_INDENT_2
        try:
            body = orjson.dumps(data, default=_default, option=option)
        except orjson.JSONEncodeError:
            # Text that is not valid UTF-8 (a lone surrogate a client sent, quoted back in an error
            # message): JSON may carry it escaped, which orjson refuses to do.
            indent = 2 if option & orjson.OPT_INDENT_2 else None
            body = json.dumps(data, cls=JSONEncoder, ensure_ascii=True, indent=indent).encode()
        # orjson escapes nothing beyond what JSON requires; keep the output a strict JavaScript subset.
        return body.replace("\u2028".encode(), b"\\u2028").replace("\u2029".encode(), b"\\u2029")
