"""NCC 'Cumulative Balance Plans': plans, their balance categories per unit type (with the
balance types assigned to each), and the playback order moved up and down.

Plans live in the provider's ``plans`` document. Every change is applied to a copy of the
document, which must then load as a whole (``announcements.loading``: names, unit types,
assigned types, announcement fallbacks, playback order); the errors of the category being
edited are shown next to its fields. The plan the IVR plays by default cannot be deleted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from aiohttp import web

from announcements.errors import ValidationError
from announcements.loading import provider_plans_from_dict
from announcements.plans import ANNOUNCEMENT_SLOTS
from announcements.validation import PLAYABLE_UNIT_TYPES, fits
from core.catalog import Provider
from gateway.console import documents
from gateway.console.catalog_edit import refresh_channels
from gateway.console.web import current_provider, ledger_of, page, q, redirect, settings_of

routes = web.RouteTableDef()
FLAGS = ("use_unreserved_balances", "play_zero_balance", "play_expiry")
UNIT_TYPES = [u.value for u in PLAYABLE_UNIT_TYPES]
_PATH = re.compile(r"^plans\[(\d+)\]\.?(?:categories\[(\d+)\]\.?)?(.*)$")


async def _document(request: web.Request, provider: Provider) -> documents.Document:
    doc = await documents.get_document(ledger_of(request).store, provider.name, "plans")
    if doc is None:
        raise web.HTTPNotFound(text=f"{provider.name!r} has no plans document (the gateway "
                                    "imports one at start-up for its provider)")
    return doc


def _plan_index(doc: documents.Document, name: str) -> int:
    for i, plan in enumerate(doc.body.get("plans", [])):
        if plan.get("name") == name:
            return i
    raise web.HTTPNotFound(text="no such plan")


def _category_index(plan: dict[str, Any], name: str) -> int:
    for j, category in enumerate(plan.get("categories", [])):
        if category.get("name") == name:
            return j
    raise web.HTTPNotFound(text="no such category")


def _field(rest: str) -> str:
    """``announcements.positive.set`` -> ``positive_set``; ``balance_types[1]`` ->
    ``balance_types``."""
    parts = [re.sub(r"\[\d+\]$", "", p) for p in rest.split(".") if p]
    if not parts:
        return "name"
    if parts[0] == "announcements" and len(parts) > 1:
        return f"{parts[1]}_set"
    return parts[0]


def _errors(exc: ValidationError, plan_i: int, category_j: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    for path, message in exc.errors:
        m = _PATH.match(path)
        if m and int(m.group(1)) == plan_i and m.group(2) is not None and category_j is not None \
                and int(m.group(2)) == category_j:
            errors.setdefault(_field(m.group(3)), message)
        elif m and int(m.group(1)) == plan_i and m.group(2) is None and m.group(3) == "name":
            errors.setdefault("plan_name", message)
        else:
            errors.setdefault("_form", f"{path}: {message}")
    return errors


async def _save(request: web.Request, provider: Provider, doc: documents.Document,
                change: Callable[[list[dict[str, Any]]], None], plan_i: int,
                category_j: int | None, *, check_only: bool = False) -> dict[str, str]:
    """Apply ``change`` to a copy of the plans, check them as a whole and save (unless
    ``check_only``); the errors by field, {} when saved."""
    body = dict(doc.body)
    plans = [_copy(p) for p in body.get("plans", [])]
    change(plans)
    body["plans"] = plans
    try:
        provider_plans_from_dict(body, provider)
    except ValidationError as exc:
        return _errors(exc, plan_i, category_j)
    if check_only:
        return {}
    form = await request.post()
    edited = str(form.get("version", ""))
    try:
        await documents.save_document(
            ledger_of(request).store, provider.name, "plans", body,
            edited_version=int(edited) if edited.isdigit() else -1,
            now=ledger_of(request).clock())
    except documents.StaleDocument as exc:
        return {"_form": str(exc)}
    await refresh_channels(request)
    return {}


def _copy(plan: dict[str, Any]) -> dict[str, Any]:
    return {**plan, "playback_order": list(plan.get("playback_order", [])),
            "categories": [dict(c) for c in plan.get("categories", [])]}


def _category_values(category: dict[str, Any] | None) -> dict[str, Any]:
    if category is None:
        return {"name": "", "unit_type": "cash", "balance_types": []}
    values: dict[str, Any] = {"name": category.get("name", ""),
                              "unit_type": category.get("unit_type", ""),
                              "balance_types": list(category.get("balance_types", []))}
    values.update({flag: "on" for flag in FLAGS if category.get(flag)})
    for slot, ref in category.get("announcements", {}).items():
        values[f"{slot}_set"], values[f"{slot}_entry"] = ref.get("set", ""), ref.get("entry", "")
    return values


def _read_category(form: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """(values to show again, the category's document form, field errors)."""
    values: dict[str, Any] = {k: str(form.get(k, "")).strip() for k in ("name", "unit_type")}
    values["balance_types"] = [str(v) for v in form.getall("balance_types", [])]
    errors: dict[str, str] = {}
    refs = {}
    for slot in ANNOUNCEMENT_SLOTS:
        s, e = (str(form.get(f"{slot}_{p}", "")).strip() for p in ("set", "entry"))
        values[f"{slot}_set"], values[f"{slot}_entry"] = s, e
        if s and e:
            refs[slot] = {"set": s, "entry": e}
        elif s or e:
            errors[f"{slot}_set"] = "give both the announcement set and the entry"
    for flag in FLAGS:
        if form.get(flag) == "on":
            values[flag] = "on"
    category = {"name": values["name"], "unit_type": values["unit_type"],
                "balance_types": values["balance_types"], "announcements": refs,
                **{flag: values.get(flag) == "on" for flag in FLAGS}}
    return values, category, errors


async def _category_page(request: web.Request, plan: dict[str, Any], values: dict[str, Any],
                         errors: dict[str, str], version: int, *, new_plan: bool = False,
                         editing: str | None = None, status: int = 200) -> web.Response:
    provider = await current_provider(request)
    return await page(request, "category_form.html", screen="plans", plan=plan,
                      values=values, errors=errors, version=version, new_plan=new_plan,
                      editing=editing, unit_types=UNIT_TYPES, slots=ANNOUNCEMENT_SLOTS,
                      flags=FLAGS, status=status,
                      types=[(t.name, t.unit.kind.value) for t in provider.balance_types])


@routes.get("/plans")
async def plans(request: web.Request) -> web.Response:
    provider = await current_provider(request)
    doc = await documents.get_document(ledger_of(request).store, provider.name, "plans")
    return await page(request, "plans.html", screen="plans",
                      plans=doc.body.get("plans", []) if doc else [], has_document=bool(doc),
                      default_plan=settings_of(request).ivr.default_plan)


@routes.get("/plans/new")
async def new_plan(request: web.Request) -> web.Response:
    doc = await _document(request, await current_provider(request))
    return await _category_page(request, {"name": ""}, _category_values(None), {},
                                doc.version, new_plan=True)


@routes.get("/plans/{plan}")
async def plan_page(request: web.Request) -> web.Response:
    provider = await current_provider(request)
    doc = await _document(request, provider)
    plan = doc.body["plans"][_plan_index(doc, request.match_info["plan"])]
    return await _plan_view(request, provider, doc, plan, {})


async def _plan_view(request: web.Request, provider: Provider, doc: documents.Document,
                     plan: dict[str, Any], errors: dict[str, str], status: int = 200
                     ) -> web.Response:
    by_unit = {u: [c for c in plan.get("categories", []) if c.get("unit_type") == u]
               for u in UNIT_TYPES}
    available = {u: [t.name for t in provider.balance_types
                     if fits(t.unit.kind, next(k for k in PLAYABLE_UNIT_TYPES if k.value == u))]
                 for u in UNIT_TYPES}
    return await page(request, "plan.html", screen="plans", plan=plan, by_unit=by_unit,
                      available=available, version=doc.version, errors=errors, status=status,
                      is_default=plan["name"] == settings_of(request).ivr.default_plan)


@routes.get("/plans/{plan}/categories/{category}")
@routes.get("/plans/{plan}/categories/new")  # applied first: registered before {category}
async def category_form(request: web.Request) -> web.Response:
    doc = await _document(request, await current_provider(request))
    plan = doc.body["plans"][_plan_index(doc, request.match_info["plan"])]
    editing = request.match_info.get("category")
    category = plan["categories"][_category_index(plan, editing)] if editing else None
    values = _category_values(category)
    if category is None and request.query.get("unit_type") in UNIT_TYPES:
        values["unit_type"] = request.query["unit_type"]
    return await _category_page(request, plan, values, {}, doc.version, editing=editing)


@routes.post("/plans/new")
async def create_plan(request: web.Request) -> web.Response:
    provider = await current_provider(request)
    doc = await _document(request, provider)
    form = await request.post()
    values, category, errors = _read_category(form)
    name = str(form.get("plan_name", "")).strip()
    plan_i = len(doc.body.get("plans", []))
    if any(p.get("name", "").casefold() == name.casefold() for p in doc.body.get("plans", [])):
        errors["plan_name"] = f"another plan is already named {name!r}"
    def change(plans: list[dict[str, Any]]) -> None:
        plans.append({"name": name, "playback_order": [category["name"]],
                      "categories": [category]})

    # Every error at once: the form's own, and those of the plan as it would be.
    errors = {**await _save(request, provider, doc, change, plan_i, 0,
                            check_only=bool(errors)), **errors}
    if errors:
        return await _category_page(request, {"name": name}, values, errors, doc.version,
                                    new_plan=True, status=400)
    raise redirect(f"/plans/{q(name)}", "saved")


@routes.post("/plans/{plan}/categories/{category}")
@routes.post("/plans/{plan}/categories/new")  # applied first: registered before {category}
async def save_category(request: web.Request) -> web.Response:
    provider = await current_provider(request)
    doc = await _document(request, provider)
    plan_i = _plan_index(doc, request.match_info["plan"])
    plan = doc.body["plans"][plan_i]
    editing = request.match_info.get("category")
    j = _category_index(plan, editing) if editing else len(plan.get("categories", []))
    values, category, errors = _read_category(await request.post())

    def change(plans: list[dict[str, Any]]) -> None:
        target = plans[plan_i]
        if editing is None:
            target["categories"].append(category)
            target["playback_order"].append(category["name"])
        else:
            target["categories"][j] = category
            target["playback_order"] = [category["name"] if n == editing else n
                                        for n in target["playback_order"]]

    errors = {**await _save(request, provider, doc, change, plan_i, j,
                            check_only=bool(errors)), **errors}
    if errors:
        return await _category_page(request, plan, values, errors, doc.version,
                                    editing=editing, status=400)
    raise redirect(f"/plans/{q(plan['name'])}", "saved")


@routes.post("/plans/{plan}/categories/{category}/delete")
@routes.post("/plans/{plan}/order")
@routes.post("/plans/{plan}/delete")
async def plan_action(request: web.Request) -> web.Response:
    """Delete a category, move one up or down in the playback order, or delete the plan."""
    provider = await current_provider(request)
    doc = await _document(request, provider)
    plan_i = _plan_index(doc, request.match_info["plan"])
    plan = doc.body["plans"][plan_i]
    form = await request.post()
    if request.path.endswith("/order"):
        name, step = str(form.get("category", "")), -1 if form.get("direction") == "up" else 1
        if name not in plan.get("playback_order", []):
            raise web.HTTPBadRequest(text="category: not in the playback order")

        def change(plans: list[dict[str, Any]]) -> None:
            order = plans[plan_i]["playback_order"]
            i = order.index(name)
            if 0 <= i + step < len(order):  # first UP or last DOWN: no change (NCC)
                order[i], order[i + step] = order[i + step], order[i]
        notice, target = "moved", f"/plans/{q(plan['name'])}"
    elif "category" in request.match_info:
        gone = plan["categories"][_category_index(plan, request.match_info["category"])]["name"]

        def change(plans: list[dict[str, Any]]) -> None:
            plans[plan_i]["categories"] = [c for c in plans[plan_i]["categories"]
                                           if c["name"] != gone]
            plans[plan_i]["playback_order"] = [n for n in plans[plan_i]["playback_order"]
                                               if n != gone]
        notice, target = "deleted", f"/plans/{q(plan['name'])}"
    else:
        if plan["name"] == settings_of(request).ivr.default_plan:
            return await _plan_view(request, provider, doc, plan, status=409, errors={
                "_form": "the IVR's default plan (ivr.default_plan) cannot be deleted"})

        def change(plans: list[dict[str, Any]]) -> None:
            del plans[plan_i]
        notice, target = "deleted", "/plans"
    errors = await _save(request, provider, doc, change, plan_i, None)
    if errors:
        return await _plan_view(request, provider, doc, plan, status=409,
                                errors={"_form": "; ".join(errors.values())})
    raise redirect(target, notice)
