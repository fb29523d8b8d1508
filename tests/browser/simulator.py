"""The phone simulator page as a person uses it: pick a subscriber, press buttons, read the
screen. Each action waits for the page to show its answer (the screen's ``data-seq`` counts the
screens shown), never for a fixed time."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Locator, Page, expect


@dataclass
class Simulator:
    page: Page

    @classmethod
    def open(cls, page: Page, msisdn: str) -> Simulator:
        page.goto("/simulator")
        expect(page.locator("h1")).to_have_text("Phone simulator")
        page.select_option("#msisdn", msisdn)
        return cls(page)

    @property
    def screen(self) -> Locator:
        return self.page.locator("#screen")

    def _seq(self) -> str:
        return self.screen.get_attribute("data-seq") or "0"

    def _after(self, press: str) -> str:
        """Click ``press`` and wait for the next screen; return its text."""
        before = self._seq()
        self.page.click(press)
        expect(self.screen).not_to_have_attribute("data-seq", before)
        return self.screen.inner_text()

    def dial(self, code: str) -> str:
        self.page.fill("#ussd-code", code)
        return self._after("#ussd-dial")

    def answer(self, text: str) -> str:
        self.page.fill("#ussd-answer", text)
        return self._after("#ussd-send")

    @property
    def session_open(self) -> bool:
        return self.page.locator("#ussd-send").is_enabled()

    def sms(self, text: str) -> list[str]:
        """Send ``text``; the replies it got (one item per SMS)."""
        replies = self.page.locator("#sms-replies li.reply")
        before = replies.count()
        self.page.fill("#sms-text", text)
        self._after("#sms-send")
        return replies.all_inner_texts()[before:]

    def call_balance_line(self) -> list[str]:
        self._after("#ivr-call")
        return self.page.locator("#ivr-prompts li").all_inner_texts()

    def call_recharge_line(self) -> list[str]:
        self._after("#ivr-recharge-call")
        return self.page.locator("#ivr-recharge-prompts li").all_inner_texts()

    def key_in(self, digits: str) -> list[str]:
        """Type ``digits`` on the keypad and press # (the recharge line's PIN)."""
        shown = self.page.locator("#ivr-recharge-prompts li")
        before = shown.count()
        self.page.fill("#ivr-digits", digits)
        self._after("#ivr-digits-send")
        return shown.all_inner_texts()[before:]
