"""``reserveBalance``: the ledger's two-phase reservations (id = the reservation's id).

- POST -> Reserve (on ``bucket.name``'s type, or the provider's default cascade), held until
  ``validFor.endDateTime`` (default 15 minutes, at most 7 days);
- PATCH ``{"status": "completed", "amount": ...}`` -> CommitReservation of the amount used
  (all of it when no amount is given; the rest returns);
- PATCH ``{"status": "cancelled"}`` and DELETE -> ReleaseReservation.

PATCH and DELETE need no Idempotency-Key: a reservation ends once, so their ledger keys are
derived from the reservation and the action, and a retry replays the first outcome.

Status: open -> created, committed -> completed, released or expired -> cancelled (the ledger's
own state is in ``reservationState``).
"""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from core import commands as c
from core.clock import from_datetime
from core.outcomes import Status
from core.service import Ledger
from core.storage.sqlite_rows import parse_parts
from gateway.tmf import amounts, idempotency, targets
from gateway.tmf.errors import TmfError, bad_request, not_found, outcome_error
from gateway.tmf.events import poke
from gateway.tmf.http import (
    Json,
    base_path,
    digits_id,
    entity_response,
    ledger_of,
    list_response,
    optional_object,
    optional_str,
    paging,
    read_body,
)
from gateway.tmf.reservations import (
    COLUMNS,
    amount_type,
    load,
    reservation_view,
    status_of,
    view_of,
)
from gateway.tmf.resources.actions import begin, positive, respond
from gateway.tmf.resources.buckets import NO_WALLET, account_filter

DEFAULT_TTL_S = 15 * 60
MAX_TTL_S = 7 * 86_400
STATUS_SQL = {
    "created": "r.state = 'open' AND r.expires_at > ?",
    "completed": "r.state = 'committed' AND ? IS NOT NULL",
    "cancelled": "(r.state IN ('released', 'expired') OR (r.state = 'open' "
                 "AND r.expires_at <= ?))",
}


def ttl_of(ledger: Ledger, body: Json) -> int:
    valid_for = optional_object(body, "validFor")
    end = optional_str(valid_for, "endDateTime", field="validFor.endDateTime") \
        if valid_for is not None else None
    if end is None:
        return DEFAULT_TTL_S
    try:
        when = datetime.fromisoformat(end.replace("Z", "+00:00"))
        ttl = from_datetime(when) - ledger.clock()
    except (ValueError, OverflowError):
        raise bad_request("validFor.endDateTime", "an ISO 8601 time with a zone, "
                          "e.g. 2026-01-31T12:00:00Z") from None
    if not 0 < ttl <= MAX_TTL_S:
        raise bad_request("validFor.endDateTime", "must be in the future and at most 7 days "
                          "away")
    return ttl


async def create_reserve(request: web.Request) -> web.Response:
    ledger, key, body, fingerprint, replayed = await begin(request, "reserveBalance")
    if replayed is not None:
        return replayed
    target = await targets.resolve(ledger, body, allow_cascade=True)
    if body.get("amount") is None:
        raise bad_request("amount", "is required")
    minor = positive(amounts.to_minor(body["amount"], target.amount_type(), target.currency))
    ttl_s = ttl_of(ledger, body)
    bt = target.balance_type
    outcome = await ledger.execute(c.Reserve(
        key=idempotency.ledger_key(key), channel="tmf", msisdn=target.msisdn, amount=minor,
        ttl_s=ttl_s, session_id=f"tmf:{key}", balance_type=bt.name if bt else None))
    base = base_path(request)

    async def view() -> Json:
        return await view_of(ledger, int(outcome.data["reservation_id"]), base)

    return await respond(request, ledger, key, fingerprint, outcome, view)


def action_key(ident: int, action: str) -> str:
    # Not under "tmf:": no client Idempotency-Key can ever produce this key.
    return f"tmf-reserve:{ident}:{action}"


