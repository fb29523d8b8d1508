"""The subscriber channels of the app (USSD over HTTP, IVR), set up once at start-up.

``setup_channels(app)`` adds the routes, ``/metrics`` and a ``cleanup_ctx`` step that runs
after the ledger's: it reads the provider from the ledger's catalog and builds everything a
request needs — the renderer (templates compiled per language), the menus bound to the
provider and laid out per language, the balance plans, the session store — so that no request
reads a file or the catalog.

The provider's files are found under ``[provider] config_dir``: ``translations/*.toml`` and
``plans/*.toml`` (the file that names the provider), ``menus/*.toml`` (every file, one per
service code). A problem in any of them stops start-up with the file and the field.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from announcements.loading import ProviderPlans, load_provider_plans
from announcements.recordings import RecordingLocation
from core.catalog import Provider
from core.service import Ledger
from gateway.auth import CallbackAuth
from gateway.ivr import IvrBalance
from gateway.ivr_recharge import IvrRecharge
from gateway.keys import CHANNEL_HANDLERS, CHANNELS, LEDGER, METRICS, SESSIONS, SETTINGS, USSD
from gateway.metrics import Handler, Metrics
from gateway.sessions import Clock, open_session_store
from gateway.settings import Settings
from gateway.ussd_at import AfricasTalking
from gateway.ussd_dialogue import MenuRuntime, UssdDialogue
from menus.binding import bind
from menus.engine import Engine
from menus.loading import MenuError, load_menu
from menus.present import UssdPresenter
from translations.config import TranslationSet
from translations.loading import translation_set_from_dict
from translations.renderer import Renderer

log = logging.getLogger(__name__)


class ChannelConfigError(ValueError):
    """The channels cannot start: the message names the file or setting."""


@dataclass(frozen=True, slots=True)
class Channels:
    """Everything the channel handlers read, built once (immutable after start-up)."""

    provider: Provider
    renderer: Renderer
    menus: Mapping[str, MenuRuntime]
    plans: ProviderPlans
    default_plan: str
    recordings: RecordingLocation


async def build_channels(settings: Settings, ledger: Ledger) -> Channels:
    catalog = await ledger.store.catalog()
    provider = catalog.provider_named(settings.provider.name)
    if provider is None:
        raise ChannelConfigError(
            f"provider.name: the ledger at {settings.ledger.path} has no provider "
            f"{settings.provider.name!r} (run `selfcare demo-seed`, or load its catalog)")
    config_dir = settings.provider.config_dir
    renderer = Renderer(_translation_set(config_dir / "translations", provider))
    languages = settings.provider.languages
    missing = [lang for lang in languages if lang not in renderer.tset.languages]
    if missing:
        raise ChannelConfigError(f"provider.languages: no translations for {missing}")
    menus: dict[str, MenuRuntime] = {}
    for path in sorted((config_dir / "menus").glob("*.toml")):
        try:
            bound = bind(load_menu(path), provider, languages)
        except MenuError as exc:
            raise ChannelConfigError(f"{path}: {exc}") from None
        code = bound.menu.service_code
        if code in menus:
            raise ChannelConfigError(f"{path}: another menu already serves {code}")
        presenter = UssdPresenter(bound, renderer)
        menus[code] = MenuRuntime(bound, Engine(bound, presenter), presenter)
    plans = _plans(config_dir / "plans", provider)
    if plans.plan(settings.ivr.default_plan) is None:
        raise ChannelConfigError(f"ivr.default_plan: no plan named "
                                 f"{settings.ivr.default_plan!r} for {provider.name!r}")
    return Channels(provider=provider, renderer=renderer, menus=menus, plans=plans,
                    default_plan=settings.ivr.default_plan,
                    recordings=RecordingLocation(settings.ivr.announcement_base_url))


def _provider_file(directory: Path, key: str, provider: Provider) -> tuple[Path, dict[str, Any]]:
    """The TOML file in ``directory`` whose ``key`` names the provider."""
    for path in sorted(directory.glob("*.toml")):
        try:
            with path.open("rb") as fh:
                data = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ChannelConfigError(f"{path}: {exc}") from None
        if data.get(key) == provider.name:
            return path, data
    raise ChannelConfigError(f"{directory}: no *.toml with {key} = {provider.name!r}")


def _translation_set(directory: Path, provider: Provider) -> TranslationSet:
    path, data = _provider_file(directory, "provider_name", provider)
    # The ledger's balance types are the real ones: the file's stand-in section (used when
    # rendering without a ledger) gives way to them, and the ids follow the ledger's.
    data.pop("balance_types", None)
    data["provider_id"] = provider.id
    try:
        return translation_set_from_dict(data, provider.balance_types)
    except ValueError as exc:
        raise ChannelConfigError(f"{path}: {exc}") from None


def _plans(directory: Path, provider: Provider) -> ProviderPlans:
    path, _ = _provider_file(directory, "provider", provider)
    try:
        return load_provider_plans(path, provider)
    except ValueError as exc:
        raise ChannelConfigError(f"{path}: {exc}") from None


@dataclass(frozen=True, slots=True)
class ChannelHandlers:
    """The request handlers, created once the channels are built (app[CHANNEL_HANDLERS])."""

    at: AfricasTalking
    balance: IvrBalance
    recharge: IvrRecharge


def setup_channels(app: web.Application, *, clock: Clock | None = None,
                   channels: Channels | None = None) -> None:
    """Routes and start-up of the channels. ``clock`` drives the in-memory session TTL and
    ``channels`` replaces the start-up build (both for tests)."""
    metrics = Metrics()
    app[METRICS] = metrics
    auth = CallbackAuth(app[SETTINGS].security)

    async def context(app: web.Application) -> AsyncIterator[None]:
        settings, ledger = app[SETTINGS], app[LEDGER]
        built = channels or await build_channels(settings, ledger)
        store = open_session_store(settings.sessions, clock)
        app[CHANNELS] = built
        app[SESSIONS] = store
        dialogue = UssdDialogue(ledger=ledger, menus=built.menus, store=store,
                                renderer=built.renderer, metrics=metrics)
        app[USSD] = dialogue
        handlers = ChannelHandlers(
            at=AfricasTalking(dialogue, auth, metrics, built.provider.default_region),
            balance=IvrBalance(ledger=ledger, auth=auth, renderer=built.renderer,
                               plans=built.plans, default_plan=built.default_plan,
                               recordings=built.recordings),
            recharge=IvrRecharge(ledger=ledger, auth=auth, renderer=built.renderer,
                                 provider=built.provider, recordings=built.recordings,
                                 metrics=metrics))
        app[CHANNEL_HANDLERS] = handlers
        log.info("channels ready: USSD %s, %s languages, session store %s",
                 ", ".join(built.menus) or "none", len(built.renderer.tset.languages),
                 settings.sessions.backend.value)
        yield
        await store.close()

    app.cleanup_ctx.append(context)

    def route(channel: str, endpoint: str, pick: Callable[[ChannelHandlers], Handler]
              ) -> Handler:
        async def handler(request: web.Request) -> web.StreamResponse:
            return await pick(request.app[CHANNEL_HANDLERS])(request)

        return metrics.instrument(channel, endpoint, handler)

    app.router.add_post("/ussd/at", route("ussd", "/ussd/at", lambda h: h.at.callback))
    app.router.add_post("/ussd/at/events",
                        route("ussd", "/ussd/at/events", lambda h: h.at.events))
    app.router.add_post("/ivr/balance", route("ivr", "/ivr/balance", lambda h: h.balance.handle))
    app.router.add_post("/ivr/recharge",
                        route("ivr", "/ivr/recharge", lambda h: h.recharge.handle))
    app.router.add_get("/metrics", metrics.handle)
