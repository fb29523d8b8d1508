"""A service provider's configuration as the domain sees it: balance types, cascades,
products, conversions and policies. Loaded once per batch from storage, never mutated."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from core.balance_types import BalanceType, Category
from core.units import BalanceUnit


@dataclass(frozen=True, slots=True)
class TransferPolicy:
    min_amount: int = 100
    max_amount: int = 1_000_000
    fee: int = 0  # flat, in the transferred type's units
    fee_basis_points: int = 0  # proportional part, 1/10000 of the amount, rounded up


@dataclass(frozen=True, slots=True)
class Conversion:
    """``amount`` of from_type becomes amount * numerator // denominator of to_type."""

    from_type: str
    to_type: str
    numerator: int
    denominator: int


@dataclass(frozen=True, slots=True)
class ProductItem:
    balance_type: str
    amount: int
    validity_days: int | None


@dataclass(frozen=True, slots=True)
class Product:
    name: str
    price: int
    price_type: str  # a cash balance type, or a cascade name
    items: tuple[ProductItem, ...]
    description: str = ""


@dataclass(frozen=True, slots=True)
class Policies:
    bad_pin_type: str | None = "Bad PIN"
    bad_pin_limit: int = 3
    bad_pin_window_s: int = 86_400
    recharge_lock_s: int = 86_400
    expiry_warning_days: int = 3
    loyalty_types: tuple[str, ...] = ()  # bonus balance types TMF654 reports as 'loyalty'
    transfer: TransferPolicy = field(default_factory=TransferPolicy)


@dataclass(frozen=True, slots=True)
class Provider:
    id: int
    name: str
    currency: str
    default_region: str
    languages: tuple[str, ...]
    fallback_language: str
    units: tuple[BalanceUnit, ...]
    balance_types: tuple[BalanceType, ...]
    cascades: Mapping[str, tuple[str, ...]]
    products: tuple[Product, ...] = ()
    conversions: tuple[Conversion, ...] = ()
    policies: Policies = field(default_factory=Policies)
    wallet_types: tuple[str, ...] = ("Prepaid",)
    # Lookups on the hot path, built once (the provider is immutable).
    _by_name: dict[str, BalanceType] = field(default_factory=dict, init=False, repr=False,
                                             compare=False)
    _by_id: dict[int, BalanceType] = field(default_factory=dict, init=False, repr=False,
                                           compare=False)
    _expenditure: tuple[BalanceType, ...] = field(default=(), init=False, repr=False,
                                                  compare=False)
    _paths: dict[tuple[str | None, str | None], tuple[BalanceType, ...] | None] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_name.update((t.name, t) for t in self.balance_types)
        self._by_id.update((t.id, t) for t in self.balance_types)
        object.__setattr__(self, "_expenditure", tuple(
            t for t in self.balance_types if t.category is Category.EXPENDITURE))

    def type_named(self, name: str) -> BalanceType | None:
        return self._by_name.get(name)

    def type_by_id(self, type_id: int) -> BalanceType | None:
        return self._by_id.get(type_id)

    @property
    def default_cash(self) -> BalanceType | None:
        return next((t for t in self.balance_types if t.is_default_cash), None)

    def product_named(self, name: str) -> Product | None:
        wanted = name.casefold()
        return next((p for p in self.products if p.name.casefold() == wanted), None)

    def conversion(self, from_type: str, to_type: str) -> Conversion | None:
        return next(
            (c for c in self.conversions if c.from_type == from_type and c.to_type == to_type),
            None,
        )

    def expenditure_types(self) -> tuple[BalanceType, ...]:
        return self._expenditure

    def resolve_path(
        self, cascade: str | None, balance_type: str | None
    ) -> tuple[BalanceType, ...] | None:
        """The balance types a debit draws on, in order: a named cascade, one named type, or
        the 'default' cascade (falling back to the default cash type). None if unknown.
        Remembered per (cascade, type): every charge and reservation asks."""
        key = (cascade, balance_type)
        if key in self._paths:
            return self._paths[key]
        path = self._resolve_path(cascade, balance_type)
        if len(self._paths) < 256:  # names come from callers: keep the memo bounded
            self._paths[key] = path
        return path

    def _resolve_path(
        self, cascade: str | None, balance_type: str | None
    ) -> tuple[BalanceType, ...] | None:
        if balance_type is not None:
            bt = self.type_named(balance_type)
            return (bt,) if bt is not None else None
        name = cascade or "default"
        if name in self.cascades:
            types = tuple(self.type_named(n) for n in self.cascades[name])
            if any(t is None for t in types):
                return None
            return tuple(t for t in types if t is not None)
        if cascade is None and self.default_cash is not None:
            return (self.default_cash,)
        return None


@dataclass(frozen=True, slots=True)
class Catalog:
    providers: tuple[Provider, ...]
    version: int = 0

    def provider(self, provider_id: int) -> Provider:
        for p in self.providers:
            if p.id == provider_id:
                return p
        raise KeyError(provider_id)

    def provider_named(self, name: str) -> Provider | None:
        return next((p for p in self.providers if p.name == name), None)
