"""NCC 'Balance Types' (list, add, edit; never delete) and, per cash balance type, its
'Currency to Announcement Maps' (add, edit, delete).

A save goes through the catalog's own rules (``validate_balance_type``: every broken rule is
shown next to its field), then through the provider's translations and plans (they must still
load), then ``LedgerAdmin.save_provider`` in one transaction; then the channels reload.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from babel.numbers import is_currency

from core.balance_types import (
    BalanceType,
    Category,
    ExpenditureType,
    ExpiryBasis,
    MaxBalancePolicy,
    validate_balance_type,
)
from core.catalog import Provider
from core.catalog_codec import CatalogError, balance_type_to_dict
from gateway.console import type_form
from gateway.console.catalog_edit import (
    candidate,
    documents_problem,
    parse_type,
    provider_config,
    save_config,
    type_field,
)
from gateway.console.web import current_provider, page, redirect

routes = web.RouteTableDef()
CHOICES = {
    "categories": [c.value for c in Category],
    "expenditure_types": [e.value for e in ExpenditureType],
    "expiry_bases": [e.value for e in ExpiryBasis],
    "policies": [p.value for p in MaxBalancePolicy],
}
MAP_FIELDS = ("currency_one", "currency_two", "positive_set", "positive_entry", "negative_set",
              "negative_entry")


def _type(provider: Provider, raw_id: str) -> BalanceType:
    found = next((t for t in provider.balance_types if str(t.id) == raw_id), None)
    if found is None:
        raise web.HTTPNotFound(text="no such balance type for this provider")
    return found


async def _save(request: web.Request, provider: Provider, existing: BalanceType | None,
                body: dict[str, Any]) -> dict[str, str]:
    """Save one balance type; the errors by form field (empty: saved)."""
    try:
        bt = parse_type(body, provider, existing.id if existing else -1)
    except CatalogError as exc:
        return {type_field(exc.field) or "_form": exc.message}
    others = tuple(t for t in provider.balance_types if t.id != bt.id)
    errors: dict[str, str] = {}
    for field, message in validate_balance_type(bt, others):
        errors.setdefault(type_form.error_field(field), message)
    if errors:
        return errors
    if problem := await documents_problem(request, candidate(provider, bt)):
        return {"_form": problem}
    config = provider_config(provider)
    types = config["balance_types"]
    index = next((i for i, t in enumerate(types) if t["name"] == bt.name), len(types))
    types[index:index + 1] = [body]
    try:
        await save_config(request, config)
    except CatalogError as exc:
        return {type_field(exc.field) or "_form": exc.message}
    return {}


async def _form_page(request: web.Request, provider: Provider, existing: BalanceType | None,
                     values: dict[str, str], errors: dict[str, str], status: int = 200
                     ) -> web.Response:
    return await page(
        request, "type_form.html", screen="balance-types", bt=existing, values=values,
        errors=errors, status=status, disabled=type_form.disabled_fields(values, provider),
        units=[(u.name, f"{u.name} ({u.kind.value})", u.kind.value) for u in provider.units],
        flags=type_form.FLAGS, thresholds=type_form.THRESHOLD_FIELDS,
        slots=type_form.ANNOUNCEMENT_SLOTS, **CHOICES)


@routes.get("/balance-types")
async def balance_types(request: web.Request) -> web.Response:
    provider = await current_provider(request)
    return await page(request, "types.html", screen="balance-types",
                      types=provider.balance_types)


@routes.get("/balance-types/new")
async def new_type(request: web.Request) -> web.Response:
    provider = await current_provider(request)
    values = type_form.values_of(None)
    values["unit"] = provider.units[0].name if provider.units else ""
    return await _form_page(request, provider, None, values, {})


@routes.get("/balance-types/{id}/edit")
async def edit_type(request: web.Request) -> web.Response:
    provider = await current_provider(request)
    bt = _type(provider, request.match_info["id"])
    return await _form_page(request, provider, bt, type_form.values_of(bt), {})


@routes.post("/balance-types/new")
@routes.post("/balance-types/{id}/edit")
async def save_type(request: web.Request) -> web.Response:
    provider = await current_provider(request)
    existing = _type(provider, request.match_info["id"]) if "id" in request.match_info else None
    values, body, errors = type_form.read_form(await request.post(), existing, provider)
    if not errors:
        errors = await _save(request, provider, existing, body)
    if errors:
        return await _form_page(request, provider, existing, values, errors, status=400)
    raise redirect("/balance-types", "saved")


# -- currency to announcement maps -----------------------------------------------------------

@routes.get("/currency-maps")
async def currency_maps(request: web.Request) -> web.Response:
    provider = await current_provider(request)
    return await page(request, "currency_maps.html", screen="currency-maps",
                      types=[t for t in provider.balance_types if t.is_cash])


def _map_values(bt: BalanceType, index: int | None) -> dict[str, str]:
    if index is None:
        return {"currency_one": bt.unit.name if is_currency(bt.unit.name) else ""}
    m = bt.currency_announcements[index]
    return {"currency_one": m.currency_one, "currency_two": m.currency_two or "",
            "positive_set": m.positive.set, "positive_entry": m.positive.entry,
            "negative_set": m.negative.set, "negative_entry": m.negative.entry}


def _map_index(bt: BalanceType, raw: str | None) -> int | None:
    if raw is None:
        return None
    if not raw.isdigit() or int(raw) >= len(bt.currency_announcements):
        raise web.HTTPNotFound(text="no such currency map")
    return int(raw)


def _cash_type(provider: Provider, raw_id: str) -> BalanceType:
    bt = _type(provider, raw_id)
    if not bt.is_cash:
        raise web.HTTPNotFound(text="currency maps are for cash balance types only")
    return bt


@routes.get("/balance-types/{id}/currency-maps/new")
@routes.get("/balance-types/{id}/currency-maps/{index}/edit")
async def map_form(request: web.Request) -> web.Response:
    provider = await current_provider(request)
    bt = _cash_type(provider, request.match_info["id"])
    index = _map_index(bt, request.match_info.get("index"))
    return await page(request, "currency_map_form.html", screen="currency-maps", bt=bt,
                      index=index, values=_map_values(bt, index), errors={})


def _check_map(values: dict[str, str], bt: BalanceType, index: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name in ("currency_one", "currency_two"):
        code = values.get(name, "")
        if code and not is_currency(code):
            errors[name] = f"{code!r} is not an ISO 4217 currency code"
    if not values.get("currency_one"):
        errors["currency_one"] = "the primary currency is required"
    if values.get("currency_two") and values.get("currency_two") == values.get("currency_one"):
        errors["currency_two"] = "must differ from currency one"
    for i, m in enumerate(bt.currency_announcements):
        if i != index and (m.currency_one, m.currency_two or "") == (
                values.get("currency_one"), values.get("currency_two", "")):
            errors.setdefault("currency_one", "these currencies are mapped already")
    for name in MAP_FIELDS[2:]:
        if not values.get(name):
            errors[name] = "required"
    return errors


@routes.post("/balance-types/{id}/currency-maps/new")
@routes.post("/balance-types/{id}/currency-maps/{index}/edit")
@routes.post("/balance-types/{id}/currency-maps/{index}/delete")
async def save_map(request: web.Request) -> web.Response:
    provider = await current_provider(request)
    bt = _cash_type(provider, request.match_info["id"])
    index = _map_index(bt, request.match_info.get("index"))
    form = await request.post()
    values = {name: str(form.get(name, "")).strip() for name in MAP_FIELDS}
    values["currency_one"], values["currency_two"] = (values["currency_one"].upper(),
                                                      values["currency_two"].upper())
    body = balance_type_to_dict(bt)
    maps: list[dict[str, Any]] = body["currency_announcements"]
    deleting = request.path.endswith("/delete")
    errors = {} if deleting else _check_map(values, bt, index)
    if not errors:
        entry = {"currency_one": values["currency_one"],
                 "positive": {"set": values["positive_set"], "entry": values["positive_entry"]},
                 "negative": {"set": values["negative_set"], "entry": values["negative_entry"]},
                 **({"currency_two": values["currency_two"]} if values["currency_two"] else {})}
        if deleting:
            assert index is not None
            del maps[index]
        elif index is None:
            maps.append(entry)
        else:
            maps[index] = entry
        errors = await _save(request, provider, bt, body)
    if errors:
        return await page(request, "currency_map_form.html", screen="currency-maps", bt=bt,
                          index=index, values=values, errors=errors, status=400)
    raise redirect("/currency-maps", "deleted" if deleting else "saved")
