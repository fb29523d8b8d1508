"""A replayed callback (the aggregator retrying, the network duplicating) answers as the first
time and never charges twice: the step number comes from ``text``, the idempotency key is
``ussd:{sessionId}:{step}`` and the session keeps the step's reply."""

from __future__ import annotations

import asyncio

from core.outcomes import Status
from gateway.keys import METRICS
from tests.integration.gateway.phone import Gateway, Screen

ME, FRIEND = "+254700000001", "+254700000002"


async def test_a_replayed_recharge_step_recharges_once(gateway: Gateway, pins: list[str]
                                                       ) -> None:
    phone = gateway.phone(ME)
    await phone.dial()
    await phone.send("2")
    first = await phone.send(pins[0])
    assert first.text.startswith("Recharge successful: KES 50.00 added.")
    assert await phone.replay() == first
    assert await phone.replay() == first
    assert await gateway.cash(ME) == 15_000


async def test_a_replayed_transfer_confirmation_transfers_once(gateway: Gateway) -> None:
    phone = gateway.phone(ME)
    await phone.dial()
    await phone.send("3")
    await phone.send("0700000002")
    await phone.send("20")
    sent = await phone.send("1")
    assert sent == Screen("You sent KES 20.00 to 0700000002. Your balance is now KES 79.00.",
                          True)
    assert await phone.replay() == sent
    assert await gateway.cash(ME) == 7_900
    assert await gateway.cash(FRIEND) == 12_000


async def test_copies_of_one_step_racing_each_other_charge_once(gateway: Gateway,
                                                               pins: list[str]) -> None:
    phone = gateway.phone(ME)
    await phone.dial()
    await phone.send("2")
    phone.text = f"{phone.text}*{pins[1]}"
    fields = {**phone.last, "text": phone.text}
    answers = await asyncio.gather(*(gateway.post("/ussd/at", fields) for _ in range(5)))
    bodies = {body for _, _, body in answers}
    assert bodies == {"END Recharge successful: KES 50.00 added. "
                      "Your balance is now KES 150.00."}
    assert await gateway.cash(ME) == 15_000


async def test_a_replayed_menu_step_shows_the_same_screen(gateway: Gateway) -> None:
    phone = gateway.phone(ME)
    main = await phone.dial()
    assert await phone.replay() == main
    bundles = await phone.send("5")
    assert await phone.replay() == bundles
    assert (await phone.send("1")).text.startswith("Choose a bundle:")


async def test_an_earlier_step_replayed_late_gets_the_latest_screen_and_moves_nothing(
        gateway: Gateway) -> None:
    phone = gateway.phone(ME)
    await phone.dial()
    first_step = dict(phone.last)
    await phone.send("3")
    latest = await phone.send("0700000002")
    status, _, body = await gateway.post("/ussd/at", first_step)
    assert (status, body) == (200, f"CON {latest.text}")
    steps = gateway.app[METRICS].menu_steps.labels("*100#", "replay")._value.get()
    assert steps == 1


async def test_the_ledger_keeps_the_channel_s_key(gateway: Gateway, pins: list[str]) -> None:
    phone = gateway.phone(ME)
    await phone.dial()
    await phone.send("2")
    await phone.send(pins[2])
    from gateway.keys import LEDGER

    rows = await gateway.app[LEDGER].store.query(
        "SELECT idempotency_key, channel, status FROM operations WHERE kind = 'recharge'")
    assert rows == [(f"ussd:{phone.session_id}:2", "ussd", Status.OK.value)]
