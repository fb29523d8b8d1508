"""Periodic upkeep of the wallets storage found due: expire buckets (with roll-over and
delete-after-last-bucket), end expired reservations, reset expenditure periods, and warn of
buckets expiring within the provider's warning window (once per bucket)."""

from __future__ import annotations

from core.balance_types import Category
from core.book import Book
from core.clock import DAY_S, days_until
from core.commands import Housekeeping
from core.outcomes import Outcome, Status, ok
from core.rows import ReservationState


def housekeeping(book: Book, cmd: Housekeeping) -> Outcome:
    expired_reservations = 0
    warned = 0
    touched = 0
    for account in book.accounts.values():
        provider = book.provider(account)
        op = book.begin("expire", key=None, channel=cmd.channel, provider_id=provider.id,
                        msisdn=account.owner_msisdn)
        lines_before = len(book.journal)
        for type_id in list(account.balances):
            bt = provider.type_by_id(type_id)
            if bt is not None:
                book.expire(op, account, bt)  # journaled in op
        for reservation in account.reservations.values():
            if reservation.state is ReservationState.OPEN and reservation.expires_at <= book.now:
                reservation.state = ReservationState.EXPIRED
                reservation.ended_at = book.now
                reservation.dirty = True
                expired_reservations += 1
        horizon = book.now + provider.policies.expiry_warning_days * DAY_S
        for type_id, bal in account.balances.items():
            bt = provider.type_by_id(type_id)
            if bt is None or bt.category is not Category.CHARGEABLE or bal.gone:
                continue
            for bucket in bal.buckets:
                if (bucket.live(book.now) and not bucket.warned and bucket.value > 0
                        and bucket.expires_at is not None and bucket.expires_at <= horizon):
                    bucket.warned = True
                    bucket.dirty = True
                    warned += 1
                    book.emit(account, account.owner_msisdn, "expiry_soon",
                              {"balance_type": bt.name, "value": bucket.value,
                               "days": days_until(bucket.expires_at, book.now),
                               "expires_at": bucket.expires_at},
                              f"expiry:{bucket.id}")
        if len(book.journal) > lines_before:
            touched += 1
            book.finish(op, Status.OK)
        else:
            book.discard(op)
    return ok(accounts=len(book.accounts), expired_reservations=expired_reservations,
              warned=warned, accounts_with_expiries=touched)
