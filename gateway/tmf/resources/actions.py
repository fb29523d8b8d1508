"""``topupBalance``, ``adjustBalance`` and ``transferBalance``: list, retrieve, create.

Create maps to one ledger command under the request's Idempotency-Key:
- topupBalance with ``voucher`` (the PIN) -> Recharge; with ``amount`` -> Adjust (credit,
  reason "topup");
- adjustBalance -> Adjust (credit or debit, with the client's reason);
- transferBalance -> Transfer (the fee comes back as ``transferCost``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from core import commands as c
from core.msisdn import InvalidMsisdn
from core.outcomes import Outcome
from core.service import Ledger
from gateway.tmf import amounts, idempotency, targets
from gateway.tmf.errors import bad_request, not_found, outcome_error
from gateway.tmf.events import poke
from gateway.tmf.http import (
    Json,
    base_path,
    digits_id,
    dumps,
    entity_response,
    idempotency_key,
    ledger_of,
    list_response,
    optional_str,
    paging,
    party_id,
    read_body,
)
from gateway.tmf.operations import (
    TOPUP_REASON,
    action_view,
    credit_lines,
    get_op,
    list_ops,
    op_by_key,
)

CHANNEL = "tmf"
View = Callable[[], Awaitable[Json]]


async def respond(request: web.Request, ledger: Ledger, key: str, fingerprint: str,
                  outcome: Outcome, view: View) -> web.Response:
    """Answer a create from the ledger's outcome, and store the answer under the key."""
    if outcome.ok:
        status, body = 201, await view()
    else:
        error = outcome_error(outcome)
        status, body = error.status, error.body()
    text = dumps(body)
    await idempotency.remember(ledger, key, fingerprint, status, text)
    if outcome.ok:
        poke(request)
    headers = {"Location": str(body["href"])} if status == 201 else None
    return web.Response(status=status, text=text, content_type="application/json",
                        headers=headers)


def op_view(ledger: Ledger, base: str, kind: str, msisdn: str, key: str) -> View:
    async def view() -> Json:
        op = await op_by_key(ledger, kind, msisdn, key)
        if op is None:
            raise LookupError(f"no {kind} operation for key {key!r}")
        lines = await credit_lines(ledger, [op.id])
        return action_view(op, lines[op.id], await ledger.store.catalog(), base)
    return view


async def begin(request: web.Request, resource: str) -> tuple[Ledger, str, Json, str,
                                                              web.Response | None]:
    """Key, body and fingerprint of a create; with the stored response if it is a retry."""
    ledger = ledger_of(request)
    key = idempotency_key(request)
    body = await read_body(request)
    fingerprint = idempotency.request_hash(request.method, resource, body)
    return ledger, key, body, fingerprint, await idempotency.replay(ledger, key, fingerprint)


def positive(minor: int, field: str = "amount.amount") -> int:
    if minor <= 0:
        raise bad_request(field, "must be more than zero")
    return minor


async def create_topup(request: web.Request) -> web.Response:
    ledger, key, body, fingerprint, replayed = await begin(request, "topupBalance")
    if replayed is not None:
        return replayed
    target = await targets.resolve(ledger, body)
    voucher = optional_str(body, "voucher", max_len=64)
    lkey = idempotency.ledger_key(key)
    base = base_path(request)
    if voucher is not None:
        if body.get("amount") is not None:
            raise bad_request("amount", "a voucher recharge credits the voucher's value: "
                              "give either voucher or amount")
        if not voucher.strip():
            raise bad_request("voucher", "must be the voucher's PIN")
        outcome = await ledger.recharge(target.msisdn, voucher.strip(), key=lkey,
                                        channel=CHANNEL)
        view = op_view(ledger, base, "recharge", target.msisdn, lkey)
    else:
        if body.get("amount") is None:
            raise bad_request("amount", "is required (or voucher)")
        bt = target.amount_type()
        minor = positive(amounts.to_minor(body["amount"], bt, target.currency))
        outcome = await ledger.execute(c.Adjust(
            key=lkey, channel=CHANNEL, msisdn=target.msisdn, balance_type=bt.name,
            amount=minor, reason=TOPUP_REASON))
        view = op_view(ledger, base, "adjust", target.msisdn, lkey)
    return await respond(request, ledger, key, fingerprint, outcome, view)


