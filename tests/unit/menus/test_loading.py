"""Menu files: the demo loads; every kind of mistake is refused with its field path."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest

from menus.binding import bind
from menus.loading import MenuError, load_menu, menu_from_dict
from menus.model import ActionKind, Choice, Confirm, Input, OptionSource, Show, Validator, View
from tests.ledger_support import demo_catalog
from tests.unit.menus.support import DEMO_MENU, LANGUAGES, demo_provider


def demo_dict() -> dict[str, Any]:
    with DEMO_MENU.open("rb") as fh:
        return tomllib.load(fh)


def errors_of(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(MenuError) as raised:
        menu_from_dict(data)
    return dict(raised.value.errors)


def test_the_demo_menu_has_the_issue_s_five_options_and_shortcuts() -> None:
    menu = load_menu(DEMO_MENU)
    assert menu.service_code == "*100#"
    main = menu.states["main"]
    assert isinstance(main, Choice)
    assert [o.text for o in main.options] == [
        "balance", "recharge", "transfer", "language", "bundles"]
    assert menu.shortcuts == {"1": "balance"}
    assert menu.extension_input == "recharge"
    recharge = menu.states["recharge"]
    assert isinstance(recharge, Input)
    assert recharge.validator is Validator.VOUCHER_PIN
    assert recharge.action is ActionKind.RECHARGE
    assert recharge.answer is None  # the PIN is never kept
    assert menu.states["balance"] == Show("balance", View.BALANCE)
    assert menu.states["transfer_confirm"] == Confirm("transfer_confirm", ActionKind.TRANSFER)
    language = menu.states["language"]
    assert isinstance(language, Choice)
    assert language.options_from is OptionSource.LANGUAGES


def test_unknown_keys_names_and_types_are_refused_with_their_path() -> None:
    data = demo_dict()
    data["colour"] = "blue"
    data["states"]["main"]["options"][0]["text"] = "balence"
    data["states"]["recharge"]["validator"] = "pin"
    data["states"]["balance"]["view"] = "ledger"
    data["states"]["bundles"]["type"] = "menu"
    found = errors_of(data)
    assert "colour" in found
    assert "unknown text 'balence'" in found["states.main.options[0].text"]
    assert "one of voucher_pin, msisdn, amount" in found["states.recharge.validator"]
    assert "got 'ledger'" in found["states.balance.view"]
    assert "got 'menu'" in found["states.bundles.type"]


def test_dangling_references_are_refused() -> None:
    data = demo_dict()
    data["start"] = "welcome"
    data["shortcuts"]["7"] = "nowhere"
    data["states"]["transfer_amount"]["next"] = "confirm_transfer"
    found = errors_of(data)
    assert found["start"] == "no state named 'welcome'"
    assert found["shortcuts.7"] == "no state named 'nowhere'"
    assert found["states.transfer_amount.next"] == "no state named 'confirm_transfer'"


def test_a_confirmation_needs_its_answers_set_somewhere() -> None:
    data = demo_dict()
    del data["states"]["transfer_amount"]
    data["states"]["transfer_recipient"]["next"] = "transfer_confirm"
    found = errors_of(data)
    assert "needs the answers amount" in found["states.transfer_confirm.action"]


def test_a_voucher_pin_is_never_an_answer() -> None:
    data = demo_dict()
    data["states"]["recharge"] = {"type": "input", "prompt": "enter_pin",
                                  "validator": "voucher_pin", "answer": "pin", "next": "main"}
    found = errors_of(data)
    assert found["states.recharge.answer"] == "a voucher PIN is never stored in the session"


@pytest.mark.parametrize(("code", "ok"), [("*100#", True), ("*544*1#", True), ("100#", False),
                                          ("*100", False), ("*1a0#", False)])
def test_service_codes(code: str, ok: bool) -> None:
    data = demo_dict()
    data["service_code"] = code
    if ok:
        assert menu_from_dict(data).service_code == code
    else:
        assert "service_code" in errors_of(data)


def test_choice_rules() -> None:
    data = demo_dict()
    data["states"]["bundles"]["options_from"] = "products"  # both options and options_from
    data["states"]["language"]["action"] = "recharge"
    data["states"]["bundle_list"].pop("answer")
    found = errors_of(data)
    assert "exactly one of options and options_from" in found["states.bundles"]
    assert "only set_language" in found["states.language.action"]
    assert "needs answer and next" in found["states.bundle_list"]


def test_binding_checks_the_provider() -> None:
    menu = load_menu(DEMO_MENU)
    with pytest.raises(MenuError) as raised:
        bind(menu, demo_provider(), (*LANGUAGES, "de"))
    assert "has no de" in str(raised.value)
    catalog = copy.deepcopy(demo_catalog())
    catalog["products"] = []
    from core.catalog_build import build_provider

    with pytest.raises(MenuError) as raised:
        bind(menu, build_provider(catalog), LANGUAGES)
    assert "states.bundle_list.options_from" in dict(raised.value.errors)


def test_a_file_that_is_not_toml(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("service_code = \n")
    with pytest.raises(MenuError) as raised:
        load_menu(path)
    assert str(path) in str(raised.value)
