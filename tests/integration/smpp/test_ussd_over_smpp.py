"""USSD over SMPP through the whole app, against the in-process FakeSmsc: the same menus,
sessions and idempotency as USSD over HTTP, in each dialect's op codes and data coding."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from gateway.app import create_app
from gateway.channels import ChannelConfigError, Channels, import_provider_documents
from gateway.console.documents import get_document, save_document
from gateway.console.reload import reload_channels
from gateway.keys import CHANNELS, LEDGER, SESSIONS, SETTINGS
from gateway.settings import Settings
from gateway.smpp import Pdu
from gateway.smpp.testing import FakeSmsc
from tests.integration.smpp.gateway_support import (
    ALICE,
    AMIRA,
    PASSWORD,
    SYSTEM_ID,
    Ledgered,
    smpp_settings,
    start_app,
    text_of,
    until,
)

ITS = 0x2A00  # session number 0x2A, sequence 0, end flag clear


@pytest.fixture
async def smsc() -> AsyncIterator[FakeSmsc]:
    async with FakeSmsc(system_id=SYSTEM_ID, password=PASSWORD) as fake:
        yield fake


async def _app(aiohttp_client: Any, ledger_file: Path, channels: Channels, smsc: FakeSmsc,
               dialect: str) -> TestClient[web.Request, web.Application]:
    client = await start_app(aiohttp_client, smpp_settings(ledger_file, smsc.port,
                                                           dialect=dialect), channels)
    await smsc.wait_bound()
    return client


@pytest.fixture
async def standard(aiohttp_client: Any, ledger_file: Path, channels: Channels,
                   smsc: FakeSmsc) -> Ledgered:
    return Ledgered(await _app(aiohttp_client, ledger_file, channels, smsc, "standard"))


@pytest.fixture
async def vendor_a(aiohttp_client: Any, ledger_file: Path, channels: Channels,
                   smsc: FakeSmsc) -> Ledgered:
    return Ledgered(await _app(aiohttp_client, ledger_file, channels, smsc, "vendor_a"))


async def ussd(smsc: FakeSmsc, text: str, *, op: int, source: str = ALICE,
               **fields: Any) -> Pdu:
    """Deliver one USSD message and return the gateway's submit_sm to ``source``."""
    fields.setdefault("service_type", "USSD")
    response = await smsc.deliver(source_addr=source, destination_addr="*100#", text=text,
                                  ussd_service_op=op, **fields)
    assert response.status == 0
    return await smsc.expect("submit_sm",
                             where=lambda p: p.str_field("destination_addr") == source)


# -- the standard dialect: PSSR indication / USSR confirm in, USSR request / PSSR response out --

async def test_a_dialogue_shows_the_menu_then_the_balance_and_ends(
        standard: Ledgered, smsc: FakeSmsc) -> None:
    menu = await ussd(smsc, "*100#", op=1, its_session_info=ITS)
    assert menu.int_field("ussd_service_op") == 2  # wait for the answer
    assert menu.int_field("its_session_info") == ITS  # echoed, end flag clear
    assert menu.str_field("service_type") == "USSD"
    assert menu.int_field("data_coding") == 0
    assert text_of(menu).splitlines()[1].startswith("1")

    balance = await ussd(smsc, "1", op=18, its_session_info=ITS + 2)
    assert balance.int_field("ussd_service_op") == 17  # final
    assert balance.int_field("its_session_info") == ITS + 3  # same session, end flag set
    assert "KES 100.00" in text_of(balance)


async def test_a_data_sm_is_served_like_a_deliver_sm(standard: Ledgered,
                                                     smsc: FakeSmsc) -> None:
    reply = await ussd(smsc, "*100*1#", op=1, its_session_info=ITS, command="data_sm")
    assert reply.command == "submit_sm"
    assert reply.int_field("ussd_service_op") == 17
    assert "KES 100.00" in text_of(reply)


async def test_the_dialled_extension_goes_straight_to_the_balance(
        standard: Ledgered, smsc: FakeSmsc) -> None:
    reply = await ussd(smsc, "*100*1#", op=1, its_session_info=ITS)
    assert reply.int_field("ussd_service_op") == 17
    assert "KES 100.00" in text_of(reply)


