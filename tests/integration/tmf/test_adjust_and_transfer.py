"""adjustBalance (Adjust with a reason) and transferBalance (Transfer with its fee)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.tmf.conftest import ALICE, BOB, CAROL, Api, kes, party
from tests.ledger_support import balance


async def test_an_operator_credit_and_debit_with_reasons(api: Api) -> None:
    credit = await api.post("/adjustBalance", {"relatedParty": party(ALICE),
                                               "amount": kes(5), "reason": "goodwill"})
    assert credit.status == 201, credit.body
    assert credit.body["@type"] == "AdjustBalance"
    assert (credit.body["reason"], credit.body["adjustType"]) == ("goodwill", "oneTime")
    debit = await api.post("/adjustBalance", {"relatedParty": party(ALICE),
                                              "amount": kes(-2.25), "reason": "correction"})
    assert debit.status == 201, debit.body
    assert debit.body["amount"] == {"amount": -2.25, "units": "KES"}
    assert await balance(api.ledger, ALICE) == 10_275
    listed = await api.get("/adjustBalance", **{"relatedParty.id": ALICE})
    assert [a["id"] for a in listed.body][:2] == [debit.body["id"], credit.body["id"]]
    assert listed.body[2]["reason"] == "demo seed"  # every channel's adjustments count
    assert listed.body[2]["channel"]["name"] == "seed"
    got = await api.get(f"/adjustBalance/{credit.body['id']}")
    assert got.body == credit.body
    assert (await api.get(f"/topupBalance/{credit.body['id']}")).status == 404


async def test_an_adjustment_retried_with_its_key_applies_once(api: Api) -> None:
    body = {"relatedParty": party(ALICE), "amount": kes(-1), "reason": "fee"}
    first = await api.post("/adjustBalance", body, key="adj")
    again = await api.post("/adjustBalance", body, key="adj")
    assert (first.status, again.status, again.body) == (201, 201, first.body)
    assert await balance(api.ledger, ALICE) == 9_900
    changed = await api.post("/adjustBalance", {**body, "reason": "other"}, key="adj")
    assert (changed.status, changed.error_field()) == (409, "Idempotency-Key")


async def test_a_debit_beyond_the_balance_is_a_422(api: Api) -> None:
    reply = await api.post("/adjustBalance", {"relatedParty": party(ALICE),
                                              "amount": kes(-500), "reason": "x"})
    assert (reply.status, reply.body["code"], reply.error_field()) == (
        422, "insufficient_funds", "amount.amount")
    assert await balance(api.ledger, ALICE) == 10_000


@pytest.mark.parametrize(("body", "field"), [
    ({"relatedParty": party(ALICE), "amount": kes(1)}, "reason"),
    ({"relatedParty": party(ALICE), "amount": kes(1), "reason": ""}, "reason"),
    ({"relatedParty": party(ALICE), "amount": kes(1), "reason": "topup"}, "reason"),
    ({"relatedParty": party(ALICE), "amount": kes(0), "reason": "x"}, "amount.amount"),
    ({"relatedParty": party(ALICE), "reason": "x"}, "amount"),
    ({"relatedParty": party(ALICE), "amount": kes(1), "reason": "x",
      "adjustType": "recurring"}, "adjustType"),
    ({"relatedParty": party(ALICE), "amount": kes(1), "reason": 7}, "reason"),
])
async def test_bad_adjustments_are_400s_naming_the_field(api: Api, body: dict[str, Any],
                                                         field: str) -> None:
    reply = await api.post("/adjustBalance", body)
    assert reply.status == 400, reply.body
    assert reply.error_field() == field


async def test_a_transfer_moves_the_amount_and_charges_the_fee(api: Api) -> None:
    body = {"relatedParty": party(ALICE), "receiver": {"id": "0700000003"},
            "amount": kes(20)}
    made = await api.post("/transferBalance", body, key="xfer")
    assert made.status == 201, made.body
    assert made.body["@type"] == "TransferBalance"
    assert made.body["receiver"]["id"] == CAROL
    assert made.body["transferCost"] == {"unit": "KES", "value": 1}
    assert await balance(api.ledger, ALICE) == 10_000 - 2_000 - 100
    assert await balance(api.ledger, CAROL) == 12_000
    again = await api.post("/transferBalance", body, key="xfer")
    assert (again.status, again.body) == (201, made.body)
    assert await balance(api.ledger, CAROL) == 12_000
    got = await api.get(f"/transferBalance/{made.body['id']}")
    assert got.body == made.body
    listed = await api.get("/transferBalance", **{"relatedParty.id": ALICE})
    assert [t["id"] for t in listed.body] == [made.body["id"]]


@pytest.mark.parametrize(("body", "status", "field", "code"), [
    ({"relatedParty": party(ALICE), "amount": kes(20)}, 400, "receiver", "invalid_field"),
    ({"relatedParty": party(ALICE), "receiver": {"id": "x"}, "amount": kes(20)}, 400,
     "receiver.id", "invalid_field"),
    ({"relatedParty": party(ALICE), "receiver": {"id": "+254700000999"},
      "amount": kes(20)}, 422, "receiver.id", "unknown_subscriber"),
    ({"relatedParty": party(ALICE), "receiver": {"id": ALICE}, "amount": kes(20)}, 422,
     "receiver.id", "same_wallet"),
    ({"relatedParty": party(ALICE), "receiver": {"id": BOB}, "amount": kes(5)}, 422,
     "amount.amount", "transfer_below_minimum"),
    ({"relatedParty": party(ALICE), "receiver": {"id": BOB}, "amount": kes(99.5)}, 422,
     "amount.amount", "insufficient_funds"),
])
async def test_refused_transfers_name_the_field(api: Api, body: dict[str, Any], status: int,
                                                field: str, code: str) -> None:
    reply = await api.post("/transferBalance", body)
    assert (reply.status, reply.body["code"]) == (status, code), reply.body
    assert reply.error_field() == field
    assert await balance(api.ledger, ALICE) == 10_000