async def end_reservation(request: web.Request, ident: int, status: str,
                          body: Json) -> web.Response | None:
    """Commit or release; None when it worked, else the error response."""
    ledger = ledger_of(request)
    row = await load(ledger, ident)
    if row is None:
        raise not_found("reserveBalance", str(ident))
    command: c.Command
    if status == "completed":
        used = int(sum(parse_parts(row[4]).values()))
        if body.get("amount") is not None:
            provider = (await ledger.store.catalog()).provider(int(row[10]))
            bt = amount_type(row, provider)
            if bt is None:
                raise bad_request("amount", "the reservation's unit is unknown")
            reserved = used
            used = amounts.to_minor(body["amount"], bt, provider.currency)
            # Checked here, not left to the ledger: a refused command is remembered under
            # its key, and a mistyped amount must not block the real commit.
            if used < 0:
                raise bad_request("amount.amount", "must not be negative")
            if used > reserved:
                raise TmfError(422, "commit_exceeds_reserved", "more than the amount reserved "
                               f"({amounts.number(reserved, bt, provider.currency)})",
                               field="amount.amount")
        # The amount is part of the key: the same commit again replays, another one finds
        # the reservation closed.
        command = c.CommitReservation(key=action_key(ident, f"completed:{used}"),
                                      channel="tmf", reservation_id=ident, used=used)
    else:
        command = c.ReleaseReservation(key=action_key(ident, "cancelled"), channel="tmf",
                                       reservation_id=ident)
    outcome = await ledger.execute(command)
    if outcome.ok:
        poke(request)
        return None
    if outcome.status is Status.UNKNOWN_RESERVATION:
        # The ledger loads open reservations only: this one exists, so it has ended.
        state = status_of(str(row[5]), int(row[7]), ledger.clock())[1]
        return TmfError(409, "reservation_closed", f"the reservation is {state} already",
                        field="status").response()
    return outcome_error(outcome, fields={
        "idempotency_conflict": "status", "reservation_closed": "status",
        "reservation_expired": "status"}).response()


async def patch_reserve(request: web.Request) -> web.Response:
    ident = digits_id(request.match_info["id"], "reserveBalance")
    body = await read_body(request)
    status = optional_str(body, "status")
    if status not in ("completed", "cancelled"):
        raise bad_request("status", "'completed' (commit the amount used) or 'cancelled' "
                          "(release)")
    if status == "cancelled" and body.get("amount") is not None:
        raise bad_request("amount", "a cancelled reservation uses nothing: omit amount")
    failed = await end_reservation(request, ident, status, body)
    if failed is not None:
        return failed
    ledger = ledger_of(request)
    return entity_response(request, await view_of(ledger, ident, base_path(request)))


async def delete_reserve(request: web.Request) -> web.Response:
    ident = digits_id(request.match_info["id"], "reserveBalance")
    failed = await end_reservation(request, ident, "cancelled", {})
    return failed if failed is not None else web.Response(status=204)


async def list_reserve(request: web.Request) -> web.Response:
    ledger = ledger_of(request)
    offset, limit = paging(request)
    status = request.query.get("status", "created")
    if status not in STATUS_SQL:
        raise bad_request("status", f"one of {sorted(STATUS_SQL)}, got {status!r}")
    account = await account_filter(ledger, request)
    if account == NO_WALLET:
        return list_response(request, [], 0)
    now = ledger.clock()
    condition, params = STATUS_SQL[status], [now]
    if account is not None:
        condition += " AND r.account_id = ?"
        params.append(account)
    total = (await ledger.store.query(
        f"SELECT COUNT(*) FROM reservations r WHERE {condition}", params))[0][0]
    rows = await ledger.store.query(
        f"SELECT {COLUMNS} FROM reservations r JOIN accounts a ON a.id = r.account_id "
        f"WHERE {condition} ORDER BY r.id DESC LIMIT ? OFFSET ?", [*params, limit, offset])
    catalog = await ledger.store.catalog()
    base = base_path(request)
    return list_response(request, [reservation_view(r, catalog, base, now) for r in rows],
                         int(total))


async def get_reserve(request: web.Request) -> web.Response:
    ident = digits_id(request.match_info["id"], "reserveBalance")
    ledger = ledger_of(request)
    return entity_response(request, await view_of(ledger, ident, base_path(request)))


def routes() -> list[web.RouteDef]:
    return [web.get("/reserveBalance", list_reserve, allow_head=False),
            web.post("/reserveBalance", create_reserve),
            web.get("/reserveBalance/{id}", get_reserve, allow_head=False),
            web.patch("/reserveBalance/{id}", patch_reserve),
            web.delete("/reserveBalance/{id}", delete_reserve)]

