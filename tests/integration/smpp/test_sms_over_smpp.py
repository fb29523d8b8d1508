"""SMS keywords to the short code through the whole app, against the in-process FakeSmsc:
BAL, RECHARGE, TRANSFER + YES, LANG, HELP and anything else, replies in the subscriber's
language, GSM-7 or UCS2, concatenated when long."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from gateway.channels import Channels
from gateway.smpp import Pdu
from gateway.smpp.testing import FakeSmsc
from gateway.smpp.text import decode_text
from tests.integration.smpp.gateway_support import (
    ALICE,
    AMIRA,
    BOB,
    PASSWORD,
    SHORT_CODE,
    SYSTEM_ID,
    Ledgered,
    smpp_settings,
    start_app,
    until,
)


@pytest.fixture
async def smsc() -> AsyncIterator[FakeSmsc]:
    async with FakeSmsc(system_id=SYSTEM_ID, password=PASSWORD) as fake:
        yield fake


@pytest.fixture
async def gateway(aiohttp_client: Any, ledger_file: Path, channels: Channels,
                  smsc: FakeSmsc) -> Ledgered:
    client = await start_app(aiohttp_client, smpp_settings(ledger_file, smsc.port), channels)
    await smsc.wait_bound()
    return Ledgered(client)


async def sms(smsc: FakeSmsc, text: str, *, source: str = ALICE, **fields: Any) -> list[Pdu]:
    """Send ``text`` to the short code; the gateway's reply, as the submit_sm parts."""
    response = await smsc.deliver(source_addr=source, destination_addr=SHORT_CODE, text=text,
                                  **fields)
    assert response.status == 0
    return await reply_to(smsc, source)


async def reply_to(smsc: FakeSmsc, source: str) -> list[Pdu]:
    first = await smsc.expect("submit_sm", where=lambda p: p.str_field("destination_addr")
                              == source)
    parts = [first]
    if (first.int_field("esm_class") or 0) & 0x40:
        total = first.bytes_field("short_message")[4]
        parts += [await smsc.expect("submit_sm",
                                    where=lambda p: p.str_field("destination_addr") == source)
                  for _ in range(total - 1)]
    return parts


def joined(parts: list[Pdu]) -> str:
    """The whole text of a (possibly concatenated) reply, checking its UDH on the way."""
    body = b""
    for number, part in enumerate(parts, start=1):
        octets = part.bytes_field("short_message")
        if len(parts) > 1:
            assert part.int_field("esm_class") == 0x40
            udh = octets[: octets[0] + 1]
            assert (udh[0:3], udh[4], udh[5]) == (b"\x05\x00\x03", len(parts), number)
            octets = octets[len(udh):]
        body += octets
    return decode_text(body, parts[0].int_field("data_coding") or 0)


async def test_bal_answers_with_the_balance_from_the_short_code(gateway: Ledgered,
                                                               smsc: FakeSmsc) -> None:
    parts = await sms(smsc, "bal")
    assert parts[0].str_field("source_addr") == SHORT_CODE
    assert parts[0].int_field("data_coding") == 0  # GSM-7: CLDR's no-break spaces folded
    assert parts[0].int_field("ussd_service_op") is None
    assert "Airtime KES 100.00" in joined(parts)


async def test_a_long_reply_goes_in_concatenated_parts(gateway: Ledgered, smsc: FakeSmsc,
                                                       pins: list[str]) -> None:
    await sms(smsc, f"RECHARGE {pins[5]}", user_message_reference=1)  # one more bucket
    parts = await sms(smsc, "BAL", user_message_reference=2)
    text = joined(parts)
    assert len(text) > 160
    assert len(parts) == 2
    assert {p.int_field("data_coding") for p in parts} == {0}
    assert text.startswith("Prepaid valid 30 day(s)\nAirtime KES 150.00")
    assert text.endswith("Spent this month KES 0.00")


async def test_arabic_replies_go_in_ucs2(gateway: Ledgered, smsc: FakeSmsc) -> None:
    parts = await sms(smsc, "رصيد", source=AMIRA)
    assert {p.int_field("data_coding") for p in parts} == {8}
    assert len(parts) > 1  # 70 UCS2 characters a message: the summary takes several
    assert "مسبق الدفع" in joined(parts)


