"""NCC balance and wallet texts: a wallet snapshot -> the lines a notification lists.

NCC's message values (CCS Wallet Management, 'Message values'):

* cash:     ``[Translated Name] [Currency Code][Balance] [Separator]``
* non-cash: ``[Translated Name] [Balance]``

Here the layout of the name and value comes from the translation's single format (default
``"{name} {balance}"``, see ``translations.config``), then the dual-currency value, then the
expiry text (``balance_expiry_text % days`` or the no-expiry text), joined by single spaces and
skipping empty parts; the separator follows a balance when another balance follows it.

Rules kept from NCC: a balance type with no translation in the language is not mentioned at
all; an empty translated name drops the name part (and its space).

Which figure: ``available`` (total minus what open reservations hold), i.e. what the subscriber
can spend now; showing ``total`` during a call would promise money already reserved for it.
Which order: the default cash balance first (it is what most balance checks are about and must
be on the first USSD screen), then the snapshot's order.

The formatters are compiled once per translation set (formats parsed with the name and code
filled in, rates and number styles resolved), so a balance line costs a dict lookup, one or
two number formats and a few string concatenations.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from core.balance_types import BalanceType
from core.clock import EpochSeconds, days_until
from core.snapshots import BalanceSnapshot, WalletSnapshot
from translations.config import BalanceTypeTranslation, TranslationSet, WalletNameTranslation
from translations.formats import locale_formats
from translations.numerals import NumberStyle, currency_digits, decimal_style, money_style
from translations.rates import CurrencyRate
from translations.rules import DEFAULT_DUAL_FORMAT


@dataclass(frozen=True, slots=True)
class BalanceLine:
    balance_type_name: str
    text: str  # name, value(s) and expiry; no separator
    separator: str  # shown after ``text`` when another balance follows


def without_name(template: str) -> str:
    """``template`` with its ``{name}`` fields removed and the spaces around them closed up,
    for translations whose name is empty ("this part of the message will not be sent")."""
    pieces: list[str] = []
    for literal, name, _, _ in string.Formatter().parse(template):
        pieces.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is not None and name != "name":
            pieces.append("{" + name + "}")
    text = "".join(pieces)
    while "  " in text:
        text = text.replace("  ", " ")
    return text.strip(" ")


@dataclass(frozen=True, slots=True)
class Layout:
    """A balance format compiled for one translation: the constant placeholders ({name},
    {currency}) are filled in once, leaving the text before the first value and
    (value placeholder, text after it) pairs. Rendering is then string concatenation."""

    head: str
    tail: tuple[tuple[str, str], ...]

    @classmethod
    def compile(cls, template: str, constants: dict[str, str]) -> Layout:
        head: list[str] = []
        tail: list[tuple[str, list[str]]] = []
        for literal, name, _, _ in string.Formatter().parse(template):
            (tail[-1][1] if tail else head).append(literal)
            if name is None:
                continue
            if name in constants:
                (tail[-1][1] if tail else head).append(constants[name])
            else:
                tail.append((name, []))
        return cls("".join(head), tuple((name, "".join(text)) for name, text in tail))

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(name for name, _ in self.tail)

    def render(self, values: dict[str, str]) -> str:
        tail = self.tail
        if len(tail) == 1:
            name, after = tail[0]
            return self.head + values[name] + after
        return self.head + "".join(values[name] + after for name, after in tail)


@dataclass(frozen=True, slots=True)
class _CurrencyView:
    """One currency a cash balance is shown in: its code, rate, layout and number styles."""

    code: str
    rate: CurrencyRate | None  # None: the provider's own currency
    layout: Layout
    language: str
    # Compiled once: the number styles, and which numbers the layout actually shows
    # (formatting a number nobody sees costs as much as one that is shown).
    _digits: int = field(init=False, repr=False, compare=False)
    _money: NumberStyle = field(init=False, repr=False, compare=False)
    _decimal: NumberStyle = field(init=False, repr=False, compare=False)
    _uses_balance: bool = field(init=False, repr=False, compare=False)
    _uses_amount: bool = field(init=False, repr=False, compare=False)
    _balance_only: tuple[str, str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_digits", currency_digits(self.code))
        object.__setattr__(self, "_money", money_style(self.language, self.code))
        object.__setattr__(self, "_decimal", decimal_style(self.language))
        object.__setattr__(self, "_uses_balance", "balance" in self.layout.fields)
        object.__setattr__(self, "_uses_amount", "amount" in self.layout.fields)
        tail = self.layout.tail
        only = (
            (self.layout.head, tail[0][1]) if len(tail) == 1 and tail[0][0] == "balance" else None
        )
        object.__setattr__(self, "_balance_only", only)

    def money(self, amount_minor: int) -> str:
        """``amount_minor`` (provider currency) converted and formatted: "KES 100.50"."""
        if self.rate is not None:
            amount_minor = self.rate.convert_minor(amount_minor)
        return self._money.format(amount_minor, self._digits, self._digits)

    def render(self, amount_minor: int) -> str:
        if self.rate is not None:
            amount_minor = self.rate.convert_minor(amount_minor)
        digits = self._digits
        if self._balance_only:  # the usual "{name} {balance}": skip the dict
            head, after = self._balance_only
            return head + self._money.format(amount_minor, digits, digits) + after
        values = {}
        if self._uses_balance:
            values["balance"] = self._money.format(amount_minor, digits, digits)
        if self._uses_amount:
            values["amount"] = self._decimal.format(amount_minor, digits, digits)
        return self.layout.render(values)


@dataclass(frozen=True, slots=True)
class LineFormatter:
    """One balance type in one language, compiled from its translation."""

    language: str
    balance_type: BalanceType
    translation: BalanceTypeTranslation
    currency: str  # the provider's currency: what cash amounts are held in
    single: _CurrencyView | None  # cash only
    dual: _CurrencyView | None  # cash with a dual currency only
    single_layout: Layout  # non-cash: {name} filled in, {balance} left
    value_of: Callable[[int], str]  # non-cash: amount -> "5 min 0 s" (format_value's)

    @property
    def name(self) -> str:
        return self.translation.translated_name

    def value(self, amount: int) -> str:
        """The amount alone in this type's units and display currency ("{balance}")."""
        if self.single is not None:
            return self.single.money(amount)
        return self.value_of(amount)

    def expiry(self, balance: BalanceSnapshot, as_of: EpochSeconds) -> str:
        expires_at = balance.earliest_expiry
        if expires_at is None:
            return self.translation.no_balance_expiry_text
        return self.translation.balance_expiry_text % days_until(expires_at, as_of)

    def text(self, balance: BalanceSnapshot, as_of: EpochSeconds) -> str:
        """Name, value(s) and expiry of ``balance``, without the separator."""
        amount = balance.total - balance.reserved  # ``available``, without the property call
        if self.single is not None:
            text = self.single.render(amount)
            if self.dual is not None:
                text = text + " " + self.dual.render(amount)
        else:
            text = self.single_layout.render({"balance": self.value_of(amount)})
        expiry = self.expiry(balance, as_of)
        return text + " " + expiry if expiry else text

    def line(self, balance: BalanceSnapshot, as_of: EpochSeconds) -> BalanceLine:
        return BalanceLine(
            balance.balance_type.name, self.text(balance, as_of), self.translation.separator
        )


