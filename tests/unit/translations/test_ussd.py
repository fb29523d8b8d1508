"""USSD screens: 182 septets or 80 UCS2 characters, "more" and footer lines included."""

from __future__ import annotations

import pytest

from translations.gsm import Encoding
from translations.ussd import SCREEN_LIMIT, FooterTooLong, fits_screen, paginate, screen


def test_limits() -> None:
    assert fits_screen("a" * 182)
    assert not fits_screen("a" * 183)
    assert fits_screen("a" * 180 + "{")  # 181 characters, 182 septets
    assert not fits_screen("a" * 181 + "{")  # 182 characters, 183 septets
    assert fits_screen("ب" * 80)
    assert not fits_screen("ب" * 81)
    assert not fits_screen("[" * 92)  # 184 septets
    with pytest.raises(ValueError, match="exceed"):
        screen("ب" * 81)


def test_a_short_list_is_one_page_without_more() -> None:
    pages = paginate(["Airtime KES 10.00", "Data 1 GB"], more="98 More", footer=["0 Back"])
    assert [p.text for p in pages] == ["Airtime KES 10.00\nData 1 GB\n0 Back"]


def test_a_long_list_pages_with_the_more_line_counted_in_the_limit() -> None:
    items = [f"Item {i:02d} " + "x" * 30 for i in range(12)]  # 38 characters each
    pages = paginate(items, more="98 More", footer=["0 Back"])
    texts = [p.text for p in pages]
    # 4 items (4*38 + 3 breaks = 155) + "\n98 More" (8) + "\n0 Back" (7) = 170 <= 182;
    # a fifth item would make 209.
    assert texts[0] == "\n".join([*items[:4], "98 More", "0 Back"])
    assert texts[-1].endswith("\n0 Back")
    assert "98 More" not in texts[-1]
    assert [line for t in texts for line in t.split("\n") if line.startswith("Item")] == items
    assert all(p.units <= SCREEN_LIMIT[p.encoding] for p in pages)


def test_arabic_pages_use_the_ucs2_limit() -> None:
    items = ["الرصيد الأساسي ١٠٠٫٥٠"] * 6  # 21 characters each
    pages = paginate(items, more="98 المزيد", footer=["0 رجوع"])
    assert all(p.encoding is Encoding.UCS2 for p in pages)
    assert all(p.units <= 80 for p in pages)
    # 2 items (43) + "\n98 المزيد" (10) + "\n0 رجوع" (7) = 60; three would be 82.
    assert [p.text.count("الرصيد") for p in pages] == [2, 2, 2]


def test_a_page_without_arabic_keeps_the_gsm7_limit() -> None:
    pages = paginate(["Airtime KES 10.00", "الرصيد"], more="98 More")
    assert [p.encoding for p in pages] == [Encoding.UCS2]
    latin = paginate(["a" * 100, "b" * 100], more="98 More")
    assert [p.encoding for p in latin] == [Encoding.GSM7, Encoding.GSM7]


def test_an_item_longer_than_a_screen_is_cut_at_spaces() -> None:
    long_item = " ".join(["word"] * 60)  # 299 characters
    pages = paginate([long_item, "last"], more="98 More", footer=["0 Back"])
    assert all(p.units <= SCREEN_LIMIT[p.encoding] for p in pages)
    body = " ".join(
        line for p in pages for line in p.text.split("\n") if line not in {"98 More", "0 Back"}
    )
    assert body.split() == [*long_item.split(), "last"]


def test_reserved_lines_that_leave_no_room_are_a_configuration_error() -> None:
    with pytest.raises(FooterTooLong):
        paginate(["item"], more="98 " + "m" * 80, footer=["0 Back"])
