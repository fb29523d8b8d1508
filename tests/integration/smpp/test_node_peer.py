"""SmppSession against a real SMSC written by someone else (npm ``smpp``, tests/peers/smsc)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from gateway.smpp import Backoff, InboundPdu, SmppConfig, SmppSession, Status
from tests.integration.smpp.conftest import PASSWORD, SYSTEM_ID
from tests.integration.smpp.node_smsc import NodeSmsc

pytestmark = pytest.mark.peer

SUBSCRIBER = "254700000001"
WAIT_S = 10.0


class Inbox:
    def __init__(self) -> None:
        self.messages: asyncio.Queue[InboundPdu] = asyncio.Queue()

    async def __call__(self, message: InboundPdu) -> None:
        await self.messages.put(message)

    async def next(self) -> InboundPdu:
        return await asyncio.wait_for(self.messages.get(), WAIT_S)


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


def _config(port: int) -> SmppConfig:
    return SmppConfig(
        host="127.0.0.1",
        port=port,
        system_id=SYSTEM_ID,
        password=PASSWORD,
        system_type="USSD",
        reconnect_backoff=Backoff(0.05, 0.2),
        throttle_backoff=Backoff(0.02, 0.05),
        bind_wait_s=WAIT_S,
    )


@pytest.fixture
async def session(peer: NodeSmsc, inbox: Inbox) -> AsyncIterator[SmppSession]:
    async with SmppSession(_config(peer.port), inbox) as esme:
        await esme.wait_bound(WAIT_S)
        await peer.expect("bound")
        yield esme


async def test_bind_transceiver_is_accepted(peer: NodeSmsc, session: SmppSession) -> None:
    bind = await peer.expect("pdu", command="bind_transceiver")
    assert bind["fields"]["system_id"] == SYSTEM_ID
    assert bind["fields"]["password"] == PASSWORD
    assert bind["fields"]["system_type"] == "USSD"
    assert bind["fields"]["interface_version"] == 0x34
    assert session.bound


async def test_a_ussd_deliver_sm_is_acknowledged_and_handed_up(
    peer: NodeSmsc, session: SmppSession, inbox: Inbox
) -> None:
    await peer.send(
        "deliver",
        source=SUBSCRIBER,
        dest="*100#",
        text="*100#",
        data_coding=0x0F,
        service_type="USSD",
        ussd_service_op=1,
        its_session_info=0x2A00,
        id="mo-1",
    )
    response = await peer.expect("deliver_resp", where=lambda e: e.get("id") == "mo-1")
    message = await inbox.next()

    assert (response["command"], response["status"]) == ("deliver_sm_resp", Status.ROK)
    assert message.sequence == response["sequence"]
    assert (message.text, message.data_coding) == ("*100#", 0x0F)
    assert (message.ussd_service_op, message.its_session_info) == (1, 0x2A00)
    assert (message.source_addr, message.service_type) == (SUBSCRIBER, "USSD")


async def test_a_ucs2_data_sm_is_read(peer: NodeSmsc, session: SmppSession, inbox: Inbox) -> None:
    await peer.send(
        "deliver",
        command="data_sm",
        source=SUBSCRIBER,
        dest="*100#",
        text="نعم ١",
        data_coding=0x08,
        ussd_service_op=0x12,
        user_message_reference=5,
    )
    message = await inbox.next()
    assert (message.command, message.text) == ("data_sm", "نعم ١")
    assert message.message_ref == "umr:5"


async def test_a_ussd_reply_reaches_the_peer_with_its_tlvs_intact(
    peer: NodeSmsc, session: SmppSession
) -> None:
    submitted = await session.submit(
        SUBSCRIBER,
        "Balance: 100 {KES}\n1. Back",
        source_addr="100",
        service_type="USSD",
        ussd_service_op=2,
        its_session_info=0x2A03,
        its_reply_type=0,
    )
    submit = await peer.expect("pdu", command="submit_sm")
    fields = submit["fields"]

    assert submitted.message_id == "node-1"
    assert fields["ussd_service_op"] == 2
    assert fields["its_session_info"] == 0x2A03
    assert fields["its_reply_type"] == 0
    assert (fields["service_type"], fields["destination_addr"]) == ("USSD", SUBSCRIBER)
    assert submit["text"] == "Balance: 100 {KES}\n1. Back"


async def test_a_long_sms_arrives_in_udh_parts(peer: NodeSmsc, session: SmppSession) -> None:
    text = "Your balance is 100 KES. " * 10
    submitted = await session.submit(SUBSCRIBER, text, source_addr="100")
    parts = [await peer.expect("pdu", command="submit_sm") for _ in submitted.message_ids]

    assert len(parts) == 2
    assert [part["udh"][-4:] for part in parts] == ["0201", "0202"]
    assert "".join(part["text"] for part in parts) == text


async def test_a_dropped_connection_is_rebound(peer: NodeSmsc, session: SmppSession) -> None:
    await peer.send("drop")
    await peer.expect("dropped")
    await peer.expect("closed")
    await peer.expect("bound")  # the second bind
    submitted = await session.submit(SUBSCRIBER, "after the drop", source_addr="100")
    assert submitted.message_id == "node-1"
    assert session.bind_count == 2


async def test_a_throttled_submit_is_retried(peer: NodeSmsc, session: SmppSession) -> None:
    await peer.send("throttle", n=2)
    await peer.expect("throttling")
    submitted = await session.submit(SUBSCRIBER, "eventually", source_addr="100")
    attempts = [await peer.expect("pdu", command="submit_sm") for _ in range(3)]

    assert submitted.message_id == "node-1"
    assert {attempt["text"] for attempt in attempts} == {"eventually"}


async def test_the_peers_enquire_link_is_answered(peer: NodeSmsc, session: SmppSession) -> None:
    await peer.send("enquire_link")
    response = await peer.expect("enquire_link_resp")
    assert response["status"] == Status.ROK


async def test_an_unknown_command_from_the_peer_gets_generic_nack(
    peer: NodeSmsc, session: SmppSession
) -> None:
    await peer.send("raw", hex="000000100001009900000000000000b1")
    nack = await peer.expect("pdu", command="generic_nack")
    assert (nack["sequence"], nack["status"]) == (0xB1, Status.RINVCMDID)
    await peer.send("enquire_link")
    assert (await peer.expect("enquire_link_resp"))["status"] == Status.ROK


async def test_close_unbinds(peer: NodeSmsc, inbox: Inbox) -> None:
    esme = SmppSession(_config(peer.port), inbox)
    await esme.start()
    await esme.wait_bound(WAIT_S)
    await esme.close()
    unbind = await peer.expect("pdu", command="unbind")
    await peer.expect("closed")
    assert unbind["status"] == 0
    assert not esme.bound
