"""The phone simulator page in headless Chromium against ``selfcare serve``: a subscriber dials
*100# and reads the balance, recharges a voucher by USSD and by the IVR keypad, texts BAL and
calls the balance line. Money-moving tests use a wallet of their own, created for them."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Served, Shot
from tests.browser.simulator import Simulator

pytestmark = pytest.mark.peer

_NUMBERS = itertools.count(101)


@pytest.fixture
def new_wallet(served: Served) -> Callable[[], str]:
    """A new English-speaking wallet with nothing on it (``selfcare wallets create``)."""

    def create() -> str:
        msisdn = f"+2547000{next(_NUMBERS):05d}"
        made = served.selfcare("wallets", "create", msisdn, "--language", "en")
        assert made.returncode == 0, made.stderr
        return msisdn

    return create


def general_cash(served: Served, msisdn: str) -> int:
    """Minor units of General Cash as the wallet API reports them."""
    wallet = served.get_json(f"/api/v1/wallets/{msisdn}")
    assert isinstance(wallet, dict)
    for balance in wallet["balances"]:
        if balance["balance_type"] == "General Cash":
            return int(balance["total"])
    raise AssertionError(f"no General Cash in {wallet}")


def test_dial_100_and_choose_1_shows_the_balance(page: Page, shot: Shot) -> None:
    sim = Simulator.open(page, "+254700000001")

    menu = sim.dial("*100#")
    assert menu.splitlines()[:2] == ["Welcome to Demo Telecom", "1 My balance"]
    assert sim.session_open
    shot(page, "menu")

    balance = sim.answer("1")
    assert "Airtime KES 100.00" in balance
    assert not sim.session_open  # END: the session is over, the answer box is disabled
    expect(sim.screen).to_have_attribute("data-state", "end")


def test_recharge_by_ussd_shows_the_new_balance(page: Page, served: Served, pins: Iterator[str],
                                                new_wallet: Callable[[], str], shot: Shot
                                                ) -> None:
    msisdn = new_wallet()
    sim = Simulator.open(page, msisdn)
    sim.dial("*100#")
    prompt = sim.answer("2")
    assert "PIN" in prompt
    shot(page, "pin-prompt")

    done = sim.answer(next(pins))
    assert "KES 50.00" in done
    assert general_cash(served, msisdn) == 5_000
    # The PIN never shows on the page once sent.
    assert page.locator("#ussd-answer").input_value() == ""


def test_sms_bal_answers_with_the_balance(page: Page, shot: Shot) -> None:
    sim = Simulator.open(page, "+254700000001")

    replies = sim.sms("BAL")

    assert len(replies) >= 1
    assert "KES 100.00" in replies[0]
    expect(sim.screen).to_have_attribute("data-state", "sms")


def test_calling_the_balance_line_lists_the_announcement_sequence(page: Page,
                                                                  shot: Shot) -> None:
    sim = Simulator.open(page, "+254700000001")

    prompts = sim.call_balance_line()

    # The demo "Standard" plan: a title, then the figure, per category (set/entry: values).
    assert prompts[:2] == ["balances/airtime", "balances/cash_positive: KES 100.00"]
    assert "balances/talktime" in prompts
    expect(sim.screen).to_contain_text("Balance line (en)")


def test_recharge_by_the_ivr_keypad(page: Page, served: Served, pins: Iterator[str],
                                    new_wallet: Callable[[], str], shot: Shot) -> None:
    msisdn = new_wallet()
    sim = Simulator.open(page, msisdn)

    assert sim.call_recharge_line() == ["▶ recharge/enter_pin"]
    shot(page, "enter-pin")
    pin = next(pins)
    played = sim.key_in(pin)

    assert played[0] == "⌨ " + "*" * len(pin) + "#"  # masked: the PIN never shows
    assert played[1:] == ["▶ recharge/ok", "“50 Kenyan shillings”",
                          "▶ recharge/new_balance", "“50 Kenyan shillings”"]  # no new <Gather>
    assert general_cash(served, msisdn) == 5_000
    assert page.locator("#ivr-digits").is_disabled()


def test_a_wrong_pin_on_the_keypad_asks_again_and_moves_nothing(
        page: Page, served: Served, new_wallet: Callable[[], str]) -> None:
    msisdn = new_wallet()
    sim = Simulator.open(page, msisdn)
    sim.call_recharge_line()

    played = sim.key_in("1234")

    assert played[1:] == ["▶ recharge/invalid_pin", "▶ recharge/enter_pin"]
    assert page.locator("#ivr-digits").is_enabled()
    assert general_cash(served, msisdn) == 0
