"""The outbox as a queue (core/storage/outbox_queue.py) on a real SQLite file: claims lease
rows in id order, a lease keeps other claimants off until it passes, settling is conditional
on the lease, old rows expire."""

from __future__ import annotations

import asyncio
from pathlib import Path

from core import commands as c
from core.service import Ledger
from core.storage import outbox_queue as q
from core.storage.outbox_queue import RowOutcome, Settled
from core.storage.sqlite import SqliteStore
from tests.ledger_support import Clock, Keys, new_wallet

A = "+254700000801"
B = "+254700000802"
LEASE_MS = 60_000
T_MS = 1_800_000_000_000
DAY_S = 86_400


async def transfers(ledger: Ledger, keys: Keys, amounts: list[int]) -> None:
    """Each transfer queues two rows: transfer_sent to A, transfer_received to B."""
    await new_wallet(ledger, A, cash=100_000, language="fr")
    await new_wallet(ledger, B, language="sw")
    for amount in amounts:
        done = await ledger.execute(c.Transfer(key=keys(), from_msisdn=A, to_msisdn=B,
                                               amount=amount))
        assert done.ok, done


async def claim(store: SqliteStore, now_s: int, now_ms: int = T_MS, batch: int = 100,
                max_age_s: int = DAY_S) -> q.Claim:
    return await q.claim(store, now_s=now_s, now_ms=now_ms, lease_ms=LEASE_MS, batch=batch,
                         max_age_s=max_age_s)


async def test_a_claim_leases_due_rows_in_id_order_with_the_subscribers_language(
        ledger: Ledger, keys: Keys, clock: Clock) -> None:
    await transfers(ledger, keys, [1_000, 2_000])
    first = await claim(ledger.store, clock.now, batch=3)
    assert [r.kind for r in first.rows] == ["transfer_sent", "transfer_received",
                                           "transfer_sent"]
    assert [r.id for r in first.rows] == sorted(r.id for r in first.rows)
    assert [r.language for r in first.rows] == ["fr", "sw", "fr"]
    assert {r.lease for r in first.rows} == {T_MS + LEASE_MS}
    assert first.expired == ()
    # The leased rows are nobody else's: the next claim gets only the fourth.
    second = await claim(ledger.store, clock.now)
    assert [r.kind for r in second.rows] == ["transfer_received"]
    assert await q.next_due_ms(ledger.store) == T_MS + LEASE_MS


async def test_settled_rows_leave_the_queue_and_retries_wait_their_turn(
        ledger: Ledger, keys: Keys, clock: Clock) -> None:
    await transfers(ledger, keys, [1_000])
    sent, received = (await claim(ledger.store, clock.now)).rows
    recorded = await q.settle(ledger.store, [
        Settled(sent, RowOutcome.SENT, 0),
        Settled(received, None, 1, next_at_ms=T_MS + 5_000, error="ESME_RTHROTTLED")],
        now_s=clock.now)
    assert recorded == 2
    assert await q.outcomes(ledger.store) == {"sent": 1, "pending": 1}
    assert (await claim(ledger.store, clock.now, now_ms=T_MS + 4_999)).rows == ()
    [again] = (await claim(ledger.store, clock.now, now_ms=T_MS + 5_000)).rows
    assert (again.id, again.attempts) == (received.id, 1)
    rows = await ledger.store.query("SELECT outcome, sent_at, attempts, last_error FROM outbox "
                                    "WHERE id = ?", (sent.id,))
    assert rows == [("sent", clock.now, 0, None)]


async def test_a_row_whose_lease_passed_goes_to_the_next_claimant_and_the_late_record_is_ignored(
        ledger: Ledger, keys: Keys, clock: Clock) -> None:
    await transfers(ledger, keys, [1_000])
    dead = (await claim(ledger.store, clock.now)).rows  # a sender that died with these
    assert (await claim(ledger.store, clock.now, now_ms=T_MS + LEASE_MS - 1)).rows == ()
    taken = (await claim(ledger.store, clock.now, now_ms=T_MS + LEASE_MS)).rows
    assert [r.id for r in taken] == [r.id for r in dead]
    # The first sender wakes up and records: its lease is no longer the row's.
    assert await q.settle(ledger.store, [Settled(r, RowOutcome.SENT, 0) for r in dead],
                          now_s=clock.now) == 0
    assert await q.outcomes(ledger.store) == {"pending": 2}
    assert await q.settle(ledger.store, [Settled(r, RowOutcome.SENT, 0) for r in taken],
                          now_s=clock.now) == 2
    assert await q.outcomes(ledger.store) == {"sent": 2}
    assert await q.next_due_ms(ledger.store) is None


async def test_rows_older_than_the_max_age_expire_instead_of_being_claimed(
        ledger: Ledger, keys: Keys, clock: Clock) -> None:
    await transfers(ledger, keys, [1_000])
    clock.advance(DAY_S)
    await transfers(ledger, keys, [2_000])
    got = await claim(ledger.store, clock.now, max_age_s=DAY_S - 1)
    assert got.expired == ("transfer_sent", "transfer_received")
    assert [r.kind for r in got.rows] == ["transfer_sent", "transfer_received"]
    assert await q.outcomes(ledger.store) == {"expired": 2, "pending": 2}
    [(error,)] = await ledger.store.query(
        "SELECT DISTINCT last_error FROM outbox WHERE outcome = 'expired'")
    assert error == f"older than {DAY_S - 1} s"


async def test_two_stores_on_one_file_never_claim_the_same_row(
        tmp_path: Path, ledger: Ledger, keys: Keys, clock: Clock) -> None:
    await transfers(ledger, keys, [1_000 + n for n in range(30)])
    other = SqliteStore(ledger.store.path)  # a second gateway process's connection
    await other.open()
    try:
        claims = await asyncio.gather(*(claim(store, clock.now, batch=7)
                                        for _ in range(5) for store in (ledger.store, other)))
    finally:
        await other.close()
    ids = [r.id for got in claims for r in got.rows]
    assert len(ids) == 60
    assert len(set(ids)) == 60
