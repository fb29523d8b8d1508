"""Every screen the demo menu can show fits one USSD string in every language (182 GSM-7
septets, or 80 UCS2 characters), and the menu texts are translated."""

from __future__ import annotations

import pytest

from menus.model import Choice, Input
from menus.present import Reply, single_screen
from menus.screens import ChoiceScreen, MessageScreen, PagedScreen, PromptScreen
from tests.unit.menus.support import (
    LANGUAGES,
    demo_bound,
    demo_presenter,
    demo_renderer,
)
from tests.unit.translations.fixtures import six_balances, wallet
from translations.gsm import Encoding, prepare
from translations.messages import (
    MENU_TEXTS,
    BalanceSummary,
    BundleBought,
    BundleConfirmRequest,
    BundleInsufficient,
    GenericError,
    InvalidChoice,
    LanguageChanged,
    MenuText,
    Message,
    NotASubscriber,
    RechargeBadPin,
    RechargeLocked,
    RechargeOk,
    TransferConfirmRequest,
    TransferFailedInsufficient,
    TransferInvalidAmount,
    TransferOkSender,
    TransferRecipientRefused,
    VoucherUsed,
)
from translations.ussd import SCREEN_LIMIT

RECIPIENT = "0700000002"  # as the menu shows a number of the provider's country
BIG = 9_999_999  # KES 99,999.99: the widest amount a demo wallet can hold


def assert_fits(reply: Reply) -> None:
    prepared = prepare(reply.text)
    assert prepared.units <= SCREEN_LIMIT[prepared.encoding], (prepared.units, reply.text)
    assert prepared.text == reply.text  # already folded for the wire


def choice_states() -> list[str]:
    return [n for n, s in demo_bound().menu.states.items() if isinstance(s, Choice)]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("state", choice_states())
@pytest.mark.parametrize("noticed", [False, True])
def test_every_page_of_every_choice_fits(language: str, state: str, noticed: bool) -> None:
    presenter = demo_presenter()
    pages = presenter.choice_pages(state, language, noticed)
    assert pages >= 1
    texts = [presenter.render(ChoiceScreen(state, page, noticed), language)
             for page in range(pages)]
    for reply in texts:
        assert_fits(reply)
        assert not reply.end
    if noticed:
        assert texts[0].text.startswith(demo_renderer().render(InvalidChoice(), language))
    more = demo_renderer().lines(demo_renderer_message_more(), language)[0]
    assert [more in t.text.splitlines() for t in texts] == [True] * (pages - 1) + [False]


def demo_renderer_message_more() -> Message:
    from translations.messages import More

    return More()


def test_the_main_menu_is_one_page_in_every_language() -> None:
    for language in LANGUAGES:
        assert demo_presenter().choice_pages("main", language, False) == 1


NOTICES: list[Message | None] = [
    None, InvalidChoice(), MenuText("invalid_number"),
    TransferInvalidAmount(min_minor=1_000, max_minor=1_000_000)]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("notice", NOTICES)
def test_every_prompt_fits_with_any_notice(language: str, notice: Message | None) -> None:
    bound = demo_bound()
    for name, state in bound.menu.states.items():
        if not isinstance(state, Input):
            continue
        reply = demo_presenter().render(
            PromptScreen(bound.prompts[name], notice, back=True), language)
        assert_fits(reply)
        if notice is not None:  # the notice is what says what went wrong: it always shows
            notice_text = prepare(demo_renderer().render(notice, language)).text
            assert reply.text.startswith(notice_text)


CONFIRMATIONS: list[Message] = [
    TransferConfirmRequest(amount_minor=1_000_000, recipient=RECIPIENT, fee_minor=100),
    BundleConfirmRequest(name="Voice 100", price_minor=5_000),
]
OUTCOMES: list[Message] = [
    RechargeOk(credited_minor=BIG, new_balance_minor=BIG), RechargeBadPin(attempts_left=2),
    RechargeLocked(locked_for_hours=24), VoucherUsed(), NotASubscriber(), GenericError(),
    TransferOkSender(amount_minor=1_000_000, recipient=RECIPIENT, new_balance_minor=BIG),
    TransferFailedInsufficient(amount_minor=1_000_000, available_minor=BIG),
    TransferInvalidAmount(min_minor=1_000, max_minor=1_000_000),
    TransferRecipientRefused(recipient=RECIPIENT), LanguageChanged(language="ar"),
    BundleBought(name="Data 1GB", price_minor=10_000, valid_days=30),
    BundleInsufficient(name="Data 1GB", price_minor=10_000, balance_minor=BIG),
    MenuText("cancelled"),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("message", CONFIRMATIONS + OUTCOMES, ids=lambda m: m.key)
def test_confirmations_and_outcomes_fit_without_cutting(language: str, message: Message
                                                        ) -> None:
    whole = prepare(demo_renderer().render(message, language))
    assert whole.units <= SCREEN_LIMIT[whole.encoding], whole.text
    reply = demo_presenter().render(MessageScreen(message, end=True), language)
    assert reply == Reply(whole.text, end=True)
    assert single_screen(demo_renderer(), message, language) == whole.text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("message", CONFIRMATIONS, ids=lambda m: m.key)
def test_an_invalid_answer_to_a_confirmation_keeps_the_confirmation(language: str,
                                                                    message: Message) -> None:
    reply = demo_presenter().render(MessageScreen(message, False, InvalidChoice()), language)
    assert_fits(reply)
    assert reply.text.endswith(prepare(demo_renderer().render(message, language)).text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_long_balance_pages_and_ends_on_its_last_page(language: str) -> None:
    summary = BalanceSummary(wallet(six_balances(), language=language))
    presenter = demo_presenter()
    replies = []
    for page in range(12):
        replies.append(presenter.render(PagedScreen(summary, page), language))
        if replies[-1].end:
            break
    assert replies[-1].end
    assert all(not r.end for r in replies[:-1])
    for reply in replies:
        assert_fits(reply)
    past_the_end = presenter.render(PagedScreen(summary, page + 5), language)
    assert past_the_end == replies[-1]
    if language == "ar":
        assert len(replies) > 1


def test_a_confirmation_too_long_for_a_screen_keeps_its_answers() -> None:
    long_name = "Unlimited Weekend Data and Voice Bundle Plus " * 3
    message = BundleConfirmRequest(name=long_name, price_minor=5_000)
    for language in LANGUAGES:
        reply = demo_presenter().render(MessageScreen(message, end=False), language)
        assert_fits(reply)
        lines = reply.text.splitlines()
        assert [line.split()[0] for line in lines[-2:]] == ["1", "2"], reply.text


@pytest.mark.parametrize("language", ["fr", "sw", "ar"])
def test_every_menu_text_is_translated(language: str) -> None:
    renderer = demo_renderer()
    for text in MENU_TEXTS:
        english = renderer.render(MenuText(text), "en")
        translated = renderer.render(MenuText(text), language)
        assert translated, text
        assert translated != english, text


@pytest.mark.parametrize("language", ["en", "fr", "sw"])
def test_latin_script_menus_stay_gsm7(language: str) -> None:
    for state in ("main", "bundles"):
        text = demo_presenter().render(ChoiceScreen(state, 0), language).text
        assert prepare(text).encoding is Encoding.GSM7, text
