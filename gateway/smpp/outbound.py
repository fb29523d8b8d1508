"""submit_sm: text -> encoded parts -> paced, windowed submits with retry on throttling.

USSD replies are never split (a USSD string is one message of at most 160 octets); SMS longer than
one message goes out as UDH parts. ESME_RTHROTTLED / ESME_RMSGQFUL mean "slow down": the same PDU
is retried after a back-off. A submit whose connection dies after it was written is *not* retried:
the SMSC may have taken it, and sending a USSD reply twice is worse than reporting the failure.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final

from gateway.smpp.codec import FieldValue
from gateway.smpp.concat import SmsParts, split_sms
from gateway.smpp.config import SmppConfig
from gateway.smpp.constants import RETRYABLE_SUBMIT_STATUSES, Status
from gateway.smpp.errors import SubmitRejected
from gateway.smpp.link import Link, LinkClosed
from gateway.smpp.pacing import TokenBucket
from gateway.smpp.text import Alphabet, EncodedText, encode_text

log = logging.getLogger(__name__)

# PROTOCOLS.md: a USSD string is at most 160 octets = 182 GSM 7-bit characters, 80 in UCS2.
USSD_MAX_SEPTETS: Final = 182
USSD_MAX_OCTETS: Final = 160


class UssdTextTooLong(ValueError):
    """USSD text that does not fit one USSD string; rendering should have paged it."""


@dataclass(frozen=True, slots=True)
class Submitted:
    """The SMSC's message ids, one per submit_sm (several for a long SMS)."""

    message_ids: tuple[str, ...]

    @property
    def message_id(self) -> str:
        return self.message_ids[0]


def check_ussd_fits(encoded: EncodedText) -> None:
    limit = USSD_MAX_SEPTETS if encoded.alphabet is Alphabet.GSM7 else USSD_MAX_OCTETS
    if len(encoded.payload) > limit:
        raise UssdTextTooLong(f"USSD text of {len(encoded.payload)} units; at most {limit}")


class Submitter:
    """Sends submit_sm over whatever link is bound at the time."""

    def __init__(
        self,
        config: SmppConfig,
        bound_link: Callable[[], Awaitable[Link]],
        *,
        rng: random.Random,
    ) -> None:
        self._config = config
        self._bound_link = bound_link
        self._bucket = TokenBucket(config.submits_per_s, burst=config.submit_burst)
        self._slots = asyncio.Semaphore(config.window_size)
        self._rng = rng
        self._next_ref = rng.randrange(256)

    def _concat_ref(self) -> int:
        ref = self._next_ref
        self._next_ref = (ref + 1) % 256
        return ref

    async def submit(
        self,
        destination_addr: str,
        text: str,
        *,
        source_addr: str,
        service_type: str = "",
        ussd_service_op: int | None = None,
        its_session_info: int | None = None,
        its_reply_type: int | None = None,
        user_message_reference: int | None = None,
        registered_delivery: int = 0,
        source_addr_ton: int | None = None,
        source_addr_npi: int | None = None,
        dest_addr_ton: int | None = None,
        dest_addr_npi: int | None = None,
        gsm7_data_coding: int | None = None,
        ucs2_data_coding: int | None = None,
    ) -> Submitted:
        """Submit ``text``; return the message id(s).

        ``gsm7_data_coding``/``ucs2_data_coding`` override the config's for this message (a
        USSD centre may want TS 23.038's values while SMS on the same bind keeps SMPP's).

        Raises UssdTextTooLong, ValueError (a field SMPP cannot carry), NotBound (no bind within
        bind_wait_s), SubmitRejected (an error status, or still throttled after the retries),
        ResponseTimeout or LinkLost (outcome unknown).
        """
        config = self._config
        encoded = encode_text(
            text,
            gsm7_data_coding=_or(gsm7_data_coding, config.gsm7_data_coding),
            ucs2_data_coding=_or(ucs2_data_coding, config.ucs2_data_coding),
        )
        if ussd_service_op is not None:
            check_ussd_fits(encoded)
            parts = SmsParts(0, (encoded.payload,))
        else:
            parts = split_sms(encoded, ref=self._concat_ref())
        fields: dict[str, FieldValue | None] = {
            "service_type": service_type,
            "source_addr_ton": _or(source_addr_ton, config.source_addr_ton),
            "source_addr_npi": _or(source_addr_npi, config.source_addr_npi),
            "source_addr": source_addr,
            "dest_addr_ton": _or(dest_addr_ton, config.dest_addr_ton),
            "dest_addr_npi": _or(dest_addr_npi, config.dest_addr_npi),
            "destination_addr": destination_addr,
            "esm_class": parts.esm_class,
            "registered_delivery": registered_delivery,
            "data_coding": encoded.data_coding,
            "ussd_service_op": ussd_service_op,
            "its_session_info": its_session_info,
            "its_reply_type": its_reply_type,
            "user_message_reference": user_message_reference,
        }
        ids: list[str] = []
        for number, short_message in enumerate(parts.parts, start=1):
            fields["short_message"] = short_message
            ids.append(await self._submit_one(fields, number, len(parts.parts)))
        return Submitted(tuple(ids))

    async def _submit_one(self, fields: dict[str, FieldValue | None], part: int, parts: int) -> str:
        throttled = 0
        while True:
            await self._bucket.take()
            link = await self._bound_link()
            async with self._slots:
                try:
                    response = await link.request(
                        "submit_sm", timeout_s=self._config.response_timeout_s, **fields
                    )
                except LinkClosed:
                    continue  # nothing was written: wait for the rebind and send it then
            if response.command == "submit_sm_resp" and response.status == Status.ROK:
                return response.str_field("message_id")
            if (
                response.status in RETRYABLE_SUBMIT_STATUSES
                and throttled < self._config.throttle_max_retries
            ):
                delay = self._config.throttle_backoff.delay(throttled, self._rng)
                throttled += 1
                log.info(
                    "submit_sm throttled (0x%02x); retry %d in %.2fs",
                    response.status,
                    throttled,
                    delay,
                )
                await asyncio.sleep(delay)
                continue
            raise SubmitRejected(response.status, part=part, parts=parts)


def _or(value: int | None, default: int) -> int:
    return default if value is None else value
