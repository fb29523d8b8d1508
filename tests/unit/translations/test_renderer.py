"""The renderer: language fallback, plural choice, and the text as SMS parts and USSD pages."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.unit.translations.fixtures import balance, demo_renderer, demo_set, demo_wallet, wallet
from translations.catalogs import MissingCatalog
from translations.gsm import Encoding
from translations.messages import (
    Back,
    BalanceSummary,
    ExpirySoon,
    LowBalance,
    More,
    RechargeBadPin,
    ThresholdReached,
)
from translations.renderer import Renderer
from translations.sms import PART_LIMIT


@pytest.mark.parametrize(
    ("requested", "resolved"),
    [
        ("fr", "fr"),
        ("fr_FR", "fr"),
        ("fr-CA", "fr"),
        ("FR", "fr"),
        ("de", "en"),  # not a provider language: the provider's fallback
        (None, "en"),
        ("", "en"),
    ],
)
def test_language_resolution_falls_back_to_the_providers_language(
    requested: str | None, resolved: str
) -> None:
    assert demo_renderer().language_for(requested) == resolved


def test_a_missing_language_renders_in_the_fallback_language() -> None:
    assert demo_renderer().render(More(), "de") == "98 More"


def test_the_fallback_language_is_per_provider() -> None:
    swahili_first = dataclasses.replace(demo_set(), fallback_language="sw")
    assert Renderer(swahili_first).render(Back(), "de") == "0 Rudi"


def test_a_provider_language_without_a_catalog_fails_at_start_up(tmp_path: Path) -> None:
    with pytest.raises(MissingCatalog):
        Renderer(demo_set(), locale_dir=tmp_path)


@pytest.mark.parametrize(
    ("attempts", "expected"),
    [
        (0, "لم تتبق لديك أي محاولة."),
        (1, "تبقت لديك محاولة واحدة."),
        (2, "تبقت لديك محاولتان."),
        (3, "تبقت لديك 3 محاولات."),
        (11, "تبقت لديك 11 محاولة."),
        (100, "تبقت لديك 100 محاولة."),
    ],
)
def test_arabic_uses_all_six_plural_forms(attempts: int, expected: str) -> None:
    text = demo_renderer().render(RechargeBadPin(attempts_left=attempts), "ar")
    assert text == "رمز PIN للقسيمة غير صحيح. " + expected


@pytest.mark.parametrize(
    ("attempts", "expected"),
    [(0, "Il vous reste 0 essai."), (1, "Il vous reste 1 essai."), (2, "Il vous reste 2 essais.")],
)
def test_french_singular_covers_zero(attempts: int, expected: str) -> None:
    text = demo_renderer().render(RechargeBadPin(attempts_left=attempts), "fr")
    assert text.endswith(expected)


def test_notifications_about_an_untranslated_type_do_not_name_it() -> None:
    bad_pin = balance("Bad PIN", 2)
    renderer = demo_renderer()
    assert renderer.render(ThresholdReached(bad_pin, 50), "en") == (
        "You have used 50% of your allowance. Left: 2."
    )
    assert renderer.render(LowBalance(bad_pin), "en") == "Your balance is low: 2. Please recharge."
    assert renderer.render(ExpirySoon(bad_pin, 1), "en") == "Your balance of 2 expires in 1 day."


def test_an_empty_wallet_says_so() -> None:
    text = demo_renderer().render(BalanceSummary(wallet(())), "en")
    assert text == "Prepaid valid 120 day(s)\nYou have no balances to show."


def test_the_english_summary_is_one_gsm7_sms_part_or_more() -> None:
    sms = demo_renderer().sms(BalanceSummary(demo_wallet()), "en")
    assert sms.encoding is Encoding.GSM7
    assert sms.text == demo_renderer().render(BalanceSummary(demo_wallet()), "en").replace(
        "\xa0", " "
    )
    assert len(sms.parts) == 2


def test_the_arabic_summary_is_ucs2_in_67_unit_parts() -> None:
    sms = demo_renderer().sms(BalanceSummary(demo_wallet("ar")), "ar")
    assert sms.encoding is Encoding.UCS2
    assert len(sms.parts) > 1
    assert all(len(part) <= PART_LIMIT[Encoding.UCS2] for part in sms.parts)


def test_ussd_pages_of_the_balance_summary_with_a_back_footer() -> None:
    pages = demo_renderer().ussd_pages(BalanceSummary(demo_wallet()), "en", footer=[Back()])
    assert [p.text for p in pages] == [
        "Prepaid valid 120 day(s)\n"
        "Airtime KES 1,224.50 (USD 9.49),\n"
        "Bonus KES 50.00 valid 7 day(s),\n"
        "Voice 62 min 5 s valid 30 day(s),\n"
        "Data 1.53 GB valid 3 day(s),\n"
        "98 More\n"
        "0 Back",
        "20 SMS valid 30 day(s),\nSpent this month KES 1,250.00 resets in 16 day(s)\n0 Back",
    ]
    assert all(p.encoding is Encoding.GSM7 and p.units <= 182 for p in pages)


def test_ussd_pages_in_arabic_use_the_localized_more_line() -> None:
    pages = demo_renderer().ussd_pages(BalanceSummary(demo_wallet("ar")), "ar", footer=[Back()])
    assert len(pages) > 2
    assert all(p.encoding is Encoding.UCS2 and p.units <= 80 for p in pages)
    assert all(p.text.endswith("\n98 المزيد\n0 رجوع") for p in pages[:-1])
    assert pages[-1].text.endswith("\n0 رجوع")


def test_a_custom_more_option() -> None:
    pages = demo_renderer().ussd_pages(BalanceSummary(demo_wallet()), "fr", more=More("9"))
    assert pages[0].text.endswith("\n9 Suite")
