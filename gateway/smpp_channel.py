"""What arrives on the SMPP bind, routed: USSD to the dialogue, SMS keywords to ``SmsService``.

``SmppChannel`` is the bind's inbound handler (``SmppSession(config, channel)``). Each message,
already acknowledged on the wire and reassembled if it came in parts:

* a delivery receipt: counted, nothing else (nothing here asks for receipts);
* ``ussd_service_op`` present: USSD (gateway/smpp_ussd.py);
* else, to ``[smpp] sms_short_code``: an SMS keyword command; the reply goes back from the
  short code, as GSM-7 or UCS2 and concatenated (UDH) when long (gateway/smpp/outbound.py);
* anything else: counted as unrouted and dropped (with a log line naming the destination).

Duplicates. An SMSC redelivers a deliver_sm whose response came late, so the same message can
arrive twice; a window of recently seen messages drops the second copy before it does any
work. Behind it, the ledger's idempotency keys are the real guard (they also hold across
gateway processes): an SMS's ``message_id`` is the network's reference of the message (its
user_message_reference, concatenation reference or, lacking both, the PDU's sequence number
on this connection) plus the day, so a copy that slips past the window gets the stored
outcome instead of a second charge.

Metrics: ``selfcare_smpp_messages_total{channel, result}`` and
``selfcare_smpp_message_duration_seconds{channel}``, channel ``ussd_smpp`` or ``sms``.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable

from prometheus_client import Counter, Histogram

from gateway.metrics import LATENCY_BUCKETS_S, Metrics
from gateway.smpp import InboundPdu, SmppError, SmppSession, TtlLru
from gateway.smpp_ussd import DEDUP_MAX_ENTRIES, DEDUP_WINDOW_S, SmppUssd
from gateway.sms_service import SmsService

log = logging.getLogger(__name__)

DAY_S = 86_400


class SmppMetrics:
    """Per-channel counts and handling time of what arrives on the bind, on the app's
    registry (so ``/metrics`` shows them with the rest)."""

    def __init__(self, metrics: Metrics) -> None:
        self.messages = Counter("selfcare_smpp_messages", "Messages from the SMSC by result",
                                ["channel", "result"], registry=metrics.registry)
        self.duration = Histogram("selfcare_smpp_message_duration_seconds",
                                  "From an inbound message to its reply being accepted",
                                  ["channel"], buckets=LATENCY_BUCKETS_S,
                                  registry=metrics.registry)
        self._children: dict[tuple[str, str], Counter] = {}
        self._timers = {channel: self.duration.labels(channel) for channel in ("ussd_smpp", "sms")}

    def count(self, channel: str, result: str) -> None:
        child = self._children.get((channel, result))
        if child is None:
            child = self._children[(channel, result)] = self.messages.labels(channel, result)
        child.inc()

    def observe(self, channel: str, seconds: float) -> None:
        self._timers[channel].observe(seconds)


class SmppChannel:
    def __init__(self, *, ussd: SmppUssd, sms: SmsService, sms_short_code: str,
                 metrics: SmppMetrics, clock: Callable[[], float] = time.monotonic) -> None:
        self.ussd = ussd
        self.sms = sms
        self.sms_short_code = sms_short_code
        self.metrics = metrics
        self._seen: TtlLru[tuple[object, ...]] = TtlLru(
            ttl_s=DEDUP_WINDOW_S, max_entries=DEDUP_MAX_ENTRIES, clock=clock)
        self._session: SmppSession | None = None
        # Sequence numbers restart with every connection (and every process): a reference
        # made of one must name its connection, or two messages would share a key.
        self._boot = f"{os.getpid():x}{time.time_ns() // 1_000_000:x}"

    def attach(self, session: SmppSession) -> None:
        """The bind replies go out on (created after this handler, which it needs)."""
        self._session = session

    def _connection(self, session: SmppSession) -> str:
        return f"{self._boot}.{session.bind_count}"

    async def __call__(self, message: InboundPdu) -> None:
        session = self._session
        if session is None:
            raise SmppError("SmppChannel used before attach()")
        if message.is_delivery_receipt:
            self.metrics.count("sms", "receipt")
            return
        started = time.perf_counter()
        if message.ussd_service_op is not None:
            channel = "ussd_smpp"
            result = await self.ussd.handle(message, session,
                                            connection=self._connection(session))
        elif message.destination_addr == self.sms_short_code:
            channel = "sms"
            result = await self._sms(message, session)
        else:
            log.warning("message to %r is neither USSD nor for the SMS short code: dropped",
                        message.destination_addr)
            self.metrics.count("sms", "unrouted")
            return
        self.metrics.count(channel, result)
        self.metrics.observe(channel, time.perf_counter() - started)

    async def _sms(self, message: InboundPdu, session: SmppSession) -> str:
        ref = message.message_ref
        if ref.startswith("seq:"):
            ref = f"seq:{self._connection(session)}:{message.sequence}"
        if self._seen.seen(("sms", message.source_addr, message.destination_addr, ref)):
            return "duplicate"
        day = self.sms.ledger.clock() // DAY_S
        reply = await self.sms.handle(message.source_addr, message.text,
                                      message_id=f"{ref}:{day}")
        try:
            for text in reply.texts:
                await session.submit(message.source_addr, text, source_addr=self.sms_short_code,
                                     dest_addr_ton=message.source_addr_ton,
                                     dest_addr_npi=message.source_addr_npi)
        except (SmppError, ValueError) as exc:
            log.warning("SMS reply not sent: %s", type(exc).__name__)
            return "send_failed"
        return reply.result