async def create_adjust(request: web.Request) -> web.Response:
    ledger, key, body, fingerprint, replayed = await begin(request, "adjustBalance")
    if replayed is not None:
        return replayed
    target = await targets.resolve(ledger, body)
    reason = optional_str(body, "reason", max_len=200)
    if reason is None or not reason.strip():
        raise bad_request("reason", "is required: why the balance is adjusted")
    if reason.strip() == TOPUP_REASON:
        raise bad_request("reason", f"{TOPUP_REASON!r} is kept for topupBalance")
    adjust_type = optional_str(body, "adjustType")
    if adjust_type not in (None, "oneTime"):
        raise bad_request("adjustType", "only 'oneTime' adjustments are supported")
    if body.get("amount") is None:
        raise bad_request("amount", "is required")
    bt = target.amount_type()
    minor = amounts.to_minor(body["amount"], bt, target.currency)
    if minor == 0:
        raise bad_request("amount.amount", "must not be zero (negative debits, positive "
                          "credits)")
    lkey = idempotency.ledger_key(key)
    outcome = await ledger.execute(c.Adjust(
        key=lkey, channel=CHANNEL, msisdn=target.msisdn, balance_type=bt.name, amount=minor,
        reason=reason.strip()))
    view = op_view(ledger, base_path(request), "adjust", target.msisdn, lkey)
    return await respond(request, ledger, key, fingerprint, outcome, view)


async def create_transfer(request: web.Request) -> web.Response:
    ledger, key, body, fingerprint, replayed = await begin(request, "transferBalance")
    if replayed is not None:
        return replayed
    target = await targets.resolve(ledger, body)
    raw_receiver = party_id(body, "receiver")
    if raw_receiver is None:
        raise bad_request("receiver", "is required: {id: the recipient's MSISDN}")
    try:
        receiver = ledger.msisdn(raw_receiver)
    except InvalidMsisdn:
        raise bad_request("receiver.id", f"not a valid MSISDN: {raw_receiver!r}") from None
    if body.get("amount") is None:
        raise bad_request("amount", "is required")
    bt = target.amount_type()
    minor = positive(amounts.to_minor(body["amount"], bt, target.currency))
    lkey = idempotency.ledger_key(key)
    outcome = await ledger.execute(c.Transfer(
        key=lkey, channel=CHANNEL, from_msisdn=target.msisdn, to_msisdn=receiver,
        amount=minor, balance_type=bt.name))
    view = op_view(ledger, base_path(request), "transfer", target.msisdn, lkey)
    return await respond(request, ledger, key, fingerprint, outcome, view)


def msisdn_filter(ledger: Ledger, request: web.Request) -> str | None:
    """``relatedParty.id`` as E.164; None when not filtering, "" when it matches nothing."""
    raw = request.query.get("relatedParty.id")
    if raw is None:
        return None
    try:
        return ledger.msisdn(raw)
    except InvalidMsisdn:
        return ""


def lister(resource: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def list_actions(request: web.Request) -> web.Response:
        ledger = ledger_of(request)
        offset, limit = paging(request)
        msisdn = msisdn_filter(ledger, request)
        if msisdn == "":
            return list_response(request, [], 0)
        ops, total = await list_ops(ledger, resource, msisdn, offset, limit)
        lines = await credit_lines(ledger, [op.id for op in ops])
        catalog = await ledger.store.catalog()
        base = base_path(request)
        return list_response(request, [action_view(op, lines[op.id], catalog, base)
                                       for op in ops], total)
    return list_actions


def getter(resource: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def get_action(request: web.Request) -> web.Response:
        ledger = ledger_of(request)
        ident = digits_id(request.match_info["id"], resource)
        op = await get_op(ledger, resource, ident)
        if op is None:
            raise not_found(resource, str(ident))
        lines = await credit_lines(ledger, [op.id])
        return entity_response(request, action_view(op, lines[op.id],
                                                    await ledger.store.catalog(),
                                                    base_path(request)))
    return get_action


def routes() -> list[web.RouteDef]:
    defs = []
    for resource, create in (("topupBalance", create_topup), ("adjustBalance", create_adjust),
                             ("transferBalance", create_transfer)):
        defs += [web.get(f"/{resource}", lister(resource), allow_head=False),
                 web.get(f"/{resource}/{{id}}", getter(resource), allow_head=False),
                 web.post(f"/{resource}", create)]
    return defs

