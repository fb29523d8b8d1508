"""topupBalance: an amount (Adjust, reason topup) or a voucher (Recharge), idempotently."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.tmf.conftest import ALICE, BASE, BOB, Api, kes, party
from tests.ledger_support import balance


async def test_topup_of_an_amount_credits_the_wallet_once(api: Api) -> None:
    body = {"relatedParty": party(ALICE), "amount": kes(12.5)}
    first = await api.post("/topupBalance", body, key="topup-1")
    assert first.status == 201, first.body
    assert first.body["@type"] == "TopupBalance"
    assert first.body["status"] == "completed"
    assert first.body["amount"] == {"amount": 12.5, "units": "KES"}
    assert first.headers["Location"] == first.body["href"]
    assert await balance(api.ledger, ALICE) == 11_250
    again = await api.post("/topupBalance", body, key="topup-1")
    assert (again.status, again.body) == (201, first.body)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert await balance(api.ledger, ALICE) == 11_250  # one effect


async def test_the_same_key_with_another_body_is_a_409(api: Api) -> None:
    assert (await api.post("/topupBalance", {"relatedParty": party(ALICE),
                                             "amount": kes(1)}, key="k")).status == 201
    other = await api.post("/topupBalance", {"relatedParty": party(ALICE), "amount": kes(2)},
                           key="k")
    assert other.status == 409
    assert other.error_field() == "Idempotency-Key"
    elsewhere = await api.post("/adjustBalance", {"relatedParty": party(ALICE),
                                                  "amount": kes(1), "reason": "x"}, key="k")
    assert elsewhere.status == 409
    assert await balance(api.ledger, ALICE) == 10_100


async def test_a_topup_is_listed_and_retrieved(api: Api) -> None:
    made = await api.post("/topupBalance", {"relatedParty": party(BOB), "amount": kes(3),
                                            "bucket": {"name": "Promo Cash"}})
    assert made.status == 201, made.body
    assert made.body["bucket"]["name"] == "Promo Cash"
    got = await api.get(f"/topupBalance/{made.body['id']}")
    assert (got.status, got.body) == (200, made.body)
    mine = await api.get("/topupBalance", **{"relatedParty.id": BOB})
    assert [t["id"] for t in mine.body] == [made.body["id"]]
    assert mine.headers["X-Total-Count"] == "1"
    assert (await api.get("/topupBalance", **{"relatedParty.id": ALICE})).body == []
    assert (await api.get(f"/adjustBalance/{made.body['id']}")).status == 404


async def test_a_voucher_topup_shows_the_serial_and_never_the_pin(api: Api) -> None:
    serial, pin = api.vouchers[0]
    made = await api.post("/topupBalance", {"relatedParty": party(ALICE), "voucher": pin})
    assert made.status == 201, made.body
    assert made.body["voucher"] == serial
    assert made.body["amount"] == {"amount": 50, "units": "KES"}
    assert pin not in str(made.body)
    assert await balance(api.ledger, ALICE) == 15_000
    used = await api.post("/topupBalance", {"relatedParty": party(BOB), "voucher": pin})
    assert used.status == 422
    assert used.body["code"] == "voucher_used"
    assert used.error_field() == "voucher"


async def test_a_wrong_pin_is_a_422_that_replays_without_counting_twice(api: Api) -> None:
    body = {"relatedParty": party(ALICE), "voucher": "000000000000"}
    wrong = await api.post("/topupBalance", body, key="pin")
    assert (wrong.status, wrong.body["code"], wrong.error_field()) == (422, "bad_pin",
                                                                       "voucher")
    again = await api.post("/topupBalance", body, key="pin")
    assert (again.status, again.body) == (422, wrong.body)


@pytest.mark.parametrize(("body", "field"), [
    ({"amount": kes(1)}, "relatedParty"),
    ({"relatedParty": party("12"), "amount": kes(1)}, "relatedParty.id"),
    ({"relatedParty": party(ALICE), "amount": kes("1")}, "amount.amount"),
    ({"relatedParty": party(ALICE), "amount": kes(1.234)}, "amount.amount"),
    ({"relatedParty": party(ALICE), "amount": kes(0)}, "amount.amount"),
    ({"relatedParty": party(ALICE), "amount": {"amount": 1, "units": "USD"}}, "amount.units"),
    ({"relatedParty": party(ALICE)}, "amount"),
    ({"relatedParty": party(ALICE), "amount": kes(1), "voucher": "123"}, "amount"),
    ({"relatedParty": party(ALICE), "amount": kes(1), "usageType": "gold"}, "usageType"),
    ({"relatedParty": {"id": ALICE}, "amount": kes(1)}, "relatedParty"),
    ({"relatedParty": party(ALICE), "amount": {"amount": 1.5, "units": "SMS"},
      "bucket": {"name": "SMS"}}, "amount.amount"),
])
async def test_bad_input_is_a_400_naming_the_field(api: Api, body: dict[str, Any],
                                                   field: str) -> None:
    reply = await api.post("/topupBalance", body)
    assert reply.status == 400, reply.body
    assert reply.error_field() == field
    assert await balance(api.ledger, ALICE) == 10_000


async def test_a_missing_idempotency_key_is_a_400_naming_the_header(api: Api) -> None:
    reply = await api.post("/topupBalance", {"relatedParty": party(ALICE), "amount": kes(1)},
                           key=None)
    assert reply.status == 400
    assert reply.error_field() == "Idempotency-Key"


async def test_business_rules_are_422_naming_the_field(api: Api) -> None:
    unknown = await api.post("/topupBalance", {"relatedParty": party("+254700000999"),
                                               "amount": kes(1)})
    assert (unknown.status, unknown.error_field()) == (422, "relatedParty.id")
    too_much = await api.post("/topupBalance", {"relatedParty": party(ALICE),
                                                "amount": kes(100_000)})
    assert (too_much.status, too_much.body["code"]) == (422, "max_balance_exceeded")
    assert too_much.error_field() == "amount.amount"


async def test_non_cash_topups_count_whole_units(api: Api) -> None:
    made = await api.post("/topupBalance", {"relatedParty": party(ALICE), "usageType": "sms",
                                            "amount": {"amount": 50, "units": "sms"}})
    assert made.status == 201, made.body
    assert made.body["amount"] == {"amount": 50, "units": "SMS"}
    assert made.body["usageType"] == "sms"
    assert await balance(api.ledger, ALICE, "SMS") == 50
    by_bucket = await api.post("/topupBalance", {"bucket": {"id": made.body["bucket"]["id"]},
                                                 "amount": {"amount": 5}})
    assert by_bucket.status == 201, by_bucket.body
    assert by_bucket.body["relatedParty"][0]["id"] == ALICE
    assert await balance(api.ledger, ALICE, "SMS") == 55


async def test_the_href_of_a_topup_is_under_the_base_path(api: Api) -> None:
    made = await api.post("/topupBalance", {"relatedParty": party(ALICE), "amount": kes(1)})
    assert made.body["href"] == f"{BASE}/topupBalance/{made.body['id']}"
