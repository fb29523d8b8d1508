"""The TMF view of the ledger's reservations (shared by reserveBalance and the event feed)."""

from __future__ import annotations

from typing import Any

from core.balance_types import BalanceType
from core.catalog import Catalog, Provider
from core.service import Ledger
from core.storage.sqlite_rows import parse_parts
from gateway.tmf import amounts
from gateway.tmf.errors import not_found
from gateway.tmf.http import Json, drop_none, party, time_of

COLUMNS = ("r.id, r.account_id, r.msisdn, r.path, r.parts, r.state, r.created_at, "
           "r.expires_at, r.used, r.ended_at, a.provider_id")

def status_of(state: str, expires_at: int, now: int) -> tuple[str, str]:
    """(TMF status, ledger state): an open reservation past its expiry is expired already,
    even before housekeeping marks it."""
    if state == "open" and expires_at <= now:
        state = "expired"
    return {"open": "created", "committed": "completed"}.get(state, "cancelled"), state


def amount_type(r: tuple[Any, ...], provider: Provider) -> BalanceType | None:
    """The type a reservation's amounts are shown in: the first of its path."""
    order = [int(t) for t in str(r[3]).split(",") if t] + list(parse_parts(r[4]))
    return next((bt for t in order if (bt := provider.type_by_id(t)) is not None), None)


def reservation_view(r: tuple[Any, ...], catalog: Catalog, base: str, now: int) -> Json:
    (ident, account_id, msisdn, _path, parts_text, state, created_at, expires_at, used,
     ended_at, provider_id) = r
    provider: Provider = catalog.provider(int(provider_id))
    parts = parse_parts(parts_text)
    first = amount_type(r, provider)
    currency = provider.currency
    total = sum(parts.values())
    status, ledger_state = status_of(str(state), int(expires_at), now)

    def q(minor: int) -> Json:
        return amounts.quantity(minor, first, currency) if first is not None else {
            "amount": minor, "units": currency}

    held = []
    for type_id, minor in parts.items():
        bt = provider.type_by_id(type_id)
        if bt is not None:
            held.append({"balanceType": bt.name,
                         "amount": amounts.quantity(minor, bt, currency)})
    return drop_none({
        "id": str(ident), "href": f"{base}/reserveBalance/{ident}", "@type": "ReserveBalance",
        "status": status, "reservationState": ledger_state,
        "amount": q(total),
        "usageType": amounts.usage_type(first) if first is not None else None,
        "requestedDate": time_of(int(created_at)),
        "confirmationDate": time_of(ended_at) if status == "completed" else None,
        "validFor": {"startDateTime": time_of(int(created_at)),
                     "endDateTime": time_of(int(expires_at))},
        "usedAmount": q(int(used)) if status == "completed" else None,
        "reservedBalance": held,
        "relatedParty": party(msisdn, "customer"),
        "partyAccount": {"id": str(account_id), "@referredType": "Wallet"},
    })


async def load(ledger: Ledger, ident: int) -> tuple[Any, ...] | None:
    rows = await ledger.store.query(
        f"SELECT {COLUMNS} FROM reservations r JOIN accounts a ON a.id = r.account_id "
        f"WHERE r.id = ?", (ident,))
    return rows[0] if rows else None


async def view_of(ledger: Ledger, ident: int, base: str) -> Json:
    row = await load(ledger, ident)
    if row is None:
        raise not_found("reserveBalance", str(ident))
    return reservation_view(row, await ledger.store.catalog(), base, ledger.clock())


