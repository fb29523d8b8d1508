"""The ESME side of one SMPP bind over asyncio streams.

One supervisor task connects, binds (bind_transceiver) and, when the link is lost or the bind
refused, reconnects with capped exponential back-off and jitter until ``close()``. While bound, one
reader task (``dispatch.Dispatcher``) answers everything the SMSC sends and hands messages to the
application; an enquire_link timer presumes the link dead when the SMSC stops answering.

Nothing here logs a PDU: bind passwords and subscribers' text (PINs) must not reach the logs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random

from gateway.smpp.config import SmppConfig
from gateway.smpp.constants import Status
from gateway.smpp.dispatch import Dispatcher, InboundHandler
from gateway.smpp.errors import BindRejected, NotBound, SmppError
from gateway.smpp.inbound import InboundAssembler
from gateway.smpp.link import Link
from gateway.smpp.outbound import Submitter

log = logging.getLogger(__name__)

__all__ = ["InboundHandler", "SmppSession"]


class SmppSession:
    """A self-healing bind_transceiver. Use ``async with SmppSession(...)`` or start()/close()."""

    def __init__(
        self,
        config: SmppConfig,
        handler: InboundHandler,
        *,
        assembler: InboundAssembler | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._config = config
        self._rng = rng or random.Random()
        self._bound = asyncio.Event()
        self._dispatcher = Dispatcher(
            handler,
            assembler or InboundAssembler(gsm7_packed=config.gsm7_packed),
            max_command_length=config.max_command_length,
            on_unbind=self._bound.clear,
        )
        self._link: Link | None = None
        self._closing = False
        self._closed = asyncio.Event()  # wakes submits waiting for a bind when close() starts
        self._supervisor: asyncio.Task[None] | None = None
        self._submitter = Submitter(config, self._bound_link, rng=self._rng)
        # Encode ``text`` and submit it, waiting for a (re)bind: ``outbound.Submitter.submit``
        # itself (its signature and errors), not a forwarding copy of its parameter list.
        self.submit = self._submitter.submit
        self.bind_count = 0  # successful binds so far; a rebind shows up as an increment

    # -- lifecycle -------------------------------------------------------------------------

    async def __aenter__(self) -> SmppSession:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def start(self) -> None:
        if self._supervisor is None:
            self._closing = False
            self._closed.clear()
            self._supervisor = asyncio.create_task(self._supervise(), name="smpp-supervisor")

    @property
    def bound(self) -> bool:
        return self._bound.is_set()

    async def wait_bound(self, timeout_s: float | None = None) -> None:
        """Return once bound; NotBound if that takes longer than ``timeout_s``."""
        try:
            await asyncio.wait_for(self._bound.wait(), timeout_s)
        except TimeoutError:
            raise NotBound(f"not bound within {timeout_s}s") from None

    async def close(self) -> None:
        """Unbind cleanly if bound, stop reconnecting, let running handlers finish (bounded)."""
        self._closing = True
        self._closed.set()
        link = self._link
        if link is not None and self.bound:
            self._bound.clear()
            try:
                await link.request("unbind", timeout_s=self._config.unbind_timeout_s)
                log.info("unbound from %s:%d", self._config.host, self._config.port)
            except (SmppError, OSError) as exc:
                log.warning("unbind not acknowledged: %s", type(exc).__name__)
            link.close()
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
            self._supervisor = None
        await self._dispatcher.drain(self._config.handler_grace_s)

    # -- outbound --------------------------------------------------------------------------

    async def _bound_link(self) -> Link:
        """The current link once bound, waiting up to bind_wait_s for a (re)bind."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._config.bind_wait_s
        while True:
            if self._closing:
                raise NotBound("session closed")
            link = self._link
            if self.bound and link is not None and not link.closed:
                return link
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise NotBound(f"not bound within {self._config.bind_wait_s}s")
            if self.bound:
                # The transport is closing under a link still flagged bound; the reader will
                # notice within a loop turn or two and the supervisor clears the flag.
                await asyncio.sleep(0.01)
                continue
            # Wake on a bind or on close(), whichever comes first.
            waiters = {
                asyncio.ensure_future(self._bound.wait()),
                asyncio.ensure_future(self._closed.wait()),
            }
            try:
                await asyncio.wait(waiters, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiter in waiters:
                    waiter.cancel()

    # -- connection supervision ------------------------------------------------------------

    async def _supervise(self) -> None:
        attempt = 0
        while not self._closing:
            binds_before = self.bind_count
            try:
                await self._connect_and_serve()
            except asyncio.CancelledError:
                raise
            except BindRejected as exc:
                log.error("bind as %r rejected: status 0x%02x", self._config.system_id, exc.status)
            except (OSError, TimeoutError, SmppError, asyncio.IncompleteReadError) as exc:
                log.warning(
                    "smpp link to %s:%d lost: %s",
                    self._config.host,
                    self._config.port,
                    type(exc).__name__,
                )
            except Exception:  # a bug; the supervisor must outlive it and reconnect
                log.exception("smpp link failed unexpectedly")
            if self._closing:
                break
            if self.bind_count > binds_before:
                attempt = 0
            delay = self._config.reconnect_backoff.delay(attempt, self._rng)
            attempt += 1
            log.info("reconnecting in %.2fs (attempt %d)", delay, attempt)
            await asyncio.sleep(delay)

    async def _connect_and_serve(self) -> None:
        config = self._config
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(config.host, config.port), config.connect_timeout_s
        )
        link = Link(reader, writer)
        self._link = link
        reader_task = asyncio.create_task(self._dispatcher.read_loop(link), name="smpp-reader")
        enquire_task: asyncio.Task[None] | None = None
        try:
            response = await link.request(
                "bind_transceiver",
                timeout_s=config.response_timeout_s,
                system_id=config.system_id,
                password=config.password,
                system_type=config.system_type,
                addr_ton=config.addr_ton,
                addr_npi=config.addr_npi,
                address_range=config.address_range,
            )
            if response.status != Status.ROK or response.command != "bind_transceiver_resp":
                raise BindRejected(response.status)
            self.bind_count += 1
            self._bound.set()
            log.info("bound to %s:%d as %r", config.host, config.port, config.system_id)
            enquire_task = asyncio.create_task(self._enquire_loop(link), name="smpp-enquire")
            await asyncio.wait({reader_task, enquire_task}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._bound.clear()
            link.close()
            for task in (reader_task, enquire_task):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            await link.wait_closed()
            if self._link is link:
                self._link = None

    async def _enquire_loop(self, link: Link) -> None:
        while True:
            await asyncio.sleep(self._config.enquire_link_interval_s)
            try:
                await link.request("enquire_link", timeout_s=self._config.response_timeout_s)
            except (SmppError, OSError) as exc:
                log.warning("enquire_link failed (%s); dropping the link", type(exc).__name__)
                return
