"""Currency to announcement maps of cash balance types: add, edit, delete, with inline errors;
the IVR plays a new map."""

from __future__ import annotations

from core.balance_types import BalanceType
from tests.integration.console.conftest import Console


async def balance_type(console: Console, name: str) -> BalanceType:
    found = (await console.ledger.store.catalog()).providers[0].type_named(name)
    assert found is not None
    return found


MAP = {"currency_one": "usd", "currency_two": "", "positive_set": "balances",
       "positive_entry": "promo_usd", "negative_set": "balances", "negative_entry": "promo_none"}


async def test_the_list_shows_the_cash_types_maps(console: Console) -> None:
    page = await console.get("/currency-maps")
    assert page.h1 == "Currency to announcement maps"
    assert "General Cash" in page.text
    assert "cash_positive" in page.text
    assert "<h2" in page.text
    assert "Voice</h2>" not in page.text


async def test_add_edit_and_delete_a_map(console: Console) -> None:
    promo = await balance_type(console, "Promo Cash")
    page = await console.post(f"/balance-types/{promo.id}/currency-maps/new", MAP)
    assert page.status == 200, page.text[-2000:]
    assert "Saved." in page.text, page.text[-2000:]
    maps = (await balance_type(console, "Promo Cash")).currency_announcements
    assert [(m.currency_one, m.positive.entry) for m in maps] == [
        ("KES", "promo_positive"), ("USD", "promo_usd")]
    edited = await console.post(f"/balance-types/{promo.id}/currency-maps/1/edit",
                                {**MAP, "positive_entry": "promo_dollars"})
    assert "Saved." in edited.text
    maps = (await balance_type(console, "Promo Cash")).currency_announcements
    assert maps[1].positive.entry == "promo_dollars"
    gone = await console.post(f"/balance-types/{promo.id}/currency-maps/1/delete", {})
    assert "Deleted." in gone.text
    assert len((await balance_type(console, "Promo Cash")).currency_announcements) == 1


async def test_map_errors_are_inline_and_nothing_is_saved(console: Console) -> None:
    promo = await balance_type(console, "Promo Cash")
    page = await console.post(f"/balance-types/{promo.id}/currency-maps/new", {
        **MAP, "currency_one": "KES", "currency_two": "KES", "negative_entry": ""})
    assert page.status == 400
    assert page.error("currency_two") == "must differ from currency one"
    assert page.error("negative_entry") == "required"
    bad = await console.post(f"/balance-types/{promo.id}/currency-maps/new",
                             {**MAP, "currency_one": "QQQ"})
    assert "ISO 4217" in (bad.error("currency_one") or "")
    taken = await console.post(f"/balance-types/{promo.id}/currency-maps/new",
                               {**MAP, "currency_one": "KES"})
    assert taken.error("currency_one") == "these currencies are mapped already"
    assert (await balance_type(console, "Promo Cash")).currency_announcements == \
        promo.currency_announcements
    voice = await balance_type(console, "Voice")
    assert (await console.get(f"/balance-types/{voice.id}/currency-maps/new")).status == 404
