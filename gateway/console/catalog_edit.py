"""Saving catalog changes from the console: the provider as a config mapping (the shape
``LedgerAdmin.save_provider`` takes), one change applied to it, checked, saved in one
transaction, and the channels reloaded.

Before anything is saved, the changed balance types are checked against the provider's
translations and plans (a balance type moved from a cash unit to a time unit would break a
cash category or a currency field): the operator sees why, and nothing is written.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from aiohttp import web

from announcements.errors import ValidationError as PlanValidationError
from announcements.loading import provider_plans_from_dict
from core.balance_types import BalanceType
from core.catalog import Provider
from core.catalog_codec import (
    CatalogError,
    balance_type_from_dict,
    balance_type_to_dict,
    product_to_dict,
    provider_settings_to_dict,
)
from core.service import LedgerAdmin
from gateway.channels import ChannelConfigError, translation_set_for
from gateway.console import documents
from gateway.console.reload import reload_channels
from gateway.console.web import MAIN_APP, ledger_of, settings_of
from gateway.keys import CHANNELS

log = logging.getLogger(__name__)
_INDEXED = re.compile(r"^balance_types\[\d+\]\.?")


def provider_config(provider: Provider) -> dict[str, Any]:
    settings = provider_settings_to_dict({
        "name": provider.name, "currency": provider.currency,
        "default_region": provider.default_region, "languages": provider.languages,
        "fallback_language": provider.fallback_language,
        "wallet_types": provider.wallet_types, "policies": provider.policies,
        "cascades": provider.cascades, "conversions": provider.conversions})
    return {
        "provider": settings,
        "units": [{"name": u.name, "kind": u.kind.value} for u in provider.units],
        "balance_types": [balance_type_to_dict(t) for t in provider.balance_types],
        "products": [product_to_dict(p) for p in provider.products],
    }


def type_field(catalog_field: str) -> str:
    """``balance_types[3].announcements.positive`` -> ``announcements``: the form's field."""
    name = _INDEXED.sub("", catalog_field)
    head = name.split(".", 1)[0].split("[", 1)[0]
    return {"display_to_spend_ratio_hundredths": "display_to_spend_ratio"}.get(head, head)


def candidate(provider: Provider, changed: BalanceType) -> Provider:
    """The provider as it would be with ``changed`` saved (matched by name, as the store
    matches)."""
    types = [changed if t.name == changed.name else t for t in provider.balance_types]
    if all(t.name != changed.name for t in provider.balance_types):
        types.append(changed)
    return replace(provider, balance_types=tuple(types))


def parse_type(body: Mapping[str, Any], provider: Provider, type_id: int) -> BalanceType:
    """Raises CatalogError naming the field."""
    unit = next((u for u in provider.units if u.name == body.get("unit")), None)
    if unit is None:
        raise CatalogError("unit", "choose one of the provider's balance units")
    return balance_type_from_dict({k: v for k, v in body.items() if k != "unit"},
                                  type_id=type_id, provider_id=provider.id, unit=unit, where="")


async def documents_problem(request: web.Request, provider: Provider) -> str | None:
    """Why the provider's translations or plans would not load over ``provider``'s types."""
    store = ledger_of(request).store
    for kind in documents.KINDS:
        doc = await documents.get_document(store, provider.name, kind)
        if doc is None:
            continue
        try:
            if kind == "translations":
                translation_set_for(doc.body, provider)
            else:
                provider_plans_from_dict(doc.body, provider)
        except (ValueError, PlanValidationError) as exc:
            return f"the provider's {kind} would no longer be valid: {exc}"
    return None


async def save_config(request: web.Request, config: Mapping[str, Any]) -> None:
    """Save the whole provider (one transaction; CatalogError: nothing saved), then make the
    channels use it."""
    await LedgerAdmin(ledger_of(request)).save_provider(config)
    await refresh_channels(request)


async def refresh_channels(request: web.Request) -> str | None:
    """Reload this process's channels after a save; the message when they would not build
    (the saved change stays; the running channels stay as they were)."""
    main = request.app[MAIN_APP]
    if CHANNELS not in main:  # the channels have not started (or are not set up)
        return None
    try:
        await reload_channels(main)
    except ChannelConfigError as exc:
        log.error("channels not reloaded after a console save: %s", exc)
        return str(exc)
    return None


def channel_provider(request: web.Request) -> str:
    return settings_of(request).provider.name
