"""Text coding by data_coding: SMPP's values and the TS 23.038 ones USSD centres copy in."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.smpp.text import (
    Alphabet,
    alphabet_of,
    decode_text,
    encode_text,
    gsm7_septets,
    pack_septets,
    unpack_septets,
)

ARABIC = "رصيدك ١٠٠ دينار"


@pytest.mark.parametrize(
    ("data_coding", "alphabet"),
    [
        (0x00, Alphabet.GSM7),
        (0x01, Alphabet.ASCII),
        (0x03, Alphabet.LATIN1),
        (0x04, Alphabet.OCTETS),
        (0x08, Alphabet.UCS2),
        (0x0F, Alphabet.GSM7),
        (0x48, Alphabet.UCS2),
        (0x44, Alphabet.OCTETS),
        (0xF4, Alphabet.OCTETS),
        (0xF0, Alphabet.GSM7),
        (0x18, Alphabet.UCS2),
        (0xE0, Alphabet.UCS2),
    ],
)
def test_alphabet_of_data_coding(data_coding: int, alphabet: Alphabet) -> None:
    assert alphabet_of(data_coding) is alphabet


@pytest.mark.parametrize("data_coding", [0x00, 0x0F])
def test_gsm7_with_extension_characters(data_coding: int) -> None:
    septets = b"Price \x1be5 \x1b(ok\x1b) a\x1b/b \x1b<x\x1b> \x1b\x14 \x00\x02"
    assert decode_text(septets, data_coding) == "Price €5 {ok} a\\b [x] ^ @$"


@pytest.mark.parametrize("data_coding", [0x08, 0x48])
def test_ucs2_arabic(data_coding: int) -> None:
    assert decode_text(ARABIC.encode("utf-16-be"), data_coding) == ARABIC


def test_latin1_and_8bit() -> None:
    assert decode_text("Café".encode("latin-1"), 0x03) == "Café"
    assert decode_text(b"\x01\xff", 0xF4) == "\x01ÿ"
    assert decode_text(b"\x01\xff", 0x04) == "\x01ÿ"


def test_undecodable_input_is_replaced_not_raised() -> None:
    # ESC + unknown extension shows the basic character (TS 23.038); bit 8 is not GSM at all.
    assert decode_text(b"\x1bA\x80b", 0x00) == "A\ufffdb"
    assert decode_text(b"\x00\x41\xd8", 0x08) == "A\ufffd"


def test_packed_gsm7_dialect() -> None:
    packed = pack_septets(gsm7_septets("*100#") or b"")
    assert decode_text(packed, 0x0F, gsm7_packed=True) == "*100#"


def test_a_cr_filling_the_last_septet_is_padding() -> None:
    seven = gsm7_septets("1234567") or b""
    assert len(pack_septets(seven)) == 7
    assert unpack_septets(pack_septets(seven)) == seven


GSM_CHARACTERS = (
    "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./09:;<=>?¡AZÄÖÑÜ§¿azäöñüà^{}\\[~]|€\n"
)


@given(st.text(alphabet=GSM_CHARACTERS))
def test_gsm7_round_trip(text: str) -> None:
    encoded = encode_text(text)
    assert (encoded.alphabet, encoded.data_coding) == (Alphabet.GSM7, 0x00)
    assert decode_text(encoded.payload, encoded.data_coding) == text
    assert decode_text(pack_septets(encoded.payload), 0x0F, gsm7_packed=True) == text.rstrip("\r")


@given(st.text())
def test_any_text_round_trips_through_the_chosen_coding(text: str) -> None:
    encoded = encode_text(text)
    assert decode_text(encoded.payload, encoded.data_coding) == text


def test_one_character_outside_gsm_switches_the_whole_text_to_ucs2() -> None:
    encoded = encode_text("Balance 5 ç")
    assert (encoded.alphabet, encoded.data_coding) == (Alphabet.UCS2, 0x08)
    assert encoded.payload == "Balance 5 ç".encode("utf-16-be")


def test_the_ussd_dialect_announces_ts_23038_codings() -> None:
    assert encode_text("1", gsm7_data_coding=0x0F).data_coding == 0x0F
    assert encode_text(ARABIC, ucs2_data_coding=0x48).data_coding == 0x48
