"""Stored POST responses per Idempotency-Key (the Stripe way).

The ledger already gives a key one effect. This store adds the HTTP half: the same key with
the same request returns the first response byte for byte, and the same key with any other
request (another body, another resource) is a 409 naming the header. Only responses that
reflect the ledger's answer are stored; a 400 for a malformed request is not, so the client may
fix the body and retry with the same key.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from aiohttp import web

from core.service import Ledger
from gateway.tmf.errors import TmfError


def ledger_key(key: str) -> str:
    """The command key the ledger sees for an API Idempotency-Key."""
    return f"tmf:{key}"


def request_hash(method: str, path: str, body: Any) -> str:
    blob = json.dumps([method, path, body], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


async def replay(ledger: Ledger, key: str, fingerprint: str) -> web.Response | None:
    rows = await ledger.store.query(
        "SELECT request_hash, status, body FROM tmf_idempotency WHERE key = ?",
        (ledger_key(key),))
    if not rows:
        return None
    stored_hash, status, body = rows[0]
    if stored_hash != fingerprint:
        raise TmfError(409, "idempotency_conflict", "was already used with another request; "
                       "use a new key for a new request", field="Idempotency-Key")
    headers = {"Idempotent-Replayed": "true"}
    if int(status) == 201:
        location = json.loads(body).get("href")
        if isinstance(location, str):
            headers["Location"] = location
    return web.Response(status=int(status), text=str(body), content_type="application/json",
                        headers=headers)


async def remember(ledger: Ledger, key: str, fingerprint: str, status: int, body: str) -> None:
    async with ledger.store.transaction() as conn:
        await conn.execute(
            "INSERT OR IGNORE INTO tmf_idempotency (key, request_hash, status, body, "
            "created_at) VALUES (?, ?, ?, ?, ?)",
            (ledger_key(key), fingerprint, status, body, ledger.clock()))
