"""The demo menu bound to the demo provider, and a pure driver that runs a dialogue through
the engine, the in-memory ledger (tests/unit/core/memory.py: the real handlers, no storage)
and the presenter: every layer but the wire and the database."""

from __future__ import annotations

import itertools
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from core import commands as c
from core.catalog import Provider
from core.catalog_build import build_provider
from core.pins import pin_hash
from menus.actions import (
    Action,
    ActionResult,
    BuyBundle,
    Recharge,
    SetLanguage,
    ShowWallet,
    Transfer,
)
from menus.binding import BoundMenu, bind
from menus.engine import Engine, Step
from menus.loading import load_menu
from menus.present import Reply, UssdPresenter
from menus.session import MenuSession
from tests.ledger_support import demo_catalog
from tests.unit.core.memory import MemoryLedger
from translations.loading import translation_set_from_dict
from translations.renderer import Renderer

REPO = Path(__file__).resolve().parents[3]
DEMO_MENU = REPO / "config" / "menus" / "demo.toml"
DEMO_TRANSLATIONS = REPO / "config" / "translations" / "demo.toml"
LANGUAGES = ("en", "fr", "sw", "ar")
PEPPER = "unit-pepper"
ME = "+254700000001"
FRIEND = "+254700000002"
_KEYS = itertools.count()  # idempotency keys, unique across dialogues on one ledger


@lru_cache(maxsize=1)
def demo_provider() -> Provider:
    return build_provider(demo_catalog())


@lru_cache(maxsize=1)
def demo_renderer() -> Renderer:
    with DEMO_TRANSLATIONS.open("rb") as fh:
        data = tomllib.load(fh)
    data.pop("balance_types")
    return Renderer(translation_set_from_dict(data, demo_provider().balance_types))


@lru_cache(maxsize=1)
def demo_bound() -> BoundMenu:
    return bind(load_menu(DEMO_MENU), demo_provider(), LANGUAGES)


@lru_cache(maxsize=1)
def demo_presenter() -> UssdPresenter:
    return UssdPresenter(demo_bound(), demo_renderer())


def demo_engine() -> Engine:
    return Engine(demo_bound(), demo_presenter())


@dataclass
class Dialogue:
    """A subscriber at a handset: ``dial()``, then ``send(...)`` answers; each returns the
    screen shown. Actions run against an in-memory ledger as the gateway would run them."""

    ledger: MemoryLedger
    msisdn: str = ME
    engine: Engine = field(default_factory=demo_engine)
    session: MenuSession | None = None
    replies: list[Reply] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)

    def dial(self, extension: str | None = None) -> Reply:
        wallet = self.ledger.snapshot(self.msisdn)
        return self._show(self.engine.start(wallet.language, extension))

    def send(self, text: str | None) -> Reply:
        assert self.session is not None, "dial first"
        return self._show(self.engine.advance(self.session, text))

    def _show(self, step: Step) -> Reply:
        if step.action is not None:
            self.actions.append(step.action)
            result = run(self.ledger, step.action, self.msisdn, f"ussd:test:{next(_KEYS)}")
            step = self.engine.resume(step.session, step.action, result, self.ledger.now)
        assert step.screen is not None
        self.session = step.session
        reply = demo_presenter().render(step.screen, step.session.language)
        self.replies.append(reply)
        return reply


def run(ledger: MemoryLedger, action: Action, msisdn: str, key: str) -> ActionResult:
    match action:
        case ShowWallet():
            return ActionResult(wallet=ledger.snapshot(msisdn))
        case Recharge(pin=pin):
            outcome = ledger.run(c.Recharge(key=key, msisdn=msisdn,
                                            pin_hash=pin_hash(PEPPER, pin)))
        case Transfer(recipient=to, amount_minor=amount):
            outcome = ledger.run(c.Transfer(key=key, from_msisdn=msisdn, to_msisdn=to,
                                            amount=amount))
        case BuyBundle(product=product):
            outcome = ledger.run(c.BuyProduct(key=key, msisdn=msisdn, product=product))
        case SetLanguage(language=language):
            outcome = ledger.run(c.SetLanguage(key=key, msisdn=msisdn, language=language))
    wallet = ledger.snapshot(msisdn) if outcome.status in action.wallet_after else None
    return ActionResult(outcome, wallet)


def demo_ledger(language: str = "en", cash: int = 10_000) -> MemoryLedger:
    ledger = MemoryLedger()
    ledger.wallet(ME, cash=cash, language=language)
    ledger.wallet(FRIEND, cash=1_000, language="fr")
    return ledger


def add_voucher(ledger: MemoryLedger, pin: str, amount: int = 5_000, *, serial: str = "S1",
                state: str = "active") -> None:
    ledger.voucher(pin_hash(PEPPER, pin), {"General Cash": amount}, serial=serial, state=state)
