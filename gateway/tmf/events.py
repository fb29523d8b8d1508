"""TMF events, delivered to hub listeners at least once.

The feed is the ledger's own ``operations`` table: an operation is committed in the same
transaction as the value it moved, so no event can be lost between a change and its
notification (a transactional outbox without a second write on the hot path). A background
task reads operations past a stored cursor and, in one transaction, turns each into an event
row plus one delivery row per interested listener and moves the cursor on (compare-and-set, so
two gateways sharing a database never both fan out the same operations). Deliveries are POSTed
to the listener's callback; a failure is retried with exponential backoff; a delivery is
claimed with a lease before it is sent, so one that was in flight when a process died goes
out again after the lease. Everything lives in the database: deliveries survive restarts.

Event types (TMF654 v4 names): TopupBalanceCreateEvent, AdjustBalanceCreateEvent,
TransferBalanceCreateEvent, ReserveBalanceCreateEvent, and ReserveBalanceStateChangeEvent when
a reservation is committed (completed) or released (cancelled). Operations of every channel
count: a USSD voucher recharge is a TopupBalanceCreateEvent too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from core.service import Ledger
from gateway.keys import LEDGER, SETTINGS
from gateway.tmf.http import Json, dumps, placeholders, time_of
from gateway.tmf.operations import OP_COLUMNS, TYPES, Op, action_view, credit_lines
from gateway.tmf.reservations import view_of

log = logging.getLogger(__name__)

CURSOR = "event_cursor"
FEED_KINDS = ("recharge", "adjust", "transfer", "reserve", "commit", "release")
EVENT_TYPES = (
    "TopupBalanceCreateEvent", "AdjustBalanceCreateEvent", "TransferBalanceCreateEvent",
    "ReserveBalanceCreateEvent", "ReserveBalanceStateChangeEvent",
)
FEED_BATCH = 500


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    poll_s: float = 1.0  # how often the feed is read when nothing pokes it
    backoff_base_s: float = 2.0  # first retry after this, doubling each attempt
    backoff_max_s: float = 3600.0
    max_attempts: int = 15  # then the delivery is marked failed (kept, with its last error)
    timeout_s: float = 10.0  # one POST
    lease_s: float = 60.0  # a claimed delivery goes out again after this if never recorded
    batch: int = 50
    concurrency: int = 8
    deliver: bool = True  # False: events are recorded and kept pending, never sent

    def backoff_s(self, attempts: int) -> float:
        return float(min(self.backoff_max_s, self.backoff_base_s * 2 ** max(0, attempts - 1)))


def now_ms() -> int:
    return int(time.time() * 1000)


def parse_event_types(text: str) -> tuple[str, ...]:
    """The event types ``eventType=A,B`` asks for (empty: every type); ValueError names what
    is wrong."""
    wanted: list[str] = []
    for clause in (c for c in text.replace("&", ";").split(";") if c.strip()):
        name, _, value = clause.partition("=")
        if name.strip() != "eventType" or not value.strip():
            raise ValueError("only eventType=Type[,Type] filters are supported")
        for event_type in (v.strip() for v in value.split(",") if v.strip()):
            if event_type not in EVENT_TYPES:
                raise ValueError(f"unknown event type {event_type!r}; one of "
                                 f"{', '.join(EVENT_TYPES)}")
            wanted.append(event_type)
    return tuple(dict.fromkeys(wanted))


def event_type(op: Op) -> str | None:
    """The event an operation makes, if any."""
    if op.resource is not None:
        return f"{TYPES[op.resource]}CreateEvent"
    if op.status == "ok" and op.kind == "reserve":
        return "ReserveBalanceCreateEvent"
    if op.status == "ok" and op.kind in ("commit", "release"):
        return "ReserveBalanceStateChangeEvent"
    return None


class _Raced(Exception):
    """Another process moved the cursor first: this round's work is theirs."""


@dataclass(frozen=True, slots=True)
class _Listener:
    id: int
    types: tuple[str, ...]  # empty: every type
    after_op_id: int  # registered when this was the newest operation

    def wants(self, op_id: int, event_type: str) -> bool:
        return op_id > self.after_op_id and (not self.types or event_type in self.types)


@dataclass(frozen=True, slots=True)
class _Delivery:
    event_id: int
    listener_id: int
    attempts: int
    lease: int
    payload: str
    callback: str


