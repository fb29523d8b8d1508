"""A USSD menu as data: named states of four kinds (config/menus/*.toml, read by menus.loading).

* ``Choice``: numbered options. Either fixed options (a menu text and the state it leads to) or
  options taken from the provider (``languages``, ``products``); long lists page with the
  localized "98 More", and "0 Back" goes to the previous page or to ``back``.
* ``Input``: a prompt and a validator (voucher PIN, MSISDN, amount); a valid answer is stored
  under ``answer`` and leads to ``next``, or is handed straight to an ``action`` (a voucher PIN
  is never stored: it goes to the ledger in the same step).
* ``Confirm``: the confirmation of an action built from the answers ("1 Confirm", "2 Cancel").
* ``Show``: a ledger view (balance, bundles), paged; the dialogue ends on its last page.

The vocabularies (validators, actions, views, option sources) are closed enums: a menu file
binds to what the engine knows how to do, and a typo is refused when the file is loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

MAX_OPTIONS = 97  # 98 is "More"; 0 is "Back"


class Validator(StrEnum):
    VOUCHER_PIN = "voucher_pin"
    MSISDN = "msisdn"
    AMOUNT = "amount"


class ActionKind(StrEnum):
    RECHARGE = "recharge"  # an Input state's voucher PIN
    TRANSFER = "transfer"  # a Confirm state over the answers "recipient" and "amount"
    BUY_BUNDLE = "buy_bundle"  # a Confirm state over the answer "product"
    SET_LANGUAGE = "set_language"  # a Choice state over the provider's languages


class OptionSource(StrEnum):
    LANGUAGES = "languages"
    PRODUCTS = "products"


class View(StrEnum):
    BALANCE = "balance"
    BUNDLES = "bundles"


# The answers each confirmed action reads; some state must set each of them.
ACTION_ANSWERS: Mapping[ActionKind, tuple[str, ...]] = {
    ActionKind.TRANSFER: ("recipient", "amount"),
    ActionKind.BUY_BUNDLE: ("product",),
}
AMOUNT_PROMPT = "enter_amount"  # the prompt naming the transfer limits (AmountPrompt)


@dataclass(frozen=True, slots=True)
class Option:
    text: str  # a translations.messages.MENU_TEXTS name
    next: str


@dataclass(frozen=True, slots=True)
class Choice:
    name: str
    title: str | None = None
    options: tuple[Option, ...] = ()
    options_from: OptionSource | None = None
    answer: str | None = None  # with options_from: the answer a chosen item is stored as
    next: str | None = None  # with options_from and answer
    action: ActionKind | None = None  # with options_from = languages: set_language
    back: str | None = None


@dataclass(frozen=True, slots=True)
class Input:
    name: str
    prompt: str  # a MENU_TEXTS name, or AMOUNT_PROMPT
    validator: Validator
    answer: str | None = None
    next: str | None = None
    action: ActionKind | None = None
    back: str | None = None


@dataclass(frozen=True, slots=True)
class Confirm:
    name: str
    action: ActionKind


@dataclass(frozen=True, slots=True)
class Show:
    name: str
    view: View


State = Choice | Input | Confirm | Show


@dataclass(frozen=True, slots=True)
class Menu:
    """One service code's menu. ``shortcuts`` map a dialled extension (``*100*1#`` -> "1") to
    a state; any other extension is the answer to ``extension_input`` (``*100*<PIN>#``)."""

    service_code: str
    start: str
    states: Mapping[str, State]
    shortcuts: Mapping[str, str]
    extension_input: str | None = None