def compile_line(tset: TranslationSet, translation: BalanceTypeTranslation) -> LineFormatter:
    balance_type = tset.balance_type(translation.balance_type_name)
    if balance_type is None:  # TranslationSet validation makes this unreachable
        raise LookupError(translation.balance_type_name)
    language = translation.language
    name = translation.translated_name
    single_template = translation.single_format
    dual_template = translation.dual_format or DEFAULT_DUAL_FORMAT
    if not translation.translated_name:
        single_template = without_name(single_template)
        dual_template = without_name(dual_template)
    single = dual = None
    if balance_type.is_cash:
        code = translation.single_currency or tset.currency
        rate = None if code == tset.currency else tset.rate(tset.currency, code)
        layout = Layout.compile(single_template, {"name": name, "currency": code})
        single = _CurrencyView(code, rate, layout, language)
        if translation.dual_currency is not None:
            dual_code = translation.dual_currency
            dual_rate = None if dual_code == tset.currency else tset.rate(tset.currency, dual_code)
            dual_layout = Layout.compile(dual_template, {"name": name, "currency": dual_code})
            dual = _CurrencyView(dual_code, dual_rate, dual_layout, language)
    return LineFormatter(
        language=language,
        balance_type=balance_type,
        translation=translation,
        currency=tset.currency,
        single=single,
        dual=dual,
        single_layout=Layout.compile(single_template, {"name": name}),
        value_of=locale_formats(language).for_kind(balance_type.unit.kind, tset.currency),
    )


