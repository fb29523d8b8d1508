"""Helpers for the notification sender's tests: an SMPP bind to a test SMSC, what a submit_sm
says, a wall clock moved by hand, and the outbox's state."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.service import Ledger
from core.storage import outbox_queue
from gateway.notification_sender import SenderPolicy
from gateway.smpp import Backoff, InboundPdu, Pdu, SmppConfig, decode_text

WAIT_S = 5.0
SHORT_CODE = "100"
ESM_CLASS_UDHI = 0x40


def smpp_config(port: int, system_id: str, password: str, *, bind_wait_s: float = WAIT_S
                ) -> SmppConfig:
    """A bind that fails fast: no throttle retries inside the SMPP layer (the sender's own
    retry is under test), quick reconnects, no pacing in the way."""
    return SmppConfig("127.0.0.1", port, system_id, password,
                      reconnect_backoff=Backoff(0.05, 0.2), throttle_max_retries=0,
                      bind_wait_s=bind_wait_s, submits_per_s=10_000, submit_burst=1_000)


async def ignore_inbound(message: InboundPdu) -> None:
    """The sender only sends; nothing in these tests delivers to it."""


def fast_policy(**overrides: object) -> SenderPolicy:
    settings: dict[str, object] = {"poll_s": 0.05, "backoff_base_s": 1.0, "backoff_max_s": 4.0,
                                   "send_timeout_s": WAIT_S, "lease_s": 60.0}
    settings.update(overrides)
    return SenderPolicy(**settings)  # type: ignore[arg-type]


@dataclass
class WallClock:
    """Epoch milliseconds for leases and back-off, moved on by hand."""

    now: int = 1_800_000_000_000

    def __call__(self) -> int:
        return self.now

    def advance_s(self, seconds: float) -> None:
        self.now += int(seconds * 1000)


@dataclass(frozen=True)
class Sms:
    destination: str
    source: str
    text: str
    data_coding: int


def sms_of(pdu: Pdu) -> Sms:
    """A single-part submit_sm as the handset would show it (the notifications under test fit
    one SMS; a concatenated one fails here rather than being half read)."""
    assert pdu.command == "submit_sm"
    data = pdu.bytes_field("short_message")
    assert not (pdu.int_field("esm_class") or 0) & ESM_CLASS_UDHI, "a concatenated SMS"
    coding = pdu.int_field("data_coding") or 0
    return Sms(pdu.str_field("destination_addr"), pdu.str_field("source_addr"),
               decode_text(data, coding), coding)


def submits(pdus: Iterable[Pdu]) -> list[Sms]:
    return [sms_of(p) for p in pdus if p.command == "submit_sm"]


async def outbox_state(ledger: Ledger) -> dict[str, int]:
    return await outbox_queue.outcomes(ledger.store)


async def clear_outbox(ledger: Ledger) -> None:
    """Drop what the demo seed queued (its bundle confirmations), so a test starts with an
    empty queue and counts only its own rows."""
    async with ledger.store.transaction() as conn:
        await conn.execute("DELETE FROM outbox")


async def add_row(ledger: Ledger, kind: str, msisdn: str, payload: str, *, at: int,
                  key: str) -> int:
    """A row as the ledger would write it (for the rows core never writes: unknown kinds,
    broken payloads)."""
    async with ledger.store.transaction() as conn:
        cursor = await conn.execute(
            "INSERT INTO outbox (at, kind, msisdn, account_id, payload, dedup_key) "
            "SELECT ?, ?, ?, account_id, ?, ? FROM subscribers WHERE msisdn = ?",
            (at, kind, msisdn, payload, key, msisdn))
        assert cursor.lastrowid is not None
        return int(cursor.lastrowid)
