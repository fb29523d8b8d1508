"""``GET /simulator``: the page, rendered on the server with the demo subscribers and the
gateway's USSD codes; the script in ``static/simulator.js`` does the rest in the browser."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from gateway.keys import CHANNELS, LEDGER, SETTINGS

TEMPLATES = Path(__file__).resolve().parent / "templates"
MAX_WALLETS = 20  # a select, not a directory: the first few numbers are enough to try things


@dataclass(frozen=True, slots=True)
class DemoSubscriber:
    msisdn: str  # E.164
    language: str


class SimulatorPage:
    def __init__(self, *, auth_enabled: bool) -> None:
        self.auth_enabled = auth_enabled
        # Built at set-up, not import; autoescape: MSISDNs and codes are data, not markup.
        self.env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                               autoescape=select_autoescape(["html"]))
        self.template = self.env.get_template("simulator.html")

    async def handle(self, request: web.Request) -> web.Response:
        app = request.app
        subscribers = await demo_subscribers(app)
        html = self.template.render(
            subscribers=subscribers,
            service_codes=sorted(app[CHANNELS].menus),
            short_code=app[SETTINGS].smpp.sms_short_code,
            provider=app[SETTINGS].provider.name,
            auth_enabled=self.auth_enabled)
        return web.Response(text=html, content_type="text/html", charset="utf-8")


async def demo_subscribers(app: web.Application) -> list[DemoSubscriber]:
    """The first ``MAX_WALLETS`` subscribers by number (a read of the ledger, no writes)."""
    rows = await app[LEDGER].store.query(
        "SELECT msisdn, language FROM subscribers ORDER BY msisdn LIMIT ?", (MAX_WALLETS,))
    return [DemoSubscriber(str(msisdn), str(language)) for msisdn, language in rows]
