"""Ledger outbox rows -> the message to send the subscriber by SMS. Pure, table-driven by kind.

Payloads are what core's handlers ``book.emit(...)`` (core/book.py, core/handlers/*.py); values
are in the balance type's unit, cash in minor units of the provider's currency. A row this module
cannot turn into a message (a kind it does not know, a balance type or product the catalog no
longer has, a transfer of a non-cash type, an expiry already past) maps to None: the sender
logs it and marks it done rather than retrying it forever.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from core.catalog import Provider
from core.clock import EpochSeconds, days_until
from core.snapshots import BalanceSnapshot, BucketSnapshot
from translations.messages import (
    BundleBought,
    ExpirySoon,
    LowBalance,
    Message,
    RechargeLocked,
    RechargeOk,
    ThresholdReached,
    TransferOkRecipient,
    TransferOkSender,
)

HOUR_S = 3_600


@dataclass(frozen=True, slots=True)
class Context:
    provider: Provider
    now: EpochSeconds  # when the notification is sent (rows may wait out a restart)
    display_number: Callable[[str], str]  # E.164 -> as the subscriber writes it


Builder = Callable[[Mapping[str, Any], Context], Message | None]


def _recharge_ok(p: Mapping[str, Any], ctx: Context) -> Message | None:
    # As the USSD reply does (menus/outcomes.py): cash credited, and the default cash after.
    cash = ctx.provider.default_cash
    credited: Mapping[str, int] = p["credited"]
    balances: Mapping[str, int] = p["balances"]
    cash_names = {t.name for t in ctx.provider.balance_types if t.is_cash}
    return RechargeOk(credited_minor=sum(v for k, v in credited.items() if k in cash_names),
                      new_balance_minor=balances.get(cash.name, 0) if cash is not None else 0)


def _recharge_locked(p: Mapping[str, Any], ctx: Context) -> Message | None:
    locked_until: int = p["locked_until"]
    if locked_until <= ctx.now:
        return None  # already unlocked: telling them now would be wrong
    return RechargeLocked(locked_for_hours=-(-(locked_until - ctx.now) // HOUR_S))


def _cash_amount(p: Mapping[str, Any], ctx: Context) -> bool:
    """Transfer messages format money; a transfer of another type has no message yet."""
    bt = ctx.provider.type_named(p["balance_type"])
    return bt is not None and bt.is_cash


def _transfer_sent(p: Mapping[str, Any], ctx: Context) -> Message | None:
    if not _cash_amount(p, ctx):
        return None
    return TransferOkSender(amount_minor=p["amount"], recipient=ctx.display_number(p["to"]),
                            new_balance_minor=p["balance"])


def _transfer_received(p: Mapping[str, Any], ctx: Context) -> Message | None:
    if not _cash_amount(p, ctx):
        return None
    return TransferOkRecipient(amount_minor=p["amount"], sender=ctx.display_number(p["from"]))


def _snapshot(ctx: Context, type_name: str, value: int,
              expires_at: EpochSeconds | None = None) -> BalanceSnapshot | None:
    """The one figure a payload carries, as the snapshot balance messages render."""
    bt = ctx.provider.type_named(type_name)
    if bt is None:
        return None
    return BalanceSnapshot(bt, total=value, reserved=0, credit_limit=0,
                           buckets=(BucketSnapshot(0, value, expires_at),))


def _threshold_reached(p: Mapping[str, Any], ctx: Context) -> Message | None:
    balance = _snapshot(ctx, p["balance_type"], p["balance"])
    return None if balance is None else ThresholdReached(balance=balance, percent=p["percent"])


def _low_balance(p: Mapping[str, Any], ctx: Context) -> Message | None:
    balance = _snapshot(ctx, p["balance_type"], p["balance"])
    return None if balance is None else LowBalance(balance=balance)


def _expiry_soon(p: Mapping[str, Any], ctx: Context) -> Message | None:
    # Days are counted again at sending time: a row that waited out a restart must not say
    # "3 days" when one is left, nor warn of a bucket that has already gone.
    days = days_until(p["expires_at"], ctx.now)
    balance = _snapshot(ctx, p["balance_type"], p["value"], p["expires_at"])
    if balance is None or days == 0:
        return None
    return ExpirySoon(balance=balance, days=days)


def _bundle_bought(p: Mapping[str, Any], ctx: Context) -> Message | None:
    product = ctx.provider.product_named(p["product"])
    if product is None:
        return None
    days = max((item.validity_days or 0 for item in product.items), default=0)
    return BundleBought(name=product.name, price_minor=p["price"], valid_days=days)


BUILDERS: Mapping[str, Builder] = {
    "recharge_ok": _recharge_ok,
    "recharge_locked": _recharge_locked,
    "transfer_sent": _transfer_sent,
    "transfer_received": _transfer_received,
    "threshold_reached": _threshold_reached,
    "low_balance": _low_balance,
    "expiry_soon": _expiry_soon,
    "bundle_bought": _bundle_bought,
}
"""Every outbox kind core emits, and the message it becomes."""


def notification_message(kind: str, payload: Mapping[str, Any], provider: Provider, *,
                         now: EpochSeconds,
                         display_number: Callable[[str], str] = str) -> Message | None:
    """The message for one outbox row (``payload`` is its JSON, decoded), or None to skip it.
    ``display_number`` turns an MSISDN into what the subscriber reads (the USSD replies use
    ``BoundMenu.display_number``); by default numbers are shown in E.164.

    Raises KeyError or TypeError on a payload without the fields its kind has: a bug in core,
    not a condition to skip quietly."""
    build = BUILDERS.get(kind)
    if build is None:
        return None
    return build(payload, Context(provider, now, display_number))
