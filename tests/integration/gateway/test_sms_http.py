"""SMS keywords over HTTP (``POST /sms/twilio``, Twilio's messaging webhook) against the app on
a real SQLite ledger: TwiML replies, one ``<Message>`` per SMS; a retried webhook (same
``MessageSid``) gets the first reply and moves no money twice, across gateway processes that
share Redis too; callback authentication; bad requests answered naming the field."""

from __future__ import annotations

import itertools
import logging
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from gateway.channels import Channels
from gateway.settings import Settings
from gateway.sms_http import MAX_BODY, twiml_messages
from tests.integration.gateway.conftest import redis_settings, signed_settings
from tests.integration.gateway.phone import Gateway

_SIDS = itertools.count(1)
SHORT_CODE = "100"


def new_sid() -> str:
    return f"SM{next(_SIDS):032x}"


def messages_of(kind: str, body: str) -> list[str]:
    assert kind == "application/xml", (kind, body)
    root = ET.fromstring(body)
    assert root.tag == "Response"
    assert all(child.tag == "Message" for child in root), body
    return [child.text or "" for child in root]


async def text(gateway: Gateway, sender: str, message: str, sid: str | None = None,
               **headers: str) -> tuple[int, str, str]:
    fields = {"From": sender, "To": SHORT_CODE, "Body": message,
              "MessageSid": sid or new_sid(), "AccountSid": "AC" + "0" * 32}
    return await gateway.post("/sms/twilio", fields, headers=headers)


async def replies(gateway: Gateway, sender: str, message: str, sid: str | None = None
                  ) -> list[str]:
    status, kind, body = await text(gateway, sender, message, sid)
    assert status == 200, body
    return messages_of(kind, body)


# -- the TwiML ------------------------------------------------------------------------------------

def test_each_reply_sms_is_one_message_element_escaped() -> None:
    document = twiml_messages(["Balance <KES> 1 & 2", "Part two"])

    assert document.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(document)
    assert [(m.tag, m.text) for m in root] == [("Message", "Balance <KES> 1 & 2"),
                                               ("Message", "Part two")]
    assert b"&lt;KES&gt; 1 &amp; 2" in document


# -- keywords -------------------------------------------------------------------------------------

async def test_bal_answers_with_the_balance_summary(gateway: Gateway) -> None:
    answer = await replies(gateway, "+254700000001", "BAL")

    assert len(answer) == 1
    assert "KES 100.00" in answer[0]


async def test_a_national_number_and_lower_case_work_too(gateway: Gateway) -> None:
    assert "KES 100.00" in (await replies(gateway, "0700000001", "bal"))[0]


async def test_an_unknown_keyword_gets_the_help_text(gateway: Gateway) -> None:
    answer = await replies(gateway, "+254700000001", "WHAT")

    assert "BAL" in answer[0]


async def test_an_unknown_sender_is_told_so(gateway: Gateway) -> None:
    answer = await replies(gateway, "+254799999999", "BAL")

    assert len(answer) == 1
    assert answer[0] == "Sorry, this service is only for Demo Telecom prepaid customers."


async def test_recharge_moves_money_once_and_a_retry_gets_the_first_reply(
        gateway: Gateway, pins: list[str]) -> None:
    before = await gateway.cash("+254700000001")
    sid = new_sid()

    first = await text(gateway, "+254700000001", f"RECHARGE {pins[0]}", sid)
    retry = await text(gateway, "+254700000001", f"RECHARGE {pins[0]}", sid)

    assert first == retry  # status, content type and body, byte for byte
    assert "KES 50.00" in messages_of(first[1], first[2])[0]
    assert await gateway.cash("+254700000001") == before + 5_000
    # A new message with the same PIN is a new attempt: the voucher is spent.
    again = await replies(gateway, "+254700000001", f"RECHARGE {pins[0]}")
    assert again != messages_of(first[1], first[2])
    assert await gateway.cash("+254700000001") == before + 5_000


