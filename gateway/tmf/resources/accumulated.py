"""``accumulatedBalance``: one per wallet (id = the wallet's id), from
core.service.accumulated_balance.

``accountBalance`` is the TMF654 breakdown (credit, reserved, accepted, loyalty, billing,
receivable) of the wallet's chargeable cash, in its currency; ``totalBalance`` is its credit.
Figures of other units never add into it: ``balanceTypeBalance`` gives the breakdown of every
balance type in its own unit, and ``categoryBalance`` per category and unit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields

from aiohttp import web

from core.accumulated import AccumulatedBalance, Figures
from core.balance_types import BalanceType, Category
from core.catalog import Provider
from core.service import Ledger, accumulated_balance
from gateway.tmf import amounts
from gateway.tmf.errors import not_found
from gateway.tmf.http import (
    Json,
    base_path,
    digits_id,
    entity_response,
    href,
    ledger_of,
    list_response,
    paging,
    party,
)
from gateway.tmf.resources.buckets import NO_WALLET, account_filter

FIGURES = tuple(f.name for f in fields(Figures))


Scale = Callable[[int], Json]


def breakdown(figures: Figures, scale: Scale) -> list[Json]:
    return [{"balanceType": name, "amount": scale(getattr(figures, name))} for name in FIGURES]


def in_type(bt: BalanceType, currency: str) -> Scale:
    return lambda v: amounts.quantity(v, bt, currency)


def accumulated_view(wallet_id: int, acc: AccumulatedBalance, provider: Provider,
                     bucket_ids: list[tuple[int, str]], base: str) -> Json:
    currency = acc.currency
    cash = provider.default_cash
    by_type: list[Json] = []
    categories: dict[tuple[str, str], Figures] = {}
    wallet_cash = Figures()
    for name, figures in acc.by_type.items():
        bt = provider.type_named(name)
        if bt is None:
            continue
        units = amounts.units_of(bt, currency)
        by_type.append({"name": name, "category": bt.category.value,
                        "usageType": amounts.usage_type(bt),
                        "accountBalance": breakdown(figures, in_type(bt, currency))})
        key = (bt.category.value, units)
        categories[key] = categories.get(key, Figures()) + figures
        if bt.is_cash and bt.category is Category.CHARGEABLE:
            wallet_cash = wallet_cash + figures

    def in_currency(v: int) -> Json:
        if cash is None:
            return {"amount": v, "units": currency}
        return amounts.quantity(v, cash, currency)

    def in_units(units: str) -> Scale:
        if units == currency:
            return in_currency
        return lambda v: {"amount": v, "units": units}

    return {
        "id": str(wallet_id), "href": href(base, "accumulatedBalance", wallet_id),
        "@type": "AccumulatedBalance", "name": acc.msisdn,
        "description": "TMF654 accumulated balance of the wallet's chargeable cash "
                       "(credit, reserved, accepted, loyalty, billing, receivable)",
        "totalBalance": in_currency(wallet_cash.credit),
        "accountBalance": breakdown(wallet_cash, in_currency),
        "balanceTypeBalance": by_type,
        "categoryBalance": [{"category": cat, "units": units,
                             "accountBalance": breakdown(figs, in_units(units))}
                            for (cat, units), figs in sorted(categories.items())],
        "bucket": [{"id": str(b), "href": href(base, "bucket", b), "name": n}
                   for b, n in bucket_ids],
        "relatedParty": party(acc.msisdn, "owner"),
        "partyAccount": {"id": str(wallet_id), "@referredType": "Wallet"},
    }


async def _views(ledger: Ledger, wallets: list[tuple[int, str, int]], base: str
                 ) -> list[Json]:
    if not wallets:
        return []
    now = ledger.clock()
    marks = ",".join("?" for _ in wallets)
    rows = await ledger.store.query(
        f"SELECT b.account_id, b.id, b.type_id FROM buckets b WHERE b.account_id IN ({marks}) "
        f"AND (b.expires_at IS NULL OR b.expires_at > ?) ORDER BY b.id",
        [*(w[0] for w in wallets), now])
    catalog = await ledger.store.catalog()
    buckets: Mapping[int, list[tuple[int, int]]] = {w[0]: [] for w in wallets}
    for account_id, bucket_id, type_id in rows:
        buckets[int(account_id)].append((int(bucket_id), int(type_id)))
    views = []
    for wallet_id, owner, provider_id in wallets:
        acc = await accumulated_balance(ledger, owner)
        if acc is None:
            continue
        provider = catalog.provider(provider_id)
        named = [(b, bt.name) for b, t in buckets[wallet_id]
                 if (bt := provider.type_by_id(t)) is not None]
        views.append(accumulated_view(wallet_id, acc, provider, named, base))
    return views


async def list_accumulated(request: web.Request) -> web.Response:
    ledger = ledger_of(request)
    offset, limit = paging(request)
    account = await account_filter(ledger, request)
    if account == NO_WALLET:
        return list_response(request, [], 0)
    condition, params = ("1", []) if account is None else ("id = ?", [account])
    total = (await ledger.store.query(
        f"SELECT COUNT(*) FROM accounts WHERE {condition}", params))[0][0]
    rows = await ledger.store.query(
        f"SELECT id, owner_msisdn, provider_id FROM accounts WHERE {condition} ORDER BY id "
        f"LIMIT ? OFFSET ?", [*params, limit, offset])
    wallets = [(int(r[0]), str(r[1]), int(r[2])) for r in rows]
    return list_response(request, await _views(ledger, wallets, base_path(request)),
                         int(total))


async def get_accumulated(request: web.Request) -> web.Response:
    ledger = ledger_of(request)
    ident = digits_id(request.match_info["id"], "accumulatedBalance")
    rows = await ledger.store.query(
        "SELECT id, owner_msisdn, provider_id FROM accounts WHERE id = ?", (ident,))
    views = await _views(ledger, [(int(r[0]), str(r[1]), int(r[2])) for r in rows],
                         base_path(request))
    if not views:
        raise not_found("accumulatedBalance", str(ident))
    return entity_response(request, views[0])


def routes() -> list[web.RouteDef]:
    return [web.get("/accumulatedBalance", list_accumulated, allow_head=False),
            web.get("/accumulatedBalance/{id}", get_accumulated, allow_head=False)]
