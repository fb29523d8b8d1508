"""``bucket``: the ledger's buckets (a balance type's value with one expiry), live ones only.

List (``relatedParty.id`` filters by MSISDN, paged in SQL) and retrieve.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aiohttp import web
from babel.numbers import format_currency

from core.catalog import Catalog
from core.msisdn import InvalidMsisdn
from core.service import Ledger
from core.snapshots import WalletState
from gateway.tmf import amounts
from gateway.tmf.errors import not_found
from gateway.tmf.http import (
    Json,
    base_path,
    digits_id,
    drop_none,
    entity_response,
    href,
    ledger_of,
    list_response,
    paging,
    party,
    time_of,
)

COLUMNS = ("b.id, b.account_id, b.type_id, b.value, b.expires_at, b.created_at, b.product, "
           "a.owner_msisdn, a.provider_id, a.state, "
           "(SELECT COUNT(*) FROM subscribers s WHERE s.account_id = a.id)")
LIVE = "(b.expires_at IS NULL OR b.expires_at > ?)"


def bucket_view(r: tuple[Any, ...], catalog: Catalog, base: str) -> Json:
    (bucket_id, account_id, type_id, value, expires_at, created_at, product, owner,
     provider_id, state, subscribers) = r
    provider = catalog.provider(int(provider_id))
    bt = provider.type_by_id(int(type_id))
    if bt is None:
        raise LookupError(f"bucket {bucket_id}: balance type {type_id} is not in the catalog")
    currency = provider.currency
    if bt.is_cash:
        shown = format_currency(Decimal(int(value)).scaleb(-amounts.minor_digits(currency)),
                                currency, locale="en")
    else:
        shown = f"{value} {amounts.units_of(bt, currency)}"
    return drop_none({
        "id": str(bucket_id), "href": href(base, "bucket", bucket_id), "@type": "Bucket",
        "name": bt.name, "description": f"{bt.name} ({bt.category.value})",
        "isShared": int(subscribers) > 1,
        "remainingValue": amounts.quantity(int(value), bt, currency),
        "remainingValueName": shown,
        "status": "active" if state == WalletState.ACTIVE.value else "suspended",
        "usageType": amounts.usage_type(bt),
        "validFor": drop_none({"startDateTime": time_of(int(created_at)),
                               "endDateTime": time_of(expires_at)}),
        "product": [{"id": product, "name": product}] if product else None,
        "relatedParty": party(owner, "owner"),
        "partyAccount": {"id": str(account_id), "@referredType": "Wallet"},
    })


NO_WALLET = -1  # a filter that matches no wallet (wallet ids are positive)


async def account_filter(ledger: Ledger, request: web.Request) -> int | None:
    """The wallet ``relatedParty.id`` names: its id, None when not filtering, NO_WALLET when
    the filter matches none (an unparseable or unknown MSISDN matches nothing: a filter is
    not an error)."""
    raw = request.query.get("relatedParty.id")
    if raw is None:
        return None
    try:
        msisdn = ledger.msisdn(raw)
    except InvalidMsisdn:
        return NO_WALLET
    rows = await ledger.store.query("SELECT account_id FROM subscribers WHERE msisdn = ?",
                                    (msisdn,))
    return int(rows[0][0]) if rows else NO_WALLET


async def list_buckets(request: web.Request) -> web.Response:
    ledger = ledger_of(request)
    offset, limit = paging(request)
    account = await account_filter(ledger, request)
    if account == NO_WALLET:
        return list_response(request, [], 0)
    now = ledger.clock()
    condition, params = LIVE, [now]
    if account is not None:
        condition += " AND b.account_id = ?"
        params.append(account)
    total = (await ledger.store.query(
        f"SELECT COUNT(*) FROM buckets b WHERE {condition}", params))[0][0]
    rows = await ledger.store.query(
        f"SELECT {COLUMNS} FROM buckets b JOIN accounts a ON a.id = b.account_id "
        f"WHERE {condition} ORDER BY b.id LIMIT ? OFFSET ?", [*params, limit, offset])
    catalog = await ledger.store.catalog()
    base = base_path(request)
    return list_response(request, [bucket_view(r, catalog, base) for r in rows], int(total))


async def get_bucket(request: web.Request) -> web.Response:
    ledger = ledger_of(request)
    ident = digits_id(request.match_info["id"], "bucket")
    rows = await ledger.store.query(
        f"SELECT {COLUMNS} FROM buckets b JOIN accounts a ON a.id = b.account_id "
        f"WHERE b.id = ? AND {LIVE}", (ident, ledger.clock()))
    if not rows:
        raise not_found("bucket", str(ident))
    catalog = await ledger.store.catalog()
    return entity_response(request, bucket_view(rows[0], catalog, base_path(request)))


def routes() -> list[web.RouteDef]:
    return [web.get("/bucket", list_buckets, allow_head=False),
            web.get("/bucket/{id}", get_bucket, allow_head=False)]
