"""Wallet lookup by MSISDN (balances, buckets with expiry, open reservations, the journal) and
operator adjustments.

An adjustment is ``core.commands.Adjust`` with a reason (required) and the operator's name in
it. Its idempotency key comes from a random value in a hidden field of the form, so a form
submitted twice (a double click, a browser retry) adjusts once; the second answer says so.
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

from aiohttp import web

from core import commands as c
from core.msisdn import InvalidMsisdn
from core.snapshots import WalletSnapshot
from gateway.console.web import current_provider, ledger_of, page, q, session_of, url
from gateway.wallet_json import iso

routes = web.RouteTableDef()
JOURNAL_LINES = 100
REASON_MAX = 200
_AMOUNT = re.compile(r"-?\d{1,15}")
_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


async def _details(request: web.Request, wallet: WalletSnapshot) -> dict[str, Any]:
    store = ledger_of(request).store
    provider = await current_provider(request)
    catalog = await store.catalog()
    names = {t.id: t.name for p in catalog.providers for t in p.balance_types}
    reservations = [
        {"id": r[0], "session": r[1], "parts": [
            (names.get(int(tid), tid), int(amount))
            for tid, amount in (part.split(":") for part in str(r[2]).split(",") if part)],
         "created_at": iso(r[3]), "expires_at": iso(r[4])}
        for r in await store.query(
            "SELECT id, session_id, parts, created_at, expires_at FROM reservations "
            "WHERE account_id = ? AND state = 'open' ORDER BY id", (wallet.wallet_id,))]
    journal = [
        {"id": r[0], "at": iso(r[1]), "operation": r[2], "status": r[3], "channel": r[4],
         "balance_type": names.get(r[5], r[5]), "bucket": r[6], "delta": r[7],
         "after": r[8], "reason": json.loads(r[9]).get("reason", "") if r[9] else ""}
        for r in await store.query(
            "SELECT j.id, o.at, o.kind, o.status, o.channel, j.type_id, j.bucket_id, j.delta, "
            "j.after, o.detail FROM journal j JOIN operations o ON o.id = j.op_id "
            "WHERE j.account_id = ? ORDER BY j.id DESC LIMIT ?",
            (wallet.wallet_id, JOURNAL_LINES))]
    return {"reservations": reservations, "journal": journal,
            "other_provider": wallet.provider_id != provider.id}


async def _wallet_page(request: web.Request, raw: str, *, errors: dict[str, str] | None = None,
                       values: dict[str, str] | None = None, status: int = 200
                       ) -> web.Response:
    errors = dict(errors or {})
    ledger = ledger_of(request)
    wallet = None
    details: dict[str, Any] = {}
    if raw:
        try:
            ledger.msisdn(raw)
        except InvalidMsisdn:
            errors["msisdn"] = "not a phone number"
        else:
            wallet = await ledger.wallet(raw)
            if wallet is None:
                errors["msisdn"] = "no wallet for this number"
            else:
                details = await _details(request, wallet)
    if wallet is not None and status == 404:
        status = 200
    return await page(
        request, "wallet.html", screen="wallets", msisdn=raw, wallet=wallet, errors=errors,
        iso=iso, values=values or {"idempotency_key": secrets.token_urlsafe(18)},
        status=status if wallet is not None or not raw else 404, **details)


@routes.get("/wallets")
async def wallets(request: web.Request) -> web.Response:
    return await _wallet_page(request, request.query.get("msisdn", "").strip())


@routes.post("/wallets/{msisdn}/adjust")
async def adjust(request: web.Request) -> web.Response:
    ledger = ledger_of(request)
    raw = request.match_info["msisdn"]
    form = await request.post()
    values = {k: str(form.get(k, "")).strip() for k in
              ("balance_type", "amount", "reason", "validity_days", "idempotency_key")}
    errors: dict[str, str] = {}
    wallet = await ledger.wallet(raw)
    if wallet is None:
        return await _wallet_page(request, raw)
    if wallet.balance(values["balance_type"]) is None:
        errors["balance_type"] = "choose one of the wallet's balance types"
    if not _AMOUNT.fullmatch(values["amount"]) or int(values["amount"]) == 0:
        errors["amount"] = ("a whole, non-zero number of the unit's smallest part (cents, "
                            "seconds, bytes); negative to debit")
    if not values["reason"]:
        errors["reason"] = "a reason is required"
    elif len(values["reason"]) > REASON_MAX:
        errors["reason"] = f"at most {REASON_MAX} characters"
    validity = values["validity_days"]
    if validity and (not validity.isdigit() or int(validity) == 0):
        errors["validity_days"] = "a whole number of days, or empty for no expiry"
    if not _KEY.fullmatch(values["idempotency_key"]):
        errors["_form"] = "the form is incomplete: reload the page"
    if errors:
        return await _wallet_page(request, raw, errors=errors, values=values, status=400)
    operator = session_of(request).username
    outcome = await ledger.execute(c.Adjust(
        key=f"console:adjust:{values['idempotency_key']}", channel="console",
        msisdn=wallet.msisdn, balance_type=values["balance_type"],
        amount=int(values["amount"]), reason=f"{values['reason']} (console: {operator})",
        validity_days=int(validity) if validity else None))
    if not outcome.ok:
        field = str(outcome.data.get("field", "")) or "_form"
        errors[field if field in values else "_form"] = (
            f"refused: {outcome.status.value}"
            + (f" ({outcome.data.get('reason')})" if outcome.data.get("reason") else ""))
        return await _wallet_page(request, raw, errors=errors, values=values, status=409)
    notice = "replayed" if outcome.replayed else "adjusted"
    raise web.HTTPSeeOther(url(f"/wallets?msisdn={q(wallet.msisdn)}&notice={notice}"))
