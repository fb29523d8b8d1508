"""Money invariants read straight from the SQLite file, shared by the ledger integration tests.

Each function returns what is wrong (empty when healthy) so that a failing assertion shows the
offending rows rather than a bare ``False``.
"""

from __future__ import annotations

from pathlib import Path

from core.check import Finding, check_ledger
from core.service import Ledger
from core.storage.sqlite import SqliteStore
from tests.ledger_support import Clock

TERMINAL_STATES = ("committed", "released", "expired")


async def reopen_ledger(path: Path, clock: Clock) -> Ledger:
    """A ledger on an existing file, without saving the catalog again (another process, or
    the one that crashed, already did)."""
    ledger = Ledger(SqliteStore(path), pin_pepper="test-pepper", clock=clock)
    await ledger.open()
    return ledger


async def imbalances(store: SqliteStore) -> dict[int, int]:
    """Balance types whose wallet buckets plus system accounts do not sum to zero."""
    rows = await store.query(
        """SELECT type_id, SUM(v) FROM (
               SELECT type_id, value AS v FROM buckets
               UNION ALL SELECT type_id, value FROM system_balances)
           GROUP BY type_id""")
    return {type_id: total for type_id, total in rows if total != 0}


async def below_minimum(store: SqliteStore, now: int) -> list[tuple[int, int, int]]:
    """(account, type, live value) where the live value is negative: no test here grants
    credit, so every minimum is 0. (What open reservations hold against a balance is checked
    by ``check_ledger`` and, from the snapshots, by the tests themselves.)"""
    rows = await store.query(
        """SELECT account_id, type_id, SUM(value) FROM buckets
           WHERE expires_at IS NULL OR expires_at > ?
           GROUP BY account_id, type_id HAVING SUM(value) < 0""", (now,))
    return [(a, t, v) for a, t, v in rows]


async def reservation_rows(store: SqliteStore) -> list[tuple[int, str, int, int | None]]:
    """(id, state, used, ended_at) of every reservation, by id."""
    rows = await store.query("SELECT id, state, used, ended_at FROM reservations ORDER BY id")
    return [(i, s, u, e) for i, s, u, e in rows]


async def malformed_reservations(store: SqliteStore) -> list[tuple[int, str, int | None]]:
    """Reservations not open and not in exactly one terminal state (with its end time)."""
    return [(i, s, e) for i, s, _u, e in await reservation_rows(store)
            if not ((s == "open" and e is None) or (s in TERMINAL_STATES and e is not None))]


async def stored_outcomes(store: SqliteStore) -> dict[str, str]:
    """Idempotency key -> stored outcome JSON."""
    return dict(await store.query("SELECT key, outcome FROM idempotency"))


async def system_balance(store: SqliteStore, account: str, type_name: str = "General Cash"
                         ) -> int:
    rows = await store.query(
        "SELECT COALESCE(SUM(s.value), 0) FROM system_balances s JOIN balance_types t "
        "ON t.id = s.type_id WHERE s.account = ? AND t.name = ?", (account, type_name))
    return int(rows[0][0])


async def problems(store: SqliteStore, now: int) -> list[str | Finding]:
    """Everything wrong with the file: our own queries plus ``check_ledger``."""
    found: list[str | Finding] = []
    found.extend(f"imbalance type {t}: {s}" for t, s in (await imbalances(store)).items())
    found.extend(f"below minimum: {row}" for row in await below_minimum(store, now))
    found.extend(f"malformed reservation: {row}" for row in await malformed_reservations(store))
    found.extend(await check_ledger(store, now))
    return found
