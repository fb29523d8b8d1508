"""A service provider's translation configuration (NCC 'Balance Type Translations' and
'Wallet Name Translation' tabs) and the rules that constrain it.

Every rule returns (field, message) so a console or API can show each next to its field. A
``TranslationSet`` validates itself on construction and is immutable, so an invalid set never
exists: adding a translation returns a new set or raises ``ValidationError`` and the original
is untouched (nothing half-built).

Format fields: NCC names "Single/Dual Format for Balance" but the seed text does not define
their syntax, so here they are ``str.format`` templates over a fixed set of placeholders:

* ``{name}``     the translated name (the NCC "[Translated Balance Type Name]");
* ``{balance}``  the formatted value: for cash the CLDR currency format with the ISO code
  ("KES 100.50"), otherwise the value in its units ("5 min 0 s", "1.5 GB", "20 SMS");
* ``{amount}``, ``{currency}``  (cash only) the bare number and the ISO code, for operators who
  want NCC's literal "[Currency Code][Balance]" layout: ``"{name} {currency}{amount}"``.

NCC's seed is contradictory about the Separator (one passage: between main and sub units;
the field table and its example: between balances). We follow the field table and its example
("General Cash balance $20.00 , Promotional Cash balance $10.00 ."): the separator of a balance
follows it when another balance comes after it, attached without a space ("KES 20.00,");
an operator who wants NCC's spaced look sets the separator to " ,". The decimal mark is
CLDR's, per language.

Rules from NCC: translated name at most 20 characters (empty allowed), wallet translation
required and at most 12, one translation per (language, balance type) and per (language,
wallet type), currency fields only on cash types, expiry texts must contain %d. Rules added
here, each to stop a message breaking at send time rather than at save time: exactly one %d
and no other % directive (``text % days`` must not fail), one-line texts of at most 60
characters, a separator of at most 3 characters, formats using only the placeholders above,
currencies known to CLDR and reachable from the provider's currency by a configured rate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from babel.core import UnknownLocaleError
from babel.numbers import is_currency

from core.balance_types import BalanceType
from translations.numerals import parse_locale
from translations.rates import CurrencyRate, validate_rate
from translations.rules import (
    CASH_PLACEHOLDERS,
    DEFAULT_SINGLE_FORMAT,
    NON_CASH_PLACEHOLDERS,
    SEPARATOR_MAX_CHARS,
    TEXT_MAX_CHARS,
    TRANSLATED_NAME_MAX_CHARS,
    WALLET_TRANSLATION_MAX_CHARS,
    FieldError,
    expiry_text_problem,
    format_problem,
    length_problem,
)


class ValidationError(ValueError):
    """Bad configuration. ``errors`` lists every broken rule as (field, message); a field
    inside a list is named with its index, e.g. ``balance_type_translations[2].separator``."""

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors: list[FieldError] = list(errors)
        super().__init__("; ".join(f"{name}: {message}" for name, message in self.errors))

    @property
    def fields(self) -> list[str]:
        return [name for name, _ in self.errors]


@dataclass(frozen=True, slots=True, kw_only=True)
class BalanceTypeTranslation:
    """How one balance type is named and shown in one language (NCC field for field)."""

    language: str
    balance_type_name: str
    translated_name: str  # <= 20 characters; empty: the name part is not sent
    single_currency: str | None = None  # cash only: show in this currency instead
    dual_currency: str | None = None  # cash only: also show in this currency
    single_format: str = DEFAULT_SINGLE_FORMAT
    dual_format: str | None = None  # cash with a dual currency; None means the default
    separator: str = ""
    balance_expiry_text: str  # must contain %d (days left)
    no_balance_expiry_text: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class WalletNameTranslation:
    """How one wallet type is named in one language."""

    language: str
    wallet_type: str
    translation: str  # required, <= 12 characters
    wallet_expiry_text: str  # must contain %d (days left)
    no_wallet_expiry_text: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class TranslationSet:
    """All translations of one service provider, validated as a whole on construction."""

    provider_id: int
    provider_name: str
    currency: str  # ISO 4217 code of the provider's cash balances
    languages: tuple[str, ...]
    fallback_language: str  # used when a subscriber's language is not in ``languages``
    balance_types: tuple[BalanceType, ...]
    wallet_types: tuple[str, ...]
    rates: tuple[CurrencyRate, ...] = ()
    balance_type_translations: tuple[BalanceTypeTranslation, ...] = ()
    wallet_name_translations: tuple[WalletNameTranslation, ...] = ()
    _types: dict[str, BalanceType] = field(init=False, repr=False, compare=False)
    _balance_index: dict[tuple[str, str], BalanceTypeTranslation] = field(
        init=False, repr=False, compare=False
    )
    _wallet_index: dict[tuple[str, str], WalletNameTranslation] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_types", {bt.name: bt for bt in self.balance_types})
        errors = self._set_problems()
        balance_index: dict[tuple[str, str], BalanceTypeTranslation] = {}
        for i, bt_translation in enumerate(self.balance_type_translations):
            prefix = f"balance_type_translations[{i}]."
            problems = self._balance_translation_problems(bt_translation, balance_index)
            errors.extend((prefix + name, message) for name, message in problems)
            key = (bt_translation.language, bt_translation.balance_type_name)
            balance_index.setdefault(key, bt_translation)
        wallet_index: dict[tuple[str, str], WalletNameTranslation] = {}
        for i, wallet_translation in enumerate(self.wallet_name_translations):
            prefix = f"wallet_name_translations[{i}]."
            problems = self._wallet_translation_problems(wallet_translation, wallet_index)
            errors.extend((prefix + name, message) for name, message in problems)
            key = (wallet_translation.language, wallet_translation.wallet_type)
            wallet_index.setdefault(key, wallet_translation)
        if errors:
            raise ValidationError(errors)
        object.__setattr__(self, "_balance_index", balance_index)
        object.__setattr__(self, "_wallet_index", wallet_index)

    # -- lookups ------------------------------------------------------------------------

    def balance_type(self, name: str) -> BalanceType | None:
        return self._types.get(name)

    def balance_translation(self, language: str, type_name: str) -> BalanceTypeTranslation | None:
        """None means: in this language the balance type is never mentioned (NCC)."""
        return self._balance_index.get((language, type_name))

    def wallet_translation(self, language: str, wallet_type: str) -> WalletNameTranslation | None:
        return self._wallet_index.get((language, wallet_type))

    def rate(self, from_currency: str, to_currency: str) -> CurrencyRate | None:
        return next(
            (
                r
                for r in self.rates
                if r.from_currency == from_currency and r.to_currency == to_currency
            ),
            None,
        )

    def resolve_language(self, requested: str | None) -> str:
        """The provider language to use: ``requested`` ("fr", "fr_FR", "fr-FR") if the
        provider has it or its base language, else the fallback language."""
        if requested:
            normalized = requested.replace("-", "_")
            if normalized in self.languages:
                return normalized
            base = normalized.split("_", 1)[0].lower()
            if base in self.languages:
                return base
        return self.fallback_language

    def missing_wallet_translations(self) -> list[tuple[str, str]]:
        """(language, wallet type) pairs with no translation. NCC requires one for each; a
        set under construction may lack some, a loaded configuration may not."""
        return [
            (language, wallet_type)
            for language in self.languages
            for wallet_type in self.wallet_types
            if (language, wallet_type) not in self._wallet_index
        ]

    # -- changes (each returns a new, validated set) ------------------------------------

    def with_balance_type_translation(
        self, translation: BalanceTypeTranslation, *, replace_existing: bool = False
    ) -> TranslationSet:
        """This set plus ``translation``; raises ``ValidationError`` naming bare fields.

        ``replace_existing`` edits the record with the same (language, balance type): NCC
        lets those two fields be chosen once and never changed, so they are the record's key.
        """
        key = (translation.language, translation.balance_type_name)
        others = self._balance_index
        kept = self.balance_type_translations
        if replace_existing:
            others = {k: v for k, v in others.items() if k != key}
            kept = tuple(t for t in kept if (t.language, t.balance_type_name) != key)
        problems = self._balance_translation_problems(translation, others)
        if problems:
            raise ValidationError(problems)
        return replace(self, balance_type_translations=(*kept, translation))

    def with_wallet_name_translation(
        self, translation: WalletNameTranslation, *, replace_existing: bool = False
    ) -> TranslationSet:
        """This set plus ``translation``; raises ``ValidationError`` naming bare fields."""
        key = (translation.language, translation.wallet_type)
        others = self._wallet_index
        kept = self.wallet_name_translations
        if replace_existing:
            others = {k: v for k, v in others.items() if k != key}
            kept = tuple(t for t in kept if (t.language, t.wallet_type) != key)
        problems = self._wallet_translation_problems(translation, others)
        if problems:
            raise ValidationError(problems)
        return replace(self, wallet_name_translations=(*kept, translation))

    # -- rules ---------------------------------------------------------------------------

    def _set_problems(self) -> list[FieldError]:
        errors: list[FieldError] = []
        if not self.provider_name.strip():
            errors.append(("provider_name", "a name is required"))
        if not is_currency(self.currency):
            errors.append(("currency", f"{self.currency!r} is not an ISO 4217 currency code"))
        if not self.languages:
            errors.append(("languages", "at least one language is required"))
        if len(set(self.languages)) != len(self.languages):
            errors.append(("languages", "each language may be listed once"))
        for language in self.languages:
            if not _is_locale(language):
                errors.append(("languages", f"{language!r} is not a language Babel knows"))
        if self.fallback_language not in self.languages:
            errors.append(("fallback_language", "must be one of the provider's languages"))
        if len(set(self.wallet_types)) != len(self.wallet_types):
            errors.append(("wallet_types", "each wallet type may be listed once"))
        if any(not w.strip() for w in self.wallet_types):
            errors.append(("wallet_types", "a wallet type needs a name"))
        seen_pairs: set[tuple[str, str]] = set()
        for i, rate in enumerate(self.rates):
            prefix = f"rates[{i}]."
            errors.extend((prefix + name, message) for name, message in validate_rate(rate))
            for name in ("from_currency", "to_currency"):
                code = getattr(rate, name)
                if not is_currency(code):
                    errors.append((prefix + name, f"{code!r} is not an ISO 4217 currency code"))
            pair = (rate.from_currency, rate.to_currency)
            if pair in seen_pairs:
                errors.append((prefix + "to_currency", "a rate for this pair already exists"))
            seen_pairs.add(pair)
        return errors

    def _currency_problem(self, code: str) -> str | None:
        if not is_currency(code):
            return f"{code!r} is not an ISO 4217 currency code"
        if code != self.currency and self.rate(self.currency, code) is None:
            return f"no conversion rate from {self.currency} to {code}"
        return None

    def _balance_translation_problems(
        self,
        t: BalanceTypeTranslation,
        existing: dict[tuple[str, str], BalanceTypeTranslation],
    ) -> list[FieldError]:
        errors: list[FieldError] = []
        if t.language not in self.languages:
            errors.append(("language", f"{t.language!r} is not one of the provider's languages"))
        balance_type = self._types.get(t.balance_type_name)
        if balance_type is None:
            errors.append(("balance_type_name", f"no balance type named {t.balance_type_name!r}"))
        if (t.language, t.balance_type_name) in existing:
            errors.append(
                (
                    "balance_type_name",
                    f"{t.balance_type_name!r} already has a translation into {t.language!r}",
                )
            )
        if problem := length_problem(t.translated_name, TRANSLATED_NAME_MAX_CHARS):
            errors.append(("translated_name", problem))
        if problem := length_problem(t.separator, SEPARATOR_MAX_CHARS):
            errors.append(("separator", problem))
        if problem := expiry_text_problem(t.balance_expiry_text):
            errors.append(("balance_expiry_text", problem))
        if problem := length_problem(t.no_balance_expiry_text, TEXT_MAX_CHARS):
            errors.append(("no_balance_expiry_text", problem))
        is_cash = balance_type is not None and balance_type.is_cash
        allowed = CASH_PLACEHOLDERS if is_cash or balance_type is None else NON_CASH_PLACEHOLDERS
        if problem := length_problem(t.single_format, TEXT_MAX_CHARS) or format_problem(
            t.single_format, allowed
        ):
            errors.append(("single_format", problem))
        if balance_type is not None and not is_cash:
            for name in ("single_currency", "dual_currency", "dual_format"):
                if getattr(t, name) is not None:
                    errors.append((name, "only for balance types with a unit of cash"))
            return errors
        if t.single_currency is not None and (problem := self._currency_problem(t.single_currency)):
            errors.append(("single_currency", problem))
        if t.dual_currency is not None:
            if problem := self._currency_problem(t.dual_currency):
                errors.append(("dual_currency", problem))
            elif t.dual_currency == (t.single_currency or self.currency):
                errors.append(("dual_currency", "must differ from the single balance currency"))
        if t.dual_format is not None:
            if t.dual_currency is None:
                errors.append(("dual_format", "only for a balance shown in a dual currency"))
            elif problem := length_problem(t.dual_format, TEXT_MAX_CHARS) or format_problem(
                t.dual_format, CASH_PLACEHOLDERS
            ):
                errors.append(("dual_format", problem))
        return errors

    def _wallet_translation_problems(
        self,
        t: WalletNameTranslation,
        existing: dict[tuple[str, str], WalletNameTranslation],
    ) -> list[FieldError]:
        errors: list[FieldError] = []
        if t.language not in self.languages:
            errors.append(("language", f"{t.language!r} is not one of the provider's languages"))
        if t.wallet_type not in self.wallet_types:
            errors.append(("wallet_type", f"no wallet type named {t.wallet_type!r}"))
        if (t.language, t.wallet_type) in existing:
            errors.append(
                ("wallet_type", f"{t.wallet_type!r} already has a translation into {t.language!r}")
            )
        if not t.translation.strip():
            errors.append(("translation", "a translation is required"))
        elif problem := length_problem(t.translation, WALLET_TRANSLATION_MAX_CHARS):
            errors.append(("translation", problem))
        if problem := expiry_text_problem(t.wallet_expiry_text):
            errors.append(("wallet_expiry_text", problem))
        if problem := length_problem(t.no_wallet_expiry_text, TEXT_MAX_CHARS):
            errors.append(("no_wallet_expiry_text", problem))
        return errors


def _is_locale(language: str) -> bool:
    try:
        parse_locale(language)
    except (UnknownLocaleError, ValueError):
        return False
    return True
