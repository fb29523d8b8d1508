"""reserveBalance: hold, then confirm what was used (the rest returns), cancel or delete."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.integration.tmf.conftest import ALICE, BOB, Api, kes, party
from tests.ledger_support import available, balance


async def reserve(api: Api, amount: float = 30, who: str = ALICE, **extra: object) -> str:
    made = await api.post("/reserveBalance", {"relatedParty": party(who),
                                              "amount": kes(amount), **extra})
    assert made.status == 201, made.body
    return str(made.body["id"])


async def test_a_reservation_holds_then_commits_what_was_used(api: Api) -> None:
    made = await api.post("/reserveBalance", {"relatedParty": party(ALICE),
                                              "amount": kes(30)}, key="r1")
    assert made.status == 201, made.body
    assert (made.body["status"], made.body["reservationState"]) == ("created", "open")
    assert made.body["amount"] == {"amount": 30, "units": "KES"}
    assert await available(api.ledger, ALICE) == 7_000
    again = await api.post("/reserveBalance", {"relatedParty": party(ALICE),
                                               "amount": kes(30)}, key="r1")
    assert again.body == made.body
    assert await available(api.ledger, ALICE) == 7_000  # one hold
    ident = made.body["id"]
    listed = await api.get("/reserveBalance", **{"relatedParty.id": ALICE})
    assert [r["id"] for r in listed.body] == [ident]
    done = await api.call("PATCH", f"/reserveBalance/{ident}",
                          body={"status": "completed", "amount": kes(12.5)})
    assert done.status == 200, done.body
    assert (done.body["status"], done.body["usedAmount"]) == ("completed",
                                                              {"amount": 12.5, "units": "KES"})
    assert await balance(api.ledger, ALICE) == 10_000 - 1_250
    assert await available(api.ledger, ALICE) == 10_000 - 1_250
    retried = await api.call("PATCH", f"/reserveBalance/{ident}",
                             body={"status": "completed", "amount": kes(12.5)})
    assert (retried.status, retried.body) == (200, done.body)
    assert await balance(api.ledger, ALICE) == 10_000 - 1_250
    other = await api.call("PATCH", f"/reserveBalance/{ident}",
                           body={"status": "completed", "amount": kes(1)})
    assert (other.status, other.body["code"], other.error_field()) == (
        409, "reservation_closed", "status")
    assert (await api.get("/reserveBalance", **{"relatedParty.id": ALICE})).body == []
    closed = await api.get("/reserveBalance", status="completed")
    assert [r["id"] for r in closed.body] == [ident]


async def test_cancel_and_delete_release_the_hold(api: Api) -> None:
    first, second = await reserve(api), await reserve(api, 10)
    assert await available(api.ledger, ALICE) == 6_000
    cancelled = await api.call("PATCH", f"/reserveBalance/{first}",
                               body={"status": "cancelled"})
    assert (cancelled.status, cancelled.body["status"]) == (200, "cancelled")
    deleted = await api.call("DELETE", f"/reserveBalance/{second}")
    assert deleted.status == 204
    assert (await api.call("DELETE", f"/reserveBalance/{second}")).status == 204  # a retry
    assert await available(api.ledger, ALICE) == 10_000
    assert await balance(api.ledger, ALICE) == 10_000
    got = await api.get(f"/reserveBalance/{second}")
    assert (got.body["status"], got.body["reservationState"]) == ("cancelled", "released")
    late = await api.call("PATCH", f"/reserveBalance/{first}",
                          body={"status": "completed"})
    assert (late.status, late.body["code"]) == (409, "reservation_closed")


async def test_a_commit_beyond_the_hold_is_refused_and_blocks_nothing(api: Api) -> None:
    ident = await reserve(api, 10)
    over = await api.call("PATCH", f"/reserveBalance/{ident}",
                          body={"status": "completed", "amount": kes(11)})
    assert (over.status, over.body["code"], over.error_field()) == (
        422, "commit_exceeds_reserved", "amount.amount")
    fixed = await api.call("PATCH", f"/reserveBalance/{ident}",
                           body={"status": "completed", "amount": kes(10)})
    assert (fixed.status, fixed.body["status"]) == (200, "completed")
    assert await balance(api.ledger, ALICE) == 9_000


async def test_a_committed_reservation_cannot_be_deleted(api: Api) -> None:
    ident = await reserve(api)
    assert (await api.call("PATCH", f"/reserveBalance/{ident}",
                           body={"status": "completed"})).status == 200
    assert await balance(api.ledger, ALICE) == 7_000  # all of it, by default
    reply = await api.call("DELETE", f"/reserveBalance/{ident}")
    assert (reply.status, reply.body["code"]) == (409, "reservation_closed")


async def test_validity_and_the_cascade(api: Api) -> None:
    end = (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=0)
    ident = await reserve(api, 30, BOB, validFor={"endDateTime": end.isoformat()})
    got = await api.get(f"/reserveBalance/{ident}")
    assert got.body["validFor"]["endDateTime"] == end.isoformat().replace("+00:00", "Z")
    # Bob's default cascade spends Promo Cash (KES 25) first, then General Cash.
    held = {p["balanceType"]: p["amount"]["amount"] for p in got.body["reservedBalance"]}
    assert held == {"Promo Cash": 25, "General Cash": 5}


async def test_bad_reservations(api: Api) -> None:
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    cases = [
        ({"relatedParty": party(ALICE), "amount": kes(1), "validFor": {"endDateTime": past}},
         400, "validFor.endDateTime"),
        ({"relatedParty": party(ALICE), "amount": kes(1),
          "validFor": {"endDateTime": "tomorrow"}}, 400, "validFor.endDateTime"),
        ({"relatedParty": party(ALICE)}, 400, "amount"),
        ({"relatedParty": party(ALICE), "amount": kes(-1)}, 400, "amount.amount"),
        ({"relatedParty": party(ALICE), "amount": kes(500)}, 422, "amount.amount"),
    ]
    for body, status, field in cases:
        reply = await api.post("/reserveBalance", body)
        assert (reply.status, reply.error_field()) == (status, field), (body, reply.body)
    missing = await api.call("PATCH", "/reserveBalance/999", body={"status": "cancelled"})
    assert missing.status == 404
    ident = await reserve(api)
    for body, field in (({"status": "created"}, "status"), ({}, "status"),
                        ({"status": "cancelled", "amount": kes(1)}, "amount"),
                        ({"status": "completed", "amount": kes(0.001)}, "amount.amount")):
        reply = await api.call("PATCH", f"/reserveBalance/{ident}", body=body)
        assert (reply.status, reply.error_field()) == (400, field)
    bad_status = await api.get("/reserveBalance", status="open")
    assert (bad_status.status, bad_status.error_field()) == (400, "status")
