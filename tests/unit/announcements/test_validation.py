"""Plan rules: each broken rule names its field, and a broken plan is never resolved."""

from __future__ import annotations

from dataclasses import replace

import pytest

from announcements.errors import ValidationError
from announcements.plans import (
    BalanceCategory,
    CategoryAnnouncements,
    CumulativeBalancePlan,
    move_down,
    move_up,
)
from announcements.resolution import resolve_plan
from announcements.validation import validate_plan
from core.balance_types import AnnouncementRef, BalanceTypeAnnouncements
from core.units import UnitKind
from tests.unit.announcements.fixtures import (
    CURRENCY,
    DATA,
    DEMO_TYPES,
    PROVIDER_ID,
    VOICE,
    demo_plans,
    ref,
)

CASH = BalanceCategory("Airtime", UnitKind.CASH, ("General Cash", "Promo Cash"))
TALK = BalanceCategory("Talktime", UnitKind.TIME, ("Voice",))


def plan(
    *categories: BalanceCategory, order: tuple[str, ...] | None = None
) -> CumulativeBalancePlan:
    names = order if order is not None else tuple(c.name for c in categories)
    return CumulativeBalancePlan(PROVIDER_ID, "Test", categories, names)


def errors(p: CumulativeBalancePlan, currency: str = CURRENCY) -> list[tuple[str, str]]:
    return validate_plan(p, DEMO_TYPES, currency)


def fields(p: CumulativeBalancePlan, currency: str = CURRENCY) -> list[str]:
    return [field for field, _ in errors(p, currency)]


def test_the_demo_plans_are_valid() -> None:
    for resolved in demo_plans().plans:
        assert errors(resolved.source) == []


def test_a_sound_plan_has_no_errors() -> None:
    assert errors(plan(CASH, TALK)) == []


def test_an_unknown_balance_type_names_its_place_in_the_list() -> None:
    bad = replace(CASH, balance_types=("General Cash", "Gold Cash"))
    assert errors(plan(bad)) == [
        ("categories[0].balance_types[1]", "no balance type named 'Gold Cash' for this provider")
    ]


def test_another_providers_balance_type_is_unknown() -> None:
    other = replace(VOICE, provider_id=2, name="Roaming Voice")
    p = plan(replace(TALK, balance_types=("Roaming Voice",)))
    assert [f for f, _ in validate_plan(p, (*DEMO_TYPES, other), CURRENCY)] == [
        "categories[0].balance_types[0]"
    ]


def test_a_type_listed_twice_in_one_category_would_be_counted_twice() -> None:
    bad = replace(CASH, balance_types=("General Cash", "General Cash"))
    assert fields(plan(bad)) == ["categories[0].balance_types[1]"]


def test_a_category_needs_a_balance_type() -> None:
    assert fields(plan(replace(CASH, balance_types=()))) == ["categories[0].balance_types"]


def test_a_types_unit_must_match_the_categorys_unit_type() -> None:
    bad = replace(CASH, balance_types=("General Cash", "Voice"))
    assert errors(plan(bad)) == [
        ("categories[0].balance_types[1]", "'Voice' counts time; the category counts cash")
    ]


def test_counter_types_belong_to_a_units_category() -> None:
    counted = BalanceCategory("Texts", UnitKind.UNITS, ("SMS", "Bad PIN"))
    assert errors(plan(counted)) == []
    counter = BalanceCategory("Pins", UnitKind.COUNTER, ("Bad PIN",))
    assert "categories[0].unit_type" in fields(plan(counter))


def test_category_names_must_be_unique_ignoring_case() -> None:
    assert fields(plan(CASH, replace(TALK, name="AIRTIME"))) == ["categories[1].name"]


@pytest.mark.parametrize("name", ["A", "Bonus Data", "Data2Go", "x" * 30])
def test_category_names_of_letters_digits_and_single_inner_spaces_are_accepted(name: str) -> None:
    assert errors(plan(replace(CASH, name=name))) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("x" * 31, "at most 30 characters"),
        ("Data-Bonus", "letters and digits only, words separated by single spaces"),
        ("Données", "letters and digits only, words separated by single spaces"),
        (" Data", "letters and digits only, words separated by single spaces"),
        ("Bonus  Data", "letters and digits only, words separated by single spaces"),
        ("Data ", "letters and digits only, words separated by single spaces"),
        ("", "a name is required"),
    ],
)
def test_category_names_breaking_the_rule_are_refused(name: str, message: str) -> None:
    assert errors(plan(replace(CASH, name=name))) == [("categories[0].name", message)]


