"""Dialogues between SmppSession (the ESME) and the in-process FakeSmsc."""

from __future__ import annotations

import asyncio
import logging
import struct
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from gateway.smpp import (
    Backoff,
    InboundPdu,
    LinkLost,
    NotBound,
    SmppConfig,
    SmppSession,
    Status,
    SubmitRejected,
    UssdTextTooLong,
)
from gateway.smpp.codec import encode_pdu
from gateway.smpp.testing import FakeSmsc

SYSTEM_ID = "selfcare"
PASSWORD = "pw4Smsc!"
SUBSCRIBER = "254700000001"
WAIT_S = 5.0


class Inbox:
    """The application handler of these tests: collects what the session hands up."""

    def __init__(self) -> None:
        self.messages: asyncio.Queue[InboundPdu] = asyncio.Queue()

    async def __call__(self, message: InboundPdu) -> None:
        await self.messages.put(message)

    async def next(self) -> InboundPdu:
        return await asyncio.wait_for(self.messages.get(), WAIT_S)


def _config(port: int, **overrides: object) -> SmppConfig:
    config = SmppConfig(
        host="127.0.0.1",
        port=port,
        system_id=SYSTEM_ID,
        password=PASSWORD,
        system_type="USSD",
        response_timeout_s=2.0,
        reconnect_backoff=Backoff(0.01, 0.05),
        throttle_backoff=Backoff(0.01, 0.02),
        submits_per_s=0,
        bind_wait_s=WAIT_S,
        handler_grace_s=1.0,
    )
    return replace(config, **overrides)  # type: ignore[arg-type]


@pytest.fixture
async def smsc() -> AsyncIterator[FakeSmsc]:
    async with FakeSmsc(system_id=SYSTEM_ID, password=PASSWORD) as fake:
        yield fake


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
async def session(smsc: FakeSmsc, inbox: Inbox) -> AsyncIterator[SmppSession]:
    async with SmppSession(_config(smsc.port), inbox) as esme:
        await esme.wait_bound(WAIT_S)
        await smsc.wait_bound()
        yield esme


async def test_binds_as_a_transceiver_with_its_credentials(smsc: FakeSmsc, inbox: Inbox) -> None:
    async with SmppSession(_config(smsc.port), inbox) as esme:
        assert not esme.bound
        await esme.wait_bound(WAIT_S)
        bind = await smsc.expect("bind_transceiver")
        assert bind.str_field("system_id") == SYSTEM_ID
        assert bind.str_field("password") == PASSWORD
        assert bind.str_field("system_type") == "USSD"
        assert bind.int_field("interface_version") == 0x34
        assert esme.bound
        assert esme.bind_count == 1


async def test_a_refused_bind_is_retried_and_never_reported_bound(
    smsc: FakeSmsc, inbox: Inbox
) -> None:
    async with SmppSession(_config(smsc.port, password="wrong"), inbox) as esme:
        await smsc.expect("bind_transceiver")
        await smsc.expect("bind_transceiver")  # backed off, then tried again
        assert not esme.bound
        with pytest.raises(NotBound):
            await esme.wait_bound(0.05)


async def test_a_ussd_reply_reaches_the_smsc_with_its_tlvs(
    smsc: FakeSmsc, session: SmppSession
) -> None:
    submitted = await session.submit(
        SUBSCRIBER,
        "1. Balance\n2. Recharge",
        source_addr="100",
        service_type="USSD",
        ussd_service_op=2,
        its_session_info=0x2A02,
        user_message_reference=9,
    )
    submit = await smsc.expect("submit_sm")
    assert submitted.message_id == "msg-1"
    assert submit.str_field("destination_addr") == SUBSCRIBER
    assert submit.str_field("service_type") == "USSD"
    assert submit.int_field("ussd_service_op") == 2
    assert submit.int_field("its_session_info") == 0x2A02
    assert submit.int_field("user_message_reference") == 9
    assert submit.int_field("data_coding") == 0
    assert submit.bytes_field("short_message") == b"1. Balance\n2. Recharge"
    assert (submit.int_field("dest_addr_ton"), submit.int_field("dest_addr_npi")) == (1, 1)


async def test_a_long_sms_goes_out_in_udh_parts(smsc: FakeSmsc, session: SmppSession) -> None:
    submitted = await session.submit(SUBSCRIBER, "x" * 400, source_addr="100")
    parts = [await smsc.expect("submit_sm") for _ in range(3)]
    assert submitted.message_ids == ("msg-1", "msg-2", "msg-3")
    assert {part.int_field("esm_class") for part in parts} == {0x40}
    headers = [part.bytes_field("short_message")[:6] for part in parts]
    assert [header[4:] for header in headers] == [b"\x03\x01", b"\x03\x02", b"\x03\x03"]
    assert len({header[3] for header in headers}) == 1  # one reference for the three


