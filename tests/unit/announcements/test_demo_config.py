"""The demo plans against the demo ledger's real balance types (config/ledger/demo.toml), and
the fixtures against that file, so neither drifts from what `make run` loads."""

from __future__ import annotations

import tomllib

from announcements.loading import load_provider_plans
from core.balance_types import BalanceType
from core.catalog_codec import balance_type_from_dict, unit_kind
from core.units import BalanceUnit
from tests.unit.announcements.fixtures import (
    DEMO_LEDGER,
    DEMO_PLANS,
    DEMO_TYPES,
    PROVIDER_ID,
    Provider,
)


def ledger_provider() -> Provider:
    with DEMO_LEDGER.open("rb") as f:
        ledger = tomllib.load(f)
    units = {
        u["name"]: BalanceUnit(i, PROVIDER_ID, u["name"], unit_kind(u["kind"], "units"))
        for i, u in enumerate(ledger["units"], start=1)
    }
    types = tuple(
        balance_type_from_dict(raw, type_id=i, provider_id=PROVIDER_ID, unit=units[raw["unit"]])
        for i, raw in enumerate(ledger["balance_types"], start=1)
    )
    header = ledger["provider"]
    return Provider(PROVIDER_ID, header["name"], header["currency"], types)


def announced(bt: BalanceType) -> tuple[object, ...]:
    """What announcements read of a balance type."""
    return (
        bt.name,
        bt.unit.kind,
        bt.category,
        bt.is_default_cash,
        bt.play_announcement_if_zero,
        bt.announcements,
        bt.currency_announcements,
    )


def test_the_demo_plans_resolve_against_the_demo_ledger() -> None:
    plans = load_provider_plans(DEMO_PLANS, ledger_provider())
    assert [p.name for p in plans.plans] == ["Standard", "CashOnly"]
    assert plans.currency == "KES"


def test_the_fixtures_announce_like_the_demo_ledger() -> None:
    assert [announced(bt) for bt in ledger_provider().balance_types] == [
        announced(bt) for bt in DEMO_TYPES
    ]
