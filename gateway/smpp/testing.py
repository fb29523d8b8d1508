"""An in-process fake SMSC over asyncio streams, for fast dialogue tests of this layer and the app.

It listens on 127.0.0.1 (port 0: the OS picks), accepts bind_transceiver with the right
credentials, answers submit_sm with message ids (or ESME_RTHROTTLED when told), answers
enquire_link and unbind, and records every PDU the ESME sends. Tests drive it and wait on what it
records; nothing here sleeps.

    async with FakeSmsc(system_id="gw", password="pw") as smsc:
        ...SmppSession(SmppConfig("127.0.0.1", smsc.port, "gw", "pw"), handler)...
        await smsc.wait_bound()
        response = await smsc.deliver(source_addr="254700", destination_addr="*100#", text="1")
        submit = await smsc.expect("submit_sm")
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from gateway.smpp.codec import FieldValue, Pdu, decode_pdu
from gateway.smpp.constants import Status
from gateway.smpp.errors import MalformedPdu, SmppError
from gateway.smpp.framing import read_frame
from gateway.smpp.link import Link
from gateway.smpp.text import encode_text


class FakeSmsc:
    def __init__(
        self, *, system_id: str = "test", password: str = "secret", host: str = "127.0.0.1"
    ) -> None:
        self.system_id = system_id
        self.password = password
        self.host = host
        self.answer_enquire_link = True
        self.answer_submits = True  # False: leave submit_sm unanswered (outcome-unknown tests)
        self.received: list[Pdu] = []  # every PDU from the ESME, in arrival order
        self.binds = 0
        self.connections = 0
        self._unclaimed: list[Pdu] = []
        self._changed = asyncio.Condition()
        self._server: asyncio.Server | None = None
        self._link: Link | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._throttle_next = 0
        self._message_ids = 0

    # -- lifecycle -------------------------------------------------------------------------

    async def __aenter__(self) -> FakeSmsc:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self.host, 0)

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSmsc not started")
        return int(self._server.sockets[0].getsockname()[1])

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        await self.drop()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    # -- what the tests tell it ------------------------------------------------------------

    def throttle(self, count: int) -> None:
        """Answer the next ``count`` submit_sm with ESME_RTHROTTLED."""
        self._throttle_next = count

    async def drop(self) -> None:
        """Close the current connection abruptly, as a crashed or rebooted SMSC would."""
        link, self._link = self._link, None
        if link is not None:
            link.close()
            await link.wait_closed()

    async def send_raw(self, frame: bytes) -> None:
        """Write octets as they are (malformed PDUs, garbage)."""
        await self._current_link().send_raw(frame)

    async def request(self, command: str, *, timeout_s: float = 5.0, **fields: Any) -> Pdu:
        """Send a request PDU to the ESME and return its response."""
        return await self._current_link().request(command, timeout_s=timeout_s, **fields)

    async def deliver(
        self,
        *,
        source_addr: str,
        destination_addr: str,
        text: str | None = None,
        short_message: bytes | None = None,
        data_coding: int | None = None,
        command: str = "deliver_sm",
        timeout_s: float = 5.0,
        **fields: FieldValue | None,
    ) -> Pdu:
        """Send a deliver_sm (or data_sm) and return the ESME's response PDU.

        ``text`` is encoded GSM 7-bit or UCS2 like an SMSC would; ``short_message`` goes as is.
        """
        if text is not None:
            encoded = encode_text(text)
            short_message = encoded.payload
            data_coding = encoded.data_coding if data_coding is None else data_coding
        payload_field = "message_payload" if command == "data_sm" else "short_message"
        fields[payload_field] = short_message
        return await self.request(
            command,
            timeout_s=timeout_s,
            source_addr=source_addr,
            destination_addr=destination_addr,
            data_coding=data_coding,
            **fields,
        )

    # -- what the tests wait for -----------------------------------------------------------

    async def expect(
        self,
        command: str,
        *,
        timeout_s: float = 5.0,
        where: Callable[[Pdu], bool] = lambda _: True,
    ) -> Pdu:
        """The oldest not yet expected PDU from the ESME with this command (waits for it)."""

        def find() -> Pdu | None:
            for pdu in self._unclaimed:
                if pdu.command == command and where(pdu):
                    return pdu
            return None

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: find() is not None), timeout_s)
            pdu = find()
            assert pdu is not None
            self._unclaimed.remove(pdu)
            return pdu

    async def wait_bound(self, count: int = 1, *, timeout_s: float = 5.0) -> None:
        """Until the ESME has bound ``count`` times in all (a rebind is count=2)."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self.binds >= count), timeout_s)

    async def wait_disconnected(self, *, timeout_s: float = 5.0) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self._link is None), timeout_s)

    # -- the SMSC side of the dialogue -----------------------------------------------------

    def _current_link(self) -> Link:
        if self._link is None:
            raise SmppError("no ESME connected")
        return self._link

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        link = Link(reader, writer)
        self._link = link
        self.connections += 1
        try:
            while True:
                frame = await read_frame(reader)
                try:
                    pdu = decode_pdu(frame)
                except MalformedPdu as exc:
                    await link.send("generic_nack", sequence=exc.sequence, status=exc.status)
                    continue
                await self._record(pdu)
                if pdu.is_response:
                    link.window.resolve(pdu)
                elif not await self._answer(link, pdu):
                    break
        except (asyncio.IncompleteReadError, OSError, SmppError):
            pass
        finally:
            link.close()
            await link.wait_closed()
            async with self._changed:
                if self._link is link:
                    self._link = None
                self._changed.notify_all()

    async def _record(self, pdu: Pdu) -> None:
        async with self._changed:
            self.received.append(pdu)
            self._unclaimed.append(pdu)
            self._changed.notify_all()

    async def _answer(self, link: Link, pdu: Pdu) -> bool:
        """Respond to a request from the ESME; False to close the connection."""
        sequence = pdu.sequence
        if pdu.command == "bind_transceiver":
            ok = (pdu.str_field("system_id"), pdu.str_field("password")) == (
                self.system_id,
                self.password,
            )
            status = Status.ROK if ok else Status.RBINDFAIL
            await link.send(
                "bind_transceiver_resp", sequence=sequence, status=status, system_id="FAKESMSC"
            )
            if ok:
                async with self._changed:
                    self.binds += 1
                    self._changed.notify_all()
            return ok
        if pdu.command == "submit_sm":
            if not self.answer_submits:
                return True
            if self._throttle_next > 0:
                self._throttle_next -= 1
                await link.send("submit_sm_resp", sequence=sequence, status=Status.RTHROTTLED)
            else:
                self._message_ids += 1
                await link.send(
                    "submit_sm_resp", sequence=sequence, message_id=f"msg-{self._message_ids}"
                )
            return True
        if pdu.command == "enquire_link":
            if self.answer_enquire_link:
                await link.send("enquire_link_resp", sequence=sequence)
            return True
        if pdu.command == "unbind":
            await link.send("unbind_resp", sequence=sequence)
            return False
        await link.send("generic_nack", sequence=sequence, status=Status.RINVCMDID)
        return True
