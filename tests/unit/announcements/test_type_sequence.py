"""Type-by-type sequences: a wallet announced without a plan."""

from __future__ import annotations

from dataclasses import replace

from announcements.prompts import Amount, Days, Prompt, Units
from announcements.sequence import balance_type_sequence
from core.balance_types import BalanceTypeAnnouncements, CurrencyAnnouncementMap
from core.clock import DAY_S
from core.snapshots import BalanceSnapshot
from core.units import UnitKind
from tests.unit.announcements.fixtures import (
    BAD_PIN,
    DATA,
    GENERAL_CASH,
    HOUR_S,
    MONTHLY_SPEND,
    PROMO_CASH,
    SMS,
    VOICE,
    balance,
    bucket,
    ref,
    wallet,
)


def heard(*balances: BalanceSnapshot, currency: str = "KES", **options: bool) -> tuple[Prompt, ...]:
    return balance_type_sequence(wallet(*balances, currency=currency), "en", **options).prompts


def test_each_type_plays_its_own_refs_default_cash_first_then_by_id() -> None:
    prompts = heard(
        balance(SMS, 3), balance(VOICE, 600), balance(PROMO_CASH, 250), balance(GENERAL_CASH, 1_000)
    )
    assert prompts == (
        Prompt("balances", "cash_positive", (Amount(1_000, "KES"),)),  # currency map
        Prompt("balances", "promo_positive", (Amount(250, "KES"),)),
        Prompt("balances", "voice_positive", (Units(600, UnitKind.TIME),)),  # type's positive
        Prompt("balances", "sms_positive", (Units(3, UnitKind.UNITS),)),
    )


def test_types_without_announcements_are_not_announced() -> None:
    assert heard(balance(BAD_PIN, 2), balance(MONTHLY_SPEND, 50_000)) == ()


def test_a_zero_balance_plays_only_for_types_that_ask_for_it() -> None:
    assert VOICE.play_announcement_if_zero
    assert not GENERAL_CASH.play_announcement_if_zero
    assert heard(balance(GENERAL_CASH, 0), balance(VOICE, 0)) == (Prompt("balances", "voice_none"),)


def test_a_zero_balance_without_a_negative_ref_is_not_announced() -> None:
    positive_only = BalanceTypeAnnouncements(positive=ref("data_positive"))
    chatty_data = replace(DATA, play_announcement_if_zero=True, announcements=positive_only)
    assert heard(balance(chatty_data, 0)) == ()


def test_a_negative_balance_plays_negative_with_the_figure() -> None:
    assert heard(balance(VOICE, -90)) == (
        Prompt("balances", "voice_none", (Units(-90, UnitKind.TIME),)),
    )


def test_reservations_count_against_the_figure_unless_asked_otherwise() -> None:
    held = balance(GENERAL_CASH, 1_000, reserved=400)
    assert heard(held)[0].variables == (Amount(600, "KES"),)
    assert heard(held, use_unreserved_balances=False)[0].variables == (Amount(1_000, "KES"),)


def test_expiry_uses_the_types_expiry_and_single_day_expiry() -> None:
    assert heard(balance(VOICE, bucket(600, 3 * DAY_S)))[1:] == (
        Prompt("balances", "voice_expires", (Days(3),)),
    )
    assert heard(balance(VOICE, bucket(600, HOUR_S)))[1:] == (
        Prompt("balances", "voice_expires_today"),
    )
    assert heard(balance(VOICE, bucket(600, -HOUR_S), 60))[1:] == ()
    assert heard(balance(VOICE, bucket(600, HOUR_S)), play_expiry=False)[1:] == ()


def test_a_type_without_expiry_refs_plays_no_expiry() -> None:
    assert heard(balance(SMS, bucket(20, HOUR_S))) == (
        Prompt("balances", "sms_positive", (Units(20, UnitKind.UNITS),)),
    )


def test_cash_types_use_the_map_for_the_wallets_currency() -> None:
    usd = CurrencyAnnouncementMap("USD", None, ref("promo_usd"), ref("promo_usd_none"))
    promo = replace(PROMO_CASH, currency_announcements=(*PROMO_CASH.currency_announcements, usd))
    assert heard(balance(GENERAL_CASH, 100), balance(promo, 100), currency="USD") == (
        Prompt("balances", "promo_usd", (Amount(100, "USD"),)),
    )
