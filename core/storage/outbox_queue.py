"""The ledger's outbox as a work queue for the notification sender: claim due rows, settle
them. SQL only; what to send and when to give up is the sender's (gateway/notification_sender.py).

The ledger writes a row in the transaction that caused it (core/storage/sqlite_batch.py). A row
is pending while ``sent_at`` is NULL (the ``outbox_pending`` index is the queue); settling it sets
``sent_at`` and ``outcome`` (sent, skipped, expired or failed) together.

Claims: several gateway processes may share one database, and each row must go out once. A claim
is one BEGIN IMMEDIATE transaction (SQLite serializes it against every other writer, in this
process or another) that picks due rows in id order and moves their ``next_at_ms`` to the end of
a lease. The lease value is the claim token: settling a row is conditional on it, so a sender
whose lease ran out (it hung, or died) cannot overwrite what the next claimant recorded, and a
row claimed by a process that died goes out again once the lease has passed (at least once).
A ``claimed_by`` column would need a process identity and a separate expiry; the lease in the
column that already orders retries needs neither (the TMF hub's deliveries work the same way).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from core.storage.sqlite import SqliteStore

MAX_ERROR_CHARS = 500


class RowOutcome(StrEnum):
    """How a row left the queue."""

    SENT = "sent"
    SKIPPED = "skipped"  # nothing to tell (unknown kind, a message no longer true)
    EXPIRED = "expired"  # older than the sender's max age: late would be wrong
    FAILED = "failed"  # given up: unreadable, or the SMSC refused it too many times


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    at: int  # epoch seconds, when the ledger wrote it
    kind: str
    msisdn: str
    payload: str  # JSON, as core wrote it
    attempts: int  # failed attempts so far
    language: str | None  # the subscriber's, when the number still belongs to a wallet
    lease: int  # next_at_ms while claimed: the token settle() checks


@dataclass(frozen=True, slots=True)
class Claim:
    rows: tuple[OutboxRow, ...]  # in id order, leased to the caller
    expired: tuple[str, ...]  # the kinds of the rows this claim expired


@dataclass(frozen=True, slots=True)
class Settled:
    """What became of one claimed row. ``outcome`` None puts it back in the queue, due at
    ``next_at_ms`` (a retry after a back-off, or a release of a row never tried)."""

    row: OutboxRow
    outcome: RowOutcome | None
    attempts: int
    next_at_ms: int = 0
    error: str | None = None


async def next_due_ms(store: SqliteStore) -> int | None:
    """When the earliest pending row may be tried (epoch ms); None when nothing is pending.
    A read, so an idle sender polls without taking the write lock."""
    rows = await store.query("SELECT MIN(next_at_ms) FROM outbox WHERE sent_at IS NULL")
    return None if not rows or rows[0][0] is None else int(rows[0][0])


async def claim(store: SqliteStore, *, now_s: int, now_ms: int, lease_ms: int, batch: int,
                max_age_s: int) -> Claim:
    """Expire pending rows older than ``max_age_s``, then lease up to ``batch`` due rows."""
    async with store.transaction() as conn:
        expired = await conn.execute_fetchall(
            "UPDATE outbox SET sent_at = ?, outcome = 'expired', last_error = ? "
            "WHERE sent_at IS NULL AND at < ? RETURNING kind",
            (now_s, f"older than {max_age_s} s", now_s - max_age_s))
        found = await conn.execute_fetchall(
            "SELECT o.id, o.at, o.kind, o.msisdn, o.payload, o.attempts, s.language "
            "FROM outbox o LEFT JOIN subscribers s ON s.msisdn = o.msisdn "
            "WHERE o.sent_at IS NULL AND o.next_at_ms <= ? ORDER BY o.id LIMIT ?",
            (now_ms, batch))
        lease = now_ms + lease_ms
        rows = tuple(OutboxRow(int(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4]),
                               int(r[5]), None if r[6] is None else str(r[6]), lease)
                     for r in found)
        await conn.executemany("UPDATE outbox SET next_at_ms = ? WHERE id = ?",
                               [(lease, row.id) for row in rows])
    return Claim(rows, tuple(str(r[0]) for r in expired))


async def settle(store: SqliteStore, results: Sequence[Settled], *, now_s: int) -> int:
    """Record what became of claimed rows in one transaction; returns how many rows were
    still held by their lease (a row whose lease passed is left to its new claimant)."""
    if not results:
        return 0
    done = [(now_s, r.outcome.value, r.attempts, _error(r.error), r.row.id, r.row.lease)
            for r in results if r.outcome is not None]
    again = [(r.attempts, r.next_at_ms, _error(r.error), r.row.id, r.row.lease)
             for r in results if r.outcome is None]
    recorded = 0
    async with store.transaction() as conn:
        if done:
            cursor = await conn.executemany(
                "UPDATE outbox SET sent_at = ?, outcome = ?, attempts = ?, last_error = ? "
                "WHERE id = ? AND next_at_ms = ? AND sent_at IS NULL", done)
            recorded += cursor.rowcount
        if again:
            cursor = await conn.executemany(
                "UPDATE outbox SET attempts = ?, next_at_ms = ?, last_error = ? "
                "WHERE id = ? AND next_at_ms = ? AND sent_at IS NULL", again)
            recorded += cursor.rowcount
    return recorded


async def outcomes(store: SqliteStore) -> dict[str, int]:
    """Rows per outcome, "pending" for those still queued (for operators and tests)."""
    rows = await store.query(
        "SELECT COALESCE(outcome, 'pending'), COUNT(*) FROM outbox GROUP BY 1")
    return {str(name): int(count) for name, count in rows}


def _error(text: str | None) -> str | None:
    return None if text is None else text[:MAX_ERROR_CHARS]