@dataclass(frozen=True, slots=True)
class WalletLine:
    translation: WalletNameTranslation | None

    def text(self, wallet: WalletSnapshot) -> str:
        if self.translation is None:
            # NCC requires a translation per wallet type and language and the loader enforces
            # it; a snapshot with an unconfigured type still gets a usable header.
            return wallet.wallet_type
        if wallet.expires_at is None:
            expiry = self.translation.no_wallet_expiry_text
        else:
            expiry = self.translation.wallet_expiry_text % days_until(
                wallet.expires_at, wallet.as_of
            )
        name = self.translation.translation
        return f"{name} {expiry}" if expiry else name


class NccTexts:
    """Balance and wallet texts of one provider, compiled for every (language, type)."""

    def __init__(self, tset: TranslationSet) -> None:
        self.tset = tset
        self._lines: dict[tuple[str, str], LineFormatter] = {
            (t.language, t.balance_type_name): compile_line(tset, t)
            for t in tset.balance_type_translations
        }
        self._wallets = {
            (t.language, t.wallet_type): WalletLine(t) for t in tset.wallet_name_translations
        }

    def formatter(self, language: str, type_name: str) -> LineFormatter | None:
        """None: the type has no translation in ``language`` and is never mentioned."""
        return self._lines.get((language, type_name))

    def balance_lines(self, wallet: WalletSnapshot, language: str) -> tuple[BalanceLine, ...]:
        lines: list[BalanceLine] = []
        for balance in _display_order(wallet.balances):
            formatter = self._lines.get((language, balance.balance_type.name))
            if formatter is not None:
                lines.append(formatter.line(balance, wallet.as_of))
        return tuple(lines)

    def balance_texts(self, wallet: WalletSnapshot, language: str) -> tuple[str, ...]:
        """The listed lines, separators included: ``joined(balance_lines(...))`` without the
        intermediate objects (this is the hot path of every balance check)."""
        texts: list[str] = []
        separator = ""
        as_of = wallet.as_of
        lines = self._lines
        for balance in _display_order(wallet.balances):
            formatter = lines.get((language, balance.balance_type.name))
            if formatter is not None:
                if texts:
                    texts[-1] += separator
                texts.append(formatter.text(balance, as_of))
                separator = formatter.translation.separator
        return tuple(texts)

    def wallet_text(self, wallet: WalletSnapshot, language: str) -> str:
        wallet_line = self._wallets.get((language, wallet.wallet_type)) or WalletLine(None)
        return wallet_line.text(wallet)


def joined(lines: Iterable[BalanceLine]) -> tuple[str, ...]:
    """Each line's text, with its separator if another line follows."""
    items = list(lines)
    last = len(items) - 1
    return tuple(
        line.text + line.separator if i < last else line.text for i, line in enumerate(items)
    )


def _display_order(balances: tuple[BalanceSnapshot, ...]) -> list[BalanceSnapshot]:
    """The default cash balance first, the others in the snapshot's order."""
    first = [b for b in balances if b.balance_type.is_default_cash]
    if not first:
        return list(balances)
    return first + [b for b in balances if not b.balance_type.is_default_cash]
