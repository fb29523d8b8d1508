"""Balance type translations and wallet name translations: listed from the provider's
translations document, edited with inline errors, never half-saved, and the next USSD reply
shows a change."""

from __future__ import annotations

from typing import Any

from gateway.console.documents import get_document
from tests.integration.console.conftest import Console
from tests.integration.gateway.phone import Gateway

ALICE = "+254700000001"  # speaks English; KES 100.00 of General Cash


async def document(console: Console) -> tuple[int, dict[str, Any]]:
    doc = await get_document(console.ledger.store, "Demo Telecom", "translations")
    assert doc is not None
    return doc.version, doc.body


def general_cash_en(body: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in body["balance_type_translations"]
                if (r["language"], r["balance_type_name"]) == ("en", "General Cash"))


async def balance_screen(console: Console) -> str:
    screen = await Gateway(console.client).phone(ALICE, code="*100*1#").dial()
    return screen.text


async def test_the_list_shows_every_translation(console: Console) -> None:
    page = await console.get("/translations")
    assert page.h1 == "Balance type translations"
    assert "<td>Airtime</td>" in page.text
    assert "<td>Crédit</td>" in page.text


async def test_edit_a_translation_and_the_next_ussd_reply_shows_it(console: Console) -> None:
    assert "Airtime" in await balance_screen(console)
    version, _ = await document(console)
    form = await console.get("/translations/en/General%20Cash/edit")
    assert form.value("translated_name") == "Airtime"
    assert form.value("language") == "en"
    page = await console.post("/translations/en/General%20Cash/edit", {
        "version": str(version), "translated_name": "Main credit", "dual_currency": "USD",
        "dual_format": "({balance})", "single_format": "{name} {balance}", "separator": ",",
        "balance_expiry_text": "valid %d day(s)"})
    assert page.status == 200, page.text[-3000:]
    assert "Saved." in page.text, page.text[-3000:]
    new_version, body = await document(console)
    assert new_version == version + 1
    assert general_cash_en(body)["translated_name"] == "Main credit"
    shown = await balance_screen(console)
    assert "Main credit" in shown
    assert "Airtime" not in shown


async def test_invalid_translations_are_shown_inline_and_nothing_is_saved(
        console: Console) -> None:
    version, before = await document(console)
    page = await console.post("/translations/en/General%20Cash/edit", {
        "version": str(version), "translated_name": "A name far longer than twenty",
        "balance_expiry_text": "valid for a while", "dual_format": "({balance})",
        "dual_currency": "XYZ"})
    assert page.status == 400
    assert "at most 20" in (page.error("translated_name") or "")
    assert "%d" in (page.error("balance_expiry_text") or "")
    assert "ISO 4217" in (page.error("dual_currency") or "")
    assert page.value("translated_name") == "A name far longer than twenty"
    assert await document(console) == (version, before)
    duplicate = await console.post("/translations/new", {
        "version": str(version), "language": "en", "balance_type_name": "Voice",
        "translated_name": "Talk", "balance_expiry_text": "%d days"})
    assert "already has a translation" in (duplicate.error("balance_type_name") or "")
    non_cash = await console.post("/translations/new", {
        "version": str(version), "language": "en", "balance_type_name": "Bad PIN",
        "translated_name": "PIN tries", "balance_expiry_text": "%d days",
        "single_format": "{name} {currency}"})
    assert "currency" in (non_cash.error("single_format") or "")
    assert await document(console) == (version, before)


async def test_add_and_delete_a_translation(console: Console) -> None:
    version, _ = await document(console)
    page = await console.post("/translations/new", {
        "version": str(version), "language": "en", "balance_type_name": "Bad PIN",
        "translated_name": "PIN tries", "balance_expiry_text": "resets in %d day(s)",
        "single_currency": "KES"})  # a cash-only field: ignored for a counter
    assert page.status == 200, page.text[-2000:]
    assert "Saved." in page.text, page.text[-2000:]
    version, body = await document(console)
    added = [r for r in body["balance_type_translations"] if r["balance_type_name"] == "Bad PIN"]
    assert added == [{"language": "en", "balance_type_name": "Bad PIN",
                      "translated_name": "PIN tries", "single_format": "{name} {balance}",
                      "separator": "", "balance_expiry_text": "resets in %d day(s)",
                      "no_balance_expiry_text": ""}]
    gone = await console.post("/translations/en/Bad%20PIN/delete", {"version": str(version)})
    assert "Deleted." in gone.text
    _, body = await document(console)
    assert all(r["balance_type_name"] != "Bad PIN" for r in body["balance_type_translations"])


async def test_a_stale_form_saves_nothing(console: Console) -> None:
    version, before = await document(console)
    page = await console.post("/translations/en/Voice/edit", {
        "version": str(version - 1), "translated_name": "Talk",
        "balance_expiry_text": "valid %d day(s)"})
    assert page.status == 400
    assert "changed meanwhile" in (page.error("_form") or "")
    assert await document(console) == (version, before)


async def test_wallet_name_translations(console: Console) -> None:
    page = await console.get("/wallet-names")
    assert page.h1 == "Wallet name translations"
    assert "<td>Prepaid</td>" in page.text
    version, _ = await document(console)
    too_long = await console.post("/wallet-names/en/Prepaid/edit", {
        "version": str(version), "translation": "Pay as you go plan",
        "wallet_expiry_text": "no days"})
    assert too_long.status == 400
    assert "at most 12" in (too_long.error("translation") or "")
    assert "%d" in (too_long.error("wallet_expiry_text") or "")
    required = await console.post("/wallet-names/en/Prepaid/delete", {"version": str(version)})
    assert required.status == 400
    assert "no translation of 'Prepaid' into 'en'" in (required.error("_form") or "")
    saved = await console.post("/wallet-names/en/Prepaid/edit", {
        "version": str(version), "translation": "PAYG", "wallet_expiry_text": "%d day(s) left"})
    assert "Saved." in saved.text
    _, body = await document(console)
    assert {"language": "en", "wallet_type": "Prepaid", "translation": "PAYG",
            "wallet_expiry_text": "%d day(s) left", "no_wallet_expiry_text": ""} \
        in body["wallet_name_translations"]
