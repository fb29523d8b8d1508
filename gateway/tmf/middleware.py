"""The TMF sub-application's middlewares: every error in TMF's shape, and bearer tokens.

Reading (GET, HEAD) takes a ``read`` or ``write`` token; anything else a ``write`` token. The
OpenAPI document is public: it describes the API, it holds no data.
"""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from gateway.tmf.errors import TmfError
from gateway.tmf.http import ledger_of
from gateway.tmf.tokens import role_of

log = logging.getLogger(__name__)
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_SUFFIXES = ("/openapi.json",)
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="tmf654"'}


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except TmfError as exc:
        return exc.response()
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = exc.reason.lower().replace(" ", "_")
        headers = {k: v for k, v in exc.headers.items() if k.lower() == "allow"}
        return TmfError(exc.status, code, exc.text or exc.reason,
                        field="method" if exc.status == 405 else None,
                        headers=headers).response()
    except Exception:
        log.exception("TMF API request failed: %s %s", request.method, request.path)
        return TmfError(500, "internal_error", "the request failed; it is logged").response()


@web.middleware
async def bearer_auth(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.endswith(PUBLIC_SUFFIXES):
        return await handler(request)
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TmfError(401, "unauthorized", "a bearer token is required "
                       "(selfcare tokens create)", field="Authorization", headers=CHALLENGE)
    role = await role_of(ledger_of(request), token.strip())
    if role is None:
        raise TmfError(401, "unauthorized", "unknown or revoked token",
                       field="Authorization", headers=CHALLENGE)
    if request.method not in READ_METHODS and role != "write":
        raise TmfError(403, "forbidden", f"a {role} token may not {request.method}: "
                       "it needs the write role", field="Authorization")
    return await handler(request)
