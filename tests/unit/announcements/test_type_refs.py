"""A balance type's own refs: currency maps for cash, positive/negative for the rest."""

from __future__ import annotations

from dataclasses import replace

from announcements.type_refs import ValueRefs, currency_map_for, value_refs
from core.balance_types import CurrencyAnnouncementMap
from tests.unit.announcements.fixtures import BAD_PIN, GENERAL_CASH, VOICE, ref

SECONDARY = CurrencyAnnouncementMap("USD", "KES", ref("usd_pos"), ref("usd_neg"))
PRIMARY = CurrencyAnnouncementMap("KES", None, ref("kes_pos"), ref("kes_neg"))


def test_a_map_with_the_currency_as_currency_one_wins_over_currency_two() -> None:
    cash = replace(GENERAL_CASH, currency_announcements=(SECONDARY, PRIMARY))
    assert currency_map_for(cash, "KES") == PRIMARY
    assert currency_map_for(cash, "USD") == SECONDARY


def test_a_currency_two_match_is_used_when_it_is_the_only_one() -> None:
    cash = replace(GENERAL_CASH, currency_announcements=(SECONDARY,))
    assert currency_map_for(cash, "KES") == SECONDARY
    assert currency_map_for(cash, "TZS") is None


def test_value_refs_by_unit() -> None:
    assert value_refs(GENERAL_CASH, "KES") == ValueRefs(ref("cash_positive"), ref("cash_negative"))
    assert value_refs(GENERAL_CASH, "TZS") == ValueRefs(None, None)
    assert value_refs(VOICE, "KES") == ValueRefs(ref("voice_positive"), ref("voice_none"))
    assert value_refs(BAD_PIN, "KES") == ValueRefs(None, None)
