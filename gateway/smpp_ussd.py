"""USSD over SMPP: deliver_sm / data_sm with ``ussd_service_op`` -> the USSD dialogue -> submit_sm.

The same menus, sessions and idempotency rules as USSD over HTTP: each message becomes a
``UssdHop`` for ``gateway.ussd_dialogue.UssdDialogue`` (channel ``ussd_smpp``), and its ``Reply``
goes back as a submit_sm with the dialect's op code (menu and wait, or final), echoing
``its_session_info`` with the end flag on the last one (and ``user_message_reference``).

* start (PSSR indication): the dialled string (``*100#``, ``*100*1#``, ``*100*<PIN>#``) is read
  from the text, else from destination_addr; a new dialogue begins, whatever was stored
  under the same session number before;
* continue (USSR confirm): the text is the subscriber's answer to the stored screen; the step
  is the stored one plus one. With no stored session (expired, or taken by another process
  that lost it), the menu starts again and the answer is ignored, so nothing moves;
* abort: the session is forgotten and nothing is sent.

Idempotency. SMPP session numbers are one octet and user_message_references two: later
dialogues reuse them. The ledger key of a money step is therefore
``ussd_smpp:{session key}:{dialogue start stamp}:{step}``: the stamp (milliseconds, kept in the
session record's ``cursor``, which SMPP has no other use for) tells dialogues apart, the step
tells the steps apart, and the same step delivered twice has the same key. A duplicate that
arrives after its dialogue ended finds the ended session and starts the menu again: it moves
no money either.

Duplicates (an SMSC redelivers a deliver_sm whose response came late) are first caught by a
window of recently seen messages, so they get no second reply: see ``_answer_key`` for what
makes two deliveries the same message in each dialect.

Nothing here logs the text: it may be a voucher PIN.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol

from core.msisdn import InvalidMsisdn
from gateway.smpp import (
    InboundPdu,
    SmppError,
    Submitted,
    TtlLru,
    UssdTextTooLong,
    its_session_reply,
)
from gateway.smpp_ussd_dialects import SessionSource, UssdDialect, UssdEvent
from gateway.ussd_at import e164, split_code
from gateway.ussd_dialogue import UssdDialogue, UssdHop
from gateway.ussd_session import UssdRecord
from menus.present import Reply
from translations.messages import SessionExpired

log = logging.getLogger(__name__)

DEDUP_WINDOW_S = 300.0  # SMSCs redeliver after ~30 s, a few times at most
DEDUP_MAX_ENTRIES = 100_000


class Sender(Protocol):
    """What replies go out through: ``SmppSession.submit`` (or a test double)."""

    async def submit(
        self,
        destination_addr: str,
        text: str,
        *,
        source_addr: str,
        service_type: str = "",
        ussd_service_op: int | None = None,
        its_session_info: int | None = None,
        user_message_reference: int | None = None,
        dest_addr_ton: int | None = None,
        dest_addr_npi: int | None = None,
        gsm7_data_coding: int | None = None,
        ucs2_data_coding: int | None = None,
    ) -> Submitted: ...


def milliseconds() -> int:
    return time.time_ns() // 1_000_000


class SmppUssd:
    def __init__(self, dialogue: UssdDialogue, dialect: UssdDialect, *, region: str,
                 source_addr: str, service_type: str,
                 stamp: Callable[[], int] = milliseconds,
                 dedup_clock: Callable[[], float] = time.monotonic) -> None:
        self.dialogue = dialogue
        self.dialect = dialect
        self.region = region
        self.source_addr = source_addr
        self.service_type = dialect.reply_service_type(service_type)
        self._stamp = stamp
        # Recently seen messages: an SMSC redelivers a deliver_sm whose response came late.
        self._seen: TtlLru[tuple[object, ...]] = TtlLru(
            ttl_s=DEDUP_WINDOW_S, max_entries=DEDUP_MAX_ENTRIES, clock=dedup_clock)

    async def handle(self, message: InboundPdu, sender: Sender, *, connection: str = "") -> str:
        """Answer one message; returns what became of it (a metrics label). ``connection``
        names the SMPP connection it came on (sequence numbers are per connection)."""
        event = self.dialect.event(message)
        if event is None:
            return "ignored"
        exact = (connection, message.sequence)
        session_id = self.dialect.session_key(message)
        if event is UssdEvent.ABORT:
            if session_id is not None:
                await self.dialogue.forget(session_id)
            return "abort"
        if session_id is None:
            log.warning("USSD %s without its %s: refused", event.value,
                        self.dialect.session_source.value)
            return await self._send(message, self.dialogue.apology(None), sender, "refused")
        try:
            msisdn = e164(message.source_addr, self.region)
        except InvalidMsisdn:
            log.warning("USSD from a source that is not a phone number: refused")
            return await self._send(message, self.dialogue.apology(None), sender, "refused")
        record: UssdRecord | None = None
        if event is UssdEvent.START:
            dialled = split_code(message.text) or split_code(message.destination_addr)
            if dialled is None:
                log.warning("USSD start without a dialled code: refused")
                return await self._send(message, self.dialogue.apology(None), sender,
                                        "refused")
            if self._seen.seen((session_id, *exact)):
                return "duplicate"
            stamp = self._stamp()
            hop = UssdHop(session_id=session_id, msisdn=msisdn, service_code=dialled[0],
                          extension=dialled[1], step=0, input=None, cursor=stamp,
                          idempotency_scope=f"{session_id}:{stamp}")
        else:
            record = await self.dialogue.load(session_id)
            if record is not None:
                code, step, stamp = record.service_code, record.step + 1, record.cursor
            else:
                # Expired: the menu of the code the centre names starts again (input ignored).
                found = split_code(message.destination_addr)
                if found is None:
                    return await self._send(message, self.dialogue.say(SessionExpired(), None),
                                            sender, "expired")
                code, step, stamp = found[0], 1, self._stamp()
            if self._seen.seen(self._answer_key(message, session_id, stamp, exact)):
                return "duplicate"
            hop = UssdHop(session_id=session_id, msisdn=msisdn, service_code=code,
                          extension=None, step=step, input=message.text, cursor=stamp,
                          idempotency_scope=f"{session_id}:{stamp}")
        reply = await self.dialogue.hop(hop, record)
        result = "end" if reply.end else "continue"
        return await self._send(message, reply, sender, result)

    def _answer_key(self, message: InboundPdu, session_id: str, stamp: int,
                    exact: tuple[str, int]) -> tuple[object, ...]:
        """What makes two deliveries of an answer the same message, for the MO window.

        The dialogue's stamp is part of it, since session numbers come back in later
        dialogues. Within one, an its_session_info TLV carries the message's sequence number,
        so (TLV, text) identifies the answer whatever PDU carried it; a
        user_message_reference is the same for every answer of a dialogue, so there only the
        very same PDU (connection and sequence number) is a duplicate."""
        base = (session_id, stamp, message.its_session_info, message.text)
        if self.dialect.session_source is SessionSource.ITS_SESSION_INFO:
            return base
        return (*base, *exact)

    async def _send(self, message: InboundPdu, reply: Reply, sender: Sender, result: str
                    ) -> str:
        dialect = self.dialect
        its = message.its_session_info
        try:
            await sender.submit(
                message.source_addr, reply.text, source_addr=self.source_addr,
                service_type=self.service_type, ussd_service_op=dialect.reply_op(end=reply.end),
                its_session_info=None if its is None else its_session_reply(its, end=reply.end),
                user_message_reference=message.user_message_reference,
                dest_addr_ton=message.source_addr_ton, dest_addr_npi=message.source_addr_npi,
                gsm7_data_coding=dialect.gsm7_data_coding,
                ucs2_data_coding=dialect.ucs2_data_coding)
        except (SmppError, UssdTextTooLong, ValueError) as exc:
            log.warning("USSD reply not sent: %s", type(exc).__name__)
            return "send_failed"
        return result
