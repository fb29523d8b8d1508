"""Plan sequences: what a caller hears for each category flag, expiry case and fallback."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from announcements.plans import (
    BalanceCategory,
    CategoryAnnouncements,
    CumulativeBalancePlan,
    move_up,
)
from announcements.prompts import Amount, Days, Prompt, Units
from announcements.resolution import ResolvedPlan, resolve_plan
from announcements.sequence import WalletPlanMismatch, plan_sequence
from core.balance_types import AnnouncementRef, CurrencyAnnouncementMap
from core.clock import DAY_S
from core.snapshots import BalanceSnapshot, BucketSnapshot
from core.units import UnitKind
from tests.unit.announcements.fixtures import (
    BAD_PIN,
    CURRENCY,
    DATA,
    DEMO_TYPES,
    GENERAL_CASH,
    HOUR_S,
    PROMO_CASH,
    PROVIDER_ID,
    SMS,
    VOICE,
    balance,
    bucket,
    demo_plans,
    ref,
    wallet,
)

REFS = CategoryAnnouncements(
    category=ref("cat"),
    positive=ref("pos"),
    negative=ref("neg"),
    days_until_expiry=ref("days"),
    expiry_within_one_day=ref("one_day"),
)
CAT, NEG, ONE_DAY = (
    Prompt("balances", "cat"),
    Prompt("balances", "neg"),
    Prompt("balances", "one_day"),
)


def airtime(**flags: bool) -> BalanceCategory:
    return BalanceCategory("Airtime", UnitKind.CASH, ("General Cash", "Promo Cash"), REFS, **flags)


def resolved(*categories: BalanceCategory, order: tuple[str, ...] | None = None) -> ResolvedPlan:
    plan = CumulativeBalancePlan(
        PROVIDER_ID, "Test", categories, order or tuple(c.name for c in categories)
    )
    return resolve_plan(plan, DEMO_TYPES, CURRENCY)


def heard(plan: ResolvedPlan, *balances: BalanceSnapshot) -> tuple[Prompt, ...]:
    return plan_sequence(wallet(*balances), plan, "en").prompts


def kes(minor: int) -> Amount:
    return Amount(minor, "KES")


# -- the figure: total or unreserved ----------------------------------------------------------


def test_the_category_sums_the_totals_of_its_balance_types() -> None:
    plan = resolved(airtime())
    prompts = heard(plan, balance(GENERAL_CASH, 10_000, reserved=2_500), balance(PROMO_CASH, 550))
    assert prompts == (CAT, Prompt("balances", "pos", (kes(10_550),)))


def test_use_unreserved_balances_subtracts_open_reservations() -> None:
    plan = resolved(airtime(use_unreserved_balances=True))
    prompts = heard(plan, balance(GENERAL_CASH, 10_000, reserved=2_500), balance(PROMO_CASH, 550))
    assert prompts == (CAT, Prompt("balances", "pos", (kes(8_050),)))


def test_balance_types_the_wallet_lacks_add_nothing() -> None:
    prompts = heard(resolved(airtime()), balance(PROMO_CASH, 550))
    assert prompts == (CAT, Prompt("balances", "pos", (kes(550),)))


def test_a_negative_figure_plays_negative_with_the_amount() -> None:
    prompts = heard(resolved(airtime()), balance(GENERAL_CASH, -300))
    assert prompts == (CAT, Prompt("balances", "neg", (kes(-300),)))


# -- play zero cumulative balance ----------------------------------------------------------------


def test_a_zero_category_is_skipped_entirely_by_default() -> None:
    plan = resolved(airtime(play_expiry=True))
    assert heard(plan, balance(GENERAL_CASH, bucket(0, 3 * DAY_S))) == ()


def test_play_zero_balance_plays_no_credit_without_a_variable() -> None:
    plan = resolved(airtime(play_zero_balance=True))
    assert heard(plan, balance(GENERAL_CASH, 0)) == (CAT, NEG)


def test_a_balance_wholly_reserved_is_zero_when_playing_unreserved() -> None:
    held = balance(GENERAL_CASH, 500, reserved=500)
    assert heard(resolved(airtime(use_unreserved_balances=True)), held) == ()
    assert heard(resolved(airtime()), held) == (CAT, Prompt("balances", "pos", (kes(500),)))


def test_opposite_balances_summing_to_zero_count_as_zero() -> None:
    assert heard(resolved(airtime()), balance(GENERAL_CASH, 300), balance(PROMO_CASH, -300)) == ()


# -- play expiry ---------------------------------------------------------------------------------


def expiry_heard(*buckets: BucketSnapshot | int) -> tuple[Prompt, ...]:
    """What follows the category and positive prompts."""
    return heard(resolved(airtime(play_expiry=True)), balance(GENERAL_CASH, *buckets))[2:]


def test_no_dated_bucket_plays_no_expiry() -> None:
    assert expiry_heard(1_000) == ()


def test_expiry_more_than_a_day_away_plays_days_with_the_count_rounded_up() -> None:
    assert expiry_heard(bucket(1_000, 4 * DAY_S + 1)) == (Prompt("balances", "days", (Days(5),)),)
    assert expiry_heard(bucket(1_000, 2 * DAY_S)) == (Prompt("balances", "days", (Days(2),)),)


def test_expiry_within_one_day_plays_the_one_day_announcement_without_a_count() -> None:
    assert expiry_heard(bucket(1_000, HOUR_S)) == (ONE_DAY,)
    assert expiry_heard(bucket(1_000, DAY_S)) == (ONE_DAY,)  # days_until == 1


def test_an_already_expired_bucket_plays_no_expiry() -> None:
    assert expiry_heard(500, bucket(1_000, -HOUR_S)) == ()
    assert expiry_heard(500, bucket(1_000, 0)) == ()


def test_the_earliest_live_bucket_with_credit_decides_the_expiry() -> None:
    expired, empty, late = bucket(1_000, -HOUR_S), bucket(0, HOUR_S), bucket(1_000, 9 * DAY_S)
    debt, soonest = bucket(-50, 2 * HOUR_S), bucket(1_000, 3 * DAY_S)
    assert expiry_heard(expired, empty, late, debt, soonest) == (
        Prompt("balances", "days", (Days(3),)),
    )


def test_the_earliest_expiry_is_taken_across_the_categorys_balance_types() -> None:
    plan = resolved(airtime(play_expiry=True))
    prompts = heard(
        plan,
        balance(GENERAL_CASH, bucket(1_000, 10 * DAY_S)),
        balance(PROMO_CASH, bucket(200, 3 * DAY_S)),
        balance(VOICE, bucket(60, HOUR_S)),  # not in the category
    )
    assert prompts[-1] == Prompt("balances", "days", (Days(3),))


def test_without_play_expiry_no_expiry_is_played() -> None:
    plan = resolved(airtime())
    assert heard(plan, balance(GENERAL_CASH, bucket(1_000, HOUR_S))) == (
        CAT,
        Prompt("balances", "pos", (kes(1_000),)),
    )


def test_a_zero_category_played_for_play_zero_still_has_no_expiry_without_credit() -> None:
    plan = resolved(airtime(play_zero_balance=True, play_expiry=True))
    assert heard(plan, balance(GENERAL_CASH, bucket(0, HOUR_S))) == (CAT, NEG)


# -- order and shared balance types --------------------------------------------------------------


def test_categories_play_in_playback_order_whatever_their_unit_type() -> None:
    talk = BalanceCategory("Talk", UnitKind.TIME, ("Voice",), REFS)
    texts = BalanceCategory("Texts", UnitKind.UNITS, ("SMS", "Bad PIN"), REFS)
    plan = resolved(airtime(), talk, texts, order=("Texts", "Airtime", "Talk"))
    prompts = heard(
        plan, balance(GENERAL_CASH, 100), balance(VOICE, 600), balance(SMS, 7), balance(BAD_PIN, 1)
    )
    assert [p.variables for p in prompts if p.variables] == [
        (Units(8, UnitKind.UNITS),),
        (kes(100),),
        (Units(600, UnitKind.TIME),),
    ]


def test_moving_a_category_up_changes_what_plays_first() -> None:
    data = BalanceCategory("Web", UnitKind.DATA, ("Data",), REFS)
    source = CumulativeBalancePlan(PROVIDER_ID, "Test", (airtime(), data), ("Airtime", "Web"))
    moved = resolve_plan(move_up(source, "Web"), DEMO_TYPES, CURRENCY)
    prompts = heard(moved, balance(GENERAL_CASH, 100), balance(DATA, 2048))
    assert prompts[1].variables == (Units(2048, UnitKind.DATA),)


def test_a_balance_type_in_several_categories_counts_in_each() -> None:
    cash_only = demo_plans().plan("CashOnly")
    assert cash_only is not None
    prompts = heard(cash_only, balance(GENERAL_CASH, 10_000), balance(PROMO_CASH, 2_550))
    assert prompts == (
        Prompt("balances", "total_airtime"),
        Prompt("balances", "cash_positive", (kes(12_550),)),
        Prompt("balances", "main_account"),
        Prompt("balances", "cash_positive", (kes(10_000),)),
        Prompt("balances", "bonus"),
        Prompt("balances", "promo_positive", (kes(2_550),)),
    )


# -- which refs play: the category's, else its balance types' ----------------------------------


def test_a_category_without_an_announcement_starts_with_its_figure() -> None:
    bare = BalanceCategory(
        "Airtime", UnitKind.CASH, ("General Cash",), CategoryAnnouncements(positive=ref("pos"))
    )
    assert heard(resolved(bare), balance(GENERAL_CASH, 100)) == (
        Prompt("balances", "pos", (kes(100),)),
    )


def test_cash_falls_back_to_the_first_listed_types_currency_map() -> None:
    first_promo = BalanceCategory("Airtime", UnitKind.CASH, ("Promo Cash", "General Cash"))
    first_general = BalanceCategory("Airtime", UnitKind.CASH, ("General Cash", "Promo Cash"))
    assert heard(resolved(first_promo), balance(GENERAL_CASH, 100)) == (
        Prompt("balances", "promo_positive", (kes(100),)),
    )
    assert heard(resolved(first_general), balance(GENERAL_CASH, 0), balance(PROMO_CASH, -5)) == (
        Prompt("balances", "cash_negative", (kes(-5),)),
    )


def test_cash_falls_back_to_a_currency_two_map_when_that_is_all_there_is() -> None:
    usd_first = CurrencyAnnouncementMap("USD", "KES", ref("promo_usd"), ref("promo_usd_none"))
    promo = replace(PROMO_CASH, currency_announcements=(usd_first,))
    category = BalanceCategory("Bonus", UnitKind.CASH, ("Promo Cash",))
    plan = CumulativeBalancePlan(PROVIDER_ID, "Test", (category,), ("Bonus",))
    resolved_plan = resolve_plan(plan, (promo,), CURRENCY)
    assert resolved_plan.categories[0].positive == AnnouncementRef("balances", "promo_usd")


def test_non_cash_falls_back_to_the_types_positive_negative_and_expiry() -> None:
    standard = demo_plans().plan("Standard")
    assert standard is not None
    prompts = plan_sequence(
        wallet(balance(GENERAL_CASH, 100), balance(VOICE, bucket(330, 3 * DAY_S))), standard, "sw"
    )
    assert prompts.language == "sw"
    assert prompts.prompts[-3:] == (
        Prompt("balances", "talktime"),
        Prompt("balances", "voice_positive", (Units(330, UnitKind.TIME),)),
        Prompt("balances", "voice_expires", (Days(3),)),
    )


def test_the_categorys_own_refs_win_over_the_types() -> None:
    own = BalanceCategory("Talk", UnitKind.TIME, ("Voice",), REFS, play_expiry=True)
    prompts = heard(resolved(own), balance(VOICE, bucket(60, HOUR_S)))
    assert prompts == (CAT, Prompt("balances", "pos", (Units(60, UnitKind.TIME),)), ONE_DAY)


# -- the demo plan as a caller hears it ----------------------------------------------------------


def test_demo_standard_plan_for_a_typical_wallet() -> None:
    standard = demo_plans().plan("Standard")
    assert standard is not None
    sequence = plan_sequence(
        wallet(
            balance(GENERAL_CASH, bucket(10_050, 30 * DAY_S), reserved=1_000),
            balance(PROMO_CASH, bucket(500, 5 * HOUR_S)),
            balance(DATA, bucket(1_500_000_000, 7 * DAY_S)),
            balance(VOICE, 0),
            balance(SMS, 25),
            balance(BAD_PIN, 2),
        ),
        standard,
        "en",
    )
    assert sequence.prompts == (
        Prompt("balances", "airtime"),
        Prompt("balances", "cash_positive", (kes(9_550),)),
        Prompt("balances", "airtime_expires_today"),
        Prompt("balances", "internet"),
        Prompt("balances", "data_positive", (Units(1_500_000_000, UnitKind.DATA),)),
        Prompt("balances", "data_expires", (Days(7),)),
        # Talktime: zero, and the category does not play zero (Voice's own flag is for
        # type-by-type sequences only).
        Prompt("balances", "messages"),
        Prompt("balances", "sms_positive", (Units(25, UnitKind.UNITS),)),
    )


def test_a_plan_of_another_provider_or_currency_is_refused() -> None:
    standard = demo_plans().plan("Standard")
    assert standard is not None
    with pytest.raises(WalletPlanMismatch) as caught:
        plan_sequence(wallet(provider_id=2), standard, "en")
    assert caught.value.field == "provider_id"
    with pytest.raises(WalletPlanMismatch) as caught:
        plan_sequence(wallet(currency="UGX"), standard, "en")
    assert caught.value.field == "currency"


@given(
    general=st.lists(st.integers(-10_000, 10_000), max_size=4),
    promo=st.lists(st.integers(0, 10_000), max_size=4),
    reserved=st.integers(0, 5_000),
    unreserved=st.booleans(),
)
def test_the_amount_played_is_the_exact_sum(
    general: list[int], promo: list[int], reserved: int, unreserved: bool
) -> None:
    plan = resolved(airtime(use_unreserved_balances=unreserved))
    prompts = heard(
        plan, balance(GENERAL_CASH, *general, reserved=reserved), balance(PROMO_CASH, *promo)
    )
    figure = sum(general) + sum(promo) - (reserved if unreserved else 0)
    if figure == 0:
        assert prompts == ()
    else:
        assert prompts[1].variables == (kes(figure),)
        assert prompts[1].entry == ("pos" if figure > 0 else "neg")
