"""The write and read transactions of the hot path, as plain synchronous functions that run on
a database thread (see db_threads): one thread hop per batch.

A write batch: BEGIN IMMEDIATE; one query for the catalog version and the next row ids; the
stored idempotency outcomes; every row the batch needs, set-based; the pure domain; every
change with executemany; COMMIT. Any exception rolls the whole batch back.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Sequence
from typing import TypeVar

from core import commands as c
from core import executor
from core.book import Book, IdAllocator
from core.catalog import Catalog
from core.clock import DAY_S, EpochSeconds
from core.executor import Needs, StoredOutcome
from core.outcomes import Outcome
from core.rows import SystemAccount
from core.snapshots import SubscriberInfo, WalletState
from core.storage import sqlite_rows as rows
from core.storage.catalog_store import load_catalog
from core.storage.wallet_cache import WalletCache, WalletRows

T = TypeVar("T")
log = logging.getLogger(__name__)
ID_TABLES = ("accounts", "buckets", "reservations", "operations")
HEAD_SQL = "SELECT (SELECT value FROM meta WHERE key = 'catalog_version'), " + ", ".join(
    f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {t})" for t in ID_TABLES)


class CatalogCache:
    """The last catalog loaded, shared by the store's threads (immutable, so sharing is safe;
    a stale read only costs a reload)."""

    def __init__(self) -> None:
        self.catalog: Catalog | None = None

    def get(self, conn: sqlite3.Connection, version: int) -> Catalog:
        cached = self.catalog
        if cached is None or cached.version != version:
            cached = load_catalog(conn, version)
            self.catalog = cached
        return cached


def catalog_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = 'catalog_version'").fetchone()
    return int(row[0])


def write_batch(conn: sqlite3.Connection, cache: CatalogCache, needs: Needs,
                keys: Sequence[str], now: EpochSeconds,
                work: Callable[[Book, dict[str, StoredOutcome]], T],
                wallets: WalletCache | None = None) -> T:
    """One write transaction. With ``wallets``, the wallets it finds there are used as they
    are instead of being read, and every wallet of the batch is kept there after COMMIT."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        if wallets is not None:
            wallets.begin(conn, now)
        head = conn.execute(HEAD_SQL).fetchone()
        book = Book(cache.get(conn, head[0]), now,
                    IdAllocator(dict(zip(ID_TABLES, head[1:], strict=True))))
        stored = stored_outcomes(conn, keys)
        load(conn, book, needs, now, wallets)
        result = work(book, stored)
        persist(conn, book)
        conn.execute("COMMIT")
    except BaseException:
        if wallets is not None:
            wallets.clear()  # its wallets may carry changes that were never written
        conn.execute("ROLLBACK")
        raise
    if wallets is not None:
        try:
            wallets.keep(book)
        except Exception:  # the batch is committed: a cache fault must not undo its answer
            wallets.clear()
            log.exception("wallet cache emptied after a fault keeping a batch's wallets")
    return result


def execute_commands(conn: sqlite3.Connection, cache: CatalogCache,
                     cmds: Sequence[c.Command], now: EpochSeconds,
                     wallets: WalletCache | None = None) -> list[Outcome]:
    """One group-commit transaction of ``cmds``: what the writer (thread or process) runs."""
    return write_batch(conn, cache, executor.merge([executor.needs(cmd) for cmd in cmds]),
                       [cmd.key for cmd in cmds], now,
                       lambda book, stored: executor.run_batch(book, cmds, stored), wallets)


def read_accounts(conn: sqlite3.Connection, cache: CatalogCache, msisdns: Sequence[str],
                  now: EpochSeconds) -> Book:
    """A read-only book of the wallets behind ``msisdns``, from one consistent snapshot."""
    return read_batch(conn, cache, msisdns, (), now)[0]


SUBSCRIBER_INFO_SQL = (
    "SELECT s.msisdn, s.account_id, a.provider_id, s.language, a.wallet_type, a.state, "
    "a.expires_at, s.is_owner FROM subscribers s JOIN accounts a ON a.id = s.account_id "
    "WHERE s.msisdn IN ({marks})")