class EventHub:
    def __init__(self, ledger: Ledger, base: str, policy: DeliveryPolicy) -> None:
        self.ledger = ledger
        self.base = base
        self.policy = policy
        self._wake = asyncio.Event()
        self._session: aiohttp.ClientSession | None = None
        self._rounds = 0
        self._round_done = asyncio.Condition()

    def poke(self) -> None:
        """Something happened: read the feed now rather than at the next poll."""
        self._wake.set()

    # -- the feed ------------------------------------------------------------------------------
    async def fan_out(self) -> int:
        """Turn new operations into events and deliveries; returns how many events."""
        store = self.ledger.store
        cursor = await self.start_cursor()
        high = int((await store.query("SELECT COALESCE(MAX(id), 0) FROM operations"))[0][0])
        if high <= cursor:
            return 0
        listeners = [_Listener(int(r[0]), tuple(t for t in str(r[1]).split(",") if t),
                               int(r[2]))
                     for r in await store.query(
                         "SELECT id, event_types, after_op_id FROM tmf_listeners")]
        rows = await store.query(
            f"SELECT {OP_COLUMNS} FROM operations o WHERE o.id > ? AND o.id <= ? "
            f"AND o.status = 'ok' AND o.kind IN ({placeholders(FEED_KINDS)}) ORDER BY o.id "
            f"LIMIT ?", (cursor, high, *FEED_KINDS, FEED_BATCH)) if listeners else []
        ops = [Op.from_row(r) for r in rows]
        upto = ops[-1].id if len(ops) == FEED_BATCH else high
        wanted = set().union(*(set(li.types) or set(EVENT_TYPES) for li in listeners))
        events = await self._events([op for op in ops if event_type(op) in wanted])
        try:
            async with store.transaction() as conn:
                moved = await conn.execute(
                    "UPDATE tmf_state SET value = ? WHERE key = ? AND value = ?",
                    (upto, CURSOR, cursor))
                if moved.rowcount != 1:
                    raise _Raced
                await self._insert(conn, events, listeners)
        except _Raced:
            return 0
        if events:
            self.poke()
        return len(events)

    async def start_cursor(self) -> int:
        """The feed's cursor; set to the newest operation on the very first start (events
        begin then: history is not replayed)."""
        store = self.ledger.store
        found = await store.query("SELECT value FROM tmf_state WHERE key = ?", (CURSOR,))
        if found:
            return int(found[0][0])
        async with store.transaction() as conn:
            await conn.execute(
                "INSERT OR IGNORE INTO tmf_state SELECT ?, COALESCE(MAX(id), 0) FROM operations",
                (CURSOR,))
        return int((await store.query("SELECT value FROM tmf_state WHERE key = ?",
                                      (CURSOR,)))[0][0])

    async def _insert(self, conn: Any, events: list[tuple[int, str, Json]],
                      listeners: list[_Listener]) -> None:
        row = await (await conn.execute("SELECT COALESCE(MAX(id), 0) FROM tmf_events")
                     ).fetchone()
        next_id = int(row[0]) + 1
        due = now_ms()
        for op_id, event_type, body in events:
            payload = {"eventId": str(next_id), "eventTime": time_of(self.ledger.clock()),
                       "eventType": event_type, "timeOcurred": body.pop("at"),
                       "domain": "prepayBalanceManagement", "title": event_type,
                       "event": body}
            added = await conn.execute(
                "INSERT OR IGNORE INTO tmf_events (id, op_id, event_type, at, payload) "
                "VALUES (?, ?, ?, ?, ?)",
                (next_id, op_id, event_type, self.ledger.clock(), dumps(payload)))
            if added.rowcount != 1:
                continue
            await conn.executemany(
                "INSERT OR IGNORE INTO tmf_deliveries (event_id, listener_id, next_at_ms) "
                "VALUES (?, ?, ?)",
                [(next_id, li.id, due) for li in listeners if li.wants(op_id, event_type)])
            next_id += 1

    async def _events(self, ops: Sequence[Op]) -> list[tuple[int, str, Json]]:
        if not ops:
            return []
        catalog = await self.ledger.store.catalog()
        lines = await credit_lines(self.ledger, [op.id for op in ops])
        events: list[tuple[int, str, Json]] = []
        for op in ops:
            at, kind = time_of(op.at), event_type(op)
            try:
                if op.resource is not None and kind is not None:
                    view = action_view(op, lines[op.id], catalog, self.base)
                    events.append((op.id, kind, {op.resource: view, "at": at}))
                elif kind is not None:
                    view = await view_of(self.ledger, int(op.detail["reservation_id"]),
                                         self.base)
                    events.append((op.id, kind, {"reserveBalance": view, "at": at}))
            except Exception:  # one odd operation must not stop every later event
                log.exception("no TMF event for operation %s", op.id)
        return events

    # -- deliveries ----------------------------------------------------------------------------
    async def deliver_due(self) -> int:
        """POST every due delivery once; returns how many were delivered."""
        store = self.ledger.store
        start = now_ms()
        rows = await store.query(
            "SELECT d.event_id, d.listener_id, d.attempts, d.next_at_ms, e.payload, "
            "l.callback FROM tmf_deliveries d JOIN tmf_events e ON e.id = d.event_id "
            "JOIN tmf_listeners l ON l.id = d.listener_id WHERE d.delivered_at IS NULL "
            "AND d.failed_at IS NULL AND d.next_at_ms <= ? ORDER BY d.next_at_ms LIMIT ?",
            (start, self.policy.batch))
        if not rows:
            return 0
        lease = start + int(self.policy.lease_s * 1000)
        claimed: list[_Delivery] = []
        async with store.transaction() as conn:
            for event_id, listener_id, attempts, next_at, payload, callback in rows:
                taken = await conn.execute(
                    "UPDATE tmf_deliveries SET next_at_ms = ? WHERE event_id = ? AND "
                    "listener_id = ? AND next_at_ms = ? AND delivered_at IS NULL",
                    (lease, event_id, listener_id, next_at))
                if taken.rowcount == 1:
                    claimed.append(_Delivery(int(event_id), int(listener_id), int(attempts),
                                             lease, str(payload), str(callback)))
        limit = asyncio.Semaphore(self.policy.concurrency)

        async def send(d: _Delivery) -> str | None:
            async with limit:
                return await self._post(d)

        errors = await asyncio.gather(*(send(d) for d in claimed))
        await self._record(claimed, errors)
        return sum(1 for e in errors if e is None)

    async def _post(self, d: _Delivery) -> str | None:
        """None when the listener took the event, else what went wrong."""
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.policy.timeout_s))
        try:
            async with self._session.post(
                    d.callback, data=d.payload,
                    headers={"Content-Type": "application/json"}) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return None
                return f"HTTP {response.status}"
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            return f"{type(exc).__name__}: {exc}"[:500]

    async def _record(self, claimed: Sequence[_Delivery], errors: Sequence[str | None]
                      ) -> None:
        done_s = self.ledger.clock()
        at = now_ms()
        async with self.ledger.store.transaction() as conn:
            for d, error in zip(claimed, errors, strict=True):
                attempts = d.attempts + 1
                if error is None:
                    await conn.execute(
                        "UPDATE tmf_deliveries SET delivered_at = ?, attempts = ?, "
                        "last_error = NULL WHERE event_id = ? AND listener_id = ? "
                        "AND next_at_ms = ?", (done_s, attempts, d.event_id, d.listener_id,
                                               d.lease))
                    continue
                failed = done_s if attempts >= self.policy.max_attempts else None
                retry_at = at + int(self.policy.backoff_s(attempts) * 1000)
                await conn.execute(
                    "UPDATE tmf_deliveries SET attempts = ?, next_at_ms = ?, last_error = ?, "
                    "failed_at = ? WHERE event_id = ? AND listener_id = ? AND next_at_ms = ?",
                    (attempts, retry_at, error, failed, d.event_id, d.listener_id, d.lease))
                log.warning("TMF event %s to listener %s failed (attempt %s): %s",
                            d.event_id, d.listener_id, attempts, error)

    async def _next_wait_s(self) -> float:
        rows = await self.ledger.store.query(
            "SELECT MIN(next_at_ms) FROM tmf_deliveries WHERE delivered_at IS NULL "
            "AND failed_at IS NULL")
        wait = self.policy.poll_s
        if rows and rows[0][0] is not None:
            wait = min(wait, max(0.0, (int(rows[0][0]) - now_ms()) / 1000))
        return wait

    # -- the task ------------------------------------------------------------------------------
    async def run(self) -> None:
        while True:
            self._wake.clear()
            wait = self.policy.poll_s
            try:
                await self.fan_out()
                if self.policy.deliver:
                    await self.deliver_due()
                    wait = await self._next_wait_s()
            except Exception:  # logged and retried: events must not stop the gateway
                log.exception("TMF event round failed")
            async with self._round_done:
                self._rounds += 1
                self._round_done.notify_all()
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation
            # that arrives as the wait ends, and the task would never stop.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._wake.wait()

    async def settled(self) -> None:
        """Return once a whole round has run after this call (for tests and shutdown
        hooks: what was due by now has been attempted and recorded)."""
        async with self._round_done:
            target = self._rounds + 2  # the round under way may have started before the call
            self.poke()
            await self._round_done.wait_for(lambda: self._rounds >= target)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


EVENTS = web.AppKey("tmf_events", EventHub)
POLICY = web.AppKey("tmf_delivery_policy", DeliveryPolicy)


async def events_ctx(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx of the main application (after the ledger's, so it stops first)."""
    base = app[SETTINGS].tmf.base_path.rstrip("/")
    hub = EventHub(app[LEDGER], base, app.get(POLICY) or DeliveryPolicy())
    await hub.start_cursor()
    app[EVENTS] = hub
    task = asyncio.create_task(hub.run(), name="tmf-events")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await hub.close()


def poke(request: web.Request) -> None:
    hub = request.config_dict.get(EVENTS)
    if hub is not None:
        hub.poke()
