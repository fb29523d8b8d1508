"""The menu engine: synchronous and pure.

    start(language, extension)            -> Step
    advance(session, input)               -> Step   (state, input) -> next state + action?
    resume(session, action, result, now)  -> Step   (state, ledger result) -> screen

A ``Step`` carries the next session and either the screen to show or one action for the
ledger; the caller runs the action (with the channel's idempotency key) and calls ``resume``.
Nothing here reads a clock, a store or the network, so every path is a plain function call in
the tests.

Input rules, the same in every state: at most ``MAX_INPUT`` characters, else it is an invalid
choice; "98" shows the next page of a list, "0" the previous page or the state's ``back``;
anything the state cannot use shows the same screen again with the invalid-choice line, and
the session goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

from core.clock import EpochSeconds
from core.snapshots import BalanceSnapshot, WalletSnapshot
from menus import validators
from menus.actions import (
    Action,
    ActionResult,
    BuyBundle,
    Recharge,
    SetLanguage,
    ShowWallet,
    Transfer,
)
from menus.binding import BoundMenu
from menus.model import ActionKind, Choice, Confirm, Input, Show, State, Validator
from menus.model import View as ViewKind
from menus.outcomes import bundle_message, recharge_message, transfer_message
from menus.screens import ChoiceScreen, MessageScreen, PagedScreen, PromptScreen, Screen
from menus.session import MenuSession
from translations.messages import (
    BalanceSummary,
    BundleBalance,
    BundleBalances,
    BundleConfirmRequest,
    GenericError,
    InvalidChoice,
    LanguageChanged,
    MenuText,
    Message,
    NotASubscriber,
    TransferConfirmRequest,
)

MAX_INPUT = 32
MORE = "98"
BACK = "0"
CONFIRM = "1"
CANCEL = "2"


class PageCounts(Protocol):
    """How many pages a choice state has in a language (a property of its rendered text)."""

    def choice_pages(self, state: str, language: str, noticed: bool) -> int: ...


@dataclass(frozen=True, slots=True)
class Step:
    session: MenuSession
    screen: Screen | None = None
    action: Action | None = None


class Engine:
    def __init__(self, bound: BoundMenu, pages: PageCounts) -> None:
        self.bound = bound
        self.menu = bound.menu
        self._pages = pages

    # -- the three entry points -------------------------------------------------------------

    def start(self, language: str, extension: str | None = None) -> Step:
        """A new session; ``extension`` is what was dialled after the code (*100*1# -> "1")."""
        session = MenuSession(state=self.menu.start, language=language)
        if extension is None:
            return self._enter(session, self.menu.start)
        target = self.menu.shortcuts.get(extension)
        if target is not None:
            return self._enter(session, target)
        name = self.menu.extension_input
        if name is not None:
            state = self.menu.states[name]
            assert isinstance(state, Input)
            step = self._input(session.at(name), state, extension)
            if step.action is not None:
                return step
        return self._invalid(session, self.menu.states[self.menu.start])

    def advance(self, session: MenuSession, text: str | None) -> Step:
        """The subscriber answered ``text`` (None: the channel could not tell what)."""
        state = self.menu.states.get(session.state)
        if state is None:  # a session written by another version of the menu
            return self.start(session.language)
        if text is None or len(text) > MAX_INPUT:
            return self._invalid(session, state)
        text = text.strip()
        match state:
            case Choice():
                return self._choose(session, state, text)
            case Input():
                if text == BACK and state.back is not None:
                    return self._enter(session, state.back)
                return self._input(session, state, text)
            case Confirm():
                return self._confirm(session, state, text)
            case Show():
                if text == MORE:
                    return Step(replace(session, page=session.page + 1, noticed=False),
                                action=ShowWallet(state.view))
                return Step(replace(session, noticed=True), action=ShowWallet(state.view))

    def resume(self, session: MenuSession, action: Action, result: ActionResult,
               now: EpochSeconds) -> Step:
        outcome, wallet = result.outcome, result.wallet
        match action:
            case ShowWallet(view=view):
                if wallet is None:
                    return _end(session, NotASubscriber())
                message: Message = (BalanceSummary(wallet) if view is ViewKind.BALANCE
                                    else BundleBalances(bundles_of(wallet)))
                notice = InvalidChoice() if session.noticed else None
                return Step(session, PagedScreen(message, session.page, notice))
        if outcome is None:
            return _end(session, GenericError())
        match action:
            case Recharge():
                return _end(session, recharge_message(outcome, action, self.bound, now))
            case Transfer():
                return _end(session, transfer_message(outcome, action, self.bound, wallet))
            case BuyBundle():
                return _end(session, bundle_message(outcome, action, self.bound, wallet))
            case SetLanguage(language=language):
                if not outcome.ok:
                    return _end(session, GenericError())
                changed = replace(session, language=language)
                return _end(changed, LanguageChanged(language=language))
        return _end(session, GenericError())  # pragma: no cover - every action is matched

    # -- states ---------------------------------------------------------------------------

    def _enter(self, session: MenuSession, name: str) -> Step:
        session = session.at(name)
        state = self.menu.states[name]
        match state:
            case Choice():
                return Step(session, ChoiceScreen(name, 0))
            case Input():
                return Step(session, PromptScreen(self.bound.prompts[name],
                                                  back=state.back is not None))
            case Confirm():
                request = self._confirmation(session, state)
                if request is None:
                    return _end(session, GenericError())
                return Step(session, MessageScreen(request, end=False))
            case Show():
                return Step(session, action=ShowWallet(state.view))

    def _choose(self, session: MenuSession, state: Choice, text: str) -> Step:
        if text == MORE and session.page + 1 < self._count(session, state):
            return Step(replace(session, page=session.page + 1),
                        ChoiceScreen(state.name, session.page + 1, session.noticed))
        if text == BACK:
            if session.page > 0:
                return Step(replace(session, page=session.page - 1),
                            ChoiceScreen(state.name, session.page - 1, session.noticed))
            if state.back is not None:
                return self._enter(session, state.back)
        number = _option_number(text)
        if state.options_from is not None:
            items = self.bound.items(state.options_from)
            if not 1 <= number <= len(items):
                return self._invalid(session, state)
            item = items[number - 1]
            if state.action is ActionKind.SET_LANGUAGE:
                return Step(session, action=SetLanguage(item))
            assert state.answer is not None
            assert state.next is not None
            return self._enter(session.answer(state.answer, item), state.next)
        if not 1 <= number <= len(state.options):
            return self._invalid(session, state)
        return self._enter(session, state.options[number - 1].next)

    def _input(self, session: MenuSession, state: Input, text: str) -> Step:
        checked = self._check(state.validator, text)
        if isinstance(checked, validators.Invalid):
            screen = PromptScreen(self.bound.prompts[state.name], checked.notice,
                                  back=state.back is not None)
            return Step(replace(session, noticed=True), screen)
        if state.action is ActionKind.RECHARGE:
            assert isinstance(checked.value, str)
            return Step(session, action=Recharge(pin=checked.value))
        assert state.answer is not None
        assert state.next is not None
        return self._enter(session.answer(state.answer, checked.value), state.next)

    def _confirm(self, session: MenuSession, state: Confirm, text: str) -> Step:
        request = self._confirmation(session, state)
        if request is None:
            return _end(session, GenericError())
        if text == CANCEL:
            return _end(session, MenuText("cancelled"))
        if text != CONFIRM:
            return Step(replace(session, noticed=True),
                        MessageScreen(request, end=False, notice=InvalidChoice()))
        if state.action is ActionKind.TRANSFER:
            recipient, amount = session.answers["recipient"], session.answers["amount"]
            assert isinstance(recipient, str)  # checked by _confirmation
            assert isinstance(amount, int)
            return Step(session, action=Transfer(recipient=recipient, amount_minor=amount))
        assert isinstance(request, BundleConfirmRequest)
        return Step(session, action=BuyBundle(product=request.name))

    def _invalid(self, session: MenuSession, state: State) -> Step:
        """The same screen again, with the invalid-choice line."""
        noticed = replace(session, noticed=True)
        match state:
            case Choice():
                return Step(replace(noticed, page=0), ChoiceScreen(state.name, 0, True))
            case Input():
                return Step(noticed, PromptScreen(self.bound.prompts[state.name],
                                                  InvalidChoice(), state.back is not None))
            case Confirm():
                request = self._confirmation(session, state)
                if request is None:
                    return _end(session, GenericError())
                return Step(noticed, MessageScreen(request, end=False, notice=InvalidChoice()))
            case Show():
                return Step(noticed, action=ShowWallet(state.view))

    # -- helpers --------------------------------------------------------------------------

    def _count(self, session: MenuSession, state: Choice) -> int:
        return self._pages.choice_pages(state.name, session.language, session.noticed)

    def _check(self, validator: Validator, text: str) -> validators.Checked:
        bound = self.bound
        match validator:
            case Validator.VOUCHER_PIN:
                return validators.voucher_pin(text, *bound.pin_length)
            case Validator.MSISDN:
                return validators.msisdn(text, bound.provider.default_region)
            case Validator.AMOUNT:
                low, high = bound.transfer_limits
                return validators.amount(text, bound.currency_digits, low, high)

    def _confirmation(self, session: MenuSession, state: Confirm) -> Message | None:
        """The confirmation request from the answers; None if they are missing (a session
        from another version of the menu)."""
        answers = session.answers
        if state.action is ActionKind.TRANSFER:
            recipient, amount = answers.get("recipient"), answers.get("amount")
            if not isinstance(recipient, str) or not isinstance(amount, int):
                return None
            return TransferConfirmRequest(amount_minor=amount,
                                          recipient=self.bound.display_number(recipient),
                                          fee_minor=self.bound.transfer_fee(amount),
                                          confirm_option=CONFIRM, cancel_option=CANCEL)
        name = answers.get("product")
        product = self.bound.product(name) if isinstance(name, str) else None
        if product is None:
            return None
        return BundleConfirmRequest(name=product.name, price_minor=product.price,
                                    confirm_option=CONFIRM, cancel_option=CANCEL)


def bundles_of(wallet: WalletSnapshot) -> tuple[BundleBalance, ...]:
    """The wallet's bundle buckets that still hold something, soonest expiry first."""
    found = [
        BundleBalance(
            name=bucket.product,
            balance=BalanceSnapshot(balance.balance_type, total=bucket.value, reserved=0,
                                    credit_limit=0, buckets=(bucket,)),
            expires_at=bucket.expires_at)
        for balance in wallet.balances
        for bucket in balance.buckets
        if bucket.product is not None and bucket.value > 0
        and (bucket.expires_at is None or bucket.expires_at > wallet.as_of)
    ]
    never = wallet.as_of + 10**12
    found.sort(key=lambda b: (b.expires_at if b.expires_at is not None else never, b.name))
    return tuple(found)


def _end(session: MenuSession, message: Message) -> Step:
    return Step(session, MessageScreen(message, end=True))


def _option_number(text: str) -> int:
    """The option a text picks; 0 for anything but a plain number ("01" is not "1")."""
    if not (text.isascii() and text.isdigit()) or text != str(int(text)):
        return 0
    return int(text)
