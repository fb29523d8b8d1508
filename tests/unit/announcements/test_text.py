"""Cumulative balance plans as text for USSD and SMS: the written twin of the IVR sequence."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from announcements.errors import ValidationError
from announcements.resolution import ResolvedPlan
from announcements.text import (
    load_texts,
    plan_refs,
    plan_sms,
    plan_text_lines,
    plan_ussd_pages,
    texts_from_dict,
)
from core.clock import DAY_S
from tests.unit.announcements.fixtures import (
    CONFIG,
    DATA,
    GENERAL_CASH,
    PROMO_CASH,
    SMS,
    VOICE,
    balance,
    bucket,
    demo_plans,
    wallet,
)
from translations.gsm import Encoding, prepare

TEXTS = load_texts(CONFIG / "announcements" / "texts.toml", "en")


def plan(name: str) -> ResolvedPlan:
    found = demo_plans().plan(name)
    assert found is not None
    return found
LANGUAGES = ("en", "fr", "sw", "ar")


def test_the_standard_plan_reads_one_line_per_category_in_playback_order() -> None:
    w = wallet(balance(GENERAL_CASH, 10_050), balance(PROMO_CASH, bucket(500, 5 * DAY_S)),
               balance(DATA, bucket(1_500_000_000, 2 * DAY_S)), balance(VOICE, 0),
               balance(SMS, 20))
    lines = plan_text_lines(w, plan("Standard"), "en", TEXTS)
    assert lines == (
        "Airtime: KES\u00a0105.50 (valid 5 days)",
        "Internet: 1.5 GB (valid 2 days)",
        "SMS: 20 SMS",
    )


def test_a_zero_airtime_plays_without_a_figure_and_reserved_credit_is_left_out() -> None:
    w = wallet(balance(GENERAL_CASH, 3000, reserved=3000), balance(PROMO_CASH, 0))
    [line] = plan_text_lines(w, plan("Standard"), "en", TEXTS)
    assert line == "Airtime: no credit"


def test_expiry_within_a_day_says_today() -> None:
    w = wallet(balance(GENERAL_CASH, bucket(100, 3600)))
    [line] = plan_text_lines(w, plan("Standard"), "fr", TEXTS)
    assert line.endswith("(expire aujourd'hui)")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_demo_announcement_has_a_text_in_every_language(language: str) -> None:
    for name in ("Standard", "CashOnly"):
        for ref in plan_refs(plan(name)):
            assert TEXTS.has_own_text(language, ref.set, ref.entry), (language, ref)


def test_a_missing_text_falls_back_then_is_reported_by_name() -> None:
    texts = texts_from_dict({"en": {"balances": {"airtime": "Airtime:"}},
                             "sw": {"balances": {}}}, "en")
    assert texts.entry("sw", "balances", "airtime") is not None  # from the fallback
    missing = texts.missing(plan_refs(plan("Standard")))
    assert ("en.balances.cash_positive", "no text for this announcement") in missing


@pytest.mark.parametrize(("data", "field"), [
    ({"en": {"balances": {"x": 5}}}, "en.balances.x"),
    ({"en": {"balances": {"x": "{amount}"}}}, "en.balances.x"),
    ({"en": {"balances": {"x": {"other": "y"}}}}, "en.balances.x"),
    ({"fr": {"balances": {"x": "y"}}}, "en"),
])
def test_bad_texts_are_refused_naming_the_key(data: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        texts_from_dict(data, "en")
    assert field in [f for f, _ in caught.value.errors]


amounts = st.integers(min_value=-10**9, max_value=10**11)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(LANGUAGES), amounts, amounts, st.integers(0, 10**12),
       st.integers(0, 10**7), st.integers(0, 10**6), st.integers(-DAY_S, 400 * DAY_S))
def test_no_screen_or_sms_part_is_ever_too_long(language: str, cash: int, promo: int,
                                                data: int, voice: int, sms: int,
                                                expires_in: int) -> None:
    w = wallet(balance(GENERAL_CASH, bucket(cash, expires_in)), balance(PROMO_CASH, promo),
               balance(DATA, bucket(data, expires_in)), balance(VOICE, voice),
               balance(SMS, sms))
    for name in ("Standard", "CashOnly"):
        resolved = plan(name)
        for page in plan_ussd_pages(w, resolved, language, TEXTS, more="98 More"):
            assert page.units <= (182 if page.encoding is Encoding.GSM7 else 80)
        message = plan_sms(w, resolved, language, TEXTS)
        gsm = message.encoding is Encoding.GSM7
        limit = (160 if gsm else 70) if len(message.parts) == 1 else (153 if gsm else 67)
        for part in message.parts:
            assert prepare(part).units <= limit


def test_the_texts_file_exists_beside_the_plans() -> None:
    assert Path(CONFIG / "announcements" / "texts.toml").is_file()
