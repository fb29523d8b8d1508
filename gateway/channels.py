"""The subscriber channels of the app (USSD over HTTP, IVR), set up once at start-up.

``setup_channels(app)`` adds the routes, ``/metrics`` and a ``cleanup_ctx`` step that runs
after the ledger's: it reads the provider from the ledger's catalog and builds everything a
request needs — the renderer (templates compiled per language), the menus bound to the
provider and laid out per language, the balance plans, the session store — so that no request
reads a file or the catalog.

The provider's files are found under ``[provider] config_dir``: ``translations/*.toml`` and
``plans/*.toml`` (the file that names the provider), ``menus/*.toml`` (every file, one per
service code). A problem in any of them stops start-up with the file and the field.

Translations and plans are read from the ledger database (table ``provider_documents``, edited
in the console and shared by every gateway process); the TOML files are their initial source,
imported when the database has none (``import_provider_documents``). ``install_channels``
swaps freshly built channels into a running app (gateway/console/reload.py).
"""

from __future__ import annotations

import logging
import tomllib
import warnings
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from announcements.errors import ValidationError as PlanValidationError
from announcements.loading import ProviderPlans, provider_plans_from_dict
from announcements.recordings import RecordingLocation
from core.catalog import Provider
from core.service import Ledger
from gateway.auth import CallbackAuth
from gateway.console import documents
from gateway.ivr import IvrBalance
from gateway.ivr_recharge import IvrRecharge
from gateway.keys import (
    CHANNEL_HANDLERS,
    CHANNEL_LISTENERS,
    CHANNELS,
    LEDGER,
    METRICS,
    SESSIONS,
    SETTINGS,
    USSD,
)
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
    docs = await import_provider_documents(settings, ledger, provider)
    renderer = Renderer(_translation_set(docs["translations"], provider))
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
    plans = _plans(docs["plans"], provider)
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


# kind -> (directory under config_dir, the key naming the provider in its files)
DOCUMENT_FILES = {"translations": ("translations", "provider_name"), "plans": ("plans", "provider")}


async def import_provider_documents(settings: Settings, ledger: Ledger, provider: Provider
                                    ) -> dict[str, dict[str, Any]]:
    """The provider's documents (kind -> body) from the ledger; a kind the ledger lacks is
    imported from its TOML file first (first start, demo-seed). Insert-if-absent, so several
    processes starting together import once and an operator's edit is never overwritten."""
    bodies: dict[str, dict[str, Any]] = {}
    for kind, (directory, key) in DOCUMENT_FILES.items():
        doc = await documents.get_document(ledger.store, provider.name, kind)
        if doc is None:
            _, data = _provider_file(settings.provider.config_dir / directory, key, provider)
            await documents.insert_if_absent(ledger.store, provider.name, kind,
                                             documents.file_body(kind, data), ledger.clock())
            doc = await documents.get_document(ledger.store, provider.name, kind)
            assert doc is not None
        bodies[kind] = doc.body
    return bodies


def _translation_set(body: Mapping[str, Any], provider: Provider) -> TranslationSet:
    try:
        return translation_set_for(body, provider)
    except ValueError as exc:
        raise ChannelConfigError(f"provider_documents translations of {provider.name!r}: "
                                 f"{exc}") from None


def translation_set_for(body: Mapping[str, Any], provider: Provider) -> TranslationSet:
    """The document's translations over the ledger's balance types (the ids follow the
    ledger's). Raises translations.config.ValidationError naming each field."""
    data = {k: v for k, v in body.items() if k != "balance_types"}
    data["provider_id"] = provider.id
    return translation_set_from_dict(data, provider.balance_types)


def _plans(body: Mapping[str, Any], provider: Provider) -> ProviderPlans:
    try:
        return provider_plans_from_dict(body, provider)
    except (ValueError, PlanValidationError) as exc:
        raise ChannelConfigError(f"provider_documents plans of {provider.name!r}: "
                                 f"{exc}") from None


@dataclass(frozen=True, slots=True)
class ChannelHandlers:
    """The request handlers, created once the channels are built (app[CHANNEL_HANDLERS])."""

    at: AfricasTalking
    balance: IvrBalance
    recharge: IvrRecharge


def install_channels(app: web.Application, built: Channels, *,
                     auth: CallbackAuth | None = None) -> None:
    """Make ``built`` what the next request sees: app[CHANNELS], the USSD dialogue and the
    handlers (which hold the renderer, menus and plans). At start-up, or later to reload
    (the session store, metrics and callback authentication stay)."""
    ledger, metrics, store = app[LEDGER], app[METRICS], app[SESSIONS]
    if auth is None:
        auth = app[CHANNEL_HANDLERS].at.auth
    dialogue = UssdDialogue(ledger=ledger, menus=built.menus, store=store,
                            renderer=built.renderer, metrics=metrics)
    handlers = ChannelHandlers(
        at=AfricasTalking(dialogue, auth, metrics, built.provider.default_region),
        balance=IvrBalance(ledger=ledger, auth=auth, renderer=built.renderer,
                           plans=built.plans, default_plan=built.default_plan,
                           recordings=built.recordings),
        recharge=IvrRecharge(ledger=ledger, auth=auth, renderer=built.renderer,
                             provider=built.provider, recordings=built.recordings,
                             metrics=metrics))
    # aiohttp warns when a started app's state changes, because a handler could have kept
    # what it read; ours read these keys on every request, so swapping them is the reload.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        app[CHANNELS] = built
        app[USSD] = dialogue
        app[CHANNEL_HANDLERS] = handlers
    for listener in app[CHANNEL_LISTENERS]:
        listener(built)


def setup_channels(app: web.Application, *, clock: Clock | None = None,
                   channels: Channels | None = None) -> None:
    """Routes and start-up of the channels. ``clock`` drives the in-memory session TTL and
    ``channels`` replaces the start-up build (both for tests)."""
    metrics = Metrics()
    app[METRICS] = metrics
    app[CHANNEL_LISTENERS] = []
    auth = CallbackAuth(app[SETTINGS].security)

    async def context(app: web.Application) -> AsyncIterator[None]:
        settings, ledger = app[SETTINGS], app[LEDGER]
        built = channels or await build_channels(settings, ledger)
        metrics.watch_wal(lambda: ledger.store.wal_stats)
        store = open_session_store(settings.sessions, clock)
        app[SESSIONS] = store
        install_channels(app, built, auth=auth)
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
