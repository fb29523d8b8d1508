"""The engine, pure: every path of the demo menu as a dialogue, with the real ledger handlers
in memory behind it (tests/unit/menus/support.py). Texts are checked in English here; the
HTTP dialogues (tests/integration/gateway) check every language."""

from __future__ import annotations

import json

import pytest

from core.clock import DAY_S
from menus.actions import BuyBundle, Recharge, SetLanguage, ShowWallet, Transfer
from menus.engine import MAX_INPUT
from menus.model import View
from menus.present import Reply
from menus.session import MenuSession
from tests.unit.menus.support import (
    FRIEND,
    LANGUAGES,
    ME,
    Dialogue,
    add_voucher,
    demo_engine,
    demo_ledger,
)

MAIN = ("Welcome to Demo Telecom\n1 My balance\n2 Recharge\n3 Transfer credit\n4 Language\n"
        "5 Bundles")
INVALID = "Invalid choice. Please try again."
PIN = "12345678901234"


def con(text: str) -> Reply:
    return Reply(text, end=False)


def end(text: str) -> Reply:
    return Reply(text, end=True)


def test_dialling_shows_the_main_menu_in_the_wallet_s_language() -> None:
    for language in LANGUAGES:
        reply = Dialogue(demo_ledger(language)).dial()
        assert not reply.end
        assert reply.text.splitlines()[1].startswith("1 ")
    assert Dialogue(demo_ledger()).dial() == con(MAIN)


def test_my_balance() -> None:
    d = Dialogue(demo_ledger())
    d.dial()
    reply = d.send("1")
    assert reply.end
    assert reply.text.startswith("Prepaid")
    assert "Airtime KES 100.00" in reply.text
    assert d.actions == [ShowWallet(View.BALANCE)]


def test_the_balance_shortcut_and_the_recharge_shortcut() -> None:
    ledger = demo_ledger()
    add_voucher(ledger, PIN)
    assert "Airtime KES 100.00" in Dialogue(ledger).dial("1").text
    reply = Dialogue(ledger).dial(PIN)
    assert reply == end("Recharge successful: KES 50.00 added. "
                        "Your balance is now KES 150.00.")
    assert ledger.total(ME) == 15_000


def test_an_unknown_extension_is_an_invalid_choice_on_the_main_menu() -> None:
    d = Dialogue(demo_ledger())
    assert d.dial("7") == con(f"{INVALID}\n{MAIN}")
    assert d.actions == []


def test_recharge_with_a_good_pin() -> None:
    ledger = demo_ledger()
    add_voucher(ledger, PIN)
    d = Dialogue(ledger)
    d.dial()
    assert d.send("2") == con("Enter the voucher PIN:\n0 Back")
    assert d.send(PIN) == end("Recharge successful: KES 50.00 added. "
                              "Your balance is now KES 150.00.")
    assert d.actions == [Recharge(PIN)]


def test_recharge_outcomes() -> None:
    ledger = demo_ledger()
    add_voucher(ledger, PIN)
    Dialogue(ledger).dial(PIN)
    assert Dialogue(ledger).dial(PIN) == end("This voucher has already been used.")
    assert Dialogue(ledger).dial("99999999999") == end(
        "Wrong voucher PIN. You have 2 attempts left.")
    assert Dialogue(ledger).dial("99999999998").text.endswith("1 attempt left.")
    assert Dialogue(ledger).dial("99999999997") == end(
        "Too many wrong PINs. Recharge is locked for 24 hours.")
    assert Dialogue(ledger).dial(PIN) == end(
        "Too many wrong PINs. Recharge is locked for 24 hours.")


def test_a_malformed_pin_is_an_invalid_choice_and_reaches_no_ledger() -> None:
    d = Dialogue(demo_ledger())
    d.dial()
    d.send("2")
    assert d.send("12ab") == con(f"{INVALID}\nEnter the voucher PIN:\n0 Back")
    assert d.send("0") == con(MAIN)
    assert d.actions == []


def test_the_pin_is_never_in_the_session() -> None:
    ledger = demo_ledger()
    add_voucher(ledger, PIN)
    d = Dialogue(ledger)
    d.dial()
    d.send("2")
    d.send(PIN)
    assert d.session is not None
    assert PIN not in json.dumps(d.session.to_json())
    assert PIN not in repr(d.actions[0])


