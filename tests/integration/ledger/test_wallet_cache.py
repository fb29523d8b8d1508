"""The writer's wallet cache changes nothing but speed: the same outcomes and the same database
as a writer that reads every wallet, every cached wallet equal to what loading it gives, and
emptied whenever it could be wrong (another connection wrote, a batch rolled back, the clock
went back)."""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from core import commands as c
from core import executor
from core.book import Book, IdAllocator
from core.clock import DAY_S
from core.outcomes import Outcome, Status
from core.service import Ledger, LedgerAdmin
from core.storage import sqlite_batch
from core.storage.db_threads import open_connection
from core.storage.sqlite import SqliteStore
from core.storage.wallet_cache import WalletCache
from tests.ledger_support import T0, demo_catalog

WALLETS = [f"+2547000009{n:02d}" for n in range(12)]
TABLES = ("accounts", "subscribers", "balances", "buckets", "reservations", "system_balances",
          "operations", "journal", "outbox", "idempotency")


async def seeded(path: Path) -> None:
    """The demo catalog and WALLETS, funded, in a new database at ``path``."""
    async with Ledger(SqliteStore(path), pin_pepper="p", clock=lambda: T0) as ledger:
        await LedgerAdmin(ledger).save_provider(demo_catalog())
        for n, msisdn in enumerate(WALLETS):
            await ledger.execute(c.CreateWallet(key=f"w{n}", msisdn=msisdn,
                                                provider="Demo Telecom"))
            await ledger.execute(c.Adjust(key=f"f{n}", msisdn=msisdn,
                                          balance_type="General Cash", amount=20_000,
                                          reason="funding", validity_days=3))


class Writer:
    """sqlite_batch's group commit on a connection of its own, as the writer runs it."""

    def __init__(self, path: Path, wallets: WalletCache | None) -> None:
        self.conn = open_connection(path, synchronous="NORMAL", busy_timeout_ms=5000)
        self.catalog = sqlite_batch.CatalogCache()
        self.wallets = wallets

    def run(self, cmds: Sequence[c.Command], now: int) -> list[Outcome]:
        return sqlite_batch.execute_commands(self.conn, self.catalog, cmds, now, self.wallets)


