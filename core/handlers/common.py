"""Checks several handlers share: amounts, wallet states, limits and the max-balance policy."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.balance_types import BalanceType, MaxBalancePolicy
from core.book import Book, OpContext
from core.calendar_month import month_end
from core.outcomes import Outcome, Status, fail
from core.rows import Account, Subscriber
from core.snapshots import WalletState


def valid_amount(amount: object) -> bool:
    """A positive integer of the smallest unit; bools are ints in Python and are refused."""
    return isinstance(amount, int) and not isinstance(amount, bool) and amount > 0


def spend_state_error(book: Book, account: Account) -> Outcome | None:
    """Can this wallet spend? Pre-use wallets may (the first use activates them)."""
    if account.state is WalletState.TERMINATED:
        return fail(Status.WALLET_TERMINATED)
    if account.state is WalletState.SUSPENDED:
        return fail(Status.WALLET_NOT_ACTIVE, state=account.state.value)
    if account.expires_at is not None and account.expires_at <= book.now:
        return fail(Status.WALLET_NOT_ACTIVE, state="expired")
    return None


def activate_on_first_use(book: Book, account: Account) -> None:
    if account.state is WalletState.PRE_USE:
        account.state = WalletState.ACTIVE
        account.activated_at = book.now
        account.dirty = True


def spending_headroom(book: Book, account: Account, sub: Subscriber | None) -> int | None:
    """What a sharing subscriber may still spend this month, or None for no limit."""
    if sub is None or sub.spending_limit is None:
        return None
    if sub.spent_period_end is None or sub.spent_period_end <= book.now:
        sub.spent = 0
        sub.spent_period_end = month_end(book.now)
        sub.dirty = True
    held = sum(r.amount for r in account.reservations.values()
               if r.msisdn == sub.msisdn and r.holds(book.now))
    return max(0, sub.spending_limit - sub.spent - held)


def record_spend(sub: Subscriber | None, amount: int) -> None:
    if sub is not None and sub.spending_limit is not None:
        sub.spent += amount
        sub.dirty = True


@dataclass(frozen=True, slots=True)
class CreditPlan:
    """What a credit under the max-balance policy will really add."""

    amounts: tuple[tuple[BalanceType, int], ...]
    exceeded: dict[str, int] = field(default_factory=dict)


def plan_credits(
    book: Book, op: OpContext, account: Account, credits: list[tuple[BalanceType, int]]
) -> CreditPlan | Outcome:
    """Apply each type's max-balance policy against its live balance: 'reject credits over'
    fails the whole credit (naming every failing type); 'limit additional credits' caps it and
    records what was cut."""
    failed: list[str] = []
    exceeded: dict[str, int] = {}
    effective: list[tuple[BalanceType, int]] = []
    pending: dict[int, int] = {}
    for bt, amount in credits:
        if bt.max_balance is None:
            effective.append((bt, amount))
            continue
        current = book.balance(op, account, bt).live_value(book.now) + pending.get(bt.id, 0)
        room = max(0, bt.max_balance - current)
        if amount <= room:
            effective.append((bt, amount))
        elif bt.max_balance_policy is MaxBalancePolicy.REJECT_CREDITS_OVER:
            failed.append(bt.name)
            continue
        else:
            exceeded[bt.name] = amount - room
            effective.append((bt, room))
        pending[bt.id] = pending.get(bt.id, 0) + effective[-1][1]
    if failed:
        return fail(Status.MAX_BALANCE_EXCEEDED, failed_balance_types=failed)
    return CreditPlan(tuple((bt, a) for bt, a in effective if a > 0), exceeded)


def live_balances(book: Book, op: OpContext, account: Account,
                  types: list[BalanceType]) -> dict[str, int]:
    return {bt.name: book.balance(op, account, bt).live_value(book.now) for bt in types}
