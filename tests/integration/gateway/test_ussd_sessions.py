"""Session lifetime (memory store, with the clock moved by hand: nothing sleeps), bad input at
the edge, and the end-of-session notification."""

from __future__ import annotations

from gateway.keys import METRICS, SESSIONS
from gateway.sessions import MemorySessionStore
from tests.integration.gateway.conftest import SessionClock
from tests.integration.gateway.phone import Gateway, Screen

ME = "+254700000001"
APOLOGY = "END Sorry, something went wrong. Please try again later."


async def test_a_step_after_the_session_expired_starts_the_menu_again_and_moves_nothing(
        gateway: Gateway, session_clock: SessionClock) -> None:
    phone = gateway.phone(ME)
    main = await phone.dial()
    await phone.send("3")
    await phone.send("0700000002")
    await phone.send("20")
    session_clock.advance(179)  # 180 s without input is the limit: still alive
    session_clock.advance(2)
    restarted = await phone.send("1")  # would have confirmed the transfer
    assert restarted == main
    assert await gateway.cash(ME) == 10_000
    assert (await phone.send("1")).text.startswith("Prepaid")  # the new session goes on


async def test_every_answer_extends_the_session(gateway: Gateway,
                                                session_clock: SessionClock) -> None:
    phone = gateway.phone(ME)
    await phone.dial()
    for answer in ("3", "0700000002", "20"):
        session_clock.advance(170)
        assert not (await phone.send(answer)).end
    session_clock.advance(170)
    assert (await phone.send("1")).text.startswith("You sent KES 20.00")


async def test_expired_sessions_are_dropped(gateway: Gateway,
                                            session_clock: SessionClock) -> None:
    store = gateway.app[SESSIONS]
    assert isinstance(store, MemorySessionStore)
    for _ in range(5):
        await gateway.phone(ME).dial()
    assert len(store) == 5
    session_clock.advance(181)
    await gateway.phone(ME).dial()
    assert len(store) == 1


async def test_a_session_id_is_bound_to_its_number(gateway: Gateway) -> None:
    phone = gateway.phone(ME)
    await phone.dial()
    status, _, body = await gateway.post("/ussd/at", {**phone.last, "phoneNumber":
                                                      "+254700000003", "text": "1"})
    assert (status, body) == (200, APOLOGY)
    assert (await phone.send("1")).text.startswith("Prepaid")


async def test_requests_that_are_no_session_get_400_naming_the_field(gateway: Gateway) -> None:
    status, kind, body = await gateway.post("/ussd/at", {"serviceCode": "*100#",
                                                         "phoneNumber": ME, "text": ""})
    assert (status, kind) == (400, "application/json")
    assert '"field": "sessionId"' in body
    async with gateway.client.post("/ussd/at", json={"sessionId": "s"}) as response:
        assert response.status == 400
        assert (await response.json())["field"] == "body"
    status, _, body = await gateway.post("/ussd/at", {"sessionId": "bad id!", "text": ""})
    assert status == 400
    assert '"field": "sessionId"' in body


async def test_subscriber_requests_with_bad_fields_get_a_localized_end(gateway: Gateway
                                                                       ) -> None:
    base = {"sessionId": "s-bad", "serviceCode": "*100#", "phoneNumber": ME, "text": ""}
    for broken in ({"phoneNumber": "not a number"}, {"serviceCode": "100"},
                   {"serviceCode": "*200#"}, {"text": "1" * 1_001}):
        status, kind, body = await gateway.post("/ussd/at", {**base, **broken})
        assert (status, kind, body) == (200, "text/plain", APOLOGY), broken
    for missing in ("phoneNumber", "serviceCode", "text"):
        fields = {k: v for k, v in base.items() if k != missing}
        assert (await gateway.post("/ussd/at", fields))[2] == APOLOGY, missing
    assert await gateway.cash(ME) == 10_000


async def test_a_step_that_does_not_extend_the_text_is_an_invalid_choice(gateway: Gateway
                                                                         ) -> None:
    phone = gateway.phone(ME)
    await phone.dial()
    await phone.send("5")
    status, _, body = await gateway.post("/ussd/at", {**phone.last, "text": "51*2"})
    assert status == 200
    assert body.startswith("CON Invalid choice. Please try again.\nBundles")


async def test_the_end_of_session_notification(gateway: Gateway) -> None:
    phone = gateway.phone(ME)
    await phone.dial()
    status, kind, body = await gateway.post("/ussd/at/events", {
        "sessionId": phone.session_id, "status": "Success", "hopsCount": "1",
        "durationInMillis": "1200", "input": "", "errorMessage": ""})
    assert (status, kind, body) == (200, "application/json", '{"status": "ok"}')
    assert await gateway.app[SESSIONS].get(phone.session_id) is None
    ended = gateway.app[METRICS].sessions_ended.labels("Success")._value.get()
    assert ended == 1
    assert (await gateway.post("/ussd/at/events", {"status": "Failed"}))[0] == 400


async def test_the_first_screen_of_an_ended_dialogue_is_replayed_not_rerun(
        gateway: Gateway) -> None:
    phone = gateway.phone(ME, code="*100*1#")
    balance = await phone.dial()
    assert balance.end
    assert await phone.replay() == balance
    assert isinstance(balance, Screen)