async def test_a_voucher_recharge_over_the_menu_credits_once(
        standard: Ledgered, smsc: FakeSmsc, pins: list[str]) -> None:
    before = await standard.cash("+" + ALICE)
    await ussd(smsc, "*100#", op=1, its_session_info=ITS)
    prompt = await ussd(smsc, "2", op=18, its_session_info=ITS + 2)
    assert prompt.int_field("ussd_service_op") == 2
    done = await ussd(smsc, pins[0], op=18, its_session_info=ITS + 4)
    assert done.int_field("ussd_service_op") == 17
    assert done.int_field("its_session_info") == ITS + 5
    assert await standard.cash("+" + ALICE) == before + 5_000

    # The SMSC delivers the PIN step again (its response was late): one charge, no reply.
    again = await smsc.deliver(source_addr=ALICE, destination_addr="*100#", text=pins[0],
                               ussd_service_op=18, its_session_info=ITS + 4)
    assert again.status == 0
    balance = await ussd(smsc, "*100*1#", op=1, its_session_info=0x2B00)
    assert "KES 150.00" in text_of(balance)  # the next reply is the next dialogue's
    assert await standard.cash("+" + ALICE) == before + 5_000


async def test_a_recharge_dialled_with_the_pin(standard: Ledgered, smsc: FakeSmsc,
                                               pins: list[str]) -> None:
    before = await standard.cash("+" + ALICE)
    reply = await ussd(smsc, f"*100*{pins[1]}#", op=1, its_session_info=ITS)
    assert reply.int_field("ussd_service_op") == 17
    assert await standard.cash("+" + ALICE) == before + 5_000


async def test_a_session_number_reused_by_a_later_dialogue_charges_again(
        standard: Ledgered, smsc: FakeSmsc, pins: list[str]) -> None:
    """Idempotency keys name the dialogue, not only its one-octet session number."""
    before = await standard.cash("+" + ALICE)
    for pin in pins[2:4]:
        await ussd(smsc, "*100#", op=1, its_session_info=ITS)
        await ussd(smsc, "2", op=18, its_session_info=ITS + 2)
        done = await ussd(smsc, pin, op=18, its_session_info=ITS + 4)
        assert done.int_field("ussd_service_op") == 17
    assert await standard.cash("+" + ALICE) == before + 10_000


async def test_the_end_flag_on_an_answer_aborts_the_session(
        standard: Ledgered, smsc: FakeSmsc) -> None:
    await ussd(smsc, "*100#", op=1, its_session_info=ITS)
    store = standard.client.app[SESSIONS]
    key = f"smpp:{ALICE}:its{ITS >> 8}"
    assert await store.get(key) is not None
    await smsc.deliver(source_addr=ALICE, destination_addr="*100#", text="",
                       ussd_service_op=18, its_session_info=ITS + 3)
    # Handlers start in order of arrival and the abort never waits on I/O with the memory
    # store: once the next message's reply is out, the abort has been handled. It got no reply.
    await ussd(smsc, "*100*1#", op=1, its_session_info=0x2B00, source=AMIRA)
    assert await store.get(key) is None
    assert [p for p in smsc.received if p.command == "submit_sm"
            and p.str_field("destination_addr") == ALICE][1:] == []


async def test_an_answer_after_the_session_expired_starts_the_menu_again(
        standard: Ledgered, smsc: FakeSmsc) -> None:
    reply = await ussd(smsc, "2", op=18, its_session_info=ITS + 2)
    assert reply.int_field("ussd_service_op") == 2
    assert text_of(reply).splitlines()[1].startswith("1")  # the main menu, input ignored


async def test_an_unknown_subscriber_is_told_so(standard: Ledgered, smsc: FakeSmsc) -> None:
    reply = await ussd(smsc, "*100#", op=1, its_session_info=ITS, source="254799999999")
    assert reply.int_field("ussd_service_op") == 17
    assert "prepaid customers" in text_of(reply)


# -- vendor_a: umr + source names the dialogue, TS 23.038 data coding, close 0x17, abort 0x81 --

async def test_vendor_a_dialogue_in_its_own_codes(vendor_a: Ledgered, smsc: FakeSmsc) -> None:
    menu = await ussd(smsc, "*100#", op=1, user_message_reference=7, data_coding=0x0F,
                      service_type="P2")
    assert menu.int_field("ussd_service_op") == 2
    assert menu.int_field("user_message_reference") == 7
    assert menu.int_field("its_session_info") is None
    assert menu.int_field("data_coding") == 0x0F
    assert menu.str_field("service_type") == "USSD"

    final = await ussd(smsc, "1", op=18, user_message_reference=7, data_coding=0x0F)
    assert final.int_field("ussd_service_op") == 0x17
    assert "KES 100.00" in text_of(final)


async def test_vendor_a_answers_arabic_in_ts23038_ucs2(vendor_a: Ledgered,
                                                        smsc: FakeSmsc) -> None:
    menu = await ussd(smsc, "*100#", op=1, source=AMIRA, user_message_reference=9)
    assert menu.int_field("data_coding") == 0x48
    assert any("\u0600" <= ch <= "\u06ff" for ch in text_of(menu))


