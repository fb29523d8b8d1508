"""NCC 'Balance Type Translations' and 'Wallet Name Translation': list, add, edit, delete.

Both live in the provider's ``translations`` document. A change is checked by the rules of
``translations.config`` (each error next to its field), then the whole document must still
load over the ledger's balance types; only then is it saved (one statement, naming the version
the operator edited) and the channels reloaded. Language and balance type (wallet type) are
the record's key: chosen once, never edited (NCC).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web

from core.catalog import Provider
from gateway.channels import translation_set_for
from gateway.console import documents
from gateway.console.catalog_edit import refresh_channels
from gateway.console.web import current_provider, ledger_of, page, redirect
from translations.config import (
    BalanceTypeTranslation,
    TranslationSet,
    ValidationError,
    WalletNameTranslation,
)
from translations.rules import DEFAULT_SINGLE_FORMAT

routes = web.RouteTableDef()
BT_FIELDS = ("language", "balance_type_name", "translated_name", "single_currency",
             "dual_currency", "single_format", "dual_format", "separator",
             "balance_expiry_text", "no_balance_expiry_text")
WALLET_FIELDS = ("language", "wallet_type", "translation", "wallet_expiry_text",
                 "no_wallet_expiry_text")
OPTIONAL = ("single_currency", "dual_currency", "dual_format")
CASH_ONLY = OPTIONAL
LIST_KEY = {"bt": "balance_type_translations", "wallet": "wallet_name_translations"}
KEY_FIELDS = {"bt": ("language", "balance_type_name"), "wallet": ("language", "wallet_type")}


async def _document(request: web.Request, provider: Provider
                    ) -> tuple[documents.Document, TranslationSet]:
    doc = await documents.get_document(ledger_of(request).store, provider.name, "translations")
    if doc is None:
        raise web.HTTPNotFound(text=f"{provider.name!r} has no translations document (the "
                                    "gateway imports one at start-up for its provider)")
    return doc, translation_set_for(doc.body, provider)


def _bt_record(values: Mapping[str, str]) -> dict[str, str]:
    record = {k: values.get(k, "") for k in BT_FIELDS if k not in OPTIONAL}
    record["single_format"] = record["single_format"] or DEFAULT_SINGLE_FORMAT
    record.update({k: values[k] for k in OPTIONAL if values.get(k)})
    return record


def _wallet_record(values: Mapping[str, str]) -> dict[str, str]:
    return {k: values.get(k, "") for k in WALLET_FIELDS}


def _check(kind: str, tset: TranslationSet, record: Mapping[str, str], editing: bool
           ) -> dict[str, str]:
    try:
        if kind == "bt":
            tset.with_balance_type_translation(BalanceTypeTranslation(**record),
                                               replace_existing=editing)
        else:
            tset.with_wallet_name_translation(WalletNameTranslation(**record),
                                              replace_existing=editing)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for name, message in exc.errors:
            errors.setdefault(name, message)
        return errors
    return {}


async def _store(request: web.Request, provider: Provider, doc: documents.Document,
                 edited_version: str, change: Callable[[list[dict[str, Any]]], None], kind: str
                 ) -> dict[str, str]:
    """Apply ``change`` to the document's list, check the whole, save; errors or {}."""
    body = dict(doc.body)
    records = [dict(r) for r in body.get(LIST_KEY[kind], [])]
    change(records)
    body[LIST_KEY[kind]] = records
    try:
        translation_set_for(body, provider)
    except ValidationError as exc:
        return {"_form": str(exc)}
    try:
        await documents.save_document(
            ledger_of(request).store, provider.name, "translations", body,
            edited_version=int(edited_version) if edited_version.isdigit() else -1,
            now=ledger_of(request).clock())
    except documents.StaleDocument as exc:
        return {"_form": str(exc)}
    await refresh_channels(request)
    return {}


def _same(kind: str, record: Mapping[str, Any], key: tuple[str, str]) -> bool:
    return tuple(record.get(k) for k in KEY_FIELDS[kind]) == key


async def _form(request: web.Request, kind: str, key: tuple[str, str] | None,
                values: dict[str, str], errors: dict[str, str], version: int,
                status: int = 200) -> web.Response:
    provider = await current_provider(request)
    screen = "translations" if kind == "bt" else "wallet-names"
    return await page(
        request, "translation_form.html" if kind == "bt" else "wallet_name_form.html",
        screen=screen, key=key, values=values, errors=errors, version=version, status=status,
        languages=provider.languages, wallet_types=provider.wallet_types,
        types=[(t.name, t.is_cash) for t in provider.balance_types])


def _routes(kind: str, base: str, fields: tuple[str, ...]) -> None:
    screen = "translations" if kind == "bt" else "wallet-names"
    record_of = _bt_record if kind == "bt" else _wallet_record

    async def listing(request: web.Request) -> web.Response:
        provider = await current_provider(request)
        doc = await documents.get_document(ledger_of(request).store, provider.name,
                                           "translations")
        records = doc.body.get(LIST_KEY[kind], []) if doc else []
        return await page(request, f"{screen}.html", screen=screen, records=records,
                          has_document=doc is not None, key_fields=KEY_FIELDS[kind])

    async def form(request: web.Request) -> web.Response:
        provider = await current_provider(request)
        doc, _ = await _document(request, provider)
        if "language" not in request.match_info:
            return await _form(request, kind, None, {}, {}, doc.version)
        key = (request.match_info["language"], request.match_info["name"])
        record = next((r for r in doc.body.get(LIST_KEY[kind], []) if _same(kind, r, key)),
                      None)
        if record is None:
            raise web.HTTPNotFound(text="no such translation")
        return await _form(request, kind, key, {k: str(v) for k, v in record.items()}, {},
                           doc.version)

    async def save(request: web.Request) -> web.Response:
        provider = await current_provider(request)
        doc, tset = await _document(request, provider)
        form_data = await request.post()
        values = {k: str(form_data.get(k, "")).strip() for k in fields}
        key = None
        if "language" in request.match_info:
            key = (request.match_info["language"], request.match_info["name"])
            values.update(zip(KEY_FIELDS[kind], key, strict=True))  # never edited
        chosen = tset.balance_type(values.get("balance_type_name", ""))
        if kind == "bt" and chosen is not None and not chosen.is_cash:
            for name in CASH_ONLY:  # disabled for a non-cash type: not sent
                values.pop(name, None)
        record = record_of(values)
        edited = str(form_data.get("version", ""))
        deleting = request.path.endswith("/delete")
        errors = {} if deleting else _check(kind, tset, record, key is not None)
        if not errors:
            def change(records: list[dict[str, Any]]) -> None:
                kept = [r for r in records if key is None or not _same(kind, r, key)]
                if not deleting:
                    at = next((i for i, r in enumerate(records) if key and _same(kind, r, key)),
                              len(kept))
                    kept.insert(at, record)
                records[:] = kept

            errors = await _store(request, provider, doc, edited, change, kind)
        if errors:
            return await _form(request, kind, key, values, errors, doc.version, status=400)
        raise redirect(base, "deleted" if deleting else "saved")

    routes.get(base)(listing)
    routes.get(f"{base}/new")(form)
    routes.get(base + "/{language}/{name}/edit")(form)
    routes.post(f"{base}/new")(save)
    routes.post(base + "/{language}/{name}/edit")(save)
    routes.post(base + "/{language}/{name}/delete")(save)


_routes("bt", "/translations", BT_FIELDS)
_routes("wallet", "/wallet-names", WALLET_FIELDS)