async def test_a_ussd_text_longer_than_one_ussd_string_is_refused(session: SmppSession) -> None:
    with pytest.raises(UssdTextTooLong):
        await session.submit(SUBSCRIBER, "x" * 183, source_addr="100", ussd_service_op=17)


async def test_a_deliver_sm_is_acknowledged_and_handed_up(
    smsc: FakeSmsc, session: SmppSession, inbox: Inbox
) -> None:
    response = await smsc.deliver(
        source_addr=SUBSCRIBER,
        destination_addr="*100#",
        short_message=b"*100#",
        data_coding=0x0F,
        service_type="USSD",
        ussd_service_op=1,
        its_session_info=0x2A00,
    )
    message = await inbox.next()
    assert (response.command, response.status) == ("deliver_sm_resp", Status.ROK)
    assert response.sequence == message.sequence
    assert (message.text, message.ussd_service_op, message.its_session_info) == (
        "*100#",
        1,
        0x2A00,
    )
    assert message.source_addr == SUBSCRIBER


async def test_the_ack_does_not_wait_for_a_slow_handler(smsc: FakeSmsc) -> None:
    release = asyncio.Event()
    started = asyncio.Event()

    async def slow_handler(message: InboundPdu) -> None:
        started.set()
        await release.wait()

    async with SmppSession(_config(smsc.port), slow_handler) as esme:
        await esme.wait_bound(WAIT_S)
        response = await smsc.deliver(source_addr=SUBSCRIBER, destination_addr="100", text="BAL")
        assert response.status == Status.ROK
        await asyncio.wait_for(started.wait(), WAIT_S)
        assert not release.is_set()  # acknowledged while the handler is still running
        release.set()


async def test_data_sm_is_accepted_like_deliver_sm(
    smsc: FakeSmsc, session: SmppSession, inbox: Inbox
) -> None:
    response = await smsc.deliver(
        command="data_sm", source_addr=SUBSCRIBER, destination_addr="100", text="BAL"
    )
    message = await inbox.next()
    assert response.command == "data_sm_resp"
    assert (message.command, message.text) == ("data_sm", "BAL")


async def test_a_failing_handler_does_not_take_the_bind_down(
    smsc: FakeSmsc, caplog: pytest.LogCaptureFixture
) -> None:
    seen: asyncio.Queue[str] = asyncio.Queue()

    async def handler(message: InboundPdu) -> None:
        await seen.put(message.text)
        raise RuntimeError("application bug")

    async with SmppSession(_config(smsc.port), handler) as esme:
        await esme.wait_bound(WAIT_S)
        for text in ("one", "two"):
            response = await smsc.deliver(source_addr=SUBSCRIBER, destination_addr="1", text=text)
            assert response.status == Status.ROK
            assert await asyncio.wait_for(seen.get(), WAIT_S) == text
        assert esme.bound
    assert "inbound handler failed" in caplog.text


async def test_the_smscs_enquire_link_is_answered(smsc: FakeSmsc, session: SmppSession) -> None:
    response = await smsc.request("enquire_link")
    assert (response.command, response.status) == ("enquire_link_resp", Status.ROK)


async def test_enquire_link_is_sent_on_a_timer(smsc: FakeSmsc, inbox: Inbox) -> None:
    async with SmppSession(_config(smsc.port, enquire_link_interval_s=0.02), inbox) as esme:
        await esme.wait_bound(WAIT_S)
        await smsc.expect("enquire_link")
        await smsc.expect("enquire_link")
        assert esme.bound


async def test_an_unanswered_enquire_link_drops_the_link_and_rebinds(
    smsc: FakeSmsc, inbox: Inbox
) -> None:
    smsc.answer_enquire_link = False
    config = _config(smsc.port, enquire_link_interval_s=0.02, response_timeout_s=0.05)
    async with SmppSession(config, inbox):
        await smsc.wait_bound(1)
        await smsc.expect("enquire_link")
        smsc.answer_enquire_link = True
        await smsc.wait_bound(2)


async def test_a_malformed_pdu_gets_generic_nack_and_the_bind_stays(
    smsc: FakeSmsc, session: SmppSession, inbox: Inbox
) -> None:
    body = b"USSD"  # a deliver_sm cut short: service_type has no NUL
    await smsc.send_raw(struct.pack(">LLLL", 16 + len(body), 0x00000005, 0, 4242) + body)

    nack = await smsc.expect("generic_nack")
    assert (nack.sequence, nack.status) == (4242, Status.RINVCMDLEN)
    response = await smsc.deliver(source_addr=SUBSCRIBER, destination_addr="1", text="still")
    assert response.status == Status.ROK
    assert (await inbox.next()).text == "still"
    assert session.bind_count == 1


async def test_an_unknown_command_gets_generic_nack_invalid_command_id(
    smsc: FakeSmsc, session: SmppSession
) -> None:
    await smsc.send_raw(struct.pack(">LLLL", 20, 0x00010099, 0, 77) + b"\0\0\0\0")
    nack = await smsc.expect("generic_nack")
    assert (nack.sequence, nack.status) == (77, Status.RINVCMDID)
    assert (await smsc.request("enquire_link")).status == Status.ROK
    assert session.bind_count == 1


