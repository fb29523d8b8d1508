"""The whole gateway against an SMSC nobody here wrote (npm ``smpp``, tests/peers/smsc): bind,
SMS BAL, a USSD dialogue with a voucher recharge, a dropped connection, a throttled window and
a duplicated deliver_sm, with the ledger checked after each."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from gateway.channels import Channels
from tests.integration.smpp.conftest import PASSWORD, SYSTEM_ID
from tests.integration.smpp.gateway_support import (
    ALICE,
    SHORT_CODE,
    Ledgered,
    smpp_settings,
    start_app,
    until,
)
from tests.integration.smpp.node_smsc import Event, NodeSmsc

pytestmark = pytest.mark.peer

WAIT_S = 15.0
_IDS = itertools.count(1)


@pytest.fixture
async def gateway(peer: NodeSmsc, aiohttp_client: Any, ledger_file: Path,
                  channels: Channels) -> Ledgered:
    settings = smpp_settings(ledger_file, peer.port, system_id=SYSTEM_ID, password=PASSWORD)
    client = await start_app(aiohttp_client, settings, channels)
    await peer.expect("bound", timeout_s=WAIT_S)
    return Ledgered(client)


async def deliver(peer: NodeSmsc, text: str, **fields: Any) -> Event:
    """One MO from ALICE; waits for the gateway's deliver_sm_resp."""
    tag = f"mo-{next(_IDS)}"
    await peer.send("deliver", source=ALICE, text=text, id=tag, **fields)
    response = await peer.expect("deliver_resp", where=lambda e: e.get("id") == tag,
                                 timeout_s=WAIT_S)
    assert response["status"] == 0
    return response


async def reply(peer: NodeSmsc) -> Event:
    return await peer.expect("pdu", command="submit_sm", timeout_s=WAIT_S,
                             where=lambda e: e["fields"]["destination_addr"] == ALICE)


async def test_the_gateway_binds_and_says_so(peer: NodeSmsc, gateway: Ledgered) -> None:
    bind = await peer.expect("pdu", command="bind_transceiver")
    assert bind["fields"]["system_id"] == SYSTEM_ID
    _, body = await until(gateway.readyz, lambda answer: answer[0] == 200)
    assert body["smpp"] == "bound"


async def test_sms_bal_round_trip(peer: NodeSmsc, gateway: Ledgered) -> None:
    await deliver(peer, "BAL", dest=SHORT_CODE, user_message_reference=1)
    answer = await reply(peer)
    assert answer["fields"]["source_addr"] == SHORT_CODE
    assert "Airtime KES 100.00" in answer["text"]


async def test_a_ussd_dialogue_with_a_voucher_recharge(peer: NodeSmsc, gateway: Ledgered,
                                                       pins: list[str]) -> None:
    before = await gateway.cash("+" + ALICE)
    ussd = {"dest": "*100#", "service_type": "USSD", "data_coding": 0x0F}
    await deliver(peer, "*100#", ussd_service_op=1, its_session_info=0x2A00, **ussd)
    menu = await reply(peer)
    assert (menu["fields"]["ussd_service_op"], menu["fields"]["its_session_info"]) == (
        2, 0x2A00)
    assert menu["text"].splitlines()[1].startswith("1")

    await deliver(peer, "2", ussd_service_op=18, its_session_info=0x2A02, **ussd)
    prompt = await reply(peer)
    assert prompt["fields"]["ussd_service_op"] == 2

    await deliver(peer, pins[0], ussd_service_op=18, its_session_info=0x2A04, **ussd)
    done = await reply(peer)
    assert (done["fields"]["ussd_service_op"], done["fields"]["its_session_info"]) == (
        17, 0x2A05)
    assert "KES 50.00" in done["text"]
    assert await gateway.cash("+" + ALICE) == before + 5_000


async def test_a_dropped_connection_is_rebound_and_served(peer: NodeSmsc,
                                                          gateway: Ledgered) -> None:
    await peer.send("drop")
    await peer.expect("dropped")
    await peer.expect("bound", timeout_s=WAIT_S)  # the second bind
    await until(gateway.readyz, lambda answer: answer[0] == 200)
    await deliver(peer, "BAL", dest=SHORT_CODE, user_message_reference=2)
    assert "Airtime KES 100.00" in (await reply(peer))["text"]


async def test_a_throttled_reply_is_sent_once_the_smsc_takes_it(peer: NodeSmsc,
                                                                gateway: Ledgered) -> None:
    await peer.send("throttle", n=2)
    await peer.expect("throttling")
    await deliver(peer, "BAL", dest=SHORT_CODE, user_message_reference=3)
    attempts = [await reply(peer) for _ in range(3)]  # two ESME_RTHROTTLED, then accepted
    assert {a["text"] for a in attempts} == {attempts[0]["text"]}
    assert "Airtime KES 100.00" in attempts[0]["text"]


async def test_a_duplicated_deliver_sm_charges_once(peer: NodeSmsc, gateway: Ledgered,
                                                    pins: list[str]) -> None:
    before = await gateway.cash("+" + ALICE)
    sms = {"dest": SHORT_CODE, "user_message_reference": 77}
    await deliver(peer, f"RECHARGE {pins[1]}", **sms)
    assert "KES 50.00" in (await reply(peer))["text"]
    await deliver(peer, f"RECHARGE {pins[1]}", **sms)  # the SMSC sends it again

    ussd = {"dest": "*100#", "service_type": "USSD"}
    await deliver(peer, f"*100*{pins[2]}#", ussd_service_op=1, its_session_info=0x3000, **ussd)
    assert (await reply(peer))["fields"]["ussd_service_op"] == 17
    # Its answer is the first reply after the copy of the SMS: that copy got none.
    assert await gateway.cash("+" + ALICE) == before + 10_000
    submits = [e for e in peer.events if e.get("command") == "submit_sm"]
    assert len(submits) == 2
