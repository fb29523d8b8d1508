"""Charges and two-phase reservations along balance cascades.

A reservation holds parts of several balance types (in cascade order); it ends in exactly one
terminal state: committed (all or part used; the rest returns), released, or expired.
"""

from __future__ import annotations

from core.balance_types import BalanceType
from core.book import Book, OpContext
from core.catalog import Provider
from core.commands import Charge, CommitReservation, ReleaseReservation, ReportUsage, Reserve
from core.handlers.common import (
    activate_on_first_use,
    record_spend,
    spend_state_error,
    spending_headroom,
    valid_amount,
)
from core.outcomes import Outcome, Status, fail, ok
from core.rows import Account, Reservation, ReservationState, SystemAccount


def _split(book: Book, op: OpContext, account: Account, path: tuple[BalanceType, ...],
           amount: int, until: int | None = None) -> dict[int, int] | None:
    """Spread ``amount`` over the path in order, each type giving what it has headroom for.
    None if the whole path cannot cover it."""
    parts: dict[int, int] = {}
    remaining = amount
    for bt in path:
        take = min(remaining, book.headroom(op, account, bt, until=until))
        if take:
            parts[bt.id] = take
            remaining -= take
        if not remaining:
            return parts
    return None


def _path(provider: Provider, cascade: str | None, balance_type: str | None
          ) -> tuple[BalanceType, ...] | Outcome:
    path = provider.resolve_path(cascade, balance_type)
    if not path:
        return fail(Status.UNKNOWN_BALANCE_TYPE, balance_type=balance_type or cascade)
    return path


def _spender(book: Book, msisdn: str, cascade: str | None, balance_type: str | None
             ) -> tuple[Account, Provider, tuple[BalanceType, ...]] | Outcome:
    """The checks every debit starts with, in order: subscriber, path, wallet state."""
    account = book.account_of(msisdn)
    if account is None:
        return fail(Status.UNKNOWN_SUBSCRIBER, msisdn=msisdn)
    provider = book.provider(account)
    path = _path(provider, cascade, balance_type)
    if isinstance(path, Outcome):
        return path
    state_error = spend_state_error(book, account)
    if state_error is not None:
        return state_error
    return account, provider, path


def charge(book: Book, cmd: Charge) -> Outcome:
    """Order: amount, subscriber, path, wallet state, spending limit, funds."""
    if not valid_amount(cmd.amount):
        return fail(Status.INVALID_AMOUNT, field="amount")
    spender = _spender(book, cmd.msisdn, cmd.cascade, cmd.balance_type)
    if isinstance(spender, Outcome):
        return spender
    account, provider, path = spender
    sub = book.subscribers.get(cmd.msisdn)
    limit = spending_headroom(book, account, sub)
    if limit is not None and limit < cmd.amount:
        return fail(Status.SPENDING_LIMIT_EXCEEDED, headroom=limit)
    op = book.begin("charge", key=cmd.key, channel=cmd.channel, provider_id=provider.id,
                    msisdn=cmd.msisdn)
    parts = _split(book, op, account, path, cmd.amount)
    if parts is None:
        return fail(Status.INSUFFICIENT_FUNDS)
    for bt in path:
        if bt.id in parts:
            book.debit(op, account, bt, parts[bt.id], SystemAccount.REVENUE, msisdn=cmd.msisdn)
    record_spend(sub, cmd.amount)
    activate_on_first_use(book, account)
    charged = {provider_type_name(provider, t): a for t, a in parts.items()}
    book.finish(op, Status.OK, {"charged": charged})
    return ok(charged=charged)


def provider_type_name(provider: Provider, type_id: int) -> str:
    bt = provider.type_by_id(type_id)
    return bt.name if bt is not None else str(type_id)


def reserve(book: Book, cmd: Reserve) -> Outcome:
    """Order: amount, ttl, subscriber, path, wallet state, spending limit, funds."""
    if not valid_amount(cmd.amount):
        return fail(Status.INVALID_AMOUNT, field="amount")
    if not valid_amount(cmd.ttl_s):
        return fail(Status.INVALID_AMOUNT, field="ttl_s")
    spender = _spender(book, cmd.msisdn, cmd.cascade, cmd.balance_type)
    if isinstance(spender, Outcome):
        return spender
    account, _provider, path = spender
    outcome = _open_reservation(book, account, cmd.msisdn, cmd.session_id,
                                tuple(bt.id for bt in path), cmd.amount, cmd.ttl_s,
                                key=cmd.key, channel=cmd.channel)
    return outcome


def _open_reservation(book: Book, account: Account, msisdn: str, session_id: str,
                      path_ids: tuple[int, ...], amount: int, ttl_s: int, *, key: str | None,
                      channel: str) -> Outcome:
    provider = book.provider(account)
    sub = book.subscribers.get(msisdn)
    limit = spending_headroom(book, account, sub)
    if limit is not None and limit < amount:
        return fail(Status.SPENDING_LIMIT_EXCEEDED, headroom=limit)
    op = book.begin("reserve", key=key, channel=channel, provider_id=provider.id,
                    msisdn=msisdn)
    path = tuple(bt for bt in (provider.type_by_id(i) for i in path_ids) if bt is not None)
    parts = _split(book, op, account, path, amount, until=book.now + ttl_s)
    if parts is None:
        return fail(Status.INSUFFICIENT_FUNDS)
    reservation = Reservation(
        id=book.ids.take("reservations"), account_id=account.id, msisdn=msisdn,
        session_id=session_id, path=path_ids, parts=parts, state=ReservationState.OPEN,
        created_at=book.now, expires_at=book.now + ttl_s, new=True, dirty=True)
    account.reservations[reservation.id] = reservation
    book.reservation_owner[reservation.id] = account.id
    activate_on_first_use(book, account)
    book.finish(op, Status.OK, {"reservation_id": reservation.id, "amount": amount})
    return ok(reservation_id=reservation.id, amount=amount, expires_at=reservation.expires_at)


