"""The async Ledger service: loads, calls the pure domain, persists.

Writes go through one writer task per process that gathers whatever commands are waiting into
one transaction (group commit): under load a batch holds many commands and costs one fsync;
alone, a command waits for nobody. A caller's future resolves only once its batch is committed
and on disk, so an acknowledged operation is durable; the writer does not wait for the disk
itself but goes on to the next batch (core.storage.wal_sync).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core import commands as c
from core.accumulated import USAGE_OPERATIONS, AccumulatedBalance, accumulate, cycle_bounds
from core.catalog_codec import CatalogError
from core.clock import EpochSeconds
from core.inquiry import wallet_snapshot
from core.msisdn import InvalidMsisdn, normalize
from core.outcomes import Outcome, Status, fail
from core.pins import new_pin, pin_hash
from core.snapshots import SubscriberInfo, WalletSnapshot
from core.storage import catalog_store
from core.storage import vouchers as voucher_store
from core.storage.catalog_store import save_provider
from core.storage.sqlite import SqliteStore

log = logging.getLogger(__name__)


def wall_clock() -> EpochSeconds:
    return int(time.time())


@dataclass(slots=True)
class _Pending:
    command: c.Command
    future: asyncio.Future[Outcome] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future())


# (E.164 number, whole wallet wanted?, the caller's future): a WalletSnapshot or a
# SubscriberInfo (or None) when whole is True or False.
_Inquiry = tuple[str, bool, "asyncio.Future[Any]"]


class Ledger:
    def __init__(self, store: SqliteStore, *, pin_pepper: str, default_region: str = "KE",
                 clock: Callable[[], EpochSeconds] = wall_clock, max_batch: int = 256) -> None:
        self.store = store
        self._pepper = pin_pepper
        self.default_region = default_region
        self.clock = clock
        self.max_batch = max_batch
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        self._acks: set[asyncio.Task[None]] = set()  # committed batches awaiting their flush
        self._inquiries: asyncio.Queue[_Inquiry] = asyncio.Queue()
        self._readers: list[asyncio.Task[None]] = []
        self.read_batches = 0  # for benchmarks and metrics: how well inquiries gather
        self.batches = 0  # for benchmarks and metrics: how well group commit gathers
        self.batched_commands = 0

    async def open(self) -> None:
        await self.store.open()
        self._writer = asyncio.create_task(self._write_loop(), name="ledger-writer")
        # One gathering task per reader thread: while one waits on its thread, the other
        # collects the next inquiries.
        self._readers = [asyncio.create_task(self._read_loop(), name=f"ledger-reader-{n}")
                         for n in range(self.store.readers)]

    async def close(self) -> None:
        for reader in self._readers:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
        self._readers = []
        if self._writer is not None:
            await self._queue.join()  # finish what callers are waiting for
            await asyncio.gather(*self._acks)
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
            self._writer = None
        await self.store.close()

    async def __aenter__(self) -> Ledger:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- edges -----------------------------------------------------------------------------
    def msisdn(self, raw: str) -> str:
        """E.164 form of ``raw``; raises InvalidMsisdn."""
        return normalize(raw, self.default_region)

    def hash_pin(self, pin: str) -> str:
        return pin_hash(self._pepper, pin)

    async def recharge(self, msisdn: str, pin: str, *, key: str, channel: str = "api"
                       ) -> Outcome:
        """Voucher recharge: the PIN becomes its keyed hash here and goes no further."""
        try:
            number = self.msisdn(msisdn)
        except InvalidMsisdn:
            return fail(Status.INVALID_MSISDN, field="msisdn")
        return await self.execute(c.Recharge(msisdn=number, pin_hash=self.hash_pin(pin),
                                             key=key, channel=channel))

    async def wallet(self, msisdn: str) -> WalletSnapshot | None:
        """Inquiry: balances, buckets, expiry dates, reservations. None if unknown."""
        found: WalletSnapshot | None = await self._inquire(msisdn, whole=True)
        return found

    async def subscriber(self, msisdn: str) -> SubscriberInfo | None:
        """Who ``msisdn`` is (account, language, wallet state and type) without its balances:
        one joined row, for the steps that only need to know the subscriber exists and how
        to answer them. None if unknown or not a valid number."""
        found: SubscriberInfo | None = await self._inquire(msisdn, whole=False)
        return found

    async def _inquire(self, msisdn: str, *, whole: bool) -> Any:
        try:
            number = self.msisdn(msisdn)
        except InvalidMsisdn:
            return None
        if not self._readers:
            raise RuntimeError("ledger is not open")
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._inquiries.put_nowait((number, whole, future))
        return await future

    async def _read_loop(self) -> None:
        """Inquiries waiting together share one thread hop and one snapshot (as writes share
        one transaction): under load a USSD gateway asks for many balances at once."""
        while True:
            batch = [await self._inquiries.get()]
            await asyncio.sleep(0)  # let the other callers that are ready ask too
            while len(batch) < self.max_batch and not self._inquiries.empty():
                batch.append(self._inquiries.get_nowait())
            self.read_batches += 1
            try:
                book, infos = await self.store.read_batch(
                    list(dict.fromkeys(n for n, whole, _ in batch if whole)),
                    list(dict.fromkeys(n for n, whole, _ in batch if not whole)),
                    self.clock())
            except Exception as exc:  # the callers get the error; the loop goes on
                for _, _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for number, whole, future in batch:
                if not future.done():
                    future.set_result(wallet_snapshot(book, number) if whole
                                      else infos.get(number))

    # -- the write path --------------------------------------------------------------------
    async def execute(self, command: c.Command) -> Outcome:
        if self._writer is None:
            raise RuntimeError("ledger is not open")
        pending = _Pending(command)
        self._queue.put_nowait(pending)
        return await pending.future

    async def execute_many(self, commands: Sequence[c.Command]) -> list[Outcome]:
        return list(await asyncio.gather(*(self.execute(cmd) for cmd in commands)))

    async def _write_loop(self) -> None:
        while True:
            batch = [await self._queue.get()]
            # One turn of the event loop first: the callers the last commit just woke are
            # ready to run, and letting them enqueue now puts them in this transaction instead
            # of paying for a transaction (and an fsync) of their own right after it.
            await asyncio.sleep(0)
            while len(batch) < self.max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await self._run(batch)
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _run(self, batch: list[_Pending]) -> None:
        try:
            outcomes, commit = await self._commit(batch)
        except Exception:
            if len(batch) == 1:
                log.exception("ledger command failed: %s", type(batch[0].command).__name__)
                if not batch[0].future.done():
                    batch[0].future.set_exception(RuntimeError("ledger command failed"))
                return
            # One bad command must not fail its neighbours: run each alone.
            for pending in batch:
                await self._run([pending])
            return
        # The writer goes on to the next batch while this one is flushed to disk; its callers
        # hear back only once it is there (see core.storage.wal_sync).
        ack = asyncio.create_task(self._acknowledge(batch, outcomes, commit))
        self._acks.add(ack)
        ack.add_done_callback(self._acks.discard)

    async def _acknowledge(self, batch: list[_Pending], outcomes: list[Outcome],
                           commit: int) -> None:
        try:
            await self.store.durable(commit)
        except Exception:  # committed, but not known to be on disk: not "done"
            log.exception("ledger batch of %d commands committed but not flushed", len(batch))
            for pending in batch:
                if not pending.future.done():
                    pending.future.set_exception(RuntimeError("ledger commit not durable"))
            return
        for pending, outcome in zip(batch, outcomes, strict=True):
            if not pending.future.done():
                pending.future.set_result(outcome)

    async def _commit(self, batch: list[_Pending]) -> tuple[list[Outcome], int]:
        cmds = [p.command for p in batch]
        self.batches += 1
        self.batched_commands += len(cmds)
        return await self.store.commit(cmds, self.clock())


class LedgerAdmin:
    """Operator actions that configure the ledger rather than move value: the catalog and
    voucher batches. Kept apart from the hot path; each call is one write transaction."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.store = ledger.store

    async def save_provider(self, config: Mapping[str, Any]) -> int:
        """Create or update a provider from a config mapping (the config/ledger/*.toml shape).
        Raises CatalogError naming the field; nothing is saved then."""
        async with self.store.transaction() as conn:
            return await save_provider(conn, config.get("provider", {}),
                                       config.get("units", []),
                                       config.get("balance_types", []),
                                       config.get("products", []))

    async def save_unit(self, provider_id: int, unit_id: int | None, name: str,
                        kind: str) -> None:
        """Add (``unit_id`` None) or change one balance unit. sqlite3.IntegrityError when the
        provider has another unit of that name."""
        async with self.store.transaction() as conn:
            await catalog_store.save_unit(conn, provider_id, unit_id, name, kind)

    async def delete_unit(self, provider_id: int, unit_id: int) -> None:
        """Delete one balance unit. sqlite3.IntegrityError when a balance type uses it."""
        async with self.store.transaction() as conn:
            await catalog_store.delete_unit(conn, provider_id, unit_id)

    async def create_vouchers(
        self, *, provider: str, name: str, count: int, values: Mapping[str, int],
        validity_days: int, state: str = "active",
        on_progress: Callable[[int], None] | None = None,
    ) -> list[tuple[str, str]]:
        """A batch of ``count`` vouchers; returns (serial, pin) pairs for printing. The PINs
        exist only in the return value: the database keeps their keyed hashes."""
        if count <= 0:
            raise CatalogError("count", "must be positive")
        if state not in ("created", "active"):
            raise CatalogError("state", "a new batch is created or active")
        catalog = await self.store.catalog()
        prov = catalog.provider_named(provider)
        if prov is None:
            raise CatalogError("provider", f"unknown provider {provider!r}")
        for type_name, amount in values.items():
            if prov.type_named(type_name) is None:
                raise CatalogError("values", f"unknown balance type {type_name!r}")
            if not isinstance(amount, int) or amount <= 0:
                raise CatalogError("values", f"{type_name}: a positive whole amount")
        pins: dict[str, str] = {}
        async with self.store.transaction() as conn:
            while len(pins) < count:
                fresh: dict[str, str] = {}
                while len(pins) + len(fresh) < count:
                    pin = new_pin()
                    fresh[self.ledger.hash_pin(pin)] = pin
                taken = await voucher_store.existing_hashes(conn, list(fresh))
                pins.update({h: p for h, p in fresh.items() if h not in taken
                             and h not in pins})
            pairs = [(p, h) for h, p in pins.items()]
            _, serials = await voucher_store.create_batch(
                conn, provider_id=prov.id, name=name, values=values,
                validity_days=validity_days, now=self.ledger.clock(), state=state, pins=pairs,
                on_chunk=on_progress)
        return [(serial, pin) for serial, (pin, _h) in zip(serials, pairs, strict=True)]

    async def set_voucher_state(self, *, state: str, serial: str | None = None,
                                batch: str | None = None) -> int:
        async with self.store.transaction() as conn:
            return await voucher_store.set_state(conn, serial=serial, batch=batch,
                                                 state=state, now=self.ledger.clock())

    async def voucher(self, serial: str) -> voucher_store.VoucherInfo | None:
        async with self.store.snapshot() as conn:
            return await voucher_store.lookup(conn, serial)

    async def batch_exists(self, name: str) -> bool:
        return bool(await self.store.query("SELECT 1 FROM voucher_batches WHERE name = ?",
                                           (name,)))


