"""The embedded SQLite store (aiosqlite, WAL).

Writes: one ``BEGIN IMMEDIATE`` transaction per batch of commands (group commit). Inside the
write lock it loads every row the batch needs with a few set-based queries, runs the pure
domain, writes the changes with ``executemany`` and commits once. Reads (inquiries) use a
second connection, so they never wait for a writer (WAL).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from core.book import Book, IdAllocator
from core.catalog import Catalog
from core.clock import EpochSeconds
from core.executor import Needs, StoredOutcome
from core.rows import SystemAccount
from core.storage import sqlite_rows as rows
from core.storage.catalog_store import load_catalog
from core.storage.schema import MIGRATIONS

T = TypeVar("T")
ID_TABLES = ("accounts", "buckets", "reservations", "operations")


async def connect(path: Path, *, synchronous: str = "FULL", busy_timeout_ms: int = 5000
                  ) -> aiosqlite.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = await aiosqlite.connect(path, isolation_level=None)
    await conn.execute("PRAGMA journal_mode=WAL")
    await conn.execute(f"PRAGMA synchronous={synchronous}")
    await conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    await conn.execute("PRAGMA foreign_keys=ON")
    return conn


async def migrate(conn: aiosqlite.Connection) -> int:
    """Bring the schema up to date; returns the version. Safe with several processes: the
    version is re-read inside the write lock."""
    await conn.execute("BEGIN IMMEDIATE")
    try:
        (version,) = await (await conn.execute("PRAGMA user_version")).fetchone()  # type: ignore[misc]
        for index in range(version, len(MIGRATIONS)):
            await _run_script(conn, MIGRATIONS[index])
            await conn.execute(f"PRAGMA user_version={index + 1}")
        await conn.execute("COMMIT")
    except BaseException:
        await conn.execute("ROLLBACK")
        raise
    return len(MIGRATIONS)


async def _run_script(conn: aiosqlite.Connection, script: str) -> None:
    # executescript() would COMMIT first; run statement by statement to stay in our txn.
    # (Migration scripts therefore keep ';' out of their comments and strings.)
    for statement in script.split(";"):
        if statement.strip():
            await conn.execute(statement)


class SqliteStore:
    def __init__(self, path: Path, *, synchronous: str = "FULL", busy_timeout_ms: int = 5000
                 ) -> None:
        self.path = path
        self.synchronous = synchronous.upper()
        self.busy_timeout_ms = busy_timeout_ms
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._catalog: Catalog | None = None
        # One connection runs one transaction at a time: coroutines take turns.
        self._write_lock = asyncio.Lock()
        self._read_lock = asyncio.Lock()

    async def open(self) -> None:
        self._writer = await connect(self.path, synchronous=self.synchronous,
                                     busy_timeout_ms=self.busy_timeout_ms)
        await migrate(self._writer)
        self._reader = await connect(self.path, synchronous=self.synchronous,
                                     busy_timeout_ms=self.busy_timeout_ms)

    async def close(self) -> None:
        for conn in (self._reader, self._writer):
            if conn is not None:
                await conn.close()
        self._reader = self._writer = None

    @property
    def writer(self) -> aiosqlite.Connection:
        if self._writer is None:
            raise RuntimeError("store is not open")
        return self._writer

    @property
    def reader(self) -> aiosqlite.Connection:
        if self._reader is None:
            raise RuntimeError("store is not open")
        return self._reader

    # -- catalog -------------------------------------------------------------------------------
    async def catalog(self, conn: aiosqlite.Connection | None = None) -> Catalog:
        """The cached catalog, reloaded when another writer (or process) changed it."""
        conn = conn or self.reader
        (version,) = await (await conn.execute(
            "SELECT value FROM meta WHERE key = 'catalog_version'")).fetchone()  # type: ignore[misc]
        if self._catalog is None or self._catalog.version != version:
            self._catalog = await load_catalog(conn, version)
        return self._catalog

    # -- the write path ------------------------------------------------------------------------
    async def write_batch(
        self, needs: Needs, keys: Sequence[str], now: EpochSeconds,
        work: Callable[[Book, dict[str, StoredOutcome]], T],
    ) -> T:
        """Run ``work`` against the rows ``needs`` names, inside one write transaction, and
        persist what it changed. If ``work`` raises, nothing is written."""
        async with self.transaction() as conn:
            catalog = await self.catalog(conn)
            stored = await self._stored_outcomes(conn, keys)
            book = Book(catalog, now, await self._id_allocator(conn))
            await self._load(conn, book, needs, now)
            result = work(book, stored)
            await self._persist(conn, book)
            return result

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction (BEGIN IMMEDIATE ... COMMIT, ROLLBACK on any error)."""
        async with self._write_lock:
            conn = self.writer
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            await conn.execute("COMMIT")

    @contextlib.asynccontextmanager
    async def snapshot(self) -> AsyncIterator[aiosqlite.Connection]:
        """A read transaction: every query inside sees the same committed state."""
        async with self._read_lock:
            conn = self.reader
            await conn.execute("BEGIN")
            try:
                yield conn
            finally:
                await conn.execute("COMMIT")

    async def _stored_outcomes(self, conn: aiosqlite.Connection, keys: Sequence[str]
                               ) -> dict[str, StoredOutcome]:
        if not keys:
            return {}
        found = await conn.execute_fetchall(
            f"SELECT key, fingerprint, outcome FROM idempotency WHERE key IN "
            f"({rows.placeholders(len(keys))})", tuple(keys))
        return {k: StoredOutcome(f, o) for k, f, o in found}

    async def _id_allocator(self, conn: aiosqlite.Connection) -> IdAllocator:
        sql = "SELECT " + ", ".join(
            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {t})" for t in ID_TABLES)
        row = await (await conn.execute(sql)).fetchone()
        assert row is not None
        return IdAllocator(dict(zip(ID_TABLES, row, strict=True)))

    async def _load(self, conn: aiosqlite.Connection, book: Book, needs: Needs,
                    now: EpochSeconds) -> None:
        account_ids: set[int] = set()
        if needs.msisdns:
            found = await conn.execute_fetchall(
                f"SELECT account_id FROM subscribers WHERE msisdn IN "
                f"({rows.placeholders(len(needs.msisdns))})", needs.msisdns)
            account_ids.update(r[0] for r in found)
        if needs.reservation_ids:
            found = await conn.execute_fetchall(
                f"SELECT account_id FROM reservations WHERE id IN "
                f"({rows.placeholders(len(needs.reservation_ids))})", needs.reservation_ids)
            account_ids.update(r[0] for r in found)
        if needs.pin_hashes:
            found = await conn.execute_fetchall(
                "SELECT v.pin_hash, v.serial, v.batch_id, v.state, b.vals, b.validity_days, "
                "b.provider_id, v.redeemed_by, v.redeemed_at FROM vouchers v JOIN "
                f"voucher_batches b ON b.id = v.batch_id WHERE v.pin_hash IN "
                f"({rows.placeholders(len(needs.pin_hashes))})", needs.pin_hashes)
            book.vouchers.update(rows.voucher_from_row(r) for r in found)
        if needs.due_accounts:
            account_ids.update(await self._due_accounts(conn, now, needs.due_accounts, book))
        await load_accounts(conn, book, sorted(account_ids))
        providers = {a.provider_id for a in book.accounts.values()}
        if providers:
            found = await conn.execute_fetchall(
                f"SELECT provider_id, account, type_id, value FROM system_balances WHERE "
                f"provider_id IN ({rows.placeholders(len(providers))})", tuple(providers))
            book.system.update(((p, SystemAccount(a), t), v) for p, a, t, v in found)

    async def _due_accounts(self, conn: aiosqlite.Connection, now: EpochSeconds, limit: int,
                            book: Book) -> list[int]:
        warn_s = max((p.policies.expiry_warning_days for p in book.catalog.providers),
                     default=0) * 86_400
        found = await conn.execute_fetchall(
            "SELECT account_id FROM buckets WHERE expires_at IS NOT NULL AND "
            "(expires_at <= ? OR (expires_at <= ? AND warned = 0 AND value > 0)) "
            "UNION SELECT account_id FROM reservations WHERE state = 'open' AND expires_at <= ? "
            "LIMIT ?", (now, now + warn_s, now, limit))
        return [r[0] for r in found]

    async def _persist(self, conn: aiosqlite.Connection, book: Book) -> None:
        accounts = list(book.accounts.values())
        dirty_accounts = [rows.account_to_row(a) for a in accounts if a.dirty or a.new]
        if dirty_accounts:
            await conn.executemany(rows.upsert_sql("accounts", rows.ACCOUNT_COLS, "id"),
                                   dirty_accounts)
        subs = [rows.subscriber_to_row(s) for s in book.subscribers.values() if s.dirty]
        if subs:
            await conn.executemany(rows.upsert_sql("subscribers", rows.SUBSCRIBER_COLS,
                                                   "msisdn"), subs)
        balances: list[rows.Row] = []
        gone_balances: list[rows.Row] = []
        buckets: list[rows.Row] = []
        gone_buckets: list[rows.Row] = []
        reservations: list[rows.Row] = []
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
                    elif k.dirty:
                        buckets.append(rows.bucket_to_row(k))
            reservations.extend(rows.reservation_to_row(r) for r in a.reservations.values()
                                if r.dirty)
        if balances:
            await conn.executemany(rows.upsert_sql("balances", rows.BALANCE_COLS,
                                                   "account_id, type_id"), balances)
        if gone_buckets:
            await conn.executemany("DELETE FROM buckets WHERE id = ?", gone_buckets)
        if gone_balances:
            await conn.executemany(
                "DELETE FROM balances WHERE account_id = ? AND type_id = ?", gone_balances)
        if buckets:
            await conn.executemany(rows.upsert_sql("buckets", rows.BUCKET_COLS, "id"), buckets)
        if reservations:
            await conn.executemany(rows.upsert_sql("reservations", rows.RESERVATION_COLS, "id"),
                                   reservations)
        vouchers = [(v.state, v.redeemed_by, v.redeemed_at, v.serial)
                    for v in book.vouchers.values() if v.dirty]
        if vouchers:
            await conn.executemany(
                "UPDATE vouchers SET state = ?, redeemed_by = ?, redeemed_at = ? "
                "WHERE serial = ?", vouchers)
        if book.system_dirty:
            await conn.executemany(
                "INSERT INTO system_balances (provider_id, account, type_id, value) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (provider_id, account, type_id) "
                "DO UPDATE SET value = excluded.value",
                [(p, a.value, t, book.system[(p, a, t)]) for p, a, t in book.system_dirty])
        if book.operations:
            await conn.executemany(
                "INSERT INTO operations (id, at, kind, idempotency_key, channel, status, "
                "provider_id, msisdn, detail) VALUES (?,?,?,?,?,?,?,?,?)",
                [(o.id, o.at, o.kind, o.key, o.channel, o.status, o.provider_id, o.msisdn,
                  o.detail) for o in book.operations])
        if book.journal:
            await conn.executemany(
                "INSERT INTO journal (op_id, provider_id, type_id, account_id, system_account, "
                "bucket_id, delta, before, after) VALUES (?,?,?,?,?,?,?,?,?)",
                [(j.op_id, j.provider_id, j.type_id, j.account_id,
                  j.system_account.value if j.system_account else None, j.bucket_id, j.delta,
                  j.before, j.after) for j in book.journal])
        if book.outbox:
            await conn.executemany(
                "INSERT OR IGNORE INTO outbox (at, kind, msisdn, account_id, payload, "
                "dedup_key) VALUES (?,?,?,?,?,?)",
                [(e.at, e.kind, e.msisdn, e.account_id, e.payload, e.dedup_key)
                 for e in book.outbox])
        if book.idempotency:
            await conn.executemany(
                "INSERT INTO idempotency (key, fingerprint, outcome, created_at) "
                "VALUES (?,?,?,?)",
                [(k, fp, out, book.now) for k, (fp, out) in book.idempotency.items()])


    # -- the read path -------------------------------------------------------------------------
    async def read_accounts(self, msisdns: Sequence[str], now: EpochSeconds) -> Book:
        """A read-only book of the wallets behind ``msisdns`` (one consistent snapshot)."""
        async with self.snapshot() as conn:
            catalog = await self.catalog(conn)
            book = Book(catalog, now, IdAllocator({}))
            found = await conn.execute_fetchall(
                f"SELECT account_id FROM subscribers WHERE msisdn IN "
                f"({rows.placeholders(len(msisdns))})", tuple(msisdns))
            await load_accounts(conn, book, sorted({r[0] for r in found}))
        return book

    async def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        async with self.snapshot() as conn:
            return [tuple(r) for r in await conn.execute_fetchall(sql, tuple(params))]

    async def stream(self, sql: str, params: Sequence[Any] = (), batch: int = 1000
                     ) -> AsyncIterator[tuple[Any, ...]]:
        """Rows of a long read (exports) in chunks, from one consistent snapshot."""
        async with self.snapshot() as conn, conn.execute(sql, tuple(params)) as cursor:
            while chunk := await cursor.fetchmany(batch):
                for r in chunk:
                    yield tuple(r)


