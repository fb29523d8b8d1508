"""Outbox notifications reach an SMSC nobody here wrote (npm ``smpp``, tests/peers/smsc) as
submit_sm PDUs with the data_coding their language needs."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core import commands as c
from core.service import Ledger
from gateway.notification_sender import NotificationSender, Rendering
from gateway.smpp import SmppSession
from tests.integration.notify_support import (
    SHORT_CODE,
    WAIT_S,
    fast_policy,
    ignore_inbound,
    outbox_state,
    smpp_config,
)
from tests.integration.smpp.conftest import PASSWORD, SYSTEM_ID
from tests.integration.smpp.node_smsc import NodeSmsc
from tests.ledger_support import new_wallet
from tests.unit.menus.support import demo_bound, demo_renderer
from translations.messages import TransferOkRecipient, TransferOkSender

pytestmark = pytest.mark.peer

EN = "+254700000901"
AR = "+254700000904"


@pytest.fixture
async def session(peer: NodeSmsc) -> AsyncIterator[SmppSession]:
    async with SmppSession(smpp_config(peer.port, SYSTEM_ID, PASSWORD),
                           ignore_inbound) as esme:
        await esme.wait_bound(WAIT_S)
        yield esme


async def test_a_transfer_arrives_as_gsm7_and_ucs2_submits(
        peer: NodeSmsc, session: SmppSession, ledger: Ledger) -> None:
    await new_wallet(ledger, EN, cash=10_000, language="en")
    await new_wallet(ledger, AR, language="ar")
    done = await ledger.execute(c.Transfer(key="t1", from_msisdn=EN, to_msisdn=AR,
                                           amount=1_500))
    assert done.ok, done
    provider = (await ledger.store.catalog()).provider_named("Demo Telecom")
    assert provider is not None
    renderer = demo_renderer()
    rendering = Rendering(renderer, provider, demo_bound().display_number)
    sender = NotificationSender(ledger, session, lambda: rendering, source_addr=SHORT_CODE,
                                policy=fast_policy())
    assert await sender.run_once() == 2

    submits = [await peer.expect("pdu", command="submit_sm") for _ in range(2)]
    by_destination = {s["fields"]["destination_addr"]: s for s in submits}
    to_sender, to_recipient = by_destination["254700000901"], by_destination["254700000904"]
    assert to_sender["fields"]["data_coding"] == 0x00  # GSM 7-bit
    assert to_sender["text"] == renderer.sms(
        TransferOkSender(1_500, "0700000904", 10_000 - 1_500 - 100), "en").text
    assert to_recipient["fields"]["data_coding"] == 0x08  # UCS2 for the Arabic
    assert to_recipient["text"] == renderer.sms(
        TransferOkRecipient(1_500, "0700000901"), "ar").text
    for submit in submits:
        assert submit["fields"]["source_addr"] == SHORT_CODE
        assert submit["fields"]["dest_addr_ton"] == 1  # international digits, no "+"
    assert await outbox_state(ledger) == {"sent": 2}
