"""Cumulative balance plans: categories per unit type, assigned balance types, playback order
up and down; every change checked as a whole; the next IVR sequence follows it."""

from __future__ import annotations

import json
from typing import Any

from gateway.console.documents import get_document
from tests.integration.console.conftest import Console
from tests.integration.gateway.phone import Gateway

ALICE = "+254700000001"  # cash, voice minutes and data


async def plans(console: Console) -> tuple[int, list[dict[str, Any]]]:
    doc = await get_document(console.ledger.store, "Demo Telecom", "plans")
    assert doc is not None
    return doc.version, doc.body["plans"]


def standard(found: list[dict[str, Any]]) -> dict[str, Any]:
    return next(p for p in found if p["name"] == "Standard")


async def ivr_entries(console: Console) -> list[str]:
    status, _, body = await Gateway(console.client).post("/ivr/balance", {"msisdn": ALICE})
    assert status == 200, body
    return [p["entry"] for p in json.loads(body)["prompts"]]


async def test_the_plan_page_groups_categories_by_unit_type(console: Console) -> None:
    listing = await console.get("/plans")
    assert listing.h1 == "Cumulative balance plans"
    assert "Airtime → Internet → Talktime → Messages" in listing.text
    page = await console.get("/plans/Standard")
    assert page.h1 == "Cumulative balance plan Standard"
    assert 'id="unit-cash"' in page.text
    assert 'id="category-Airtime"' in page.text
    assert "Available data balances: Data" in page.text
    assert 'id="delete-plan"' not in page.text  # the IVR's default plan stays


async def test_move_a_category_down_and_the_next_ivr_sequence_follows(console: Console) -> None:
    before = await ivr_entries(console)
    assert before.index("internet") < before.index("talktime")
    version, _ = await plans(console)
    page = await console.post("/plans/Standard/order", {
        "version": str(version), "category": "Internet", "direction": "down"})
    assert page.status == 200
    assert "Playback order changed." in page.text
    _, found = await plans(console)
    assert standard(found)["playback_order"] == ["Airtime", "Talktime", "Internet", "Messages"]
    after = await ivr_entries(console)
    assert after.index("talktime") < after.index("internet")
    version, _ = await plans(console)
    await console.post("/plans/Standard/order", {
        "version": str(version), "category": "Airtime", "direction": "up"})  # first: no move
    _, found = await plans(console)
    assert standard(found)["playback_order"][0] == "Airtime"


async def test_add_modify_and_delete_a_category(console: Console) -> None:
    version, _ = await plans(console)
    form = await console.get("/plans/Standard/categories/new", unit_type="units")
    assert form.selected("unit_type") == "units"
    page = await console.post("/plans/Standard/categories/new", [
        ("version", str(version)), ("name", "Fraud"), ("unit_type", "units"),
        ("balance_types", "Bad PIN"), ("category_set", "balances"),
        ("category_entry", "bad_pins"), ("positive_set", "balances"),
        ("positive_entry", "pins_left"), ("negative_set", "balances"),
        ("negative_entry", "no_pins")])
    assert page.status == 200, page.text[-2000:]
    assert "Saved." in page.text, page.text[-2000:]
    version, found = await plans(console)
    plan = standard(found)
    assert plan["playback_order"][-1] == "Fraud"
    assert plan["categories"][-1]["balance_types"] == ["Bad PIN"]
    renamed = await console.post("/plans/Standard/categories/Fraud", [
        ("version", str(version)), ("name", "PIN tries"), ("unit_type", "units"),
        ("balance_types", "Bad PIN"), ("positive_set", "balances"),
        ("positive_entry", "pins_left"), ("negative_set", "balances"),
        ("negative_entry", "no_pins"), ("play_zero_balance", "on")])
    assert "Saved." in renamed.text, renamed.text[-2000:]
    version, found = await plans(console)
    assert standard(found)["playback_order"][-1] == "PIN tries"
    gone = await console.post("/plans/Standard/categories/PIN%20tries/delete",
                              {"version": str(version)})
    assert "Deleted." in gone.text
    _, found = await plans(console)
    assert "PIN tries" not in standard(found)["playback_order"]


async def test_category_errors_are_inline_and_nothing_is_saved(console: Console) -> None:
    version, before = await plans(console)
    page = await console.post("/plans/Standard/categories/new", [
        ("version", str(version)), ("name", "Talk & text"), ("unit_type", "time"),
        ("balance_types", "SMS"), ("category_set", "balances")])
    assert page.status == 400
    assert "letters and digits" in (page.error("name") or "")
    assert "the category counts time" in (page.error("balance_types") or "")
    assert "both the announcement set and the entry" in (page.error("category_set") or "")
    empty = await console.post("/plans/Standard/categories/new", [
        ("version", str(version)), ("name", "Nothing"), ("unit_type", "cash")])
    assert empty.error("balance_types") == "assign at least one balance type"
    duplicate = await console.post("/plans/Standard/categories/new", [
        ("version", str(version)), ("name", "Airtime"), ("unit_type", "cash"),
        ("balance_types", "General Cash")])
    assert "already named" in (duplicate.error("name") or "")
    assert await plans(console) == (version, before)


async def test_new_plan_and_delete_it(console: Console) -> None:
    version, _ = await plans(console)
    page = await console.post("/plans/new", [
        ("version", str(version)), ("plan_name", "Data only"), ("name", "Internet"),
        ("unit_type", "data"), ("balance_types", "Data"), ("category_set", "balances"),
        ("category_entry", "internet")])
    assert page.status == 200, page.text[-2000:]
    assert page.h1 == "Cumulative balance plan Data only", page.text[-2000:]
    version, found = await plans(console)
    assert [p["name"] for p in found][-1] == "Data only"
    status, _, body = await Gateway(console.client).post(
        "/ivr/balance", {"msisdn": ALICE, "plan": "Data only"})
    assert status == 200
    assert json.loads(body)["prompts"][0]["entry"] == "internet"
    default = await console.post("/plans/Standard/delete", {"version": str(version)})
    assert default.status == 409
    assert "default plan" in (default.error("_form") or "")
    gone = await console.post("/plans/Data%20only/delete", {"version": str(version)})
    assert gone.status == 200
    assert "Deleted." in gone.text
    _, found = await plans(console)
    assert "Data only" not in [p["name"] for p in found]
