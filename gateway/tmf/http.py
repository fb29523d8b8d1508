"""Request parsing and response building shared by every TMF resource: JSON bodies (floats as
Decimal, never float), the Idempotency-Key header, paging, ``fields=`` selection, lists with
X-Total-Count / X-Result-Count."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from aiohttp import web

from core.clock import EpochSeconds
from core.service import Ledger
from gateway.keys import LEDGER, SETTINGS
from gateway.tmf.errors import TmfError, bad_request
from gateway.wallet_json import iso

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_KEY_LENGTH = 255
ALWAYS_SELECTED = ("id", "href", "@type")

Json = dict[str, Any]


def ledger_of(request: web.Request) -> Ledger:
    return request.config_dict[LEDGER]


def base_path(request: web.Request) -> str:
    return request.config_dict[SETTINGS].tmf.base_path.rstrip("/")


def href(base: str, resource: str, ident: object) -> str:
    """Hrefs are paths, not absolute URLs: stable whichever host name a client used, so a
    replayed POST returns byte for byte the same body."""
    return f"{base}/{resource}/{ident}"


def time_of(ts: EpochSeconds | None) -> str | None:
    return iso(ts)


def party(msisdn: str | None, role: str) -> list[Json]:
    if not msisdn:
        return []
    return [{"id": msisdn, "role": role, "@referredType": "Subscriber"}]


def channel(name: str) -> Json:
    return {"id": name, "name": name}


def drop_none(obj: Json) -> Json:
    return {k: v for k, v in obj.items() if v is not None and v != []}


# -- input -----------------------------------------------------------------------------------
async def read_body(request: web.Request) -> Json:
    try:
        text = (await request.read()).decode("utf-8")
    except UnicodeDecodeError:
        raise bad_request("body", "is not UTF-8 JSON") from None
    if not text.strip():
        raise bad_request("body", "a JSON object is required")
    try:
        body = json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise bad_request("body", "is not valid JSON") from None
    if not isinstance(body, dict):
        raise bad_request("body", "must be a JSON object")
    return body


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def idempotency_key(request: web.Request) -> str:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        raise TmfError(400, "missing_header", "is required on this POST: the same key "
                       "again replays the first response", field="Idempotency-Key")
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable() or not key.isascii():
        raise bad_request("Idempotency-Key",
                          f"must be 1 to {MAX_KEY_LENGTH} printable ASCII characters")
    return key


def optional_str(body: Mapping[str, Any], name: str, *, field: str | None = None,
                 max_len: int = 1000) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad_request(field or name, "must be a string")
    if len(value) > max_len:
        raise bad_request(field or name, f"at most {max_len} characters")
    return value


def optional_object(body: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad_request(name, "must be an object")
    return value


def party_id(body: Mapping[str, Any], name: str) -> str | None:
    """The id of a RelatedParty: the first of a list (``relatedParty``: every entry must be
    a party) or an object (``receiver``)."""
    value = body.get(name)
    if value is None:
        return None
    if name == "relatedParty":
        if not isinstance(value, list) or not value:
            raise bad_request(name, "must be a list of parties [{id: MSISDN}]")
        ids = [_party(entry, f"{name}[{i}]") for i, entry in enumerate(value)]
        return ids[0]
    return _party(value, name)


def _party(entry: object, field: str) -> str:
    if not isinstance(entry, dict):
        raise bad_request(field, "must be an object with an id")
    ident = entry.get("id")
    if not isinstance(ident, str) or not ident.strip():
        raise bad_request(f"{field.split('[')[0]}.id", "must be the subscriber's MSISDN")
    return ident


def query_int(request: web.Request, name: str, default: int, lo: int, hi: int) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise bad_request(name, f"must be an integer, got {raw!r}") from None
    if not lo <= value <= hi:
        raise bad_request(name, f"must be between {lo} and {hi}, got {value}")
    return value


def paging(request: web.Request) -> tuple[int, int]:
    return (query_int(request, "offset", 0, 0, 10**9),
            query_int(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT))


def fields_of(request: web.Request) -> frozenset[str] | None:
    raw = request.query.get("fields")
    if raw is None or not raw.strip():
        return None
    return frozenset(f.strip() for f in raw.split(",") if f.strip())


def select(obj: Json, fields: frozenset[str] | None) -> Json:
    """``fields=a,b``: first-level attributes a and b, plus id, href and @type."""
    if fields is None:
        return obj
    return {k: v for k, v in obj.items() if k in fields or k in ALWAYS_SELECTED}


# -- output ----------------------------------------------------------------------------------
def dumps(body: object) -> str:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def json_response(body: object, *, status: int = 200,
                  headers: Mapping[str, str] | None = None) -> web.Response:
    return web.Response(status=status, text=dumps(body), content_type="application/json",
                        headers=headers)


def entity_response(request: web.Request, obj: Json) -> web.Response:
    return json_response(select(obj, fields_of(request)))


def list_response(request: web.Request, items: Sequence[Json], total: int) -> web.Response:
    fields = fields_of(request)
    selected = [select(item, fields) for item in items]
    return json_response(selected, headers={"X-Total-Count": str(total),
                                            "X-Result-Count": str(len(selected))})


def page(items: Sequence[Json], offset: int, limit: int) -> list[Json]:
    return list(items[offset:offset + limit])


def is_row_id(raw: str) -> bool:
    """ASCII digits only (str.isdigit also takes '²'), small enough for SQLite."""
    return raw.isascii() and raw.isdigit() and len(raw) <= 18


def digits_id(raw: str, what: str) -> int:
    """A path id that must be a row id; anything else is simply not found."""
    if not is_row_id(raw):
        raise TmfError(404, "not_found", f"no {what} with id {raw!r}", field="id")
    return int(raw)


def placeholders(values: Iterable[object]) -> str:
    return ",".join("?" for _ in values)