def _find(book: Book, reservation_id: int) -> tuple[Account, Reservation] | Outcome:
    account = book.accounts.get(book.reservation_owner.get(reservation_id, -1))
    reservation = account.reservations.get(reservation_id) if account is not None else None
    if account is None or reservation is None:
        return fail(Status.UNKNOWN_RESERVATION, reservation_id=reservation_id)
    if reservation.state is not ReservationState.OPEN:
        return fail(Status.RESERVATION_CLOSED, state=reservation.state.value)
    if reservation.expires_at <= book.now:
        _expire(book, reservation)
        return fail(Status.RESERVATION_EXPIRED)
    return account, reservation


def _expire(book: Book, reservation: Reservation) -> None:
    reservation.state = ReservationState.EXPIRED
    reservation.ended_at = book.now
    reservation.dirty = True


def _commit(book: Book, account: Account, reservation: Reservation, used: int,
            op: OpContext) -> None:
    provider = book.provider(account)
    reservation.state = ReservationState.COMMITTED
    reservation.used = used
    reservation.ended_at = book.now
    reservation.dirty = True
    remaining = used
    for type_id in reservation.path:
        held = reservation.parts.get(type_id, 0)
        take = min(held, remaining)
        if take:
            bt = provider.type_by_id(type_id)
            assert bt is not None
            book.debit(op, account, bt, take, SystemAccount.REVENUE, msisdn=reservation.msisdn)
            remaining -= take
    record_spend(book.subscribers.get(reservation.msisdn), used)


def _commit_named(book: Book, reservation_id: int, used: int, *, key: str, channel: str
                  ) -> tuple[Account, Reservation] | Outcome:
    """Find the reservation (unknown, closed, expired), check ``used`` fits, commit it as one
    operation: what a plain commit and a usage report both begin with."""
    found = _find(book, reservation_id)
    if isinstance(found, Outcome):
        return found
    account, reservation = found
    if used > reservation.amount:
        return fail(Status.COMMIT_EXCEEDS_RESERVED, reserved=reservation.amount)
    op = book.begin("commit", key=key, channel=channel, provider_id=account.provider_id,
                    msisdn=reservation.msisdn)
    _commit(book, account, reservation, used, op)
    book.finish(op, Status.OK, {"reservation_id": reservation.id, "used": used})
    return account, reservation


def commit_reservation(book: Book, cmd: CommitReservation) -> Outcome:
    """Order: used amount, reservation (unknown, closed, expired), used within reserved."""
    if not isinstance(cmd.used, int) or isinstance(cmd.used, bool) or cmd.used < 0:
        return fail(Status.INVALID_AMOUNT, field="used")
    committed = _commit_named(book, cmd.reservation_id, cmd.used, key=cmd.key,
                              channel=cmd.channel)
    if isinstance(committed, Outcome):
        return committed
    _account, reservation = committed
    return ok(reservation_id=reservation.id, used=cmd.used,
              returned=reservation.amount - cmd.used)


def release_reservation(book: Book, cmd: ReleaseReservation) -> Outcome:
    found = _find(book, cmd.reservation_id)
    if isinstance(found, Outcome):
        return found
    account, reservation = found
    reservation.state = ReservationState.RELEASED
    reservation.ended_at = book.now
    reservation.dirty = True
    op = book.begin("release", key=cmd.key, channel=cmd.channel,
                    provider_id=account.provider_id, msisdn=reservation.msisdn)
    book.finish(op, Status.OK, {"reservation_id": reservation.id})
    return ok(reservation_id=reservation.id, returned=reservation.amount)


def report_usage(book: Book, cmd: ReportUsage) -> Outcome:
    """Commit ``used`` of the reservation, then reserve ``reserve_next`` on the same path.
    The commit stands even when the next chunk cannot be granted (granted = 0)."""
    if not isinstance(cmd.used, int) or isinstance(cmd.used, bool) or cmd.used < 0:
        return fail(Status.INVALID_AMOUNT, field="used")
    if not isinstance(cmd.reserve_next, int) or cmd.reserve_next < 0:
        return fail(Status.INVALID_AMOUNT, field="reserve_next")
    if not valid_amount(cmd.ttl_s):
        return fail(Status.INVALID_AMOUNT, field="ttl_s")
    committed = _commit_named(book, cmd.reservation_id, cmd.used, key=cmd.key,
                              channel=cmd.channel)
    if isinstance(committed, Outcome):
        return committed
    account, reservation = committed
    granted, next_id, next_status = 0, None, Status.OK
    if cmd.reserve_next:
        state_error = spend_state_error(book, account)
        nxt = state_error or _open_reservation(
            book, account, reservation.msisdn, reservation.session_id, reservation.path,
            cmd.reserve_next, cmd.ttl_s, key=cmd.key, channel=cmd.channel)
        next_status = nxt.status
        if nxt.ok:
            granted, next_id = cmd.reserve_next, nxt.data["reservation_id"]
    return ok(reservation_id=reservation.id, used=cmd.used, next_reservation_id=next_id,
              granted=granted, next_status=next_status.value)