def test_the_playback_order_must_list_every_category_exactly_once() -> None:
    assert errors(plan(CASH, TALK, order=("Airtime",))) == [
        ("playback_order", "does not list 'Talktime'")
    ]
    assert errors(plan(CASH, TALK, order=("Airtime", "Talktime", "Airtime"))) == [
        ("playback_order", "lists 'Airtime' more than once")
    ]
    assert errors(plan(CASH, TALK, order=("Airtime", "Talktime", "Internet"))) == [
        ("playback_order", "lists 'Internet', which is not a category")
    ]


def test_a_plan_needs_a_name_and_a_category() -> None:
    assert fields(replace(plan(CASH), name=" ")) == ["name"]
    assert fields(replace(plan(CASH), name="P" * 51)) == ["name"]
    assert fields(plan()) == ["categories"]


def test_a_cash_category_needs_a_currency_map_for_the_providers_currency() -> None:
    assert errors(plan(CASH), currency="TZS") == [
        (
            "categories[0].announcements.positive",
            "set one on the category, or give one of its balance types a currency map for TZS",
        ),
        (
            "categories[0].announcements.negative",
            "set one on the category, or give one of its balance types a currency map for TZS",
        ),
    ]
    own = CategoryAnnouncements(
        positive=AnnouncementRef("b", "p"), negative=AnnouncementRef("b", "n")
    )
    assert errors(plan(replace(CASH, announcements=own)), currency="TZS") == []


def test_a_non_cash_category_needs_a_negative_ref_from_somewhere() -> None:
    positive_only = replace(DATA, announcements=BalanceTypeAnnouncements(positive=ref("data")))
    web = plan(BalanceCategory("Web", UnitKind.DATA, ("Data",)))
    assert validate_plan(web, (positive_only,), CURRENCY) == [
        (
            "categories[0].announcements.negative",
            "set one on the category, or give one of its balance types a negative/no credit "
            "announcement",
        )
    ]


def test_play_expiry_needs_both_expiry_refs() -> None:
    texts = BalanceCategory("Texts", UnitKind.UNITS, ("SMS",), play_expiry=True)  # SMS has none
    assert fields(plan(texts)) == [
        "categories[0].announcements.days_until_expiry",
        "categories[0].announcements.expiry_within_one_day",
    ]
    assert errors(plan(replace(texts, play_expiry=False))) == []
    own = CategoryAnnouncements(days_until_expiry=ref("d"), expiry_within_one_day=ref("o"))
    assert errors(plan(replace(texts, announcements=own))) == []


def test_a_blank_announcement_set_or_entry_is_refused() -> None:
    blank = CategoryAnnouncements(category=AnnouncementRef("Promo & <Bonus>", " "))
    assert fields(plan(replace(CASH, announcements=blank))) == [
        "categories[0].announcements.category.entry"
    ]


def test_a_misspelt_type_is_not_also_reported_as_a_missing_announcement() -> None:
    assert fields(plan(replace(TALK, balance_types=("Vioce",)))) == [
        "categories[0].balance_types[0]"
    ]


def test_every_broken_rule_is_reported_and_nothing_is_resolved() -> None:
    bad = plan(
        replace(CASH, name="Air-time", balance_types=("Voice",)),
        replace(TALK, name="air-TIME"),
        order=("Talktime",),
    )
    with pytest.raises(ValidationError) as caught:
        resolve_plan(bad, DEMO_TYPES, CURRENCY)
    assert [field for field, _ in caught.value.errors] == [
        "categories[0].name",
        "categories[0].balance_types[0]",
        "categories[1].name",
        "categories[1].name",
        "playback_order",
        "playback_order",
        "playback_order",
    ]
    assert "categories[0].name: letters and digits only" in str(caught.value)


# -- playback order editing ----------------------------------------------------------------------


def test_moving_categories_up_and_down_returns_new_plans() -> None:
    web = BalanceCategory("Web", UnitKind.DATA, ("Data",))
    original = plan(CASH, TALK, web)
    assert move_up(original, "Web").playback_order == ("Airtime", "Web", "Talktime")
    assert move_down(original, "Airtime").playback_order == ("Talktime", "Airtime", "Web")
    assert original.playback_order == ("Airtime", "Talktime", "Web")


def test_moving_past_either_end_changes_nothing() -> None:
    original = plan(CASH, TALK)
    assert move_up(original, "Airtime") is original
    assert move_down(original, "Talktime") is original


def test_moving_an_unknown_category_names_the_playback_order() -> None:
    with pytest.raises(ValidationError) as caught:
        move_up(plan(CASH), "Internet")
    assert caught.value.errors == [("playback_order", "no category named 'Internet'")]
