"""TM Forum TMF654 Prepay Balance Management v4 over the ledger.

``setup_tmf(app)`` mounts the API as a sub-application at ``settings.tmf.base_path`` (its own
middlewares: TMF errors, bearer tokens) and adds the event delivery task to the main
application's ``cleanup_ctx`` (after the ledger's, so it stops before the ledger closes).

Resources and the ledger commands behind them:
- bucket, accumulatedBalance, balanceActionHistory: reads (snapshots, journal);
- topupBalance: Recharge (voucher) or Adjust with reason "topup" (amount);
- adjustBalance: Adjust; transferBalance: Transfer;
- reserveBalance: Reserve; PATCH completed -> CommitReservation, cancelled / DELETE ->
  ReleaseReservation;
- hub: listeners for TopupBalanceCreateEvent, ... (gateway.tmf.events).
"""

from __future__ import annotations

from aiohttp import web

from gateway.keys import SETTINGS
from gateway.tmf import middleware, openapi
from gateway.tmf.events import POLICY, DeliveryPolicy, events_ctx
from gateway.tmf.resources import accumulated, actions, buckets, history, hub, reserve

__all__ = ["POLICY", "DeliveryPolicy", "setup_tmf", "tmf_app"]


def tmf_app() -> web.Application:
    sub = web.Application(middlewares=[middleware.errors, middleware.bearer_auth])
    for module in (buckets, accumulated, actions, reserve, history, hub, openapi):
        sub.add_routes(module.routes())
    return sub


def setup_tmf(app: web.Application) -> None:
    """Mount the TMF654 API on ``app`` when ``settings.tmf.enabled``."""
    settings = app[SETTINGS].tmf
    if not settings.enabled:
        return
    app.add_subapp(settings.base_path, tmf_app())
    app.cleanup_ctx.append(events_ctx)
