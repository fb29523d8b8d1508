"""accumulatedBalance and balanceActionHistory: the read side over snapshots and the journal."""

from __future__ import annotations

from typing import Any

from tests.integration.tmf.conftest import ALICE, BASE, BOB, Api, kes, party


def figures(entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["balanceType"]: e["amount"]["amount"] for e in entries}


async def test_the_accumulated_balance_breaks_the_wallet_down(api: Api) -> None:
    made = await api.post("/reserveBalance", {"relatedParty": party(BOB), "amount": kes(30)})
    assert made.status == 201
    listed = await api.get("/accumulatedBalance", **{"relatedParty.id": BOB})
    assert listed.headers["X-Total-Count"] == "1"
    acc = listed.body[0]
    assert acc["@type"] == "AccumulatedBalance"
    assert acc["name"] == BOB
    # KES 100 General Cash + KES 25 Promo Cash (the demo's loyalty type), KES 30 held.
    assert figures(acc["accountBalance"]) == {"credit": 125, "reserved": 30, "accepted": 0,
                                              "loyalty": 25, "billing": 0, "receivable": 0}
    assert acc["totalBalance"] == {"amount": 125, "units": "KES"}
    by_type = {t["name"]: figures(t["accountBalance"]) for t in acc["balanceTypeBalance"]}
    assert by_type["Promo Cash"]["loyalty"] == 25
    assert by_type["SMS"]["credit"] == 200
    sms = next(t for t in acc["balanceTypeBalance"] if t["name"] == "SMS")
    assert sms["accountBalance"][0]["amount"]["units"] == "SMS"
    assert {b["name"] for b in acc["bucket"]} >= {"General Cash", "Promo Cash", "SMS"}
    got = await api.get(f"/accumulatedBalance/{acc['id']}")
    assert got.body == acc
    assert (await api.get("/accumulatedBalance/999")).status == 404
    everyone = await api.get("/accumulatedBalance", limit="2")
    assert (everyone.headers["X-Total-Count"], everyone.headers["X-Result-Count"]) == ("4",
                                                                                       "2")


async def test_charges_this_month_are_accepted(api: Api) -> None:
    made = await api.post("/reserveBalance", {"relatedParty": party(ALICE),
                                              "amount": kes(10)})
    done = await api.call("PATCH", f"/reserveBalance/{made.body['id']}",
                          body={"status": "completed", "amount": kes(4)})
    assert done.status == 200
    acc = (await api.get("/accumulatedBalance", **{"relatedParty.id": ALICE})).body[0]
    assert figures(acc["accountBalance"])["accepted"] == 4
    assert figures(acc["accountBalance"])["credit"] == 96


async def test_history_lists_each_balance_change_newest_first(api: Api) -> None:
    topup = await api.post("/topupBalance", {"relatedParty": party(ALICE), "amount": kes(5)})
    debit = await api.post("/adjustBalance", {"relatedParty": party(ALICE),
                                              "amount": kes(-1), "reason": "fix"})
    assert topup.status == debit.status == 201
    history = await api.get("/balanceActionHistory", **{"relatedParty.id": ALICE})
    assert history.status == 200
    newest, previous = history.body[0], history.body[1]
    assert (newest["action"], newest["reason"], newest["amount"]) == (
        "adjust", "fix", {"amount": -1, "units": "KES"})
    assert newest["balanceAfter"] == {"amount": 104, "units": "KES"}
    assert newest["operationId"] == debit.body["id"]
    assert previous["operationId"] == topup.body["id"]
    assert previous["bucket"]["href"] == f"{BASE}/bucket/{previous['bucket']['id']}"
    assert all(h["relatedParty"][0]["id"] == ALICE for h in history.body)
    total = int(history.headers["X-Total-Count"])
    assert total == len(history.body)
    got = await api.get(f"/balanceActionHistory/{newest['id']}")
    assert got.body == newest
    of_bucket = await api.get("/balanceActionHistory",
                              **{"bucket.id": previous["bucket"]["id"]})
    assert previous["id"] in [h["id"] for h in of_bucket.body]
    assert all(h.get("bucket", {}).get("id") == previous["bucket"]["id"]
               for h in of_bucket.body)
    page = await api.get("/balanceActionHistory", **{"relatedParty.id": ALICE},
                         offset="1", limit="1")
    assert [h["id"] for h in page.body] == [previous["id"]]
    assert (await api.get("/balanceActionHistory/99999")).status == 404
    assert (await api.get("/balanceActionHistory", **{"bucket.id": "x"})).body == []
