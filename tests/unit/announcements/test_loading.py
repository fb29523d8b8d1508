"""Plans from TOML and dicts: the demo file, round trips, and errors naming their key's path."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest

from announcements.errors import ValidationError
from announcements.loading import (
    load_provider_plans,
    plan_from_dict,
    plan_to_dict,
    provider_plans_from_dict,
)
from core.units import UnitKind
from tests.unit.announcements.fixtures import DEMO_PLANS, DEMO_PROVIDER, demo_plans


def demo_data() -> dict[str, Any]:
    with DEMO_PLANS.open("rb") as f:
        return tomllib.load(f)


def load_errors(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as caught:
        provider_plans_from_dict(data, DEMO_PROVIDER)
    return caught.value.errors


def test_the_demo_file_holds_demo_telecoms_two_plans() -> None:
    plans = demo_plans()
    assert (plans.provider_id, plans.provider_name, plans.currency) == (1, "Demo Telecom", "KES")
    assert DEMO_PROVIDER.id == 1
    assert [p.name for p in plans.plans] == ["Standard", "CashOnly"]
    standard = plans.plan("Standard")
    assert standard is not None
    assert [(c.name, c.unit_type) for c in standard.categories] == [
        ("Airtime", UnitKind.CASH),
        ("Internet", UnitKind.DATA),
        ("Talktime", UnitKind.TIME),
        ("Messages", UnitKind.UNITS),
    ]
    assert plans.plan("Gold") is None


def test_a_plan_survives_a_round_trip_through_a_dict() -> None:
    for resolved in demo_plans().plans:
        source = resolved.source
        assert plan_from_dict(plan_to_dict(source), source.provider_id) == source


def test_flags_default_to_unset_and_announcements_are_optional() -> None:
    data = demo_data()
    messages = data["plans"][0]["categories"][3]
    assert "play_expiry" not in messages
    standard = provider_plans_from_dict(data, DEMO_PROVIDER).plan("Standard")
    assert standard is not None
    assert standard.categories[-1].play_expiry is False


def test_shape_errors_name_the_key_path() -> None:
    data = demo_data()
    airtime = data["plans"][0]["categories"][0]
    airtime["play_expiry"] = "yes"
    airtime["colour"] = "red"
    airtime["unit_type"] = "gold"
    airtime["announcements"]["positive"] = {"set": "balance"}
    del data["plans"][1]["playback_order"]
    data["provider"] = 7
    assert load_errors(data) == [
        ("provider", "must be a string"),
        ("plans[0].categories[0].colour", "unknown key"),
        ("plans[0].categories[0].unit_type", "one of cash, time, data, units"),
        ("plans[0].categories[0].play_expiry", "must be true or false"),
        ("plans[0].categories[0].announcements.positive.entry", "missing"),
        ("plans[1].playback_order", "missing"),
    ]


def test_rule_errors_are_prefixed_with_the_plan() -> None:
    data = demo_data()
    data["plans"][1]["categories"][1]["balance_types"] = ["Gold Cash"]
    data["plans"][1]["name"] = "standard"
    assert load_errors(data) == [
        ("plans[1].name", "another plan is already named 'standard'"),
        (
            "plans[1].categories[1].balance_types[0]",
            "no balance type named 'Gold Cash' for this provider",
        ),
    ]


def test_plans_for_another_provider_are_refused() -> None:
    data = demo_data()
    data["provider"] = "Other Telecom"
    assert load_errors(data) == [
        ("provider", "these plans are for 'Other Telecom', not 'Demo Telecom'")
    ]


SMALL_FILE = """
provider = "Demo Telecom"

[[plans]]
name = "Good"
playback_order = ["Airtime"]
  [[plans.categories]]
  name = "Airtime"
  unit_type = "cash"
  balance_types = ["General Cash"]

[[plans]]
name = "Bad"
playback_order = ["Airtime"]
  [[plans.categories]]
  name = "Airtime"
  unit_type = "cash"
  balance_types = ["General Cash", "Voice"]
"""


def test_one_bad_plan_stops_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "plans.toml"
    path.write_text(SMALL_FILE)
    with pytest.raises(ValidationError) as caught:
        load_provider_plans(path, DEMO_PROVIDER)
    assert caught.value.errors == [
        ("plans[1].categories[0].balance_types[1]", "'Voice' counts time; the category counts cash")
    ]
    path.write_text(SMALL_FILE.replace(', "Voice"', ""))
    assert [p.name for p in load_provider_plans(path, DEMO_PROVIDER).plans] == ["Good", "Bad"]


def test_a_plan_body_that_is_not_a_table_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        plan_from_dict(["Airtime"], 1)
    assert caught.value.errors == [("", "must be a table")]


def test_loading_does_not_change_the_data() -> None:
    data = demo_data()
    before = copy.deepcopy(data)
    provider_plans_from_dict(data, DEMO_PROVIDER)
    assert data == before
