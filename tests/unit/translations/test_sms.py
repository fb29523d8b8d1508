"""SMS segmentation: part sizes, and cuts that never break a character's encoding."""

from __future__ import annotations

import pytest

from translations.gsm import Encoding, cost
from translations.sms import MAX_PARTS, MessageTooLong, segment_limit, split_sms


@pytest.mark.parametrize(
    ("encoding", "char", "single", "part"),
    [(Encoding.GSM7, "a", 160, 153), (Encoding.UCS2, "ب", 70, 67)],
)
def test_part_sizes(encoding: Encoding, char: str, single: int, part: int) -> None:
    fits = split_sms(char * single)
    assert (fits.encoding, len(fits.parts)) == (encoding, 1)
    two = split_sms(char * (single + 1))
    assert [len(p) for p in two.parts] == [part, single + 1 - part]
    three = split_sms(char * (2 * part + 1))
    assert [len(p) for p in three.parts] == [part, part, 1]
    assert segment_limit(encoding, 1) == single
    assert segment_limit(encoding, 2) == part


def test_parts_join_back_to_the_text_and_cut_after_a_space() -> None:
    text = " ".join(["balance"] * 40)  # 319 septets
    sms = split_sms(text)
    assert sms.text == text
    assert all(part.endswith(" ") for part in sms.parts[:-1])
    assert all(cost(part, Encoding.GSM7) <= 153 for part in sms.parts)


def test_a_line_break_is_preferred_when_it_keeps_the_part_half_full() -> None:
    first = "x" * 100 + "\n"
    text = first + "word " * 20
    sms = split_sms(text)
    assert sms.parts[0] == first


def test_an_extension_character_is_never_split_from_its_escape() -> None:
    text = "a" * 152 + "€" + "b" * 10  # the euro would straddle the 153-septet boundary
    sms = split_sms(text)
    assert sms.encoding is Encoding.GSM7
    assert sms.parts[0] == "a" * 152
    assert sms.parts[1].startswith("€")
    assert [cost(p, Encoding.GSM7) for p in sms.parts] == [152, 12]


def test_a_surrogate_pair_is_never_split() -> None:
    text = "ب" * 66 + "😀" + "ب" * 10  # the emoji needs units 67 and 68
    sms = split_sms(text)
    assert sms.encoding is Encoding.UCS2
    assert sms.parts[0] == "ب" * 66
    assert sms.parts[1].startswith("😀")
    assert all(cost(p, Encoding.UCS2) <= 67 for p in sms.parts)


def test_a_french_balance_with_cldr_spaces_stays_single_gsm7() -> None:
    sms = split_sms("Crédit 1\u202f224,50\xa0KES (9,49\xa0USD)")
    assert sms.encoding is Encoding.GSM7
    assert sms.parts == ("Crédit 1 224,50 KES (9,49 USD)",)


def test_more_than_255_parts_is_refused() -> None:
    with pytest.raises(MessageTooLong) as raised:
        split_sms("a" * (153 * MAX_PARTS + 1))
    assert raised.value.parts == MAX_PARTS + 1
