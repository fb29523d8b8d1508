"""The SMS keyword grammar: a subscriber's text -> one typed request. Pure.

``BAL``, ``BUNDLES``, ``RECHARGE <PIN>`` (``TOPUP``), ``TRANSFER <number> <amount>``, ``YES``
(confirms a pending transfer), ``LANG <code>`` and ``HELP``, with localized aliases per language
from ``config/sms/keywords.toml``. The English words work in every language; the subscriber's
language's words are tried first. Case and spacing do not matter: the text is NFKC-normalized
(fullwidth letters and digits, Arabic presentation forms), split on any whitespace and the
keyword casefolded. Arabic-Indic digits in arguments are read as ASCII digits.

Arguments go through the USSD validators (menus/validators.py), so a PIN, a number or an amount
is accepted by SMS exactly when the menus would accept it. A known keyword with bad arguments
is ``Invalid`` naming the field (and the notice the menus would show); anything else, the empty
text included, is ``Help(unknown=True)``. Parsing never raises.
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from menus import validators
from menus.binding import BoundMenu
from translations import messages

BASE_LANGUAGE = "en"
DEFAULT_KEYWORDS = Path(__file__).resolve().parents[1] / "config" / "sms" / "keywords.toml"

# Arabic-Indic (U+0660..) and Eastern Arabic-Indic (U+06F0..) digits -> ASCII. NFKC leaves
# them alone, and the validators (rightly) accept ASCII digits only.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_PIN_SEPARATORS = str.maketrans("", "", "-")


class Command(StrEnum):
    BALANCE = "balance"
    RECHARGE = "recharge"
    TRANSFER = "transfer"
    CONFIRM = "confirm"
    LANGUAGE = "language"
    HELP = "help"
    BUNDLES = "bundles"


# -- requests ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Balance:
    """BAL: the subscriber asks for the balance summary (no arguments)."""


@dataclass(frozen=True, slots=True)
class Bundles:
    """BUNDLES: what is left of the subscriber's bundles, with their expiry dates."""


@dataclass(frozen=True, slots=True)
class Recharge:
    pin: str = field(repr=False)  # a secret: never in a repr, a log line or an error


@dataclass(frozen=True, slots=True)
class Transfer:
    recipient: str  # E.164
    amount_minor: int


@dataclass(frozen=True, slots=True)
class Confirm:
    """YES: complete the pending transfer, if any (menus/sms_transfer_confirmation.py)."""


@dataclass(frozen=True, slots=True)
class Language:
    code: str  # one of the grammar's languages


@dataclass(frozen=True, slots=True)
class Help:
    unknown: bool = False  # True: the text was not a command (answer with help all the same)


@dataclass(frozen=True, slots=True)
class Invalid:
    """A known keyword with bad arguments. ``field`` is "pin", "recipient", "amount" or
    "language"; ``reason`` is "missing", "invalid" or "extra" (more words than it takes);
    ``notice`` is what the menus would show for it."""

    command: Command
    field: str
    reason: str
    notice: messages.Message | None = None


_COMMAND_NAMES = frozenset(c.value for c in Command)

SmsRequest = Balance | Bundles | Recharge | Transfer | Confirm | Language | Help | Invalid


# -- keywords ---------------------------------------------------------------------------------