class Workload:
    """Batches of mixed work on a few wallets, so that batches keep coming back to cached
    wallets: reserves and usage reports, commits, releases, charges, transfers, credits,
    product purchases, housekeeping, and time moving on past reservations and bucket expiries.
    Reservations are named from the ids earlier outcomes gave, the latest ones most often;
    some are long closed or lapsed by then, which is part of the test."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.now = T0
        self.n = 0
        self.reservations: list[int] = [0]  # 0: unknown

    def batches(self, count: int) -> Iterator[tuple[int, list[c.Command]]]:
        for _ in range(count):
            yield self.now, [self.command() for _ in range(self.rng.randint(1, 6))]
            self.now += self.rng.choice([0, 1, 60, 400, DAY_S])

    def saw(self, outcomes: Sequence[Outcome]) -> None:
        for outcome in outcomes:
            for name in ("reservation_id", "next_reservation_id"):
                if outcome.data.get(name):
                    self.reservations.append(outcome.data[name])

    def command(self) -> c.Command:
        rng = self.rng
        self.n += 1
        key = f"{self.seed}-{self.n}"
        who, other = rng.sample(WALLETS, 2)
        rid = self.reservations[-min(len(self.reservations), rng.randint(1, 4))]
        return rng.choice([
            c.Reserve(key=key, msisdn=who, amount=rng.randint(1, 3000), ttl_s=300),
            c.ReportUsage(key=key, reservation_id=rid, used=rng.randint(0, 800),
                          reserve_next=rng.choice([0, 500]), ttl_s=300),
            c.CommitReservation(key=key, reservation_id=rid, used=rng.randint(0, 500)),
            c.ReleaseReservation(key=key, reservation_id=rid),
            c.Charge(key=key, msisdn=who, amount=rng.randint(1, 4000)),
            c.Transfer(key=key, from_msisdn=who, to_msisdn=other,
                       amount=rng.randint(100, 3000)),
            c.Adjust(key=key, msisdn=who, balance_type="General Cash",
                     amount=rng.randint(1, 5000), reason="credit",
                     validity_days=rng.choice([None, 1, 2])),
            c.BuyProduct(key=key, msisdn=who, product="SMS 200"),
            c.Housekeeping(key=key, limit=3),
        ])


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2, 3").fetchall()
                for t in TABLES}
    finally:
        conn.close()


def book_of(writer: Writer, ids: Sequence[int], now: int,
            wallets: WalletCache | None) -> Book:
    """The accounts ``ids`` as a batch at ``now`` gets them: from ``wallets`` or read."""
    book = Book(writer.catalog.get(writer.conn, sqlite_batch.catalog_version(writer.conn)),
                now, IdAllocator({}))
    sqlite_batch.load_accounts(writer.conn, book, ids, now, wallets)
    return book


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_cached_writer_gives_the_same_outcomes_and_database(tmp_path: Path,
                                                                  seed: int) -> None:
    plain_db, cached_db = tmp_path / "plain.db", tmp_path / "cached.db"
    await seeded(plain_db)
    shutil.copy(plain_db, cached_db)
    plain, cached = Writer(plain_db, None), Writer(cached_db, WalletCache(100))
    statuses: set[Status] = set()
    work = Workload(seed)
    for now, batch in work.batches(150):
        expected = plain.run(batch, now)
        assert cached.run(batch, now) == expected, batch
        work.saw(expected)
        statuses.update(o.status for o in expected)
    assert cached.wallets is not None
    stats = cached.wallets.stats()
    assert stats.hits > 10 * stats.misses  # the cache was really used
    # The run met the cases the cache must get right, not only the easy ones.
    assert {Status.OK, Status.RESERVATION_EXPIRED, Status.RESERVATION_CLOSED,
            Status.INSUFFICIENT_FUNDS} <= statuses
    assert dump(cached_db) == dump(plain_db)


async def test_cached_wallets_equal_what_loading_them_gives(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    await seeded(path)
    writer = Writer(path, WalletCache(100))
    work = Workload(4)
    last = T0
    for now, batch in work.batches(150):
        work.saw(writer.run(batch, now))
        last = now
    held = writer.run([c.Reserve(key=f"last{m}", msisdn=m, amount=1, ttl_s=300)
                       for m in WALLETS[:2]], last)
    assert all(o.ok for o in held)
    assert writer.wallets is not None
    assert len(writer.wallets) == len(WALLETS)
    ids = sorted(r[0] for r in writer.conn.execute("SELECT id FROM accounts"))
    for at in (last, last + 200, last + 400):  # reservations lapse meanwhile
        read = book_of(writer, ids, at, None)
        before = writer.wallets.stats().hits
        cached = book_of(writer, ids, at, writer.wallets)
        assert writer.wallets.stats().hits - before == len(ids)
        assert list(cached.accounts.items()) == list(read.accounts.items())
        assert cached.subscribers == read.subscribers
        assert cached.reservation_owner == read.reservation_owner
        # Open reservations at first; 400 s on, all have lapsed (300 s) and are left out.
        assert any(a.reservations for a in read.accounts.values()) == (at < last + 300)


async def test_another_connections_write_empties_the_cache(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    await seeded(path)
    writer = Writer(path, WalletCache(100))
    a = WALLETS[0]
    assert writer.run([c.Charge(key="c1", msisdn=a, amount=1_000)], T0)[0].ok
    # Someone else (an operator's tool, another process) takes the rest of the cash.
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("UPDATE buckets SET value = 0 WHERE account_id = (SELECT account_id FROM "
                  "subscribers WHERE msisdn = ?)", (a,))
    other.close()
    outcome = writer.run([c.Charge(key="c2", msisdn=a, amount=1_000)], T0)[0]
    assert outcome.status is Status.INSUFFICIENT_FUNDS  # not the 19,000 the cache last saw
    assert writer.wallets is not None
    assert writer.wallets.stats().clears == 1


async def test_a_rolled_back_batch_empties_the_cache(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    await seeded(path)
    writer = Writer(path, WalletCache(100))
    a = WALLETS[0]
    writer.run([c.Charge(key="c1", msisdn=a, amount=1_000)], T0)

    def spend_then_fail(book: Book, stored: object) -> None:
        account = book.account_of(a)
        assert account is not None
        for bal in account.balances.values():
            for bucket in bal.buckets:
                bucket.value = 0  # in memory only: the batch is about to roll back
        raise RuntimeError("a bug half-way through a batch")

    needs = executor.needs(c.Charge(key="x", msisdn=a, amount=1))
    with pytest.raises(RuntimeError):
        sqlite_batch.write_batch(writer.conn, writer.catalog, needs, ["x"], T0,
                                 spend_then_fail, writer.wallets)
    assert writer.wallets is not None
    assert len(writer.wallets) == 0
    outcome = writer.run([c.Charge(key="c2", msisdn=a, amount=19_000)], T0)[0]
    assert outcome.ok  # the 19,000 left are still there


async def test_a_clock_going_back_empties_the_cache(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    await seeded(path)
    writer = Writer(path, WalletCache(100))
    a = WALLETS[0]
    rid = writer.run([c.Reserve(key="r", msisdn=a, amount=20_000, ttl_s=60)], T0)[0].data[
        "reservation_id"]
    # Lapsed at T0 + 60: the cache drops it when the wallet is next used ...
    assert writer.run([c.Charge(key="c1", msisdn=a, amount=1)], T0 + 61)[0].ok
    # ... and with the clock set back the reservation holds again, as the database says.
    late = writer.run([c.Charge(key="c2", msisdn=a, amount=1)], T0 + 30)[0]
    assert late.status is Status.INSUFFICIENT_FUNDS
    assert writer.run([c.CommitReservation(key="k", reservation_id=rid, used=5)],
                      T0 + 30)[0].ok


async def test_least_recently_used_wallets_go_first(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    await seeded(path)
    writer = Writer(path, WalletCache(3))
    for n, msisdn in enumerate(WALLETS[:5]):
        writer.run([c.Charge(key=f"c{n}", msisdn=msisdn, amount=1)], T0)
    writer.run([c.Charge(key="again", msisdn=WALLETS[2], amount=1)], T0)
    assert writer.wallets is not None
    assert len(writer.wallets) == 3

    def loads(msisdns: Sequence[str], key: str) -> tuple[int, int]:
        assert writer.wallets is not None
        before = writer.wallets.stats()
        writer.run([c.Charge(key=f"{key}{m}", msisdn=m, amount=1) for m in msisdns], T0)
        after = writer.wallets.stats()
        return after.hits - before.hits, after.misses - before.misses

    # Held: the last three used (4, 3 and 2, which was used again after 3 and 4 came in).
    assert loads([WALLETS[2], WALLETS[3], WALLETS[4]], "h") == (3, 0)
    assert loads([WALLETS[0]], "m") == (0, 1)
    assert len(writer.wallets) == 3


def test_a_negative_size_is_refused() -> None:
    with pytest.raises(ValueError, match="wallet"):
        WalletCache(-1)
    with pytest.raises(ValueError, match="wallet_cache"):
        SqliteStore(Path("unused.db"), wallet_cache=-5)