async def test_recharge_credits_once_even_when_delivered_twice(
        gateway: Ledgered, smsc: FakeSmsc, pins: list[str]) -> None:
    before = await gateway.cash("+" + ALICE)
    parts = await sms(smsc, f"topup {pins[0]}", user_message_reference=41)
    assert "50.00" in joined(parts)
    # The SMSC delivers the same message again (same sender, same reference): no second
    # charge, no second reply; the next message is answered as usual.
    await smsc.deliver(source_addr=ALICE, destination_addr=SHORT_CODE,
                       text=f"topup {pins[0]}", user_message_reference=41)
    balance = await sms(smsc, "BAL", user_message_reference=42)
    assert "KES 150.00" in joined(balance)
    assert await gateway.cash("+" + ALICE) == before + 5_000
    assert len([p for p in smsc.received if p.command == "submit_sm"]) == 1 + len(balance)


async def test_a_wrong_pin_is_answered_and_moves_nothing(gateway: Ledgered,
                                                         smsc: FakeSmsc) -> None:
    before = await gateway.cash("+" + ALICE)
    text = joined(await sms(smsc, "RECHARGE 0000 0000 0000"))
    assert "PIN" in text
    assert await gateway.cash("+" + ALICE) == before


async def test_transfer_is_confirmed_with_yes(gateway: Ledgered, smsc: FakeSmsc) -> None:
    alice, bob = await gateway.cash("+" + ALICE), await gateway.cash("+" + BOB)
    request = joined(await sms(smsc, "TRANSFER 0700000002 20", user_message_reference=1))
    assert request.startswith("Send KES 20.00 to 0700000002?")
    assert request.endswith("YES Confirm")
    assert await gateway.cash("+" + BOB) == bob  # nothing moves before YES

    done = joined(await sms(smsc, "yes", user_message_reference=2))
    assert "20.00" in done
    assert await gateway.cash("+" + BOB) == bob + 2_000
    assert await gateway.cash("+" + ALICE) < alice - 2_000 + 1  # the fee, if any, on top


async def test_yes_with_nothing_pending_gets_the_help_text(gateway: Ledgered,
                                                           smsc: FakeSmsc) -> None:
    assert joined(await sms(smsc, "YES")).startswith("BAL: balance.")


async def test_lang_switches_the_language_of_the_replies(gateway: Ledgered,
                                                         smsc: FakeSmsc) -> None:
    changed = joined(await sms(smsc, "LANG sw", user_message_reference=1))
    assert "Kiswahili" in changed
    assert (await gateway.wallet("+" + ALICE)).language == "sw"
    assert joined(await sms(smsc, "MSAADA", user_message_reference=2)).startswith("SALIO")


async def test_anything_else_gets_the_help_text(gateway: Ledgered, smsc: FakeSmsc) -> None:
    assert joined(await sms(smsc, "hello there")).startswith("BAL: balance.")


async def test_an_unknown_number_is_told_so(gateway: Ledgered, smsc: FakeSmsc) -> None:
    text = joined(await sms(smsc, "BAL", source="254799999999"))
    assert "prepaid customers" in text


async def test_a_message_to_another_address_is_not_answered(gateway: Ledgered,
                                                            smsc: FakeSmsc) -> None:
    await smsc.deliver(source_addr=ALICE, destination_addr="999", text="BAL")
    await sms(smsc, "BAL", source=BOB)  # answered: the one before was handled first
    assert [p.str_field("destination_addr") for p in smsc.received
            if p.command == "submit_sm"] == [BOB]


async def test_metrics_count_sms_by_result(gateway: Ledgered, smsc: FakeSmsc) -> None:
    await sms(smsc, "BAL")
    await sms(smsc, "what?")

    async def metrics() -> str:
        async with gateway.client.get("/metrics") as response:
            return await response.text()

    # Counted once the SMSC has accepted the reply, a moment after it received it.
    text = await until(metrics, lambda text: 'channel="sms",result="unknown"' in text)
    assert 'selfcare_smpp_messages_total{channel="sms",result="balance"} 1.0' in text
    assert 'selfcare_smpp_messages_total{channel="sms",result="unknown"} 1.0' in text
    assert 'selfcare_smpp_message_duration_seconds_count{channel="sms"} 2.0' in text


async def test_a_keyword_in_two_udh_parts_is_read_whole(gateway: Ledgered, smsc: FakeSmsc,
                                                        pins: list[str]) -> None:
    before = await gateway.cash("+" + ALICE)
    first, second = b"RECHARGE ", pins[6].encode("ascii")
    for number, body in enumerate((first, second), start=1):
        udh = bytes((5, 0, 3, 0x99, 2, number))
        await smsc.deliver(source_addr=ALICE, destination_addr=SHORT_CODE,
                           short_message=udh + body, data_coding=0, esm_class=0x40)
    assert "50.00" in joined(await reply_to(smsc, ALICE))
    assert await gateway.cash("+" + ALICE) == before + 5_000
