"""The wallet-management console as an operator uses it, by the selectors its package documents
(gateway/console/__init__.py): ``/console/login`` with ``username``/``password``, nav links
``nav-<screen>``, form fields whose id is the field name, an ``<h1>`` on every screen."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Page, expect


@dataclass
class Console:
    page: Page

    @classmethod
    def login(cls, page: Page, username: str, password: str) -> Console:
        page.goto("/console/login")
        page.fill("#username", username)
        page.fill("#password", password)
        page.click("#login")
        expect(page.locator("#logout")).to_be_visible()
        return cls(page)

    def go(self, screen: str, title: str) -> None:
        """Follow the nav link of ``screen`` and check the screen's title."""
        if "/console/" not in self.page.url:  # back from the simulator, say
            self.page.goto("/console/")
        self.page.click(f"#nav-{screen}")
        self.expect_title(title)

    def open(self, path: str, title: str) -> None:
        self.page.goto(path)
        self.expect_title(title)

    def expect_title(self, title: str) -> None:
        expect(self.page.locator("h1")).to_have_text(title)

    def save(self, button: str = "#save") -> list[str]:
        """Submit; the notices shown after it (the screen's inline errors fail the test)."""
        self.page.click(button)
        errors = self.page.locator(".error").all_inner_texts()
        assert not errors, errors
        return self.page.locator(".notice").all_inner_texts()

    # -- the screens the end-to-end test uses ------------------------------------------------

    def new_balance_type(self, name: str, unit: str) -> None:
        self.go("balance-types", "Balance types")
        self.page.click("#new-balance-type")
        self.expect_title("New balance type")
        self.page.fill("#name", name)
        self.page.select_option("#unit", unit)
        assert self.save() == ["Saved."]
        expect(self.page.locator("#balance-types")).to_contain_text(name)

    def new_translation(self, language: str, balance_type: str, translated_name: str) -> None:
        self.go("translations", "Balance type translations")
        self.page.click("#new-translation")
        self.expect_title("New balance type translation")
        self.page.select_option("#language", language)
        self.page.select_option("#balance_type_name", balance_type)
        self.page.fill("#translated_name", translated_name)
        self.page.fill("#separator", ",")
        self.page.fill("#balance_expiry_text", "valid %d day(s)")
        assert self.save() == ["Saved."]
        expect(self.page.locator("#translations")).to_contain_text(translated_name)

    def add_plan_category(self, plan: str, *, name: str, unit_type: str, balance_type: str,
                          category: tuple[str, str], positive: tuple[str, str],
                          negative: tuple[str, str]) -> None:
        self.go("plans", "Cumulative balance plans")
        self.page.click(f"#edit-plan-{self._plan_row(plan)}")
        self.expect_title(f"Cumulative balance plan {plan}")
        self.page.click(f"#add-category-{unit_type}")
        self.expect_title(f"Add category to {plan}")
        self.page.fill("#name", name)
        self.page.check(f"#balance_types input[value='{balance_type}']")
        for slot, (set_name, entry) in (("category", category), ("positive", positive),
                                        ("negative", negative)):
            self.page.fill(f"#{slot}_set", set_name)
            self.page.fill(f"#{slot}_entry", entry)
        self.page.check("#play_zero_balance")
        assert self.save() == ["Saved."]
        expect(self.page.locator("#playback-order")).to_contain_text(name)

    def _plan_row(self, plan: str) -> int:
        names = self.page.locator("#plans tbody tr td:first-child").all_inner_texts()
        matching = [i for i, text in enumerate(names) if text.split(" (")[0].strip() == plan]
        assert matching, (plan, names)
        return matching[0]

    def adjust(self, msisdn: str, balance_type: str, amount: int, reason: str) -> None:
        self.go("wallets", "Wallets")
        self.page.fill("#msisdn", msisdn)
        self.page.click("#lookup")
        expect(self.page.locator("#wallet-summary")).to_contain_text(msisdn)
        self.page.select_option("#balance_type", balance_type)
        self.page.fill("#amount", str(amount))
        self.page.fill("#reason", reason)
        assert self.save("#adjust") == ["Adjustment applied."]
