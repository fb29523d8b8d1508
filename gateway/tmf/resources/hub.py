"""``hub``: register (POST), list and show (GET) and remove (DELETE) event listeners.

A listener is ``{"callback": URL, "query": "eventType=A,B"}``; events are POSTed to the
callback as they happen (see gateway.tmf.events). Registering is a POST like any other: it
takes an Idempotency-Key and a retry returns the same listener.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from core.service import Ledger
from gateway.tmf import idempotency
from gateway.tmf.errors import bad_request, not_found
from gateway.tmf.events import parse_event_types
from gateway.tmf.http import (
    Json,
    base_path,
    digits_id,
    dumps,
    entity_response,
    href,
    ledger_of,
    list_response,
    optional_str,
    paging,
)
from gateway.tmf.resources.actions import begin


def listener_view(r: tuple[Any, ...], base: str) -> Json:
    ident, callback, query = r[0], r[1], r[2]
    return {"id": str(ident), "href": href(base, "hub", ident), "@type": "EventSubscription",
            "callback": str(callback), "query": str(query)}


def check_callback(value: str | None) -> str:
    if value is None or not value.strip():
        raise bad_request("callback", "is required: the URL events are POSTed to")
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        raise bad_request("callback", "is not a valid URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or port == 0:
        raise bad_request("callback", "must be an http or https URL with a host")
    return value.strip()


async def register(request: web.Request) -> web.Response:
    ledger, key, body, fingerprint, replayed = await begin(request, "hub")
    if replayed is not None:
        return replayed
    callback = check_callback(optional_str(body, "callback", max_len=2000))
    query = optional_str(body, "query", max_len=1000) or ""
    try:
        types = parse_event_types(query)
    except ValueError as exc:
        raise bad_request("query", str(exc)) from None
    base = base_path(request)
    async with ledger.store.transaction() as conn:
        done = await (await conn.execute(
            "SELECT request_hash, body FROM tmf_idempotency WHERE key = ?",
            (idempotency.ledger_key(key),))).fetchone()
        if done is None:
            created = await conn.execute(
                "INSERT INTO tmf_listeners (callback, query, event_types, after_op_id, "
                "created_at) VALUES (?, ?, ?, (SELECT COALESCE(MAX(id), 0) FROM operations), "
                "?)", (callback, query, ",".join(types), ledger.clock()))
            text = dumps(listener_view((created.lastrowid, callback, query), base))
            await conn.execute(
                "INSERT INTO tmf_idempotency (key, request_hash, status, body, created_at) "
                "VALUES (?, ?, 201, ?, ?)",
                (idempotency.ledger_key(key), fingerprint, text, ledger.clock()))
    if done is not None:  # a concurrent copy of this request registered it meanwhile
        stored = await idempotency.replay(ledger, key, fingerprint)
        assert stored is not None
        return stored
    return web.Response(status=201, text=text, content_type="application/json",
                        headers={"Location": href(base, "hub", created.lastrowid)})


async def unregister(request: web.Request) -> web.Response:
    ledger: Ledger = ledger_of(request)
    ident = digits_id(request.match_info["id"], "hub listener")
    async with ledger.store.transaction() as conn:
        removed = await conn.execute("DELETE FROM tmf_listeners WHERE id = ?", (ident,))
        if removed.rowcount:
            await conn.execute("DELETE FROM tmf_deliveries WHERE listener_id = ? "
                               "AND delivered_at IS NULL", (ident,))
    if not removed.rowcount:
        raise not_found("hub listener", str(ident))
    return web.Response(status=204)


async def show(request: web.Request) -> web.Response:
    ledger = ledger_of(request)
    ident = digits_id(request.match_info["id"], "hub listener")
    rows = await ledger.store.query(
        "SELECT id, callback, query FROM tmf_listeners WHERE id = ?", (ident,))
    if not rows:
        raise not_found("hub listener", str(ident))
    return entity_response(request, listener_view(rows[0], base_path(request)))


async def list_listeners(request: web.Request) -> web.Response:
    ledger = ledger_of(request)
    offset, limit = paging(request)
    total = (await ledger.store.query("SELECT COUNT(*) FROM tmf_listeners"))[0][0]
    rows = await ledger.store.query(
        "SELECT id, callback, query FROM tmf_listeners ORDER BY id LIMIT ? OFFSET ?",
        (limit, offset))
    base = base_path(request)
    return list_response(request, [listener_view(r, base) for r in rows], int(total))


def routes() -> list[web.RouteDef]:
    return [web.post("/hub", register),
            web.get("/hub", list_listeners, allow_head=False),
            web.get("/hub/{id}", show, allow_head=False),
            web.delete("/hub/{id}", unregister)]
