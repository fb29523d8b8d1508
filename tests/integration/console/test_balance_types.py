"""Balance types: every NCC field, enabled by category, unit and expenditure type; inline
errors from the catalog's rules; never deleted; a save reaches the channels."""

from __future__ import annotations

from typing import Any

from core.balance_types import BalanceType
from tests.integration.console.conftest import Console, Page


async def balance_type(console: Console, name: str) -> BalanceType:
    found = (await console.ledger.store.catalog()).providers[0].type_named(name)
    assert found is not None, name
    return found


async def definitions(console: Console) -> list[tuple[Any, ...]]:
    return await console.ledger.store.query(
        "SELECT name, unit_id, definition FROM balance_types ORDER BY id")


def form_of(page: Page, *names: str) -> dict[str, str]:
    """What the browser would send: the current values of the named enabled fields."""
    values = {}
    for name in names:
        if not page.disabled(name):
            value = page.value(name)
            if value is not None:
                values[name] = value
    return values


NEW_TYPE = {"name": "Loyalty Points", "unit": "Messages", "category": "chargeable",
            "display_to_spend_ratio": "1.00", "expiry_basis": "balance_creation",
            "max_balance_policy": "reject_credits_over", "rollover_days": "0",
            "exclude_from_creation": "on", "quota_thresholds_pct_1": "30",
            "quota_thresholds_pct_2": "90", "quota_thresholds_pct_3": "60",
            "announcements_positive_set": "balances", "announcements_positive_entry": "points"}


async def test_the_list_shows_every_type_and_offers_no_delete(console: Console) -> None:
    page = await console.get("/balance-types")
    assert page.h1 == "Balance types"
    for name in ("General Cash", "Promo Cash", "Voice", "Data", "SMS", "Bad PIN",
                 "Monthly Spend"):
        assert f"<td>{name}" in page.text
    assert "delete" not in page.text.lower().replace("cannot be deleted", "").replace(
        "deleted after last expiry", "")


async def test_fields_are_enabled_by_category_unit_and_expenditure_type(
        console: Console) -> None:
    cash = await balance_type(console, "General Cash")
    page = await console.get(f"/balance-types/{cash.id}/edit")
    assert page.value("name") == "General Cash"
    assert 'readonly' in page.text
    assert not page.disabled("is_default_cash")
    assert not page.disabled("max_balance")
    assert page.disabled("announcements_positive_set")  # cash: currency maps instead
    assert page.disabled("expenditure_type")
    assert page.disabled("recreate_bucket_on_expiry")
    assert page.disabled("delete_after_last_bucket_expiry")  # the default cash type
    assert page.disabled("fixed_expiry_date")
    spend = await balance_type(console, "Monthly Spend")
    page = await console.get(f"/balance-types/{spend.id}/edit")
    assert not page.disabled("expenditure_type")
    assert not page.disabled("recreate_bucket_on_expiry")
    assert page.disabled("display_to_spend_ratio")  # expenditure type is not none
    assert page.disabled("contributes_to_expenditure")
    assert page.disabled("max_balance")
    voice = await balance_type(console, "Voice")
    page = await console.get(f"/balance-types/{voice.id}/edit")
    assert page.disabled("is_default_cash")
    assert not page.disabled("announcements_positive_set")
    assert page.value("quota_thresholds_pct_1") == "50"
    assert page.value("quota_thresholds_pct_2") == "90"


async def test_add_a_balance_type(console: Console) -> None:
    page = await console.post("/balance-types/new", NEW_TYPE)
    assert page.status == 200, page.text[:2000]
    assert "Saved." in page.text, page.text[:2000]
    saved = await balance_type(console, "Loyalty Points")
    assert saved.unit.name == "Messages"
    assert saved.exclude_from_creation
    assert saved.quota_thresholds_pct == (90, 60, 30)  # stored largest first (NCC)
    assert saved.announcements.positive is not None
    assert saved.announcements.positive.entry == "points"


async def test_edit_a_balance_type(console: Console) -> None:
    promo = await balance_type(console, "Promo Cash")
    page = await console.get(f"/balance-types/{promo.id}/edit")
    assert page.selected("unit") == "KES"
    assert page.selected("category") == "chargeable"
    form = form_of(page, "name", "display_to_spend_ratio", "max_balance",
                   "rollover_days", "low_balance_threshold", "fixed_expiry_date")
    form.update(unit="KES", category="chargeable", expiry_basis="balance_creation",
                max_balance_policy="limit_additional_credits", max_balance="750000",
                delete_after_last_bucket_expiry="on", allow_credit="on")
    saved_page = await console.post(f"/balance-types/{promo.id}/edit", form)
    assert saved_page.status == 200, saved_page.text[:3000]
    assert "Saved." in saved_page.text, saved_page.text[:3000]
    saved = await balance_type(console, "Promo Cash")
    assert saved.max_balance == 750_000
    assert saved.allow_credit
    assert saved.currency_announcements == promo.currency_announcements  # kept


async def test_rule_errors_are_shown_next_to_each_field_and_nothing_is_saved(
        console: Console) -> None:
    before = await definitions(console)
    bad = {**NEW_TYPE, "category": "expenditure", "expenditure_type": "none",
           "contributes_to_expenditure": "on", "display_to_spend_ratio": "12.5",
           "max_balance": "-5", "quota_thresholds_pct_1": "130"}
    page = await console.post("/balance-types/new", bad)
    assert page.status == 400
    assert page.error("display_to_spend_ratio") == "a ratio from 0 to 9.99, e.g. 1.00"
    bad["display_to_spend_ratio"] = "1.00"
    page = await console.post("/balance-types/new", bad)
    assert page.error("expenditure_type") == "required for an expenditure balance type"
    assert page.error("quota_thresholds_pct") == "each threshold is a percentage from 1 to 100"
    assert page.value("name") == "Loyalty Points"  # what was typed comes back
    # Disabled for an expenditure category, so not read: the browser would not send them.
    assert page.error("contributes_to_expenditure") is None
    assert page.error("max_balance") is None
    assert await definitions(console) == before


async def test_a_second_default_cash_type_is_refused(console: Console) -> None:
    before = await definitions(console)
    page = await console.post("/balance-types/new", {**NEW_TYPE, "unit": "KES",
                                                     "is_default_cash": "on",
                                                     "announcements_positive_set": "",
                                                     "announcements_positive_entry": ""})
    assert page.error("is_default_cash") == "the provider already has a default cash type"
    duplicate = await console.post("/balance-types/new", {**NEW_TYPE, "name": "Voice"})
    assert duplicate.error("name") == "another balance type already has this name"
    assert await definitions(console) == before


async def test_a_change_that_would_break_the_plans_is_refused(console: Console) -> None:
    """Voice counted in seconds sits in the plan's time category: making it count messages
    would break the plan, so nothing is saved and the operator is told why."""
    voice = await balance_type(console, "Voice")
    page = await console.get(f"/balance-types/{voice.id}/edit")
    form = form_of(page, "name", "display_to_spend_ratio", "rollover_days",
                   "announcements_positive_set", "announcements_positive_entry",
                   "announcements_negative_set", "announcements_negative_entry")
    form.update(unit="Messages", category="chargeable", expiry_basis="balance_creation",
                max_balance_policy="reject_credits_over")
    before = await definitions(console)
    refused = await console.post(f"/balance-types/{voice.id}/edit", form)
    assert refused.status == 400
    assert "plans would no longer be valid" in (refused.error("_form") or "")
    assert await definitions(console) == before
