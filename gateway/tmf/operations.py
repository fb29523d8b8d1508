"""topupBalance, adjustBalance and transferBalance are views of the ledger's ``operations``
table, whatever channel the operation came from (a USSD voucher recharge is a topupBalance
too): an operation is journaled in the same transaction as the value it moved, so these views
can never disagree with the balances, and the event feed reads the same rows.

An action exists once it succeeded: a failed POST answers with an error and creates nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from core.balance_types import BalanceType
from core.catalog import Catalog, Provider
from core.service import Ledger
from gateway.tmf import amounts
from gateway.tmf.http import Json, channel, drop_none, href, party, placeholders, time_of

TOPUP_REASON = "topup"  # the reason of an Adjust that tops up an amount (no voucher)

OP_COLUMNS = "o.id, o.at, o.kind, o.channel, o.status, o.provider_id, o.msisdn, o.detail"

# The operations_money_moves index holds only these kinds. SQLite uses a partial index only
# when the query repeats the index's WHERE term, so every query here starts with it (and
# names kinds as literals from this tuple, never a caller's text).
MONEY_MOVES = ("recharge", "adjust", "transfer")
IN_MONEY_MOVES = "o.kind IN ('recharge', 'adjust', 'transfer')"

# Each resource's operations, as SQL over ``operations o``.
RESOURCES: dict[str, tuple[tuple[str, ...], str]] = {
    "topupBalance": (("recharge", "adjust"),
                     "o.status = 'ok' AND (o.kind = 'recharge' OR "
                     "json_extract(o.detail, '$.reason') = 'topup')"),
    "adjustBalance": (("adjust",),
                      "o.status = 'ok' AND json_extract(o.detail, '$.reason') IS NOT 'topup'"),
    "transferBalance": (("transfer",), "o.status = 'ok'"),
}
TYPES = {"topupBalance": "TopupBalance", "adjustBalance": "AdjustBalance",
         "transferBalance": "TransferBalance"}


@dataclass(frozen=True, slots=True)
class Op:
    id: int
    at: int
    kind: str
    channel: str
    status: str
    provider_id: int | None
    msisdn: str | None
    detail: dict[str, Any]

    @classmethod
    def from_row(cls, r: tuple[Any, ...]) -> Op:
        detail = json.loads(r[7]) if r[7] else {}
        return cls(int(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4]),
                   None if r[5] is None else int(r[5]), r[6],
                   detail if isinstance(detail, dict) else {})

    @property
    def resource(self) -> str | None:
        if self.status != "ok":
            return None
        if self.kind == "recharge":
            return "topupBalance"
        if self.kind == "adjust":
            return "topupBalance" if self.detail.get("reason") == TOPUP_REASON \
                else "adjustBalance"
        if self.kind == "transfer":
            return "transferBalance"
        return None


def kinds_sql(kinds: tuple[str, ...]) -> str:
    """The condition that an operation is of one of ``kinds`` (each one of MONEY_MOVES),
    in the form that lets SQLite use operations_money_moves."""
    unknown = set(kinds) - set(MONEY_MOVES)
    if unknown or not kinds:
        raise ValueError(f"not an indexed operation kind: {sorted(unknown)}")
    listed = ", ".join(f"'{k}'" for k in kinds)
    return f"{IN_MONEY_MOVES} AND o.kind IN ({listed})"


def where(resource: str, msisdn: str | None) -> tuple[str, list[Any]]:
    kinds, condition = RESOURCES[resource]
    sql = f"{kinds_sql(kinds)} AND {condition}"
    params: list[Any] = []
    if msisdn is not None:
        sql += " AND o.msisdn = ?"
        params.append(msisdn)
    return sql, params


async def list_ops(ledger: Ledger, resource: str, msisdn: str | None, offset: int,
                   limit: int) -> tuple[list[Op], int]:
    condition, params = where(resource, msisdn)
    total = (await ledger.store.query(
        f"SELECT COUNT(*) FROM operations o WHERE {condition}", params))[0][0]
    rows = await ledger.store.query(
        f"SELECT {OP_COLUMNS} FROM operations o WHERE {condition} ORDER BY o.id DESC "
        f"LIMIT ? OFFSET ?", [*params, limit, offset])
    return [Op.from_row(r) for r in rows], int(total)


async def get_op(ledger: Ledger, resource: str, op_id: int) -> Op | None:
    condition, params = where(resource, None)
    rows = await ledger.store.query(
        f"SELECT {OP_COLUMNS} FROM operations o WHERE o.id = ? AND {condition}",
        [op_id, *params])
    return Op.from_row(rows[0]) if rows else None


async def op_by_key(ledger: Ledger, kind: str, msisdn: str, key: str) -> Op | None:
    """The operation a command with ``key`` wrote (found through its kind and subscriber)."""
    rows = await ledger.store.query(
        f"SELECT {OP_COLUMNS} FROM operations o WHERE {kinds_sql((kind,))} "
        f"AND o.msisdn = ? AND o.idempotency_key = ? ORDER BY o.id LIMIT 1", (msisdn, key))
    return Op.from_row(rows[0]) if rows else None


CreditLines = dict[int, list[tuple[int, int]]]  # op id -> [(type id, bucket id)] in order


async def credit_lines(ledger: Ledger, op_ids: list[int]) -> CreditLines:
    """The buckets each operation credited, in journal order (the last line of a type is
    the credit itself; earlier ones may be roll-overs of stale buckets)."""
    found: CreditLines = {i: [] for i in op_ids}
    if not op_ids:
        return found
    rows = await ledger.store.query(
        f"SELECT op_id, type_id, bucket_id FROM journal WHERE op_id IN "
        f"({placeholders(op_ids)}) AND account_id IS NOT NULL AND bucket_id IS NOT NULL "
        f"AND delta > 0 ORDER BY id", op_ids)
    for op_id, type_id, bucket_id in rows:
        found[int(op_id)].append((int(type_id), int(bucket_id)))
    return found


def _bucket_ref(base: str, lines: list[tuple[int, int]], bt: BalanceType) -> Json | None:
    ids = [b for t, b in lines if t == bt.id]
    if not ids:
        return None
    return {"id": str(ids[-1]), "href": href(base, "bucket", ids[-1]), "name": bt.name}


def _provider(catalog: Catalog, op: Op) -> Provider:
    if op.provider_id is None:
        raise LookupError(f"operation {op.id} has no provider")
    return catalog.provider(op.provider_id)


def _type(provider: Provider, name: object) -> BalanceType:
    bt = provider.type_named(str(name)) if name is not None else provider.default_cash
    if bt is None:
        raise LookupError(f"balance type {name!r} is no longer in the catalog")
    return bt


def action_view(op: Op, lines: list[tuple[int, int]], catalog: Catalog, base: str) -> Json:
    """The TMF representation of a topup, adjustment or transfer operation."""
    resource = op.resource
    if resource is None:
        raise LookupError(f"operation {op.id} is not a TMF action")
    provider = _provider(catalog, op)
    currency = provider.currency
    common: Json = {
        "id": str(op.id), "href": href(base, resource, op.id), "@type": TYPES[resource],
        "status": "completed", "requestedDate": time_of(op.at),
        "confirmationDate": time_of(op.at), "channel": channel(op.channel),
    }
    if resource == "transferBalance":
        bt = _type(provider, op.detail.get("balance_type"))
        fee = int(op.detail.get("fee", 0))
        return drop_none({
            **common,
            "amount": amounts.quantity(int(op.detail["amount"]), bt, currency),
            "usageType": amounts.usage_type(bt),
            "relatedParty": party(op.msisdn, "sender"),
            "receiver": {"id": op.detail.get("to"), "role": "receiver",
                         "@referredType": "Subscriber"},
            "receiverBucket": _bucket_ref(base, lines, bt),
            "transferCost": amounts.money(fee, currency) if bt.is_cash else None,
            "costOwner": "originator",
            "bucket": {"name": bt.name},
        })
    if op.kind == "recharge":
        credited = op.detail.get("credited") or {}
        name, minor = next(iter(credited.items())) if credited else (None, 0)
        bt = _type(provider, name)
        extra: Json = {"voucher": op.detail.get("serial"), "isAutoTopup": False,
                       "description": "voucher recharge"}
    else:
        bt = _type(provider, op.detail.get("balance_type"))
        minor = int(op.detail.get("applied", 0))
        extra = {"reason": op.detail.get("reason")}
        if resource == "topupBalance":
            extra = {"isAutoTopup": False, "description": "topup of an amount"}
        else:
            extra["adjustType"] = "oneTime"
    return drop_none({
        **common, **extra,
        "amount": amounts.quantity(int(minor), bt, currency),
        "usageType": amounts.usage_type(bt),
        "relatedParty": party(op.msisdn, "customer"),
        "bucket": _bucket_ref(base, lines, bt) or {"name": bt.name},
    })
