"""The OpenAPI 3 document of everything the TMF654 sub-application serves, at
``{base_path}/openapi.json``. Request schemas are exactly what the handlers accept (the
schemathesis test holds them to it); response schemas are what they return."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from gateway.tmf.events import EVENT_TYPES
from gateway.tmf.http import DEFAULT_LIMIT, MAX_KEY_LENGTH, MAX_LIMIT, base_path, json_response
from gateway.tmf.targets import USAGE_TYPES

Obj = dict[str, Any]
EXAMPLE_MSISDN = "+254700000001"


def ref(name: str) -> Obj:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: Obj, required: tuple[str, ...] = (), **extra: Any) -> Obj:
    schema: Obj = {"type": "object", "properties": properties, **extra}
    if required:
        schema["required"] = list(required)
    return schema


def string(**extra: Any) -> Obj:
    return {"type": "string", **extra}


def array(items: Obj, **extra: Any) -> Obj:
    return {"type": "array", "items": items, **extra}


def optional(schema: Obj) -> Obj:
    """An optional input property: null means absent (clients often send nulls)."""
    if "$ref" in schema:
        return {"allOf": [schema], "nullable": True}
    return {**schema, "nullable": True}


def request(properties: Obj, required: tuple[str, ...] = (), **extra: Any) -> Obj:
    """A request body: the properties it does not require may be null."""
    return obj({k: v if k in required else optional(v) for k, v in properties.items()},
               required, **extra)


DATE_TIME = string(format="date-time")
STATUS = string(enum=["created", "completed", "cancelled", "failed"])
USAGE = string(enum=sorted(USAGE_TYPES))


def entity(type_name: str, properties: Obj, always: tuple[str, ...] = ()) -> Obj:
    """A resource: id, href and @type always; ``always`` are there too unless ``fields=``
    left them out (so the schema cannot require them)."""
    schema = obj({"id": string(), "href": string(), "@type": string(enum=[type_name]),
                  **properties}, ("id", "href", "@type"))
    if always:
        schema["description"] = f"Always present unless fields= omits them: {', '.join(always)}"
    return schema


SCHEMAS: Obj = {
    "Error": obj({"code": string(), "reason": string(), "message": string(),
                  "status": string(), "@type": string(enum=["Error"])},
                 ("code", "reason", "message", "status", "@type")),
    "Quantity": obj({"amount": {"type": "number"}, "units": string()}, ("amount", "units")),
    "QuantityInput": obj(
        {"amount": {"type": "number", "description": "major units for cash (KES 12.50), "
                                                     "whole units otherwise"},
         "units": optional(string(description="optional; the balance type's units when "
                                              "given: the currency code, seconds, bytes "
                                              "or SMS"))},
        ("amount",), example={"amount": 10.5, "units": "KES"}),
    "Money": obj({"unit": string(), "value": {"type": "number"}}, ("unit", "value")),
    "TimePeriod": obj({"startDateTime": DATE_TIME, "endDateTime": DATE_TIME}),
    "RelatedParty": obj({"id": string(), "role": string(), "@referredType": string()},
                        ("id",)),
    "RelatedPartyInput": obj({"id": string(minLength=1, description="MSISDN",
                                           example=EXAMPLE_MSISDN)}, ("id",)),
    "BucketRef": obj({"id": string(), "href": string(), "name": string()}),
    "BucketRefInput": request({
        "id": string(maxLength=20, description="an existing bucket: its wallet and type"),
        "name": string(maxLength=200, description="a balance type name",
                       example="General Cash")}),
    "ChannelRef": obj({"id": string(), "name": string()}, ("name",)),
    "ProductRef": obj({"id": string(), "name": string()}, ("id",)),
    "PartyAccountRef": obj({"id": string(), "@referredType": string()}, ("id",)),
    "AccountBalance": obj({"balanceType": string(enum=["credit", "reserved", "accepted",
                                                       "loyalty", "billing", "receivable"]),
                           "amount": ref("Quantity")}, ("balanceType", "amount")),
    "Bucket": entity("Bucket", {
        "name": string(), "description": string(), "isShared": {"type": "boolean"},
        "remainingValue": ref("Quantity"), "remainingValueName": string(),
        "status": string(enum=["active", "suspended", "expired"]), "usageType": USAGE,
        "validFor": ref("TimePeriod"), "product": array(ref("ProductRef")),
        "relatedParty": array(ref("RelatedParty")), "partyAccount": ref("PartyAccountRef"),
    }, ("name", "remainingValue", "status")),
    "AccumulatedBalance": entity("AccumulatedBalance", {
        "name": string(), "description": string(), "totalBalance": ref("Quantity"),
        "accountBalance": array(ref("AccountBalance")),
        "balanceTypeBalance": array(obj({
            "name": string(), "category": string(), "usageType": USAGE,
            "accountBalance": array(ref("AccountBalance"))})),
        "categoryBalance": array(obj({
            "category": string(), "units": string(),
            "accountBalance": array(ref("AccountBalance"))})),
        "bucket": array(ref("BucketRef")), "relatedParty": array(ref("RelatedParty")),
        "partyAccount": ref("PartyAccountRef"),
    }, ("name", "totalBalance", "bucket", "accountBalance")),
    "TopupBalance": entity("TopupBalance", {
        "status": STATUS, "amount": ref("Quantity"), "usageType": USAGE,
        "voucher": string(description="the voucher's serial (never its PIN)"),
        "isAutoTopup": {"type": "boolean"}, "description": string(), "reason": string(),
        "requestedDate": DATE_TIME, "confirmationDate": DATE_TIME,
        "bucket": ref("BucketRef"), "channel": ref("ChannelRef"),
        "relatedParty": array(ref("RelatedParty")),
    }, ("status", "amount")),
    "AdjustBalance": entity("AdjustBalance", {
        "status": STATUS, "amount": ref("Quantity"), "usageType": USAGE,
        "adjustType": string(enum=["oneTime"]), "reason": string(),
        "requestedDate": DATE_TIME, "confirmationDate": DATE_TIME,
        "bucket": ref("BucketRef"), "channel": ref("ChannelRef"),
        "relatedParty": array(ref("RelatedParty")),
    }, ("status", "amount")),
    "TransferBalance": entity("TransferBalance", {
        "status": STATUS, "amount": ref("Quantity"), "usageType": USAGE,
        "transferCost": ref("Money"), "costOwner": string(),
        "requestedDate": DATE_TIME, "confirmationDate": DATE_TIME,
        "bucket": ref("BucketRef"), "receiverBucket": ref("BucketRef"),
        "channel": ref("ChannelRef"), "relatedParty": array(ref("RelatedParty")),
        "receiver": ref("RelatedParty"),
    }, ("status", "amount", "receiver")),
    "ReserveBalance": entity("ReserveBalance", {
        "status": STATUS,
        "reservationState": string(enum=["open", "committed", "released", "expired"]),
        "amount": ref("Quantity"), "usedAmount": ref("Quantity"), "usageType": USAGE,
        "reservedBalance": array(obj({"balanceType": string(), "amount": ref("Quantity")})),
        "requestedDate": DATE_TIME, "confirmationDate": DATE_TIME,
        "validFor": ref("TimePeriod"), "relatedParty": array(ref("RelatedParty")),
        "partyAccount": ref("PartyAccountRef"),
    }, ("status", "amount", "validFor")),
    "BalanceActionHistory": entity("BalanceActionHistory", {
        "status": STATUS, "action": string(description="the ledger operation"),
        "description": string(), "reason": string(), "amount": ref("Quantity"),
        "balanceAfter": ref("Quantity"), "balanceType": string(), "usageType": USAGE,
        "bucket": ref("BucketRef"), "channel": ref("ChannelRef"),
        "requestedDate": DATE_TIME, "confirmationDate": DATE_TIME, "operationId": string(),
        "relatedParty": array(ref("RelatedParty")), "partyAccount": ref("PartyAccountRef"),
    }, ("status", "amount", "action")),
    "EventSubscription": entity("EventSubscription", {"callback": string(),
                                                      "query": string()}, ("callback",)),
    "EventSubscriptionInput": request({
        "callback": string(maxLength=2000, description="http(s) URL events are POSTed to",
                           example="http://127.0.0.1:9/listener"),
        "query": string(maxLength=1000, description="eventType=Type[,Type]; empty for all",
                        example="eventType=TopupBalanceCreateEvent")}, ("callback",)),
    "TopupBalanceCreate": request({
        "relatedParty": array(ref("RelatedPartyInput"), minItems=1),
        "bucket": ref("BucketRefInput"), "usageType": USAGE,
        "amount": ref("QuantityInput"),
        "voucher": string(minLength=1, maxLength=64,
                          description="a voucher PIN: recharge with the voucher's value "
                                      "(then no amount)"),
    }, description="A topup of an amount (an operator credit) or of a voucher (its PIN)."),
    "AdjustBalanceCreate": request({
        "relatedParty": array(ref("RelatedPartyInput"), minItems=1),
        "bucket": ref("BucketRefInput"), "usageType": USAGE,
        "amount": ref("QuantityInput"),
        "reason": string(minLength=1, maxLength=200, example="goodwill credit"),
        "adjustType": string(enum=["oneTime"]),
    }, ("amount", "reason"), description="A credit (positive) or debit (negative)."),
    "TransferBalanceCreate": request({
        "relatedParty": array(ref("RelatedPartyInput"), minItems=1,
                              description="the sender"),
        "bucket": ref("BucketRefInput"), "usageType": USAGE,
        "amount": ref("QuantityInput"),
        "receiver": ref("RelatedPartyInput"),
    }, ("amount", "receiver")),
    "ReserveBalanceCreate": request({
        "relatedParty": array(ref("RelatedPartyInput"), minItems=1),
        "bucket": ref("BucketRefInput"), "usageType": USAGE,
        "amount": ref("QuantityInput"),
        "validFor": request({"endDateTime": string(
            format="date-time", description="when the hold ends (default in 15 minutes, "
                                            "at most 7 days)")}),
    }, ("amount",)),
    "ReserveBalanceUpdate": request({
        "status": string(enum=["completed", "cancelled"],
                         description="completed commits amount (default all) and returns "
                                     "the rest; cancelled releases"),
        "amount": ref("QuantityInput"),
    }, ("status",)),
}
for _event in EVENT_TYPES:
    _resource = "reserveBalance" if _event.startswith("Reserve") else \
        _event[0].lower() + _event[1:_event.index("Balance") + len("Balance")]
    SCHEMAS[_event] = obj({
        "eventId": string(), "eventTime": DATE_TIME, "eventType": string(enum=[_event]),
        "timeOcurred": DATE_TIME, "domain": string(), "title": string(),
        "event": obj({_resource: ref(_resource[0].upper() + _resource[1:])}),
    }, ("eventId", "eventTime", "eventType", "event"))

PARAMETERS: Obj = {
    "fields": {"name": "fields", "in": "query", "schema": string(),
               "description": "comma-separated first-level attributes to return"},
    "offset": {"name": "offset", "in": "query",
               "schema": {"type": "integer", "minimum": 0, "maximum": 10**9}},
    "limit": {"name": "limit", "in": "query",
              "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                         "default": DEFAULT_LIMIT}},
    "relatedPartyId": {"name": "relatedParty.id", "in": "query", "schema": string(),
                       "description": "the subscriber's MSISDN",
                       "example": EXAMPLE_MSISDN},
    "id": {"name": "id", "in": "path", "required": True, "schema": string()},
    "idempotencyKey": {
        "name": "Idempotency-Key", "in": "header", "required": True,
        "schema": string(minLength=1, maxLength=MAX_KEY_LENGTH, pattern="^[ -~]+$"),
        "description": "the same key again returns the first response; with another "
                       "request it is a 409"},
}


def error(description: str) -> Obj:
    return {"description": description,
            "content": {"application/json": {"schema": ref("Error")}}}


RESPONSES: Obj = {
    "400": error("Bad Request: the message names the field"),
    "401": error("Unauthorized: no or unknown bearer token"),
    "403": error("Forbidden: the token's role does not allow this"),
    "404": error("Not Found"),
    "405": error("Method Not Allowed"),
    "409": error("Conflict: Idempotency-Key reused, or the resource's state"),
    "422": error("Unprocessable: a business rule refused it (funds, wallet state, ...)"),
    "500": error("Internal Server Error"),
}
COMMON_ERRORS = ("400", "401", "403", "404", "405", "409", "422", "500")
COUNT_HEADERS = {
    "X-Total-Count": {"schema": {"type": "integer"}, "description": "matching resources"},
    "X-Result-Count": {"schema": {"type": "integer"}, "description": "returned in this page"},
}


def errors() -> Obj:
    return {code: {"$ref": f"#/components/responses/{code}"} for code in COMMON_ERRORS}


def ok(schema: Obj, status: str = "200", headers: Obj | None = None) -> Obj:
    response: Obj = {"description": "Success",
                     "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return {status: response, **errors()}


def param(name: str) -> Obj:
    return {"$ref": f"#/components/parameters/{name}"}


def list_op(resource: str, schema: str, summary: str, extra: tuple[Obj, ...] = ()) -> Obj:
    return {"tags": [resource], "summary": summary, "operationId": f"list{schema}",
            "parameters": [param("fields"), param("offset"), param("limit"), *extra],
            "responses": ok(array(ref(schema)), headers=COUNT_HEADERS)}


def get_op(resource: str, schema: str) -> Obj:
    return {"tags": [resource], "summary": f"Retrieve a {schema} by id",
            "operationId": f"retrieve{schema}", "parameters": [param("id"), param("fields")],
            "responses": ok(ref(schema))}


def create_op(resource: str, schema: str, summary: str, body: str) -> Obj:
    return {"tags": [resource], "summary": summary, "operationId": f"create{schema}",
            "parameters": [param("idempotencyKey")],
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": ref(body)}}},
            "responses": ok(ref(schema), "201")}


PARTY = (param("relatedPartyId"),)


def paths() -> Obj:
    p: Obj = {
        "/bucket": {"get": list_op("bucket", "Bucket", "List live buckets", PARTY)},
        "/bucket/{id}": {"get": get_op("bucket", "Bucket")},
        "/accumulatedBalance": {"get": list_op(
            "accumulatedBalance", "AccumulatedBalance", "List accumulated balances (one "
            "per wallet)", PARTY)},
        "/accumulatedBalance/{id}": {"get": get_op("accumulatedBalance",
                                                   "AccumulatedBalance")},
        "/balanceActionHistory": {"get": list_op(
            "balanceActionHistory", "BalanceActionHistory", "List balance changes, newest "
            "first", (*PARTY, {"name": "bucket.id", "in": "query", "schema": string()}))},
        "/balanceActionHistory/{id}": {"get": get_op("balanceActionHistory",
                                                     "BalanceActionHistory")},
    }
    for resource, schema, summary in (
            ("topupBalance", "TopupBalance", "Top up a balance: an amount, or a voucher"),
            ("adjustBalance", "AdjustBalance", "Adjust a balance (credit or debit)"),
            ("transferBalance", "TransferBalance", "Transfer between subscribers")):
        p[f"/{resource}"] = {
            "get": list_op(resource, schema, f"List {resource} operations", PARTY),
            "post": create_op(resource, schema, summary, f"{schema}Create")}
        p[f"/{resource}/{{id}}"] = {"get": get_op(resource, schema)}
    p["/reserveBalance"] = {
        "get": list_op("reserveBalance", "ReserveBalance", "List reservations (open ones "
                       "unless status says otherwise)",
                       (*PARTY, {"name": "status", "in": "query", "schema": string(
                           enum=["created", "completed", "cancelled"], default="created")})),
        "post": create_op("reserveBalance", "ReserveBalance", "Reserve (hold) an amount",
                          "ReserveBalanceCreate")}
    p["/reserveBalance/{id}"] = {
        "get": get_op("reserveBalance", "ReserveBalance"),
        "patch": {"tags": ["reserveBalance"], "operationId": "patchReserveBalance",
                  "summary": "Confirm (commit the amount used) or cancel (release)",
                  "parameters": [param("id")],
                  "requestBody": {"required": True, "content": {"application/json": {
                      "schema": ref("ReserveBalanceUpdate")}}},
                  "responses": ok(ref("ReserveBalance"))},
        "delete": {"tags": ["reserveBalance"], "operationId": "deleteReserveBalance",
                   "summary": "Release the reservation", "parameters": [param("id")],
                   "responses": {"204": {"description": "Released"}, **errors()}}}
    p["/hub"] = {
        "post": {"tags": ["events subscription"], "operationId": "registerListener",
                 "summary": "Register a listener", "parameters": [param("idempotencyKey")],
                 "requestBody": {"required": True, "content": {"application/json": {
                     "schema": ref("EventSubscriptionInput")}}},
                 "responses": ok(ref("EventSubscription"), "201"),
                 "callbacks": {"event": {"{$request.body#/callback}": {"post": {
                     "requestBody": {"content": {"application/json": {"schema": {
                         "oneOf": [ref(e) for e in EVENT_TYPES]}}}},
                     "responses": {"200": {"description": "Received (any 2xx); anything "
                                                          "else is retried with backoff"}},
                 }}}}},
        "get": list_op("events subscription", "EventSubscription", "List listeners")}
    p["/hub/{id}"] = {
        "get": get_op("events subscription", "EventSubscription"),
        "delete": {"tags": ["events subscription"], "operationId": "unregisterListener",
                   "summary": "Remove a listener", "parameters": [param("id")],
                   "responses": {"204": {"description": "Removed"}, **errors()}}}
    return p


def document(base: str) -> Obj:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Prepay Balance Management (TMF654)", "version": "4.0.0",
                 "description": "TM Forum TMF654 v4 over the selfcare prepaid ledger. Bearer "
                                "tokens come from `selfcare tokens create`; read tokens may "
                                "GET, write tokens may also POST, PATCH and DELETE."},
        "servers": [{"url": base}],
        "security": [{"bearerAuth": []}],
        "paths": paths(),
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS, "parameters": PARAMETERS, "responses": RESPONSES,
        },
    }


async def serve_document(request: web.Request) -> web.Response:
    return json_response(document(base_path(request)))


def routes() -> list[web.RouteDef]:
    return [web.get("/openapi.json", serve_document, allow_head=False)]
