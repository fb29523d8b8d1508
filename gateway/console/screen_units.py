"""NCC 'Balance Units': list, add, edit, delete.

A unit is named per provider and has a kind (cash, time, data, units, counter) that fixes its
smallest part. Its kind cannot change while a balance type uses it (that type's amounts would
change meaning), and it cannot be deleted while used: the delete page lists the balance types
that use it (NCC warns the system "may become unstable"; here it is simply refused).
"""

from __future__ import annotations

import sqlite3

from aiohttp import web

from core.catalog import Provider
from core.service import LedgerAdmin
from core.units import BalanceUnit, UnitKind
from gateway.console.catalog_edit import refresh_channels
from gateway.console.web import current_provider, ledger_of, page, redirect

routes = web.RouteTableDef()
KINDS = [(k.value, k.value) for k in UnitKind]
NAME_MAX = 50


def users_of(provider: Provider, unit: BalanceUnit) -> list[str]:
    return [t.name for t in provider.balance_types if t.unit.id == unit.id]


def _unit(provider: Provider, raw_id: str) -> BalanceUnit:
    unit = next((u for u in provider.units if str(u.id) == raw_id), None)
    if unit is None:
        raise web.HTTPNotFound(text="no such balance unit for this provider")
    return unit


def _check(provider: Provider, name: str, kind: str, unit: BalanceUnit | None
           ) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "a name is required"
    elif len(name) > NAME_MAX:
        errors["name"] = f"at most {NAME_MAX} characters"
    elif any(u.name == name and (unit is None or u.id != unit.id) for u in provider.units):
        errors["name"] = "another balance unit already has this name"
    if kind not in {k.value for k in UnitKind}:
        errors["kind"] = "one of " + ", ".join(k.value for k in UnitKind)
    elif unit is not None and kind != unit.kind.value and users_of(provider, unit):
        errors["kind"] = ("cannot change while balance types use this unit: "
                          + ", ".join(users_of(provider, unit)))
    return errors


@routes.get("/units")
async def units(request: web.Request) -> web.Response:
    provider = await current_provider(request)
    rows = [(u, users_of(provider, u)) for u in provider.units]
    return await page(request, "units.html", screen="units", rows=rows)


@routes.get("/units/new")
async def new_unit(request: web.Request) -> web.Response:
    return await page(request, "unit_form.html", screen="units", unit=None,
                      values={"name": "", "kind": "cash"}, errors={}, kinds=KINDS)


@routes.get("/units/{id}/edit")
async def edit_unit(request: web.Request) -> web.Response:
    provider = await current_provider(request)
    unit = _unit(provider, request.match_info["id"])
    return await page(request, "unit_form.html", screen="units", unit=unit,
                      values={"name": unit.name, "kind": unit.kind.value}, errors={},
                      kinds=KINDS, used_by=users_of(provider, unit))


@routes.post("/units/new")
@routes.post("/units/{id}/edit")
async def save_unit(request: web.Request) -> web.Response:
    provider = await current_provider(request)
    unit = _unit(provider, request.match_info["id"]) if "id" in request.match_info else None
    form = await request.post()
    name, kind = str(form.get("name", "")).strip(), str(form.get("kind", ""))
    errors = _check(provider, name, kind, unit)
    if not errors:
        try:
            await LedgerAdmin(ledger_of(request)).save_unit(
                provider.id, unit.id if unit is not None else None, name, kind)
        except sqlite3.IntegrityError:  # another operator took the name meanwhile
            errors["name"] = "another balance unit already has this name"
    if errors:
        return await page(request, "unit_form.html", screen="units", unit=unit, status=400,
                          values={"name": name, "kind": kind}, errors=errors, kinds=KINDS,
                          used_by=users_of(provider, unit) if unit else [])
    await refresh_channels(request)
    raise redirect("/units", "saved")


@routes.get("/units/{id}/delete")
async def confirm_delete(request: web.Request) -> web.Response:
    provider = await current_provider(request)
    unit = _unit(provider, request.match_info["id"])
    return await page(request, "unit_delete.html", screen="units", unit=unit,
                      used_by=users_of(provider, unit))


@routes.post("/units/{id}/delete")
async def delete_unit(request: web.Request) -> web.Response:
    provider = await current_provider(request)
    unit = _unit(provider, request.match_info["id"])
    used_by = users_of(provider, unit)
    if not used_by:
        try:
            await LedgerAdmin(ledger_of(request)).delete_unit(provider.id, unit.id)
        except sqlite3.IntegrityError:  # a balance type took it up meanwhile
            used_by = ["(a balance type saved meanwhile)"]
    if used_by:
        return await page(request, "unit_delete.html", screen="units", unit=unit,
                          used_by=used_by, status=409)
    await refresh_channels(request)
    raise redirect("/units", "deleted")
