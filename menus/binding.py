"""A menu bound to its provider: the facts the engine needs from the ledger's catalog and the
gateway's languages, resolved once at start-up (no catalog reads per step)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import phonenumbers

from core.catalog import Product, Provider
from core.handlers.transfers import transfer_fee
from menus.loading import MenuError
from menus.model import (
    AMOUNT_PROMPT,
    MAX_OPTIONS,
    Choice,
    Input,
    Menu,
    OptionSource,
)
from translations.messages import AmountPrompt, MenuText, Message
from translations.numerals import currency_digits


@dataclass(frozen=True, slots=True)
class BoundMenu:
    menu: Menu
    provider: Provider
    languages: tuple[str, ...]  # offered by a languages choice, in this order
    prompts: Mapping[str, Message]
    currency_digits: int
    pin_length: tuple[int, int] = (10, 20)

    def items(self, source: OptionSource) -> tuple[str, ...]:
        """The values a choice over ``source`` offers as options 1, 2, ..."""
        if source is OptionSource.LANGUAGES:
            return self.languages
        return tuple(p.name for p in self.provider.products)

    def product(self, name: str) -> Product | None:
        return self.provider.product_named(name)

    def transfer_fee(self, amount_minor: int) -> int:
        policy = self.provider.policies.transfer
        return transfer_fee(amount_minor, policy.fee, policy.fee_basis_points)

    def display_number(self, e164: str) -> str:
        """An MSISDN as the subscriber writes it: national digits for the provider's own
        country ("0700000002", three characters shorter on a tight UCS2 screen), E.164 for
        any other."""
        try:
            number = phonenumbers.parse(e164)
        except phonenumbers.NumberParseException:
            return e164
        home = phonenumbers.country_code_for_region(self.provider.default_region)
        if number.country_code != home:
            return e164
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        return "".join(ch for ch in national if ch.isdigit())

    @property
    def transfer_limits(self) -> tuple[int, int]:
        policy = self.provider.policies.transfer
        return policy.min_amount, policy.max_amount


def bind(menu: Menu, provider: Provider, languages: tuple[str, ...]) -> BoundMenu:
    """Raises MenuError when the menu offers what the provider lacks."""
    errors: list[tuple[str, str]] = []
    unknown = [lang for lang in languages if lang not in provider.languages]
    if unknown:
        errors.append(("languages", f"the ledger's provider {provider.name!r} has no "
                                    f"{', '.join(unknown)}"))
    if len(provider.products) > MAX_OPTIONS:
        errors.append(("products", f"at most {MAX_OPTIONS} products fit a menu"))
    if provider.default_cash is None:
        errors.append(("provider", f"{provider.name!r} has no default cash balance type"))
    prompts: dict[str, Message] = {}
    policy = provider.policies.transfer
    for name, state in menu.states.items():
        if isinstance(state, Input):
            prompts[name] = (AmountPrompt(min_minor=policy.min_amount,
                                          max_minor=policy.max_amount)
                             if state.prompt == AMOUNT_PROMPT else MenuText(state.prompt))
        if (isinstance(state, Choice) and state.options_from is OptionSource.PRODUCTS
                and not provider.products):
            errors.append((f"states.{name}.options_from", "the provider has no products"))
    if errors:
        raise MenuError(errors, menu.service_code)
    return BoundMenu(menu=menu, provider=provider, languages=languages, prompts=prompts,
                     currency_digits=currency_digits(provider.currency))
