"""GSM 03.38: encoding choice and cost per character, checked against the codec's tables."""

from __future__ import annotations

import codecs

import pytest

from translations.gsm import (
    BASIC,
    EXTENSION,
    GSM,
    GSM_CODEC,
    Encoding,
    char_cost,
    cost,
    encode,
    is_gsm7,
    prepare,
    septets,
)

EXTENSION_CHARS = "^{}\\[~]|€"


def test_basic_table_characters_cost_one_septet() -> None:
    text = "Hello @£$¥ èéùìò ÄÖÑÜ§ ¿ ΔΦΓΛΩΠΨΣΘΞ\n\r"
    assert cost(text, Encoding.GSM7) == len(text)


@pytest.mark.parametrize("char", list(EXTENSION_CHARS))
def test_extension_characters_cost_two_septets(char: str) -> None:
    assert septets(char) == 2
    assert encode(prepare(char)) == b"\x1b" + encode(prepare(char))[1:]


def test_a_text_with_extension_characters_counts_each_twice() -> None:
    text = "Price: €5 {promo} [x]"
    prepared = prepare(text)
    assert prepared.encoding is Encoding.GSM7
    assert prepared.units == len(text) + 5  # € { } [ ] each add one escape septet
    assert len(encode(prepared)) == prepared.units


def test_one_non_gsm_character_switches_the_whole_text_to_ucs2() -> None:
    text = "Balance KES 100.50 ç"  # lower-case c cedilla is not in GSM 03.38 (Ç is)
    prepared = prepare(text)
    assert prepared.encoding is Encoding.UCS2
    assert prepared.units == len(text)
    assert prepared.text == text


def test_arabic_is_ucs2_and_counts_utf16_units() -> None:
    prepared = prepare("رصيدك")
    assert (prepared.encoding, prepared.units) == (Encoding.UCS2, 5)
    assert encode(prepared) == "رصيدك".encode("utf-16-be")


def test_a_character_outside_the_bmp_is_a_surrogate_pair_of_two_units() -> None:
    prepared = prepare("ok 👍")
    assert prepared.encoding is Encoding.UCS2
    assert prepared.units == 5
    assert char_cost("👍", Encoding.UCS2) == 2
    assert len(encode(prepared)) == 2 * prepared.units


def test_cldr_spaces_are_sent_as_plain_spaces_when_the_rest_is_gsm() -> None:
    # French grouping (U+202F) and currency spacing (U+00A0) alone must not force UCS2.
    prepared = prepare("Crédit 1\u202f224,50\xa0KES")
    assert prepared == prepare("Crédit 1 224,50 KES")
    assert prepared.encoding is Encoding.GSM7


def test_cldr_spaces_are_kept_when_the_text_needs_ucs2_anyway() -> None:
    text = "الرصيد \u200f1,224.50\xa0KES"
    prepared = prepare(text)
    assert prepared.encoding is Encoding.UCS2
    assert prepared.text == text


def test_is_gsm7_agrees_with_the_codec() -> None:
    assert is_gsm7("ABC abc 123 @ _ ! ? \u00c7")
    assert not is_gsm7("`")  # the grave accent has no GSM code
    assert not is_gsm7("\u00a0")  # a NO-BREAK SPACE on its own is not GSM (prepare folds it)


def test_the_character_tables_agree_with_the_codec() -> None:
    # Our cost model reads the codec's tables; the codec's encoder must agree everywhere.
    for code_point in range(0x10000):
        char = chr(code_point)
        if char == "\x1b" or 0xD800 <= code_point <= 0xDFFF:
            continue
        try:
            encoded = codecs.encode(char, GSM_CODEC)
        except UnicodeEncodeError:
            assert septets(char) == 0, repr(char)
        else:
            assert septets(char) == len(encoded), repr(char)
    assert GSM == BASIC | EXTENSION
    assert len(BASIC) == 127  # the 128-entry basic table, less ESC
    assert len(EXTENSION) == 10


def test_escape_itself_is_not_sendable_as_a_character() -> None:
    assert prepare("a\x1bb").encoding is Encoding.UCS2
