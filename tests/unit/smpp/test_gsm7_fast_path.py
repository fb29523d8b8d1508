"""The table-driven GSM 7-bit encoder gives exactly the codec's octets (or refuses the same)."""

from __future__ import annotations

import codecs

from hypothesis import given
from hypothesis import strategies as st

from gateway.smpp.text import _SEPTETS, GSM_CODEC, gsm7_septets


def by_codec(text: str) -> bytes | None:
    if "\x1b" in text:
        return None
    try:
        return bytes(codecs.encode(text, GSM_CODEC, "strict"))
    except UnicodeEncodeError:
        return None


def test_every_gsm_character_encodes_as_the_codec_does() -> None:
    assert len(_SEPTETS) >= 128 + 9  # the basic table and ^ { } \ [ ~ ] | euro
    for code in _SEPTETS:
        assert gsm7_septets(chr(code)) == by_codec(chr(code)), hex(code)
    assert gsm7_septets("[1€]") == b"\x1b\x3c1\x1b\x65\x1b\x3e"


@given(st.text(alphabet=st.sampled_from([chr(c) for c in _SEPTETS] + ["é", "ß", "\x1b", "ع"]),
               max_size=200))
def test_any_text_encodes_as_the_codec_does(text: str) -> None:
    assert gsm7_septets(text) == by_codec(text)