def read_batch(conn: sqlite3.Connection, cache: CatalogCache, wallets: Sequence[str],
               subscribers: Sequence[str], now: EpochSeconds
               ) -> tuple[Book, dict[str, SubscriberInfo]]:
    """The inquiries that waited together, from one snapshot: whole wallets for ``wallets``,
    one joined row each for ``subscribers`` (the light read)."""
    conn.execute("BEGIN")
    try:
        book = Book(cache.get(conn, catalog_version(conn)), now, IdAllocator({}))
        if wallets:
            marks, params = rows.in_list(wallets)
            found = conn.execute(
                f"SELECT account_id FROM subscribers WHERE msisdn IN ({marks})",
                params).fetchall()
            load_accounts(conn, book, sorted({r[0] for r in found}), now)
        infos: dict[str, SubscriberInfo] = {}
        if subscribers:
            marks, params = rows.in_list(subscribers)
            for r in conn.execute(SUBSCRIBER_INFO_SQL.format(marks=marks), params):
                infos[r[0]] = SubscriberInfo(r[0], r[1], r[2], r[3], r[4], WalletState(r[5]),
                                             r[6], bool(r[7]))
        return book, infos
    finally:
        conn.execute("COMMIT")


def stored_outcomes(conn: sqlite3.Connection, keys: Sequence[str]
                    ) -> dict[str, StoredOutcome]:
    if not keys:
        return {}
    marks, params = rows.in_list(keys)
    found = conn.execute(
        f"SELECT key, fingerprint, outcome FROM idempotency WHERE key IN ({marks})",
        params).fetchall()
    return {k: StoredOutcome(f, o) for k, f, o in found}


def load(conn: sqlite3.Connection, book: Book, needs: Needs, now: EpochSeconds,
         wallets: WalletCache | None = None) -> None:
    msisdns: Sequence[str] = needs.msisdns
    reservation_ids: Sequence[int] = needs.reservation_ids
    account_ids: set[int] = set()
    if wallets is not None:
        account_ids, msisdns, reservation_ids = wallets.account_ids(msisdns, reservation_ids)
    if msisdns:
        marks, params = rows.in_list(msisdns)
        account_ids.update(r[0] for r in conn.execute(
            f"SELECT account_id FROM subscribers WHERE msisdn IN ({marks})", params))
    if reservation_ids:
        marks, params = rows.in_list(reservation_ids)
        account_ids.update(r[0] for r in conn.execute(
            f"SELECT account_id FROM reservations WHERE id IN ({marks})", params))
    if needs.pin_hashes:
        marks, params = rows.in_list(needs.pin_hashes)
        found = conn.execute(
            "SELECT v.pin_hash, v.serial, v.batch_id, v.state, b.vals, b.validity_days, "
            "b.provider_id, v.redeemed_by, v.redeemed_at FROM vouchers v JOIN "
            f"voucher_batches b ON b.id = v.batch_id WHERE v.pin_hash IN ({marks})",
            params).fetchall()
        book.vouchers.update(rows.voucher_from_row(r) for r in found)
    due: list[int] = []
    if needs.due_accounts:
        due = due_accounts(conn, book, now, needs.due_accounts)
        account_ids.update(due)
    load_accounts(conn, book, sorted(account_ids), now, wallets)
    if due:
        # Housekeeping ends lapsed reservations, which the account load leaves out.
        marks, params = rows.in_list(due)
        lapsed = conn.execute(
            f"SELECT {rows.RESERVATION_COLS} FROM reservations WHERE account_id IN "
            f"({marks}) AND state = 'open' AND expires_at <= ?", (*params, now)).fetchall()
        for r in map(rows.reservation_from_row, lapsed):
            book.accounts[r.account_id].reservations[r.id] = r
            book.reservation_owner[r.id] = r.account_id
    named_missing = [r for r in needs.reservation_ids if r not in book.reservation_owner]
    if named_missing:
        # Named reservations in any state (closed, or open but lapsed), so that a late commit
        # or release hears 'expired' or 'closed' exactly as it would in the same batch. The
        # open and live ones came with their accounts already.
        marks, params = rows.in_list(named_missing)
        named = conn.execute(
            f"SELECT {rows.RESERVATION_COLS} FROM reservations WHERE id IN ({marks})",
            params).fetchall()
        for r in map(rows.reservation_from_row, named):
            book.accounts[r.account_id].reservations[r.id] = r
            book.reservation_owner[r.id] = r.account_id
    providers = {a.provider_id for a in book.accounts.values()}
    if providers:
        book.system.update(
            ((p, SystemAccount(a), t), v) for p, a, t, v in conn.execute(
                f"SELECT provider_id, account, type_id, value FROM system_balances WHERE "
                f"provider_id IN ({rows.placeholders(len(providers))})", tuple(providers)))


