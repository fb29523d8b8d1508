"""``balanceActionHistory``: every journal line on a wallet, newest first (id = the line's id),
read only and paged in SQL. Filters: ``relatedParty.id`` (MSISDN) and ``bucket.id``.

Each entry is one change of one balance type: ``amount`` is signed (credits positive),
``balanceAfter`` the balance type's value after it, ``action`` the ledger operation (recharge,
adjust, transfer, charge, reserve, commit, expire, ...).
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from core.catalog import Catalog
from core.service import Ledger
from gateway.tmf import amounts
from gateway.tmf.errors import not_found
from gateway.tmf.http import (
    Json,
    base_path,
    channel,
    digits_id,
    drop_none,
    entity_response,
    href,
    is_row_id,
    ledger_of,
    list_response,
    paging,
    party,
    time_of,
)
from gateway.tmf.resources.buckets import NO_WALLET, account_filter

COLUMNS = ("j.id, j.op_id, j.type_id, j.account_id, j.bucket_id, j.delta, j.after, o.at, "
           "o.kind, o.channel, o.status, o.detail, a.owner_msisdn, a.provider_id")
FROM = ("FROM journal j JOIN operations o ON o.id = j.op_id "
        "JOIN accounts a ON a.id = j.account_id")


def history_view(r: tuple[Any, ...], catalog: Catalog, base: str) -> Json:
    (ident, op_id, type_id, account_id, bucket_id, delta, after, at, kind, chan, status,
     detail_text, owner, provider_id) = r
    provider = catalog.provider(int(provider_id))
    bt = provider.type_by_id(int(type_id))
    if bt is None:
        raise LookupError(f"journal line {ident}: balance type {type_id} is not in the catalog")
    currency = provider.currency
    detail = json.loads(detail_text) if detail_text else {}
    reason = detail.get("reason") if isinstance(detail, dict) else None
    return drop_none({
        "id": str(ident), "href": href(base, "balanceActionHistory", ident),
        "@type": "BalanceActionHistory",
        "status": "completed" if status == "ok" else "failed",
        "action": kind, "description": f"{kind} ({bt.name})",
        "reason": reason if isinstance(reason, str) else None,
        "amount": amounts.quantity(int(delta), bt, currency),
        "balanceAfter": amounts.quantity(int(after), bt, currency),
        "balanceType": bt.name, "usageType": amounts.usage_type(bt),
        "bucket": {"id": str(bucket_id), "href": href(base, "bucket", bucket_id),
                   "name": bt.name} if bucket_id is not None else None,
        "channel": channel(str(chan)),
        "requestedDate": time_of(int(at)), "confirmationDate": time_of(int(at)),
        "operationId": str(op_id),
        "relatedParty": party(owner, "owner"),
        "partyAccount": {"id": str(account_id), "@referredType": "Wallet"},
    })


async def list_history(request: web.Request) -> web.Response:
    ledger: Ledger = ledger_of(request)
    offset, limit = paging(request)
    account = await account_filter(ledger, request)
    bucket = request.query.get("bucket.id")
    if account == NO_WALLET or (bucket is not None and not is_row_id(bucket)):
        return list_response(request, [], 0)
    condition, params = "j.account_id IS NOT NULL", []
    if account is not None:
        condition += " AND j.account_id = ?"
        params.append(account)
    if bucket is not None:
        condition += " AND j.bucket_id = ?"
        params.append(int(bucket))
    total = (await ledger.store.query(
        f"SELECT COUNT(*) FROM journal j WHERE {condition}", params))[0][0]
    rows = await ledger.store.query(
        f"SELECT {COLUMNS} {FROM} WHERE {condition} ORDER BY j.id DESC LIMIT ? OFFSET ?",
        [*params, limit, offset])
    catalog = await ledger.store.catalog()
    base = base_path(request)
    return list_response(request, [history_view(r, catalog, base) for r in rows], int(total))


async def get_history(request: web.Request) -> web.Response:
    ledger = ledger_of(request)
    ident = digits_id(request.match_info["id"], "balanceActionHistory")
    rows = await ledger.store.query(
        f"SELECT {COLUMNS} {FROM} WHERE j.id = ? AND j.account_id IS NOT NULL", (ident,))
    if not rows:
        raise not_found("balanceActionHistory", str(ident))
    return entity_response(request, history_view(rows[0], await ledger.store.catalog(),
                                                 base_path(request)))


def routes() -> list[web.RouteDef]:
    return [web.get("/balanceActionHistory", list_history, allow_head=False),
            web.get("/balanceActionHistory/{id}", get_history, allow_head=False)]
