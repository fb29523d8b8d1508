"""hub: listeners get TMF events at least once, retried with backoff, across restarts."""

from __future__ import annotations

from typing import Any

from gateway.settings import Settings
from gateway.tmf.events import EVENTS, parse_event_types
from tests.integration.tmf.conftest import ALICE, BOB, Api, Listener, kes, open_api, party


async def register(api: Api, listener: Listener, query: str = "") -> dict[str, Any]:
    reply = await api.post("/hub", {"callback": listener.url, "query": query})
    assert reply.status == 201, reply.body
    return dict(reply.body)


async def test_a_topup_reaches_a_registered_listener(api: Api, listener: Listener) -> None:
    hub = await register(api, listener)
    assert hub["callback"] == listener.url
    assert (await api.get(f"/hub/{hub['id']}")).body == hub
    made = await api.post("/topupBalance", {"relatedParty": party(ALICE), "amount": kes(7)})
    event = await listener.next_event()
    assert event["eventType"] == "TopupBalanceCreateEvent"
    assert event["event"]["topupBalance"] == made.body
    assert event["eventId"]
    assert event["eventTime"].endswith("Z")


async def test_every_event_type_with_a_filter(api: Api, listener: Listener) -> None:
    await register(api, listener, "eventType=AdjustBalanceCreateEvent,"
                                  "TransferBalanceCreateEvent,ReserveBalanceCreateEvent,"
                                  "ReserveBalanceStateChangeEvent")
    await api.post("/topupBalance", {"relatedParty": party(ALICE), "amount": kes(7)})
    adjusted = await api.post("/adjustBalance", {"relatedParty": party(ALICE),
                                                 "amount": kes(1), "reason": "r"})
    sent = await api.post("/transferBalance", {"relatedParty": party(ALICE),
                                               "receiver": {"id": BOB}, "amount": kes(10)})
    held = await api.post("/reserveBalance", {"relatedParty": party(ALICE),
                                              "amount": kes(5)})
    await api.call("DELETE", f"/reserveBalance/{held.body['id']}")
    seen = [await listener.next_event() for _ in range(4)]
    assert [e["eventType"] for e in seen] == [
        "AdjustBalanceCreateEvent", "TransferBalanceCreateEvent", "ReserveBalanceCreateEvent",
        "ReserveBalanceStateChangeEvent"]  # the topup was filtered out
    assert seen[0]["event"]["adjustBalance"]["id"] == adjusted.body["id"]
    assert seen[1]["event"]["transferBalance"]["id"] == sent.body["id"]
    assert seen[3]["event"]["reserveBalance"]["status"] == "cancelled"
    assert listener.events.empty()


async def test_operations_of_other_channels_are_events_too(api: Api,
                                                           listener: Listener) -> None:
    await register(api, listener, "eventType=TopupBalanceCreateEvent")
    serial, pin = api.vouchers[1]
    outcome = await api.ledger.recharge(BOB, pin, key="ussd:session-1:3", channel="ussd")
    assert outcome.ok
    event = await listener.next_event()  # found by the feed's poll: nothing poked it
    topup = event["event"]["topupBalance"]
    assert (topup["voucher"], topup["channel"]["name"]) == (serial, "ussd")
    assert topup["relatedParty"][0]["id"] == BOB


async def test_a_failing_listener_gets_the_event_on_a_retry(api: Api,
                                                            listener: Listener) -> None:
    listener.failures = 2
    await register(api, listener)
    made = await api.post("/topupBalance", {"relatedParty": party(ALICE), "amount": kes(7)})
    event = await listener.next_event()
    assert event["event"]["topupBalance"]["id"] == made.body["id"]
    assert listener.attempts == 3
    await api.client.app[EVENTS].settled()
    rows = await api.ledger.store.query(
        "SELECT attempts, delivered_at IS NOT NULL, last_error FROM tmf_deliveries")
    assert rows == [(3, 1, None)]


async def test_removed_listeners_get_nothing(api: Api, listener: Listener) -> None:
    hub = await register(api, listener)
    assert (await api.call("DELETE", f"/hub/{hub['id']}")).status == 204
    assert (await api.get(f"/hub/{hub['id']}")).status == 404
    assert (await api.call("DELETE", f"/hub/{hub['id']}")).status == 404
    await api.post("/topupBalance", {"relatedParty": party(ALICE), "amount": kes(7)})
    second = await register(api, listener, "eventType=AdjustBalanceCreateEvent")
    await api.post("/adjustBalance", {"relatedParty": party(ALICE), "amount": kes(1),
                                      "reason": "r"})
    event = await listener.next_event()
    assert event["eventType"] == "AdjustBalanceCreateEvent"  # not the earlier topup
    assert listener.attempts == 1
    listed = await api.get("/hub")
    assert [h["id"] for h in listed.body] == [second["id"]]


async def test_registration_is_idempotent_and_checked(api: Api, listener: Listener) -> None:
    body = {"callback": listener.url}
    first = await api.post("/hub", body, key="hub-1")
    again = await api.post("/hub", body, key="hub-1")
    assert (again.status, again.body) == (201, first.body)
    assert (await api.get("/hub")).headers["X-Total-Count"] == "1"
    for bad, field in (({"callback": "ftp://x/y"}, "callback"), ({}, "callback"),
                       ({"callback": listener.url, "query": "eventType=Nope"}, "query"),
                       ({"callback": listener.url, "query": "status=x"}, "query")):
        reply = await api.post("/hub", bad)
        assert (reply.status, reply.error_field()) == (400, field)


async def test_pending_deliveries_survive_a_restart(aiohttp_client: Any, settings: Settings,
                                                   listener: Listener) -> None:
    first = await open_api(aiohttp_client, settings)
    listener.failures = 1_000  # down for now
    await register(first, listener)
    made = await first.post("/topupBalance", {"relatedParty": party(ALICE),
                                              "amount": kes(7)})
    await listener.wait_attempts(2)  # a retry: the first failure was recorded
    await first.client.close()  # the gateway stops with the event undelivered
    listener.failures = 0
    second = await open_api(aiohttp_client, settings)  # same database, a new process's view
    event = await listener.next_event()
    assert event["event"]["topupBalance"]["id"] == made.body["id"]
    assert second.vouchers == []  # the seed ran before: this is the same ledger


def test_event_type_queries() -> None:
    assert parse_event_types("") == ()
    assert parse_event_types("eventType=TopupBalanceCreateEvent") == (
        "TopupBalanceCreateEvent",)
    assert parse_event_types("eventType=AdjustBalanceCreateEvent&eventType="
                             "TopupBalanceCreateEvent") == ("AdjustBalanceCreateEvent",
                                                            "TopupBalanceCreateEvent")