async def test_a_retried_bal_keeps_its_first_words_after_the_balance_moved(
        gateway: Gateway, pins: list[str]) -> None:
    sid = new_sid()
    first = await replies(gateway, "+254700000002", "BAL", sid)
    await replies(gateway, "+254700000002", f"RECHARGE {pins[1]}")

    assert await replies(gateway, "+254700000002", "BAL", sid) == first
    assert await replies(gateway, "+254700000002", "BAL") != first


async def test_the_same_sid_from_another_sender_is_another_message(gateway: Gateway) -> None:
    sid = new_sid()
    english = await replies(gateway, "+254700000001", "BAL", sid)
    french = await replies(gateway, "+254700000002", "BAL", sid)

    assert english != french


async def test_the_pin_never_reaches_the_log(gateway: Gateway, pins: list[str],
                                             caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        await replies(gateway, "+254700000003", f"RECHARGE {pins[2]}")

    assert pins[2] not in caplog.text


# -- shared replies across processes ----------------------------------------------------------

@pytest.mark.peer
async def test_gateways_sharing_redis_answer_a_retry_alike(
        aiohttp_client: Any, settings: Settings, channels: Channels, redis_url: str,
        pins: list[str]) -> None:
    shared = redis_settings(settings, redis_url)
    one = await Gateway.start(aiohttp_client, shared, channels=channels)
    two = await Gateway.start(aiohttp_client, shared, channels=channels)
    sid = new_sid()

    first = await replies(one, "+254700000004", f"RECHARGE {pins[3]}", sid)
    retried = await replies(two, "+254700000004", f"RECHARGE {pins[3]}", sid)

    assert retried == first
    assert await two.cash("+254700000004") == 10_000 + 5_000


# -- authentication and bad requests ----------------------------------------------------------

async def test_with_a_secret_unsigned_requests_are_refused_and_move_nothing(
        aiohttp_client: Any, settings: Settings, channels: Channels, pins: list[str]) -> None:
    signed = await Gateway.start(aiohttp_client, signed_settings(settings, secret="k3y"),
                                 channels=channels, secret="k3y")
    fields = {"From": "+254700000001", "Body": f"RECHARGE {pins[4]}", "MessageSid": new_sid()}

    status, _, body = await signed.post("/sms/twilio", fields, signed=False)
    assert (status, body) == (403, '{"error": "forbidden"}')
    assert await signed.cash("+254700000001") == 10_000

    status, kind, body = await signed.post("/sms/twilio", fields)
    assert status == 200
    assert "KES 50.00" in messages_of(kind, body)[0]


@pytest.mark.parametrize(("fields", "field", "problem"), [
    ({"From": "+254700000001", "Body": "BAL"}, "MessageSid", "missing"),
    ({"From": "+254700000001", "Body": "BAL", "MessageSid": "SM 1<"}, "MessageSid", "malformed"),
    ({"Body": "BAL", "MessageSid": "SM1"}, "From", "missing"),
    ({"From": "not a number", "Body": "BAL", "MessageSid": "SM1"}, "From",
     "not a phone number"),
    ({"From": "+254700000001", "MessageSid": "SM1"}, "Body", "missing"),
    ({"From": "+254700000001", "Body": "B" * (MAX_BODY + 1), "MessageSid": "SM1"}, "Body",
     f"over {MAX_BODY}"),
])
async def test_bad_requests_name_the_field(gateway: Gateway, fields: dict[str, str], field: str,
                                           problem: str) -> None:
    status, kind, body = await gateway.post("/sms/twilio", fields)

    assert (status, kind) == (400, "application/json"), body
    assert f'"field": "{field}"' in body
    assert problem in body


async def test_a_body_that_is_not_a_form_is_refused(gateway: Gateway) -> None:
    async with gateway.client.post("/sms/twilio", json={"From": "+254700000001"}) as response:
        assert response.status == 400
        assert (await response.json())["field"] == "body"