async def accumulated_balance(ledger: Ledger, msisdn: str) -> AccumulatedBalance | None:
    """TMF654 accumulated balance of one wallet (see core.accumulated for each figure)."""
    wallet = await ledger.wallet(msisdn)
    if wallet is None:
        return None
    previous, current = cycle_bounds(wallet.as_of)
    catalog = await ledger.store.catalog()
    provider = catalog.provider(wallet.provider_id)
    names = {t.id: t.name for t in provider.balance_types}
    marks = ",".join("?" * len(USAGE_OPERATIONS))
    rows = await ledger.store.query(
        f"SELECT j.type_id, o.at >= ?, -SUM(j.delta) FROM journal j JOIN operations o "
        f"ON o.id = j.op_id WHERE j.account_id = ? AND j.delta < 0 AND o.at >= ? "
        f"AND j.bucket_id IS NULL "  # debit lines; a bucket-level line is an expiry
        f"AND o.kind IN ({marks}) GROUP BY j.type_id, o.at >= ?",
        (current, wallet.wallet_id, previous, *USAGE_OPERATIONS, current))
    accepted = {names[t]: s for t, in_current, s in rows if in_current and t in names}
    billed = {names[t]: s for t, in_current, s in rows if not in_current and t in names}
    return accumulate(wallet, accepted=accepted, billed=billed,
                      loyalty_types=frozenset(provider.policies.loyalty_types))