async def load_accounts(conn: aiosqlite.Connection, book: Book, ids: Sequence[int]) -> None:
    if not ids:
        return
    marks = rows.placeholders(len(ids))
    params = tuple(ids)
    accounts = await conn.execute_fetchall(
        f"SELECT {rows.ACCOUNT_COLS} FROM accounts WHERE id IN ({marks})", params)
    subscribers = await conn.execute_fetchall(
        f"SELECT {rows.SUBSCRIBER_COLS} FROM subscribers WHERE account_id IN ({marks})", params)
    balances = await conn.execute_fetchall(
        f"SELECT {rows.BALANCE_COLS} FROM balances WHERE account_id IN ({marks})", params)
    buckets = await conn.execute_fetchall(
        f"SELECT {rows.BUCKET_COLS} FROM buckets WHERE account_id IN ({marks})", params)
    reservations = await conn.execute_fetchall(
        f"SELECT {rows.RESERVATION_COLS} FROM reservations WHERE account_id IN ({marks}) "
        "AND state = 'open'", params)
    rows.attach(book, map(rows.account_from_row, accounts),
                map(rows.subscriber_from_row, subscribers), map(rows.balance_from_row, balances),
                map(rows.bucket_from_row, buckets), map(rows.reservation_from_row, reservations))