async def test_an_smsc_only_request_gets_generic_nack(smsc: FakeSmsc, session: SmppSession) -> None:
    await smsc.send_raw(encode_pdu("submit_sm", sequence=31, short_message=b"x"))
    nack = await smsc.expect("generic_nack")
    assert (nack.sequence, nack.status) == (31, Status.RINVCMDID)
    assert session.bound


async def test_a_broken_stream_is_dropped_and_the_session_rebinds(
    smsc: FakeSmsc, session: SmppSession
) -> None:
    await smsc.send_raw(b"\x00\x00\x00\x03garbage")
    await smsc.wait_bound(2)
    await session.wait_bound(WAIT_S)
    assert (await session.submit(SUBSCRIBER, "back", source_addr="100")).message_id


async def test_a_throttled_submit_is_retried(smsc: FakeSmsc, session: SmppSession) -> None:
    smsc.throttle(2)
    submitted = await session.submit(SUBSCRIBER, "hello", source_addr="100")
    attempts = [await smsc.expect("submit_sm") for _ in range(3)]
    assert submitted.message_id == "msg-1"
    assert {attempt.bytes_field("short_message") for attempt in attempts} == {b"hello"}
    assert len({attempt.sequence for attempt in attempts}) == 3


async def test_throttling_that_does_not_stop_is_reported(smsc: FakeSmsc, inbox: Inbox) -> None:
    smsc.throttle(10)
    async with SmppSession(_config(smsc.port, throttle_max_retries=2), inbox) as esme:
        with pytest.raises(SubmitRejected) as info:
            await esme.submit(SUBSCRIBER, "hello", source_addr="100")
    assert info.value.status == Status.RTHROTTLED


async def test_a_dropped_connection_is_rebound_and_submits_carry_on(
    smsc: FakeSmsc, session: SmppSession
) -> None:
    await smsc.drop()
    await smsc.wait_bound(2)
    submitted = await session.submit(SUBSCRIBER, "after", source_addr="100")
    assert submitted.message_id == "msg-1"
    assert session.bind_count == 2


async def test_a_submit_cut_off_by_a_drop_is_reported_not_resent(
    smsc: FakeSmsc, session: SmppSession
) -> None:
    smsc.answer_submits = False
    submit = asyncio.create_task(session.submit(SUBSCRIBER, "maybe", source_addr="100"))
    await smsc.expect("submit_sm")
    await smsc.drop()
    with pytest.raises(LinkLost):
        await asyncio.wait_for(submit, WAIT_S)


async def test_the_smscs_unbind_is_answered_and_the_session_rebinds(
    smsc: FakeSmsc, session: SmppSession
) -> None:
    response = await smsc.request("unbind")
    assert (response.command, response.status) == ("unbind_resp", Status.ROK)
    await smsc.wait_bound(2)


async def test_close_unbinds(smsc: FakeSmsc, inbox: Inbox) -> None:
    esme = SmppSession(_config(smsc.port), inbox)
    await esme.start()
    await esme.wait_bound(WAIT_S)
    await esme.close()
    await smsc.expect("unbind")
    await smsc.wait_disconnected()
    assert not esme.bound
    with pytest.raises(NotBound):
        await esme.submit(SUBSCRIBER, "late", source_addr="100")


async def test_close_wakes_a_submit_waiting_for_a_bind(inbox: Inbox) -> None:
    async with FakeSmsc(system_id=SYSTEM_ID, password="other") as smsc:
        esme = SmppSession(_config(smsc.port), inbox)
        await esme.start()
        submit = asyncio.create_task(esme.submit(SUBSCRIBER, "x", source_addr="100"))
        await smsc.expect("bind_transceiver")
        await esme.close()
        with pytest.raises(NotBound):
            await asyncio.wait_for(submit, WAIT_S)


async def test_no_password_or_message_text_reaches_the_logs(
    smsc: FakeSmsc, inbox: Inbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with SmppSession(_config(smsc.port), inbox) as esme:
        await esme.wait_bound(WAIT_S)
        await smsc.deliver(source_addr=SUBSCRIBER, destination_addr="1", text="PIN 98765")
        message = await inbox.next()
        logging.getLogger("test").info("handled %r", message)
        await smsc.send_raw(struct.pack(">LLLL", 21, 0x00000005, 0, 5) + b"98765")
        await smsc.expect("generic_nack")
        smsc.throttle(1)
        await esme.submit(SUBSCRIBER, "Your PIN 98765 is used", source_addr="100")
        await smsc.drop()
        await smsc.wait_bound(2)
    assert caplog.records  # the dialogue was logged...
    assert PASSWORD not in caplog.text  # ...without the password
    assert "98765" not in caplog.text  # ...or what the subscriber typed
