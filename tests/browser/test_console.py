"""The wallet-management console in headless Chromium against ``selfcare serve``: logging in,
a screenshot of every screen, and an operator's change (a new balance type, its translation and
a balance plan category) reaching a subscriber's USSD balance screen and the IVR balance line
through the phone simulator.

The edits are additions (a type, a translation, a category for that type), so the other browser
tests on the same server still see the demo catalog they expect."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Served, Shot
from tests.browser.console import Console
from tests.browser.simulator import Simulator

pytestmark = pytest.mark.peer

OPERATOR = "browser-tester"
PASSWORD = "correct horse battery"  # a test user on a throw-away ledger


@pytest.fixture(scope="module")
def operator(served: Served) -> str:
    """A console user made the documented way: ``selfcare console-users add``."""
    added = served.selfcare("console-users", "add", OPERATOR, "--password-stdin",
                            stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    return OPERATOR


@pytest.fixture
def console(page: Page, operator: str) -> Console:
    return Console.login(page, operator, PASSWORD)


def test_a_wrong_password_is_refused_on_the_login_screen(page: Page, operator: str,
                                                         shot: Shot) -> None:
    page.goto("/console/wallets")
    expect(page.locator("h1")).to_have_text("Wallet management console")  # sent to log in
    shot(page, "login")
    page.fill("#username", operator)
    page.fill("#password", PASSWORD + "x")
    page.click("#login")

    expect(page.locator("#error-login")).to_have_text("Wrong user name or password.")
    assert page.locator("#logout").count() == 0
    assert page.locator("#password").input_value() == ""  # never echoed back


# (step, how to get there: a nav screen or a path, the screen's <h1>)
SCREENS: tuple[tuple[str, str, str], ...] = (
    ("home", "nav:home", "Wallet management"),
    ("units", "nav:units", "Balance units"),
    ("unit-new", "/console/units/new", "New balance unit"),
    ("unit-edit", "/console/units/1/edit", "Edit balance unit KES"),
    ("unit-delete", "/console/units/1/delete", "Delete balance unit KES"),
    ("balance-types", "nav:balance-types", "Balance types"),
    ("balance-type-new", "/console/balance-types/new", "New balance type"),
    ("balance-type-edit", "/console/balance-types/1/edit", "Edit balance type General Cash"),
    ("currency-maps", "nav:currency-maps", "Currency to announcement maps"),
    ("currency-map-new", "/console/balance-types/1/currency-maps/new",
     "Currency to announcement map of General Cash"),
    ("currency-map-edit", "/console/balance-types/1/currency-maps/0/edit",
     "Currency to announcement map of General Cash"),
    ("translations", "nav:translations", "Balance type translations"),
    ("translation-new", "/console/translations/new", "New balance type translation"),
    ("translation-edit", "/console/translations/en/General%20Cash/edit",
     "Edit translation of General Cash (en)"),
    ("wallet-names", "nav:wallet-names", "Wallet name translations"),
    ("wallet-name-new", "/console/wallet-names/new", "New wallet name translation"),
    ("wallet-name-edit", "/console/wallet-names/en/Prepaid/edit",
     "Edit wallet name translation Prepaid (en)"),
    ("plans", "nav:plans", "Cumulative balance plans"),
    ("plan-new", "/console/plans/new", "New cumulative balance plan"),
    ("plan", "/console/plans/Standard", "Cumulative balance plan Standard"),
    ("plan-category-new", "/console/plans/Standard/categories/new?unit_type=cash",
     "Add category to Standard"),
    ("plan-category-edit", "/console/plans/Standard/categories/Airtime",
     "Modify category Airtime of Standard"),
    ("wallets", "nav:wallets", "Wallets"),
    ("wallet", "/console/wallets?msisdn=0700000001", "Wallets"),
    ("vouchers", "nav:vouchers", "Vouchers"),
)


def test_every_screen_has_its_title_and_a_screenshot(console: Console, shot: Shot) -> None:
    saved = []
    for step, where, title in SCREENS:
        if where.startswith("nav:"):
            console.go(where.removeprefix("nav:"), title)
        else:
            console.open(where, title)
        assert console.page.locator(".error").count() == 0, step
        saved.append(shot(console.page, step))
    expect(console.page.locator("#batches")).to_contain_text("demo-50")

    # The batch job screen exists once a batch is made: two vouchers, its progress, the CSV.
    console.page.fill("#batch", "browser-screens")
    console.page.fill("#count", "2")
    console.page.fill("#value", "1000")
    console.page.click("#create-batch")
    console.expect_title("Voucher batch browser-screens")
    expect(console.page.locator("#download-pins")).to_be_visible()
    saved.append(shot(console.page, "voucher-job"))

    assert all(path.stat().st_size > 0 for path in saved)


def test_a_new_type_translation_and_plan_category_reach_ussd_and_ivr(
        console: Console, served: Served, shot: Shot) -> None:
    console.new_balance_type("Bonus SMS", unit="Messages")
    # A wallet made now gets every type not excluded from creation: the new one too.
    msisdn = "+254700000300"
    made = served.selfcare("wallets", "create", msisdn, "--language", "en")
    assert made.returncode == 0, made.stderr
    console.adjust(msisdn, "Bonus SMS", 5, "browser test: loyalty credit")
    shot(console.page, "adjusted")

    page = console.page
    before = Simulator.open(page, msisdn)
    assert "Free SMS" not in before.dial("*100*1#")  # no translation: not mentioned
    assert not any("free_sms" in p for p in before.call_balance_line())

    console.new_translation("en", "Bonus SMS", "Free SMS")
    console.add_plan_category("Standard", name="FreeSMS", unit_type="units",
                              balance_type="Bonus SMS", category=("balances", "free_sms"),
                              positive=("balances", "sms_positive"),
                              negative=("balances", "sms_none"))
    shot(console.page, "plan")

    after = Simulator.open(page, msisdn)
    screen = after.dial("*100*1#")
    assert screen.splitlines()[-1] == "Free SMS 5 SMS"
    shot(page, "ussd")
    prompts = after.call_balance_line()
    assert prompts[-2:] == ["balances/free_sms", "balances/sms_positive: 5 messages"]
