"""The aiohttp application factory. Nothing happens at import time; every resource is opened
and closed in ``cleanup_ctx`` so tests and ``selfcare serve`` get the same lifecycle."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from core import commands as c
from gateway.channels import Channels, setup_channels
from gateway.console.setup import setup_console
from gateway.keys import LEDGER, SESSIONS, SETTINGS
from gateway.ledger_factory import build_ledger
from gateway.notification_app import setup_notifications
from gateway.sessions import Clock
from gateway.settings import Settings
from gateway.simulator import setup_simulator
from gateway.smpp_app import setup_smpp, setup_sms, smpp_readiness
from gateway.sms_http import setup_sms_http
from gateway.tmf import setup_tmf
from gateway.wallet_json import wallet_json

log = logging.getLogger(__name__)
HOUSEKEEPING_INTERVAL_S = 60


async def _ledger_ctx(app: web.Application) -> AsyncIterator[None]:
    ledger = build_ledger(app[SETTINGS])
    await ledger.open()
    app[LEDGER] = ledger
    keeper = asyncio.create_task(_housekeeping(app), name="housekeeping")
    yield
    keeper.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await keeper
    await ledger.close()


async def _housekeeping(app: web.Application) -> None:
    """Expire buckets and reservations and queue expiry warnings, once a minute."""
    ledger = app[LEDGER]
    while True:
        now = ledger.clock()
        try:
            await ledger.execute(c.Housekeeping(key=f"housekeeping:{now}", channel="gateway"))
        except Exception:  # logged, retried next round: upkeep must not stop the gateway
            log.exception("housekeeping failed")
        await asyncio.sleep(HOUSEKEEPING_INTERVAL_S)


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "alive"})


async def readyz(request: web.Request) -> web.Response:
    ledger = request.app[LEDGER]
    try:
        await ledger.store.query("SELECT 1")
    except Exception as exc:
        return web.json_response({"status": "not ready", "ledger": str(exc)}, status=503)
    try:
        await request.app[SESSIONS].ping()
    except Exception as exc:  # Redis down: no USSD session can go on
        return web.json_response({"status": "not ready", "ledger": "ok", "sessions": str(exc)},
                                 status=503)
    body = {"status": "ready", "ledger": "ok", "sessions": "ok"}
    smpp = smpp_readiness(request.app)  # only when [smpp] enabled
    if smpp is not None:
        body["smpp"] = smpp
        if smpp != "bound":
            return web.json_response({**body, "status": "not ready"}, status=503)
    return web.json_response(body)


async def wallet_view(request: web.Request) -> web.Response:
    wallet = await request.app[LEDGER].wallet(request.match_info["msisdn"])
    if wallet is None:
        return web.json_response({"error": "unknown subscriber", "field": "msisdn"},
                                 status=404)
    return web.json_response(wallet_json(wallet))


def create_app(settings: Settings, *, clock: Clock | None = None,
               channels: Channels | None = None) -> web.Application:
    """``clock`` (the in-memory session TTL's) and ``channels`` (instead of building them from
    the ledger's catalog at start-up) are for tests."""
    app = web.Application()
    app[SETTINGS] = settings
    app.cleanup_ctx.append(_ledger_ctx)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/api/v1/wallets/{msisdn}", wallet_view)
    setup_channels(app, clock=clock, channels=channels)  # USSD over HTTP, IVR, /metrics
    setup_sms(app, clock=clock)  # SMS keyword commands (app[SMS]), whatever carries them
    setup_smpp(app)  # the SMPP bind (app[SMPP_LINK]) when [smpp] enabled
    setup_notifications(app)  # outbox -> SMS on the bind, when [smpp] and [notifications] on
    setup_tmf(app)  # TMF654 API at settings.tmf.base_path, with its event delivery
    setup_sms_http(app)  # POST /sms/twilio: SMS keywords over HTTP (uses app[SMS])
    setup_simulator(app)  # /simulator, when [simulator] enabled
    setup_console(app)  # /console/: wallet management (after the channels: it reloads them)
    return app