def due_accounts(conn: sqlite3.Connection, book: Book, now: EpochSeconds, limit: int
                 ) -> list[int]:
    warn_s = max((p.policies.expiry_warning_days for p in book.catalog.providers),
                 default=0) * DAY_S
    return [r[0] for r in conn.execute(
        "SELECT account_id FROM buckets WHERE expires_at IS NOT NULL AND "
        "(expires_at <= ? OR (expires_at <= ? AND warned = 0 AND value > 0)) "
        "UNION SELECT account_id FROM reservations WHERE state = 'open' AND expires_at <= ? "
        "LIMIT ?", (now, now + warn_s, now, limit))]


def load_accounts(conn: sqlite3.Connection, book: Book, ids: Sequence[int],
                  now: EpochSeconds, wallets: WalletCache | None = None) -> None:
    """The accounts (``ids`` ascending) with their subscribers, balances, buckets and the
    reservations that still hold value (open and unexpired: a lapsed one holds nothing until
    housekeeping ends it); from ``wallets`` those it holds."""
    found = WalletRows()
    if wallets is not None:
        ids = wallets.take(ids, now, found)
    if ids:
        marks, params = rows.in_list(ids)

        def select(sql: str, *extra: object) -> list[rows.Row]:
            return conn.execute(sql.format(marks=marks), (*params, *extra)).fetchall()

        cached = len(found.accounts)
        found.accounts += select(f"SELECT {rows.ACCOUNT_COLS} FROM accounts WHERE id IN "
                                 "({marks})")
        found.subscribers += select(f"SELECT {rows.SUBSCRIBER_COLS} FROM subscribers WHERE "
                                    "account_id IN ({marks})")
        found.balances += select(f"SELECT {rows.BALANCE_COLS} FROM balances WHERE "
                                 "account_id IN ({marks})")
        found.buckets += select(f"SELECT {rows.BUCKET_COLS} FROM buckets WHERE account_id IN "
                                "({marks})")
        found.reservations += select(
            f"SELECT {rows.RESERVATION_COLS} FROM reservations WHERE account_id IN "
            "({marks}) AND state = 'open' AND expires_at > ?", now)
        if cached:
            # Accounts in id order, as one query for them all gives: housekeeping walks the
            # book's accounts in this order, which decides its operation ids and notices.
            # (Each account's other rows come from one source, already in the right order.)
            found.accounts.sort(key=lambda r: r[0])
    rows.attach(
        book,
        map(rows.account_from_row, found.accounts),
        map(rows.subscriber_from_row, found.subscribers),
        map(rows.balance_from_row, found.balances),
        map(rows.bucket_from_row, found.buckets),
        map(rows.reservation_from_row, found.reservations),
    )


