"""Request bodies of the channel webhooks: form or JSON fields as strings, and the 400 answer
that names the field (``{"error": "...", "field": "..."}``, as the wallet API does)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any
from urllib.parse import unquote_plus

from aiohttp import web

FORM = "application/x-www-form-urlencoded"
MAX_FIELDS = 50
# Fields whose encoded values repeat at every step of a dialogue (Africa's Talking sends
# "%2A100%23" and "%2B2547..." each time): their decoding is memoized. Never a field that may
# carry a subscriber's input (``text`` can hold a voucher PIN), which must not linger here.
REPEATING = frozenset({"serviceCode", "phoneNumber", "networkCode"})


class BadField(ValueError):
    """A missing or malformed request field: ``field`` and ``problem`` go to the caller."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem

    def response(self) -> web.Response:
        return web.json_response({"error": self.problem, "field": self.field}, status=400)


def form_fields(request: web.Request, body: bytes) -> dict[str, str]:
    """A urlencoded body's fields (the first value of a repeated one)."""
    if request.content_type != FORM:
        raise BadField("body", f"expected {FORM}")
    return _form(body)


def body_fields(request: web.Request, body: bytes) -> dict[str, str]:
    """Fields of a JSON object or a urlencoded body; JSON scalars become strings."""
    if request.content_type == "application/json":
        try:
            data: Any = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise BadField("body", "not valid JSON") from None
        if not isinstance(data, dict):
            raise BadField("body", "expected a JSON object")
        return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in data.items()
                if v is not None}
    if request.content_type in (FORM, "application/octet-stream") or not body:
        return _form(body)
    raise BadField("body", f"expected {FORM} or application/json")


def _form(body: bytes) -> dict[str, str]:
    """A urlencoded form (the first value of a repeated field): ``urllib.parse.parse_qsl``'s
    decoding, without its generality (it is a tenth of a USSD step's parsing otherwise)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadField("body", "not UTF-8") from None
    parts = text.split("&") if text else []
    if len(parts) > MAX_FIELDS:
        raise BadField("body", f"more than {MAX_FIELDS} fields")
    fields: dict[str, str] = {}
    for part in parts:
        if not part:
            continue
        key, _, value = part.partition("=")
        if "%" in key or "+" in key:
            key = unquote_plus(key)
        if key not in fields:
            if "%" in value or "+" in value:
                value = _unquote_repeating(value) if key in REPEATING else unquote_plus(value)
            fields[key] = value
    return fields


@lru_cache(maxsize=8_192)
def _unquote_repeating(value: str) -> str:
    """``unquote_plus`` of a value of a REPEATING field: a dict hit instead of decoding."""
    return unquote_plus(value)
