"""Typed application keys: every resource the handlers share, in one place."""

from __future__ import annotations

from aiohttp import web

from core.service import Ledger
from gateway.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
LEDGER = web.AppKey("ledger", Ledger)
