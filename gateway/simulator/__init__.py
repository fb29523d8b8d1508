"""The phone simulator page: ``GET /simulator``, for trying the product from a browser.

Pick a demo subscriber, dial a USSD code and walk the menus, send an SMS keyword, call the
IVR. The page's script posts to the real channel endpoints exactly as the networks do
(``/ussd/at`` as the Africa's Talking aggregator, ``/sms/twilio`` as Twilio's SMS webhook,
``/ivr/balance`` and ``/ivr/recharge`` as the IVR platform): the simulator has no shortcut of
its own into the ledger, so what works here works on the wire.

Mounted by ``setup_simulator(app)`` only when ``[simulator] enabled`` (the demo configuration;
production has it off: the page lists subscribers to whoever can reach it).

With ``[security] auth_enabled`` the channel endpoints refuse unsigned requests, and a browser
cannot sign (the secret must not reach it). Signing on the server, through a proxy route,
would hand anyone who can reach ``/simulator`` an unauthenticated way to move any
subscriber's money, which is what the authentication exists to prevent. So the page says it
cannot be used and disables its controls; ``selfcare dial --secret`` is the signed way.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from gateway.keys import SETTINGS
from gateway.simulator.page import SimulatorPage

STATIC_DIR = Path(__file__).resolve().parent / "static"


def setup_simulator(app: web.Application) -> None:
    """Add ``/simulator`` and its static files, if ``[simulator] enabled``."""
    settings = app[SETTINGS]
    if not settings.simulator.enabled:
        return
    page = SimulatorPage(auth_enabled=settings.security.auth_enabled)
    app.router.add_get("/simulator", page.handle)
    app.router.add_static("/simulator/static", STATIC_DIR, name="simulator-static")
