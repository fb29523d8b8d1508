"""The outbox sender: ledger events -> localized SMS over the SMPP bind, at least once.

The ledger queues a notification in the same transaction as the change behind it (a recharge,
both sides of a transfer, a threshold, a low balance, an expiry warning). This task drains that
outbox in id order: it claims a batch (a lease, so that several gateway processes sharing the
database never send a row twice, see core/storage/outbox_queue.py), renders each row in the
subscriber's language (``translations.notifications`` picks the message, the Renderer the words),
submits it from ``smpp.sms_short_code`` and only after the SMSC's submit_sm_resp OK records it
sent. Everything lives in the database, so a restart carries on from the first unsent row.

What can go wrong, and what happens:
* the SMSC refuses or does not answer: the row is retried after a capped exponential back-off,
  and given up (``failed``, with the reason) after ``max_attempts``. An unanswered submit may
  have been taken, so a retry can duplicate it: at least once, not exactly once;
* the link is down (no bind): nothing is counted against the rows; they wait for the bind;
* the row cannot be rendered (a bug in core's payload, a template error) or has no message
  (``skipped``): it is settled with its reason at once and never holds up the rows behind it;
* the row is older than ``max_age_s`` (the gateway was down): ``expired``, never sent late;
* the process dies mid-batch: rows it claimed go out again when their lease has passed.

The lease outlives the sends: no submit starts later than ``send_timeout_s`` before the lease
ends, and each is cut off at ``send_timeout_s``; rows not started in time go back untried.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from core.catalog import Provider
from core.service import Ledger
from core.storage import outbox_queue as queue
from core.storage.outbox_queue import OutboxRow, RowOutcome, Settled
from gateway.metrics import Metrics
from gateway.smpp import NotBound, SmppError, Submitted
from translations.notifications import BUILDERS, notification_message
from translations.renderer import Renderer

log = logging.getLogger(__name__)


class SmsLink(Protocol):
    """What the sender needs of the SMPP bind (``SmppSession`` has it)."""

    async def submit(self, destination_addr: str, text: str, *, source_addr: str
                     ) -> Submitted: ...


@dataclass(frozen=True, slots=True)
class SenderPolicy:
    poll_s: float = 0.5  # how often an idle outbox is read
    batch: int = 50
    max_age_s: int = 86_400
    max_attempts: int = 10
    backoff_base_s: float = 5.0  # first retry after this, doubling each attempt
    backoff_max_s: float = 900.0
    send_timeout_s: float = 60.0  # one submit, every part of it; then its outcome is unknown
    lease_s: float = 300.0  # a claimed row goes out again after this if never recorded
    concurrency: int = 10  # subscribers sent to at once (one subscriber's rows go in order)

    def __post_init__(self) -> None:
        if self.lease_s <= self.send_timeout_s:
            raise ValueError("lease_s must be longer than send_timeout_s")

    def backoff_s(self, attempts: int) -> float:
        return float(min(self.backoff_max_s, self.backoff_base_s * 2 ** max(0, attempts - 1)))


def now_ms() -> int:
    return int(time.time() * 1000)


def destination(msisdn: str) -> str:
    """E.164 -> the international digits submit_sm carries (dest_addr_ton 1, international)."""
    return msisdn.removeprefix("+")


@dataclass(frozen=True, slots=True)
class Rendering:
    """What turns a row into words: the provider's catalog, its renderer, and how a number
    reads (``BoundMenu.display_number``, as the USSD replies show it; E.164 by default)."""

    renderer: Renderer
    provider: Provider
    display_number: Callable[[str], str] = str


@dataclass(frozen=True, slots=True)
class _Round:
    claimed: int  # rows claimed (or expired) this round
    link_down: bool  # a submit found no bind: wait before the next round


class NotificationSender:
    def __init__(self, ledger: Ledger, link: SmsLink, rendering: Callable[[], Rendering],
                 *, source_addr: str, policy: SenderPolicy | None = None,
                 metrics: Metrics | None = None, wall_ms: Callable[[], int] = now_ms) -> None:
        """``rendering`` is asked once per round (the app's channels can be reloaded while it
        runs); ``wall_ms`` is the clock of leases and back-off (epoch ms, shared by every
        process), the ledger's clock dates rows and messages."""
        self.ledger = ledger
        self.link = link
        self.rendering = rendering
        self.source_addr = source_addr
        self.policy = policy or SenderPolicy()
        self.metrics = metrics
        self.wall_ms = wall_ms
        self._wake = asyncio.Event()
        self._stopping = False
        self._rounds = 0
        self._round_done = asyncio.Condition()

    def poke(self) -> None:
        """Read the outbox now rather than at the next poll."""
        self._wake.set()

    def stop(self) -> None:
        """Finish the round under way (rows not yet started go back untried), then return."""
        self._stopping = True
        self._wake.set()

    # -- one round -----------------------------------------------------------------------------
    async def run_once(self) -> int:
        """Claim due rows and send them; returns how many rows were claimed or expired."""
        return (await self._round()).claimed

    async def _round(self) -> _Round:
        store, policy = self.ledger.store, self.policy
        start_ms = self.wall_ms()
        due = await queue.next_due_ms(store)
        if due is None or due > start_ms:
            return _Round(0, link_down=False)
        rendering = self.rendering()  # before the claim: a failure here leaves rows unleased
        claim = await queue.claim(store, now_s=self.ledger.clock(), now_ms=start_ms,
                                  lease_ms=int(policy.lease_s * 1000), batch=policy.batch,
                                  max_age_s=policy.max_age_s)
        for kind in claim.expired:
            self._count(kind, RowOutcome.EXPIRED)
        if claim.expired:
            log.warning("%d notifications expired unsent (older than %d s)",
                        len(claim.expired), policy.max_age_s)
        loop = asyncio.get_running_loop()
        last_start = loop.time() + policy.lease_s - policy.send_timeout_s
        link_down = False
        limit = asyncio.Semaphore(policy.concurrency)

        async def send_in_order(rows: Sequence[OutboxRow]) -> list[Settled]:
            nonlocal link_down
            done: list[Settled] = []
            async with limit:
                for row in rows:
                    if self._stopping or link_down or loop.time() > last_start:
                        done.append(Settled(row, None, row.attempts, self.wall_ms()))
                        continue
                    result = await self._send(row, rendering)
                    if result is None:  # no bind: this row and the rest wait for one
                        link_down = True
                        result = Settled(row, None, row.attempts, self.wall_ms())
                    done.append(result)
            return done

        groups: dict[str, list[OutboxRow]] = {}
        for row in claim.rows:
            groups.setdefault(row.msisdn, []).append(row)
        sent = await asyncio.gather(*(send_in_order(rows) for rows in groups.values()))
        results = [r for group in sent for r in group]
        held = await queue.settle(store, results, now_s=self.ledger.clock())
        if held < len(results):
            log.warning("%d notifications outlived their lease; their new claimant records "
                        "them", len(results) - held)
        return _Round(len(claim.rows) + len(claim.expired), link_down)

    async def _send(self, row: OutboxRow, rendering: Rendering) -> Settled | None:
        """One row: render, submit, and what to record; None when there was no bind to
        submit on (not the row's fault: no attempt is counted)."""
        kind = row.kind if row.kind in BUILDERS else "unknown"
        try:
            text = self._text(row, rendering)
        except Exception as exc:  # a payload core should not have written, a template bug
            log.exception("notification %d (%s) cannot be rendered", row.id, kind)
            self._count(kind, RowOutcome.FAILED)
            return Settled(row, RowOutcome.FAILED, row.attempts + 1,
                           error=f"render: {type(exc).__name__}: {exc}")
        if text is None:
            self._count(kind, RowOutcome.SKIPPED)
            return Settled(row, RowOutcome.SKIPPED, row.attempts,
                           error=f"no message for this {row.kind!r} row now")
        try:
            async with asyncio.timeout(self.policy.send_timeout_s):
                await self.link.submit(destination(row.msisdn), text,
                                       source_addr=self.source_addr)
        except NotBound:
            return None
        except ValueError as exc:  # SMPP cannot carry it (the address): no retry will
            self._count(kind, RowOutcome.FAILED)
            return Settled(row, RowOutcome.FAILED, row.attempts + 1, error=f"submit: {exc}")
        except (SmppError, TimeoutError, OSError) as exc:
            return self._failed_attempt(row, kind, f"{type(exc).__name__}: {exc}")
        self._count(kind, RowOutcome.SENT)
        return Settled(row, RowOutcome.SENT, row.attempts)

    def _text(self, row: OutboxRow, rendering: Rendering) -> str | None:
        payload = json.loads(row.payload)
        if not isinstance(payload, dict):
            raise TypeError(f"payload is a JSON {type(payload).__name__}, not an object")
        message = notification_message(row.kind, payload, rendering.provider,
                                       now=self.ledger.clock(),
                                       display_number=rendering.display_number)
        if message is None:
            return None
        # The payload may name a language (none of core's do yet); else the subscriber's.
        language = payload.get("language") or row.language
        # As an SMS: GSM-7 unless a character needs UCS2 (CLDR's no-break spaces in money
        # become plain ones first, or every amount would cost a UCS2 message).
        sms = rendering.renderer.sms(message, language if isinstance(language, str) else None)
        return sms.text if sms.text.strip() else None

    def _failed_attempt(self, row: OutboxRow, kind: str, error: str) -> Settled:
        attempts = row.attempts + 1
        if attempts >= self.policy.max_attempts:
            log.error("notification %d (%s) given up after %d attempts: %s", row.id, kind,
                      attempts, error)
            self._count(kind, RowOutcome.FAILED)
            return Settled(row, RowOutcome.FAILED, attempts, error=error)
        retry_in_s = self.policy.backoff_s(attempts)
        log.warning("notification %d (%s) not sent (attempt %d), retry in %.1f s: %s",
                    row.id, kind, attempts, retry_in_s, error)
        self._count(kind, "retry")
        return Settled(row, None, attempts, self.wall_ms() + int(retry_in_s * 1000), error)

    def _count(self, kind: str, outcome: str) -> None:
        if self.metrics is not None:
            self.metrics.notification(kind if kind in BUILDERS else "unknown", outcome)

    # -- the task ------------------------------------------------------------------------------
    async def _next_wait_s(self) -> float:
        due = await queue.next_due_ms(self.ledger.store)
        wait = self.policy.poll_s
        if due is not None:
            wait = min(wait, max(0.0, (due - self.wall_ms()) / 1000))
        return wait

    async def run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            wait = self.policy.poll_s
            try:
                done = await self._round()
                if not done.link_down:
                    # A full batch means more may be due now: go again without waiting.
                    wait = 0.0 if done.claimed >= self.policy.batch else await self._next_wait_s()
            except Exception:  # logged and retried: notifications must not stop the gateway
                log.exception("notification round failed")
            async with self._round_done:
                self._rounds += 1
                self._round_done.notify_all()
            if wait > 0 and not self._stopping:
                # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation
                # that arrives as the wait ends, and the task would never stop.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(wait):
                        await self._wake.wait()

    async def settled(self) -> None:
        """Return once a whole round has run after this call (tests, shutdown hooks)."""
        async with self._round_done:
            target = self._rounds + 2  # the round under way may have started before the call
            self.poke()
            await self._round_done.wait_for(lambda: self._rounds >= target)
