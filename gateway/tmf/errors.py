"""TMF error responses: ``{code, reason, message, status, @type: "Error"}``.

Bad input names the field (or header, or query parameter) in ``reason`` and ``message``, so a
client can point at what to fix. Business outcomes from the ledger map to a status code here
and nowhere else.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from core.outcomes import Outcome, Status


class TmfError(Exception):
    """Raised by handlers and parsers; the error middleware turns it into a TMF Error."""

    def __init__(self, status: int, code: str, message: str, *, field: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        reason = f"{self.field}: {_REASONS.get(self.status, 'Error')}" if self.field else \
            _REASONS.get(self.status, "Error")
        message = f"{self.field}: {self.message}" if self.field else self.message
        return {"code": self.code, "reason": reason, "message": message,
                "status": str(self.status), "@type": "Error"}

    def response(self) -> web.Response:
        return error_response(self.status, self.body(), self.headers)


_REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            405: "Method Not Allowed", 409: "Conflict", 413: "Payload Too Large",
            415: "Unsupported Media Type", 422: "Unprocessable Entity",
            500: "Internal Server Error"}


def error_response(status: int, body: dict[str, Any], headers: dict[str, str] | None = None
                   ) -> web.Response:
    return web.Response(status=status, text=json.dumps(body), content_type="application/json",
                        headers=headers)


def bad_request(field: str, message: str) -> TmfError:
    return TmfError(400, "invalid_field", message, field=field)


def not_found(what: str, ident: str) -> TmfError:
    return TmfError(404, "not_found", f"no {what} with id {ident!r}", field="id")


# Which request field each business outcome is about, and its HTTP status. Rules the request
# broke as written are 400; rules about the ledger's current state (funds, wallet states,
# vouchers, reservations) are 422, or 409 when the resource is no longer in a state that
# allows the change; unknown referenced entities are 404 only for the path's own resource.
_OUTCOMES: dict[Status, tuple[int, str | None]] = {
    Status.INVALID_AMOUNT: (400, "amount.amount"),
    Status.INVALID_MSISDN: (400, "relatedParty.id"),
    Status.UNKNOWN_SUBSCRIBER: (422, "relatedParty.id"),
    Status.UNKNOWN_BALANCE_TYPE: (422, "bucket.name"),
    Status.UNKNOWN_PRODUCT: (422, "product"),
    Status.UNKNOWN_PROVIDER: (422, None),
    Status.UNKNOWN_LANGUAGE: (422, None),
    Status.UNKNOWN_WALLET_TYPE: (422, None),
    Status.ALREADY_EXISTS: (409, None),
    Status.IDEMPOTENCY_CONFLICT: (409, "Idempotency-Key"),
    Status.WALLET_NOT_ACTIVE: (422, "relatedParty.id"),
    Status.WALLET_TERMINATED: (422, "relatedParty.id"),
    Status.RECIPIENT_NOT_ACTIVE: (422, "receiver.id"),
    Status.INSUFFICIENT_FUNDS: (422, "amount.amount"),
    Status.MAX_BALANCE_EXCEEDED: (422, "amount.amount"),
    Status.SPENDING_LIMIT_EXCEEDED: (422, "amount.amount"),
    Status.TRANSFER_BELOW_MINIMUM: (422, "amount.amount"),
    Status.TRANSFER_ABOVE_MAXIMUM: (422, "amount.amount"),
    Status.SAME_WALLET: (422, "receiver.id"),
    Status.DIFFERENT_PROVIDER: (422, "receiver.id"),
    Status.NO_CONVERSION: (422, None),
    Status.BAD_PIN: (422, "voucher"),
    Status.RECHARGE_LOCKED: (422, "voucher"),
    Status.VOUCHER_USED: (422, "voucher"),
    Status.VOUCHER_FROZEN: (422, "voucher"),
    Status.VOUCHER_INACTIVE: (422, "voucher"),
    Status.UNKNOWN_RESERVATION: (404, "id"),
    Status.RESERVATION_CLOSED: (409, "status"),
    Status.RESERVATION_EXPIRED: (409, "status"),
    Status.COMMIT_EXCEEDS_RESERVED: (422, "amount.amount"),
}


def outcome_error(outcome: Outcome, *, fields: dict[str, str] | None = None) -> TmfError:
    """The TMF error for a failed ledger outcome. ``fields`` renames the request field an
    outcome is about where a resource names it differently (a transfer's receiver...)."""
    status, field = _OUTCOMES.get(outcome.status, (422, None))
    if outcome.data.get("party") == "recipient":
        field = "receiver.id"
    if outcome.data.get("field") == "ttl_s":
        field = "validFor.endDateTime"
    if fields and outcome.status.value in fields:
        field = fields[outcome.status.value]
    details = {k: v for k, v in outcome.data.items() if k not in ("field", "party")}
    text = outcome.status.value.replace("_", " ")
    if details:
        text += " " + json.dumps(details, sort_keys=True)
    return TmfError(status, outcome.status.value, text, field=field)