async def test_vendor_a_abort_forgets_the_session(vendor_a: Ledgered, smsc: FakeSmsc) -> None:
    await ussd(smsc, "*100#", op=1, user_message_reference=7)
    await ussd(smsc, "3", op=18, user_message_reference=7)  # transfer: recipient prompt
    store = vendor_a.client.app[SESSIONS]
    assert await store.get(f"smpp:{ALICE}:umr7") is not None
    await smsc.deliver(source_addr=ALICE, destination_addr="*100#", text="",
                       ussd_service_op=0x81, user_message_reference=7)
    again = await ussd(smsc, "1", op=18, user_message_reference=7)
    # Not "1" as a phone number on the transfer screen: the menu starts again.
    assert again.int_field("ussd_service_op") == 2
    assert text_of(again).splitlines()[1].startswith("1")


async def test_vendor_a_duplicate_pin_step_charges_once(vendor_a: Ledgered, smsc: FakeSmsc,
                                                        pins: list[str]) -> None:
    """With umr dialogues only the very same PDU is caught by the window; a copy in a new PDU
    finds the dialogue ended and moves nothing."""
    before = await vendor_a.cash("+" + ALICE)
    await ussd(smsc, "*100#", op=1, user_message_reference=7)
    await ussd(smsc, "2", op=18, user_message_reference=7)
    await ussd(smsc, pins[4], op=18, user_message_reference=7)
    await ussd(smsc, pins[4], op=18, user_message_reference=7)
    assert await vendor_a.cash("+" + ALICE) == before + 5_000


# -- start-up and readiness --------------------------------------------------------------------

def test_an_unknown_dialect_stops_start_up_naming_the_key(ledger_file: Path) -> None:
    with pytest.raises(ChannelConfigError, match=r"^smpp\.dialect: .*'nokia'.*standard"):
        create_app(smpp_settings(ledger_file, 2775, dialect="nokia"))


async def test_readyz_says_whether_the_link_is_bound(standard: Ledgered,
                                                     smsc: FakeSmsc) -> None:
    status, body = await standard.readyz()
    assert (status, body["smpp"]) == (200, "bound")
    await smsc.close()  # the SMSC goes away: the gateway keeps trying, and says so
    status, body = await until(standard.readyz, lambda answer: answer[0] == 503)
    assert (body["status"], body["smpp"]) == ("not ready", "not bound")


async def test_readyz_leaves_smpp_out_when_it_is_disabled(aiohttp_client: Any,
                                                          ledger_file: Path,
                                                          channels: Channels) -> None:
    settings = smpp_settings(ledger_file, 1)
    client = await start_app(aiohttp_client, Settings(ledger=settings.ledger), channels)
    status, body = await Ledgered(client).readyz()
    assert status == 200
    assert "smpp" not in body


async def test_shutdown_unbinds(aiohttp_client: Any, ledger_file: Path, channels: Channels,
                                smsc: FakeSmsc) -> None:
    client = await _app(aiohttp_client, ledger_file, channels, smsc, "standard")
    await client.close()
    unbind = await smsc.expect("unbind")
    assert unbind.status == 0


# -- a console edit (reloaded channels) reaches the SMPP channels without a restart --

async def test_reloaded_translations_reach_ussd_and_sms_over_smpp(standard: Ledgered,
                                                                 smsc: FakeSmsc) -> None:
    app = standard.client.app
    ledger = app[LEDGER]
    await import_provider_documents(app[SETTINGS], ledger, app[CHANNELS].provider)
    doc = await get_document(ledger.store, "Demo Telecom", "translations")
    assert doc is not None
    renamed = [{**t, "translated_name": "Credit"}
               if (t["language"], t["balance_type_name"]) == ("en", "General Cash") else t
               for t in doc.body["balance_type_translations"]]
    await save_document(ledger.store, "Demo Telecom", "translations",
                        {**doc.body, "balance_type_translations": renamed},
                        edited_version=doc.version, now=ledger.clock())
    before = text_of(await ussd(smsc, "*100*1#", op=1, its_session_info=0x2B00))
    assert "Airtime" in before
    assert "Credit" not in before
    await reload_channels(app)
    after = text_of(await ussd(smsc, "*100*1#", op=1, its_session_info=0x2C00))
    assert "Credit" in after
    assert "Airtime" not in after
    response = await smsc.deliver(source_addr=ALICE, destination_addr="100", text="BAL")
    assert response.status == 0
    sms = await smsc.expect("submit_sm", where=lambda p: p.str_field("destination_addr") == ALICE
                            and "Credit" in text_of(p))
    assert "Airtime" not in text_of(sms)
