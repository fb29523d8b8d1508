"""Load a ``TranslationSet`` from TOML (``config/translations/*.toml``) or a plain dict.

Keys are the dataclass field names, so an error names the same field everywhere (loader,
``TranslationSet`` validation, an admin API): ``balance_type_translations[3].translated_name``.
Unknown keys, missing keys and wrong types are errors, never silent defaults, and every error
in the file is reported at once. Floats are refused where amounts or rates go: a rate is two
integers (``numerator``, ``denominator``).

Balance types belong to the ledger's configuration; pass them in. Until ``core`` has its own
loader, a file may carry a ``[[balance_types]]`` section instead (the demo does), read into
``core.balance_types.BalanceType`` and checked with ``core``'s own rules.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TypeVar

from core.balance_types import BalanceType, Category, ExpenditureType, validate_balance_type
from core.units import BalanceUnit, UnitKind
from translations.config import (
    BalanceTypeTranslation,
    TranslationSet,
    ValidationError,
    WalletNameTranslation,
)
from translations.rates import CurrencyRate
from translations.rules import DEFAULT_SINGLE_FORMAT, FieldError

_T = TypeVar("_T")
_MISSING = object()


class _Table:
    """Typed reads from one TOML table, collecting (path, message) errors instead of raising,
    so one pass reports every problem in the file."""

    def __init__(self, data: object, path: str, errors: list[FieldError]) -> None:
        self.path = path
        self.errors = errors
        if isinstance(data, Mapping):
            self.data: Mapping[str, object] = data
        else:
            self.data = {}
            errors.append((path.rstrip(".") or "(file)", "must be a table"))
        self.read: set[str] = set()

    def _get(self, key: str, expected: type[_T], default: object, label: str) -> _T | None:
        self.read.add(key)
        value = self.data.get(key, _MISSING)
        if value is _MISSING:
            if default is _MISSING:
                self.errors.append((self.path + key, "is required"))
                return None
            return default  # type: ignore[return-value]
        # bool is an int in Python; TOML true is never a valid integer here.
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            self.errors.append((self.path + key, f"must be {label}"))
            return None
        return value

    def text(self, key: str, default: object = _MISSING) -> str:
        return self._get(key, str, default, "a string") or ""

    def optional_text(self, key: str) -> str | None:
        return self._get(key, str, None, "a string")

    def integer(self, key: str, default: object = _MISSING) -> int:
        value = self._get(key, int, default, "a whole number (not a float)")
        return value if value is not None else 0

    def flag(self, key: str, default: bool) -> bool:
        value = self._get(key, bool, default, "true or false")
        return bool(value)

    def texts(self, key: str, default: object = _MISSING) -> tuple[str, ...]:
        values = self._get(key, list, default, "a list of strings")
        if values is None:
            return ()
        if not all(isinstance(v, str) for v in values):
            self.errors.append((self.path + key, "must be a list of strings"))
            return ()
        return tuple(values)

    def tables(self, key: str) -> list[_Table]:
        values = self._get(key, list, [], "an array of tables ([[" + key + "]])")
        return [
            _Table(value, f"{self.path}{key}[{i}].", self.errors)
            for i, value in enumerate(values or [])
        ]

    def finish(self) -> None:
        for key in sorted(set(self.data) - self.read):
            self.errors.append((self.path + key, "unknown key"))


def load_translation_set(
    path: Path, balance_types: Sequence[BalanceType] | None = None
) -> TranslationSet:
    """Read a TOML file; raises ``ValidationError`` listing every problem in it."""
    with path.open("rb") as handle:
        try:
            data = tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            raise ValidationError([("(file)", f"{path}: {error}")]) from error
    return translation_set_from_dict(data, balance_types)


def translation_set_from_dict(
    data: Mapping[str, object], balance_types: Sequence[BalanceType] | None = None
) -> TranslationSet:
    errors: list[FieldError] = []
    root = _Table(data, "", errors)
    provider_id = root.integer("provider_id")
    provider_name = root.text("provider_name")
    currency = root.text("currency")
    languages = root.texts("languages")
    fallback_language = root.text("fallback_language")
    wallet_types = root.texts("wallet_types")
    rates = tuple(_rate(t) for t in root.tables("rates"))
    type_tables = root.tables("balance_types")
    if balance_types is None:
        types = tuple(_balance_type(t, provider_id) for t in type_tables)
        for i, balance_type in enumerate(types):
            others = types[:i] + types[i + 1 :]
            errors.extend(
                (f"balance_types[{i}].{name}", message)
                for name, message in validate_balance_type(balance_type, others)
            )
    else:
        types = tuple(balance_types)
        if type_tables:
            errors.append(("balance_types", "balance types were given by the caller"))
    balance_translations = tuple(
        _balance_translation(t) for t in root.tables("balance_type_translations")
    )
    wallet_translations = tuple(
        _wallet_translation(t) for t in root.tables("wallet_name_translations")
    )
    root.finish()
    if errors:
        raise ValidationError(errors)
    tset = TranslationSet(
        provider_id=provider_id,
        provider_name=provider_name,
        currency=currency,
        languages=languages,
        fallback_language=fallback_language,
        wallet_types=wallet_types,
        balance_types=types,
        rates=rates,
        balance_type_translations=balance_translations,
        wallet_name_translations=wallet_translations,
    )
    missing = tset.missing_wallet_translations()
    if missing:
        # NCC: "A translation is required for each wallet type and language."
        raise ValidationError(
            ("wallet_name_translations", f"no translation of {wallet!r} into {language!r}")
            for language, wallet in missing
        )
    return tset


def _rate(table: _Table) -> CurrencyRate:
    rate = CurrencyRate(
        from_currency=table.text("from_currency"),
        to_currency=table.text("to_currency"),
        numerator=table.integer("numerator"),
        denominator=table.integer("denominator"),
    )
    table.finish()
    return rate


def _balance_type(table: _Table, provider_id: int) -> BalanceType:
    type_id = table.integer("id")
    kind_text = table.text("unit_kind")
    category_text = table.text("category")
    expenditure_text = table.text("expenditure_type", ExpenditureType.NONE.value)
    kind = _enum(table, "unit_kind", kind_text, UnitKind, UnitKind.COUNTER)
    unit = BalanceUnit(id=type_id, provider_id=provider_id, name=table.text("unit_name"), kind=kind)
    balance_type = BalanceType(
        id=type_id,
        provider_id=provider_id,
        name=table.text("name"),
        unit=unit,
        category=_enum(table, "category", category_text, Category, Category.CHARGEABLE),
        is_default_cash=table.flag("is_default_cash", False),
        expenditure_type=_enum(
            table, "expenditure_type", expenditure_text, ExpenditureType, ExpenditureType.NONE
        ),
    )
    table.finish()
    return balance_type


_E = TypeVar("_E", UnitKind, Category, ExpenditureType)


def _enum(table: _Table, key: str, text: str, enum: type[_E], fallback: _E) -> _E:
    try:
        return enum(text)
    except ValueError:
        if text:
            choices = ", ".join(member.value for member in enum)
            table.errors.append((table.path + key, f"{text!r} is not one of: {choices}"))
        return fallback


def _balance_translation(table: _Table) -> BalanceTypeTranslation:
    translation = BalanceTypeTranslation(
        language=table.text("language"),
        balance_type_name=table.text("balance_type_name"),
        translated_name=table.text("translated_name"),
        single_currency=table.optional_text("single_currency"),
        dual_currency=table.optional_text("dual_currency"),
        single_format=table.text("single_format", DEFAULT_SINGLE_FORMAT),
        dual_format=table.optional_text("dual_format"),
        separator=table.text("separator", ""),
        balance_expiry_text=table.text("balance_expiry_text"),
        no_balance_expiry_text=table.text("no_balance_expiry_text", ""),
    )
    table.finish()
    return translation


def _wallet_translation(table: _Table) -> WalletNameTranslation:
    translation = WalletNameTranslation(
        language=table.text("language"),
        wallet_type=table.text("wallet_type"),
        translation=table.text("translation"),
        wallet_expiry_text=table.text("wallet_expiry_text"),
        no_wallet_expiry_text=table.text("no_wallet_expiry_text", ""),
    )
    table.finish()
    return translation