class KeywordsError(ValueError):
    """A keywords file that cannot be used; ``key`` names the offending entry."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


def _fold(word: str) -> str:
    return unicodedata.normalize("NFKC", word).casefold()


@dataclass(frozen=True, slots=True)
class Keywords:
    """Aliases per language and command, as configured (first alias = the one help shows)."""

    aliases: Mapping[str, Mapping[Command, tuple[str, ...]]]

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Keywords:
        unknown_top = set(raw) - {"keywords"}
        if unknown_top:
            raise KeywordsError(sorted(unknown_top)[0], "unknown key")
        tables = raw.get("keywords")
        if not isinstance(tables, Mapping) or BASE_LANGUAGE not in tables:
            raise KeywordsError(f"keywords.{BASE_LANGUAGE}", "required")
        aliases: dict[str, dict[Command, tuple[str, ...]]] = {}
        for language, table in tables.items():
            if not isinstance(table, Mapping):
                raise KeywordsError(f"keywords.{language}", "must be a table")
            aliases[language] = {}
            for name, words in table.items():
                key = f"keywords.{language}.{name}"
                if name not in _COMMAND_NAMES:
                    raise KeywordsError(key, f"unknown command; known: {', '.join(Command)}")
                if (not isinstance(words, list) or not words
                        or not all(isinstance(w, str) and w and len(w.split()) == 1
                                   and w == w.strip() for w in words)):
                    raise KeywordsError(key, "must be a non-empty list of single words")
                aliases[language][Command(name)] = tuple(words)
        missing = set(Command) - set(aliases[BASE_LANGUAGE])
        if missing:
            raise KeywordsError(f"keywords.{BASE_LANGUAGE}.{sorted(missing)[0]}", "required")
        keywords = cls(aliases)
        for language in aliases:
            keywords.table(language)  # raises on a word with two meanings
        return keywords

    @classmethod
    def load(cls, path: Path = DEFAULT_KEYWORDS) -> Keywords:
        with path.open("rb") as fh:
            return cls.from_dict(tomllib.load(fh))

    def table(self, language: str) -> dict[str, Command]:
        """Folded word -> command for ``language``: its own words, then the base ones. A word
        with two meanings within one language is an error; a base word the language uses
        for something else is shadowed (the subscriber's language wins)."""
        table: dict[str, Command] = {}
        for lang in dict.fromkeys((language, BASE_LANGUAGE)):
            own: dict[str, Command] = {}
            for command, words in self.aliases.get(lang, {}).items():
                for word in words:
                    folded = _fold(word)
                    if own.get(folded, command) is not command:
                        raise KeywordsError(f"keywords.{lang}.{command}",
                                            f"{word!r} also means {own[folded]}")
                    own[folded] = command
            for folded, command in own.items():
                table.setdefault(folded, command)
        return table

    def first(self, language: str, command: Command) -> str:
        words = self.aliases.get(language, {}).get(command)
        return (words or self.aliases[BASE_LANGUAGE][command])[0]


# -- the grammar ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SmsGrammar:
    """Keywords plus the provider's facts the arguments are checked against."""

    keywords: Keywords
    languages: tuple[str, ...]  # what LANG accepts
    region: str  # for national numbers ("0700000002")
    currency_digits: int
    transfer_limits: tuple[int, int]  # minor units, inclusive
    pin_length: tuple[int, int] = (10, 20)
    _tables: dict[str, dict[str, Command]] = field(default_factory=dict, init=False,
                                                   repr=False, compare=False)

    def __post_init__(self) -> None:
        for language in dict.fromkeys((*self.keywords.aliases, *self.languages)):
            self._tables[language] = self.keywords.table(language)

    @classmethod
    def for_menu(cls, keywords: Keywords, bound: BoundMenu) -> SmsGrammar:
        """The same facts the USSD menus check answers against."""
        return cls(keywords, bound.languages, bound.provider.default_region,
                   bound.currency_digits, bound.transfer_limits, bound.pin_length)

    def parse(self, text: str, language: str) -> SmsRequest:
        words = unicodedata.normalize("NFKC", text).split()
        if not words:
            return Help(unknown=True)
        table = self._tables.get(language) or self._tables[BASE_LANGUAGE]
        command = table.get(words[0].casefold())
        args = [w.translate(_DIGITS) for w in words[1:]]
        match command:
            case Command.BALANCE:
                return Balance()
            case Command.BUNDLES:
                return Bundles()
            case Command.CONFIRM:
                return Confirm()
            case Command.HELP:
                return Help()
            case Command.RECHARGE:
                return self._recharge(args)
            case Command.TRANSFER:
                return self._transfer(args)
            case Command.LANGUAGE:
                return self._language(args)
        return Help(unknown=True)

    def help_message(self, language: str) -> messages.Help:
        """The help text's keywords in ``language`` (its first alias of each)."""
        first = self.keywords.first
        return messages.Help(balance_keyword=first(language, Command.BALANCE),
                             recharge_keyword=first(language, Command.RECHARGE),
                             send_keyword=first(language, Command.TRANSFER),
                             bundles_keyword=first(language, Command.BUNDLES),
                             language_keyword=first(language, Command.LANGUAGE))

    def _recharge(self, args: list[str]) -> SmsRequest:
        if not args:
            return Invalid(Command.RECHARGE, "pin", "missing", messages.InvalidChoice())
        # Vouchers print PINs in groups: "1234 5678 9012" and "1234-5678-9012" are one PIN.
        checked = validators.voucher_pin("".join(args).translate(_PIN_SEPARATORS),
                                         *self.pin_length)
        if isinstance(checked, validators.Invalid):
            return Invalid(Command.RECHARGE, "pin", "invalid", checked.notice)
        return Recharge(str(checked.value))

    def _transfer(self, args: list[str]) -> SmsRequest:
        if not args:
            return Invalid(Command.TRANSFER, "recipient", "missing",
                           messages.MenuText("invalid_number"))
        low, high = self.transfer_limits
        amount_notice = messages.TransferInvalidAmount(min_minor=low, max_minor=high)
        recipient = validators.msisdn(args[0], self.region)
        if isinstance(recipient, validators.Invalid):
            return Invalid(Command.TRANSFER, "recipient", "invalid", recipient.notice)
        if len(args) < 2:
            return Invalid(Command.TRANSFER, "amount", "missing", amount_notice)
        if len(args) > 2:
            return Invalid(Command.TRANSFER, "amount", "extra", amount_notice)
        amount = validators.amount(args[1], self.currency_digits, low, high)
        if isinstance(amount, validators.Invalid):
            return Invalid(Command.TRANSFER, "amount", "invalid", amount.notice)
        value = amount.value
        assert isinstance(value, int)
        return Transfer(str(recipient.value), value)

    def _language(self, args: list[str]) -> SmsRequest:
        if not args:
            return Invalid(Command.LANGUAGE, "language", "missing")
        if len(args) > 1:
            return Invalid(Command.LANGUAGE, "language", "extra")
        code = args[0].casefold()
        if code not in self.languages:
            return Invalid(Command.LANGUAGE, "language", "invalid")
        return Language(code)
