"""The served OpenAPI document describes exactly the routes the TMF API has."""

from __future__ import annotations

from aiohttp import web

from gateway.tmf.openapi import document
from tests.integration.tmf.conftest import BASE, Api


async def test_the_document_describes_every_route_served(api: Api) -> None:
    served = await api.call("GET", "/openapi.json", token=None)
    assert served.body == document(BASE)
    described = {(method.upper(), f"{BASE}{path}")
                 for path, item in served.body["paths"].items() for method in item}
    app = api.client.app
    routes = {(r.method, r.resource.canonical) for sub in _subapps(app)
              for r in sub.router.routes() if r.resource is not None}
    routes.discard(("GET", f"{BASE}/openapi.json"))
    assert routes == described


def _subapps(app: web.Application) -> list[web.Application]:
    return [r._app for r in app.router.resources()
            if hasattr(r, "_app") and r.canonical == BASE]
