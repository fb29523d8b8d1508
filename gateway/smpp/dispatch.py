"""Reading one link and answering what the SMSC sends.

The reader never dies silently: a malformed or unknown PDU gets a generic_nack and reading goes on
(the bind stays up); a bug while handling one PDU is logged and reading goes on; only a broken
stream (end of file, reset, a command_length that cannot be framed) or the SMSC's unbind ends it,
and the session then reconnects.

deliver_sm / data_sm are acknowledged before the application sees them, and the application
handler runs as its own task: an SMSC redelivers a message whose response is late (~30 s), so a
slow handler must never hold the response back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Final

from gateway.smpp.codec import Pdu, decode_pdu
from gateway.smpp.constants import RESPONSE_BIT, Status
from gateway.smpp.errors import FramingError, MalformedPdu, SmppError
from gateway.smpp.framing import read_frame
from gateway.smpp.inbound import InboundAssembler, InboundPdu
from gateway.smpp.link import Link

log = logging.getLogger(__name__)

InboundHandler = Callable[[InboundPdu], Awaitable[None]]

_MESSAGE_COMMANDS: Final = frozenset({"deliver_sm", "data_sm"})


class Dispatcher:
    def __init__(
        self,
        handler: InboundHandler,
        assembler: InboundAssembler,
        *,
        max_command_length: int,
        on_unbind: Callable[[], None],
    ) -> None:
        self._handler = handler
        self._assembler = assembler
        self._max_command_length = max_command_length
        self._on_unbind = on_unbind
        self._handler_tasks: set[asyncio.Task[None]] = set()

    async def read_loop(self, link: Link) -> None:
        """Read until the stream ends; then close the link, failing the requests still waiting
        (a bind or submit in flight learns at once, not at its response timer)."""
        try:
            await self._read(link)
        finally:
            link.close()

    async def _read(self, link: Link) -> None:
        while True:
            try:
                frame = await read_frame(link.reader, max_command_length=self._max_command_length)
            except FramingError as exc:
                # The stream is out of step: say so (sequence unknown) and start afresh.
                log.warning("framing error (%s); dropping the link", exc.reason)
                with contextlib.suppress(SmppError, OSError):
                    await link.send("generic_nack", sequence=0, status=Status.RINVCMDLEN)
                return
            except (asyncio.IncompleteReadError, OSError) as exc:
                log.info("connection closed (%s)", type(exc).__name__)
                return
            try:
                keep_reading = await self.dispatch(link, frame)
            except (SmppError, OSError) as exc:  # could not write an answer: the link is gone
                log.warning("cannot answer the SMSC (%s); dropping the link", type(exc).__name__)
                return
            except Exception:  # a bug in dispatch must not take the bind with it
                log.exception("error handling a PDU from the SMSC; carrying on")
                continue
            if not keep_reading:
                return

    async def dispatch(self, link: Link, frame: bytes) -> bool:
        """Handle one frame; False when the link should end."""
        try:
            pdu = decode_pdu(frame)
        except MalformedPdu as exc:
            if exc.command_id & RESPONSE_BIT:
                # No nack for a response; fail the request it answers instead.
                log.warning(
                    "malformed response 0x%08x seq=%d: %s", exc.command_id, exc.sequence, exc.reason
                )
                link.window.fail(exc.sequence, exc)
                return True
            log.warning(
                "answering 0x%08x seq=%d with generic_nack 0x%02x: %s",
                exc.command_id,
                exc.sequence,
                exc.status,
                exc.reason,
            )
            await link.send("generic_nack", sequence=exc.sequence, status=exc.status)
            return True
        if pdu.is_response:
            if not link.window.resolve(pdu):
                log.warning("%s seq=%d matches no request", pdu.command, pdu.sequence)
            return True
        if pdu.command in _MESSAGE_COMMANDS:
            await self._on_message(link, pdu)
            return True
        if pdu.command == "enquire_link":
            await link.send("enquire_link_resp", sequence=pdu.sequence)
            return True
        if pdu.command == "unbind":
            log.info("the SMSC unbinds")
            self._on_unbind()
            await link.send("unbind_resp", sequence=pdu.sequence)
            return False
        if pdu.command == "alert_notification":
            return True  # has no response by definition; nothing to do for a transceiver
        log.warning("%s from the SMSC is not for an ESME; generic_nack", pdu.command)
        await link.send("generic_nack", sequence=pdu.sequence, status=Status.RINVCMDID)
        return True

    async def _on_message(self, link: Link, pdu: Pdu) -> None:
        response = f"{pdu.command}_resp"
        try:
            inbound = self._assembler.accept(pdu)
        except Exception:
            log.exception("cannot read %s seq=%d", pdu.command, pdu.sequence)
            await link.send(response, sequence=pdu.sequence, status=Status.RSYSERR)
            return
        await link.send(response, sequence=pdu.sequence)
        if inbound is not None:
            task = asyncio.create_task(self._run_handler(inbound), name="smpp-inbound")
            self._handler_tasks.add(task)
            task.add_done_callback(self._handler_tasks.discard)

    async def _run_handler(self, inbound: InboundPdu) -> None:
        try:
            await self._handler(inbound)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception(
                "inbound handler failed for %s seq=%d (%s)",
                inbound.command,
                inbound.sequence,
                inbound.message_ref,
            )

    async def drain(self, grace_s: float) -> None:
        """Let running handlers finish for up to ``grace_s``, then cancel the rest."""
        if not self._handler_tasks:
            return
        _, pending = await asyncio.wait(set(self._handler_tasks), timeout=grace_s)
        for task in pending:
            task.cancel()
        if pending:
            log.warning("cancelled %d inbound handler(s) still running at close", len(pending))
            await asyncio.wait(pending)