def transfer(d: Dialogue, amount: str = "50") -> Reply:
    d.dial()
    assert d.send("3") == con("Enter the recipient's phone number:\n0 Back")
    assert d.send("0700000002") == con(
        "Enter the amount to send, from KES 10.00 to KES 10,000.00:\n0 Back")
    return d.send(amount)


def test_transfer_confirmed() -> None:
    ledger = demo_ledger()
    d = Dialogue(ledger)
    assert transfer(d, "50*5") == con(
        "Send KES 50.50 to 0700000002? Fee: KES 1.00.\n1 Confirm\n2 Cancel")
    assert d.send("1") == end(
        "You sent KES 50.50 to 0700000002. Your balance is now KES 48.50.")
    assert d.actions == [Transfer(FRIEND, 5_050)]
    assert ledger.total(FRIEND) == 1_000 + 5_050


def test_transfer_cancelled_moves_nothing() -> None:
    ledger = demo_ledger()
    d = Dialogue(ledger)
    transfer(d)
    assert d.send("2") == end("Cancelled. Nothing was charged.")
    assert d.actions == []
    assert ledger.total(ME) == 10_000


def test_transfer_confirmation_refuses_other_answers() -> None:
    d = Dialogue(demo_ledger())
    request = transfer(d).text
    assert d.send("3") == con(f"{INVALID}\n{request}")
    assert d.send("1").end


def test_transfer_amount_and_number_are_checked_before_the_ledger() -> None:
    d = Dialogue(demo_ledger())
    d.dial()
    d.send("3")
    assert d.send("12") == con(
        "Invalid phone number. Please try again.\nEnter the recipient's phone number:\n0 Back")
    d.send("0700000002")
    assert d.send("5") == con("Invalid amount. You can send from KES 10.00 to KES 10,000.00."
                              "\nEnter the amount to send, from KES 10.00 to KES 10,000.00:"
                              "\n0 Back")
    assert d.send("0") == con("Enter the recipient's phone number:\n0 Back")
    assert d.actions == []


def test_transfer_with_too_little_cash() -> None:
    ledger = demo_ledger(cash=2_000)
    d = Dialogue(ledger)
    transfer(d, "20")
    assert d.send("1") == end(
        "Transfer of KES 20.00 failed: your balance of KES 20.00 is not enough.")


def test_transfer_to_a_number_that_is_no_subscriber() -> None:
    d = Dialogue(demo_ledger())
    d.dial()
    d.send("3")
    d.send("0711111111")
    d.send("50")
    assert d.send("1") == end("0711111111 cannot receive a transfer.")


def test_transfer_to_oneself() -> None:
    d = Dialogue(demo_ledger())
    d.dial()
    d.send("3")
    d.send("0700000001")
    d.send("50")
    assert d.send("1") == end("0700000001 cannot receive a transfer.")


def test_choosing_a_language_changes_the_wallet_s() -> None:
    ledger = demo_ledger()
    d = Dialogue(ledger)
    d.dial()
    assert d.send("4") == con(
        "Choose a language:\n1 English\n2 français\n3 Kiswahili\n4 العربية\n0 Back")
    assert d.send("3") == end("Lugha yako sasa ni Kiswahili.")
    assert d.actions == [SetLanguage("sw")]
    assert ledger.snapshot(ME).language == "sw"
    assert Dialogue(ledger).dial().text.startswith("Karibu Demo Telecom")


def test_buying_a_bundle() -> None:
    ledger = demo_ledger()
    d = Dialogue(ledger)
    d.dial()
    assert d.send("5") == con("Bundles\n1 Buy a bundle\n2 My bundles\n0 Back")
    assert d.send("1") == con("Choose a bundle:\n1 Voice 100 - KES 50.00\n"
                              "2 Data 1GB - KES 100.00\n3 SMS 200 - KES 20.00\n0 Back")
    assert d.send("3") == con("Buy SMS 200 for KES 20.00?\n1 Confirm\n2 Cancel")
    assert d.send("1") == end("You bought SMS 200 for KES 20.00. Valid for 7 days.")
    assert d.actions == [BuyBundle("SMS 200")]
    assert ledger.total(ME, "SMS") == 200
    assert ledger.total(ME) == 8_000


