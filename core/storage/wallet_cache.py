"""Wallets the group-commit writer keeps between batches, so that a busy wallet is not read
back from SQLite for every operation.

Why: reading a wallet (its account, subscribers, balances, buckets and open reservations: five
queries) was about a quarter of the writer's CPU per command. The writer is the only one
writing through its connection, so after its COMMIT it knows exactly which rows a new read of
the batch's wallets would return: the rows of what it just wrote.

What is kept: those rows, as ``load_accounts`` would read them (plain tuples), and a hit turns
them into objects the way rows from SQLite are. Not the objects themselves: a wallet is ~30 of
them, and the cyclic garbage collector walks every live object on each full collection; a first
version that kept objects took the benchmark's closed-loop p99 from ~45 to ~160 ms and its
writer process to ~320 MiB at 44,000 wallets. Tuples of plain values drop out of the
collector's sight after its first look. Rows of a wallet that a batch did not change are
reused as they were.

Why it stays exact:
- Another connection's commit (an administrative write, another process's writer, the
  notification sender marking its rows) changes ``PRAGMA data_version`` on ours; it is read
  inside BEGIN IMMEDIATE, where nobody else can write, and any change empties the cache.
- A batch that rolls back empties it too (its objects were changed in memory only), and so
  does a clock that goes backwards (a reservation left out as lapsed could hold again).
- Reservations are filtered on their expiry at each use, as the load's ``expires_at > now``.

Its size is a number of wallets; the least recently used go first.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from core.book import Book
from core.clock import EpochSeconds
from core.rows import Account, Balance, Bucket, Reservation, ReservationState, Subscriber
from core.storage import sqlite_rows as rows

K = TypeVar("K", str, int)
RESERVATION_EXPIRES_AT = [c.strip() for c in rows.RESERVATION_COLS.split(",")].index(
    "expires_at")
# One wallet's rows: its account's, then its subscribers', balances', buckets' and open
# reservations' (tuples of tuples of plain values: the cyclic garbage collector stops
# tracking those after one look, so a big cache does not slow its full collections).
WalletRowsTuple = tuple[rows.Row, tuple[rows.Row, ...], tuple[rows.Row, ...],
                        tuple[rows.Row, ...], tuple[rows.Row, ...]]


@dataclass(frozen=True, slots=True)
class CacheStats:
    """Counts since the writer started: wallets found here, wallets read from the database,
    times the whole cache was emptied (someone else wrote), wallets held now."""

    hits: int = 0
    misses: int = 0
    clears: int = 0
    size: int = 0


@dataclass(slots=True)
class WalletRows:
    """Rows of some wallets, table by table, as ``load_accounts`` selects them."""

    accounts: list[rows.Row] = field(default_factory=list)
    subscribers: list[rows.Row] = field(default_factory=list)
    balances: list[rows.Row] = field(default_factory=list)
    buckets: list[rows.Row] = field(default_factory=list)
    reservations: list[rows.Row] = field(default_factory=list)


class WalletCache:
    def __init__(self, capacity: int) -> None:
        if capacity < 0:
            raise ValueError(f"wallet cache capacity: 0 or more wallets, got {capacity!r}")
        self.capacity = capacity
        # account id -> (its rows, its subscribers, its open reservations); least recent
        # first. The ids let a wallet leave the two indexes below when it goes.
        self._wallets: dict[int, tuple[WalletRowsTuple, tuple[str, ...], tuple[int, ...]]] = {}
        self._by_msisdn: dict[str, int] = {}
        self._by_reservation: dict[int, int] = {}
        self._data_version: int | None = None
        self._now: EpochSeconds | None = None
        self.hits = 0
        self.misses = 0
        self.clears = 0

    def __len__(self) -> int:
        return len(self._wallets)

    def stats(self) -> CacheStats:
        return CacheStats(self.hits, self.misses, self.clears, len(self._wallets))

    def begin(self, conn: sqlite3.Connection, now: EpochSeconds) -> None:
        """At the start of a write transaction (after BEGIN IMMEDIATE): forget everything if
        anyone else has committed since our last batch, or if time went backwards."""
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        if version != self._data_version or (self._now is not None and now < self._now):
            self.clear()
        self._data_version = version
        self._now = now

    def clear(self) -> None:
        if self._wallets:
            self.clears += 1
        self._wallets.clear()
        self._by_msisdn.clear()
        self._by_reservation.clear()

    def account_ids(self, msisdns: Iterable[str], reservation_ids: Iterable[int]
                    ) -> tuple[set[int], list[str], list[int]]:
        """The accounts known here for these subscribers and reservations, and the
        subscribers and reservations storage must look up itself."""
        found: set[int] = set()
        other_msisdns = _known(self._by_msisdn, msisdns, found)
        other_reservations = _known(self._by_reservation, reservation_ids, found)
        return found, other_msisdns, other_reservations

    def take(self, ids: Sequence[int], now: EpochSeconds, into: WalletRows) -> list[int]:
        """Add the rows of the cached wallets among ``ids`` to ``into`` (reservations that
        have lapsed by ``now`` left out); the ids storage must read itself."""
        missing: list[int] = []
        wallets = self._wallets
        for account_id in ids:
            wallet = wallets.pop(account_id, None)
            if wallet is None:
                missing.append(account_id)
                continue
            wallets[account_id] = wallet  # the most recently used now
            account, subscribers, balances, buckets, reservations = wallet[0]
            into.accounts.append(account)
            into.subscribers += subscribers
            into.balances += balances
            into.buckets += buckets
            into.reservations += [r for r in reservations if r[RESERVATION_EXPIRES_AT] > now]
        self.hits += len(ids) - len(missing)
        self.misses += len(missing)
        return missing

    def keep(self, book: Book) -> None:
        """After ``book`` committed: keep the rows its wallets now have in the database."""
        if not self.capacity:
            return
        subscribers: dict[int, list[Subscriber]] = {}
        for sub in book.subscribers.values():
            subscribers.setdefault(sub.account_id, []).append(sub)
        wallets = self._wallets
        for account in book.accounts.values():
            account_id = account.id
            subs = subscribers.get(account_id, [])
            if len(subs) > 1:
                subs.sort(key=_msisdn)
            previous = wallets.pop(account_id, None)
            packed = stored_rows(account, subs, previous[0] if previous else None)
            msisdns = tuple(s.msisdn for s in subs)
            open_ids = tuple(r[0] for r in packed[4])
            if previous is None or previous[1] != msisdns:
                for msisdn in previous[1] if previous else ():
                    self._by_msisdn.pop(msisdn, None)
                for msisdn in msisdns:
                    self._by_msisdn[msisdn] = account_id
            if previous is None or previous[2] != open_ids:
                for reservation_id in previous[2] if previous else ():
                    self._by_reservation.pop(reservation_id, None)
                for reservation_id in open_ids:
                    self._by_reservation[reservation_id] = account_id
            wallets[account_id] = (packed, msisdns, open_ids)
        while len(wallets) > self.capacity:
            self._forget(next(iter(wallets)))

    def _forget(self, account_id: int) -> None:
        wallet = self._wallets.pop(account_id, None)
        if wallet is None:
            return
        for msisdn in wallet[1]:
            self._by_msisdn.pop(msisdn, None)
        for reservation_id in wallet[2]:
            self._by_reservation.pop(reservation_id, None)


def _known(index: dict[K, int], keys: Iterable[K], found: set[int]) -> list[K]:
    """Add to ``found`` the accounts ``index`` gives for ``keys``; the keys it does not know."""
    unknown: list[K] = []
    for key in keys:
        account_id = index.get(key)
        if account_id is None:
            unknown.append(key)
        else:
            found.add(account_id)
    return unknown


def _msisdn(sub: Subscriber) -> str:
    return sub.msisdn


def stored_rows(account: Account, subscribers: Sequence[Subscriber],
                old: WalletRowsTuple | None) -> WalletRowsTuple:
    """The rows the database holds for ``account`` once its batch committed, each table's in
    the order the load's queries return them: deleted balances and buckets left out, only
    open reservations. ``old``: its rows as the batch found them, reused where nothing
    changed (a batch usually changes a bucket or two and a reservation of a wallet, and
    building every row again cost about as much as reading them)."""
    if old is None or account.new or account.dirty:
        account_row = rows.account_to_row(account)
    else:
        account_row = old[0]
    if old is None or len(old[1]) != len(subscribers) or any(
            s.new or s.dirty for s in subscribers):
        subscriber_rows = tuple(rows.subscriber_to_row(s) for s in subscribers)
    else:
        subscriber_rows = old[1]
    balances = list(account.balances.values())
    changed = [bal for bal in balances if bal.new or bal.dirty or bal.gone]
    if changed:
        # A balance made in this batch goes where the load's (account, type) order puts it.
        balances.sort(key=_type_id)
    if old is None or changed or len(old[2]) != len(balances):
        balance_rows = tuple(rows.balance_to_row(bal) for bal in balances if not bal.gone)
    else:
        balance_rows = old[2]
    buckets = [k for bal in balances for k in bal.buckets if not k.gone]
    if len(balances) > 1:
        buckets.sort(key=_bucket_id)
    old_reservations = {r[0]: r for r in old[4]} if old else {}
    reservation_rows = tuple(
        rows.reservation_to_row(r) if r.new or r.dirty or r.id not in old_reservations
        else old_reservations[r.id]
        for r in sorted(account.reservations.values(), key=_reservation_id)
        if r.state is ReservationState.OPEN)
    return (account_row, subscriber_rows, balance_rows,
            tuple(rows.bucket_to_row(k) for k in buckets), reservation_rows)


def _type_id(bal: Balance) -> int:
    return bal.type_id


def _bucket_id(bucket: Bucket) -> int:
    return bucket.id


def _reservation_id(reservation: Reservation) -> int:
    return reservation.id