def persist(conn: sqlite3.Connection, book: Book) -> None:
    """Write what the batch changed. New rows are INSERTed and changed rows UPDATE only the
    columns that can change: an upsert of every column also rewrites each index entry of the
    row (a random page each, measured ~3 pages a row instead of 1), and pages are what a
    COMMIT costs."""
    accounts = list(book.accounts.values())
    balances: list[rows.Row] = []
    gone_balances: list[rows.Row] = []
    new_buckets: list[rows.Row] = []
    bucket_values: list[rows.Row] = []
    bucket_expiries: list[rows.Row] = []
    gone_buckets: list[rows.Row] = []
    new_reservations: list[rows.Row] = []
    ended_reservations: list[rows.Row] = []
    for a in accounts:
        for bal in a.balances.values():
            if bal.gone:
                gone_balances.append((bal.account_id, bal.type_id))
            elif bal.dirty:
                balances.append(rows.balance_to_row(bal))
            for k in bal.buckets:
                if k.gone:
                    if not k.new:
                        gone_buckets.append((k.id,))
                elif k.new:
                    new_buckets.append(rows.bucket_to_row(k))
                elif k.dirty:
                    if k.expires_at == k.stored_expires_at:
                        bucket_values.append((k.value, int(k.warned), int(k.rolled), k.id))
                    else:
                        bucket_expiries.append((k.value, k.expires_at, int(k.warned),
                                                int(k.rolled), k.id))
        for r in a.reservations.values():
            if r.new:
                new_reservations.append(rows.reservation_to_row(r))
            elif r.dirty:
                ended_reservations.append((r.state.value, r.used, r.ended_at, r.id))
    subscribers = [s for s in book.subscribers.values() if s.dirty]
    writes: list[tuple[str, list[rows.Row]]] = [
        (rows.insert_sql("accounts", rows.ACCOUNT_COLS),
         [rows.account_to_row(a) for a in accounts if a.new]),
        (rows.update_sql("accounts", rows.ACCOUNT_COLS, "id"),
         [rows.account_update_row(a) for a in accounts if a.dirty and not a.new]),
        (rows.insert_sql("subscribers", rows.SUBSCRIBER_COLS),
         [rows.subscriber_to_row(s) for s in subscribers if s.new]),
        (rows.SUBSCRIBER_UPDATE_SQL,
         [rows.subscriber_update_row(s) for s in subscribers if not s.new]),
        (rows.upsert_sql("balances", rows.BALANCE_COLS, "account_id, type_id"), balances),
        ("DELETE FROM buckets WHERE id = ?", gone_buckets),
        ("DELETE FROM balances WHERE account_id = ? AND type_id = ?", gone_balances),
        (rows.insert_sql("buckets", rows.BUCKET_COLS), new_buckets),
        ("UPDATE buckets SET value = ?, warned = ?, rolled = ? WHERE id = ?", bucket_values),
        ("UPDATE buckets SET value = ?, expires_at = ?, warned = ?, rolled = ? WHERE id = ?",
         bucket_expiries),
        (rows.insert_sql("reservations", rows.RESERVATION_COLS), new_reservations),
        ("UPDATE reservations SET state = ?, used = ?, ended_at = ? WHERE id = ?",
         ended_reservations),
        ("UPDATE vouchers SET state = ?, redeemed_by = ?, redeemed_at = ? WHERE serial = ?",
         [(v.state, v.redeemed_by, v.redeemed_at, v.serial)
          for v in book.vouchers.values() if v.dirty]),
        ("INSERT INTO system_balances (provider_id, account, type_id, value) "
         "VALUES (?, ?, ?, ?) ON CONFLICT (provider_id, account, type_id) "
         "DO UPDATE SET value = excluded.value",
         [(p, a.value, t, book.system[(p, a, t)]) for p, a, t in book.system_dirty]),
        ("INSERT INTO operations (id, at, kind, idempotency_key, channel, status, "
         "provider_id, msisdn, detail) VALUES (?,?,?,?,?,?,?,?,?)",
         [(o.id, o.at, o.kind, o.key, o.channel, o.status, o.provider_id, o.msisdn, o.detail)
          for o in book.operations]),
        ("INSERT INTO journal (op_id, provider_id, type_id, account_id, system_account, "
         "bucket_id, delta, before, after) VALUES (?,?,?,?,?,?,?,?,?)",
         [(j.op_id, j.provider_id, j.type_id, j.account_id,
           j.system_account.value if j.system_account else None, j.bucket_id, j.delta,
           j.before, j.after) for j in book.journal]),
        ("INSERT OR IGNORE INTO outbox (at, kind, msisdn, account_id, payload, dedup_key) "
         "VALUES (?,?,?,?,?,?)",
         [(e.at, e.kind, e.msisdn, e.account_id, e.payload, e.dedup_key)
          for e in book.outbox]),
        ("INSERT INTO idempotency (key, fingerprint, outcome, created_at) VALUES (?,?,?,?)",
         [(k, fp, out, book.now) for k, (fp, out) in book.idempotency.items()]),
    ]
    for sql, params in writes:
        if params:
            conn.executemany(sql, params)