def test_a_bundle_the_wallet_cannot_pay_for() -> None:
    d = Dialogue(demo_ledger(cash=1_000))
    d.dial()
    d.send("5")
    d.send("1")
    d.send("2")
    assert d.send("1") == end(
        "You need KES 100.00 for Data 1GB but your balance is KES 10.00. Please recharge.")


def test_my_bundles_lists_bundle_buckets_with_their_expiry_dates() -> None:
    ledger = demo_ledger()
    d = Dialogue(ledger)
    d.dial()
    d.send("5")
    assert d.send("2") == end("You have no bundles.")
    for product in ("SMS 200", "Voice 100"):
        b = Dialogue(ledger)
        b.dial()
        b.send("5")
        b.send("1")
        b.send("3" if product == "SMS 200" else "1")
        b.send("1")
    ledger.advance(DAY_S)
    d = Dialogue(ledger)
    d.dial()
    d.send("5")
    # T0 is 2026-11-18; both bundles were bought then and last 7 days.
    assert d.send("2") == end("Your bundles:\nSMS 200: 200 SMS until Nov 25, 2026\n"
                              "Voice 100: 100 min 0 s until Nov 25, 2026")


def arabic_bundle_list() -> tuple[Dialogue, Reply]:
    d = Dialogue(demo_ledger("ar"))
    d.dial()
    d.send("5")
    return d, d.send("1")  # the Arabic bundle list takes two UCS2 pages


def test_paging_a_choice_with_98_and_0() -> None:
    d, first = arabic_bundle_list()
    assert first.text.splitlines()[-2:] == ["98 المزيد", "0 رجوع"]
    assert d.send("98") == con("3 SMS 200 - \u200f20.00\xa0KES\n0 رجوع")
    assert d.send("0") == first  # the previous page
    assert d.send("0") == con("الباقات\n1 شراء باقة\n2 باقاتي\n0 رجوع")  # the previous menu


def test_option_numbers_hold_across_pages() -> None:
    d, _ = arabic_bundle_list()
    assert d.send("3").text.startswith("هل تريد شراء SMS 200")


def test_more_on_the_last_page_is_an_invalid_choice() -> None:
    d, _ = arabic_bundle_list()
    d.send("98")
    reply = d.send("98")
    assert reply.text.startswith("اختيار غير صحيح. يرجى المحاولة مرة أخرى.\n")
    assert d.session is not None
    assert (d.session.page, d.session.noticed) == (0, True)


@pytest.mark.parametrize("text", ["9", "07", "1#", "*", "", " ", "abc", "1" * (MAX_INPUT + 1),
                                  "٣"])
def test_anything_else_is_an_invalid_choice_and_the_session_goes_on(text: str) -> None:
    d = Dialogue(demo_ledger())
    d.dial()
    assert d.send(text) == con(f"{INVALID}\n{MAIN}")
    assert d.send("1").end
    assert d.actions == [ShowWallet(View.BALANCE)]


def test_unreadable_input_is_an_invalid_choice() -> None:
    d = Dialogue(demo_ledger())
    d.dial()
    assert d.send(None) == con(f"{INVALID}\n{MAIN}")


def test_a_session_of_another_menu_version_starts_again() -> None:
    engine = demo_engine()
    step = engine.advance(MenuSession(state="retired_state", language="en"), "1")
    assert step.session.state == "main"


def test_sessions_round_trip_through_json() -> None:
    session = MenuSession("transfer_confirm", "fr", {"recipient": FRIEND, "amount": 5_000},
                          page=1, noticed=True)
    assert MenuSession.from_json(json.loads(json.dumps(session.to_json()))) == session
    with pytest.raises(ValueError, match="answers"):
        MenuSession.from_json({**session.to_json(), "answers": {"amount": 1.5}})


def test_a_number_of_another_country_is_shown_in_full() -> None:
    d = Dialogue(demo_ledger())
    d.dial()
    d.send("3")
    d.send("+447911123456")
    assert d.send("20").text.startswith("Send KES 20.00 to +447911123456?")
    assert d.send("1") == end("+447911123456 cannot receive a transfer.")
