"""Text <-> short_message octets, by data_coding.

Two numbering schemes meet in SMPP's ``data_coding`` octet: SMPP 3.4's own (0 SMSC default, which we
take as GSM 7-bit unpacked, 3 Latin-1, 8 UCS2, ...) and the TS 23.038 data coding scheme that some
USSD centres copy straight from the network (0x0F GSM 7-bit, 0x48 UCS2, 0xF4 8-bit, ...). Values
0x00-0x0E are read as SMPP's; 0x0F and everything from 0x10 up as TS 23.038's (SMS rules: the
alphabet sits in bits 3..2 of the general groups, in bit 2 of group 0xF_).

GSM 7-bit travels one septet per octet ("unpacked") over SMPP; a centre that packs septets is a
dialect, selected with ``gsm7_packed=True``. Decoding never raises: what cannot be decoded becomes
U+FFFD, because a subscriber's message must still reach the application.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import gsm0338  # noqa: F401  (importing registers the "gsm03.38" codec)
from gsm0338.charset import BASIC_CHARACTER_SET, BASIC_CHARACTER_SET_EXTENSION

from gateway.smpp.constants import DATA_CODING_DEFAULT, DATA_CODING_UCS2

GSM_CODEC: Final = "gsm03.38"
_ESC: Final = 0x1B
_CR: Final = 0x0D


class Alphabet(StrEnum):
    GSM7 = "gsm7"
    UCS2 = "ucs2"
    OCTETS = "octets"  # 8-bit data; shown as Latin-1 so that no octet is lost
    LATIN1 = "latin1"
    ASCII = "ascii"
    CYRILLIC = "cyrillic"
    HEBREW = "hebrew"
    ISO_2022_JP = "iso2022_jp"
    KS_C_5601 = "ks_c_5601"


_PYTHON_CODECS: Final[dict[Alphabet, str]] = {
    Alphabet.UCS2: "utf-16-be",
    Alphabet.OCTETS: "latin-1",
    Alphabet.LATIN1: "latin-1",
    Alphabet.ASCII: "ascii",
    Alphabet.CYRILLIC: "iso8859-5",
    Alphabet.HEBREW: "iso8859-8",
    Alphabet.ISO_2022_JP: "iso2022_jp",
    Alphabet.KS_C_5601: "euc_kr",
}

# SMPP 3.4 section 5.2.19. 5 (JIS X 0208), 9 (pictogram) and 0x0D (JIS X 0212) have no Python
# codec; they fall back to OCTETS.
_SMPP_DATA_CODINGS: Final[dict[int, Alphabet]] = {
    0x00: Alphabet.GSM7,
    0x01: Alphabet.ASCII,
    0x02: Alphabet.OCTETS,
    0x03: Alphabet.LATIN1,
    0x04: Alphabet.OCTETS,
    0x06: Alphabet.CYRILLIC,
    0x07: Alphabet.HEBREW,
    0x08: Alphabet.UCS2,
    0x0A: Alphabet.ISO_2022_JP,
    0x0E: Alphabet.KS_C_5601,
    0x0F: Alphabet.GSM7,  # TS 23.038 (CBS): GSM 7-bit, language unspecified
}

_GENERAL_ALPHABETS: Final = (Alphabet.GSM7, Alphabet.OCTETS, Alphabet.UCS2, Alphabet.GSM7)


def alphabet_of(data_coding: int) -> Alphabet:
    """The alphabet a data_coding value announces (see the module docstring for the rules)."""
    if data_coding in _SMPP_DATA_CODINGS:
        return _SMPP_DATA_CODINGS[data_coding]
    if data_coding < 0x10:
        return Alphabet.OCTETS
    group = data_coding & 0xF0
    if group < 0x80:  # general data coding and automatic deletion groups (00xx, 01xx)
        return _GENERAL_ALPHABETS[(data_coding >> 2) & 0x03]
    if group in (0xC0, 0xD0):  # message waiting indication, GSM 7-bit
        return Alphabet.GSM7
    if group == 0xE0:  # message waiting indication, UCS2
        return Alphabet.UCS2
    if group == 0xF0:  # data coding / message class
        return Alphabet.OCTETS if data_coding & 0x04 else Alphabet.GSM7
    return Alphabet.OCTETS  # reserved groups 0x80-0xBF


def decode_text(payload: bytes, data_coding: int, *, gsm7_packed: bool = False) -> str:
    """The text of a short_message (or reassembled payload) without its UDH."""
    alphabet = alphabet_of(data_coding)
    if alphabet is Alphabet.GSM7:
        septets = unpack_septets(payload) if gsm7_packed else payload
        return decode_gsm7(septets)
    return payload.decode(_PYTHON_CODECS[alphabet], errors="replace")


def decode_gsm7(septets: bytes) -> str:
    """GSM 03.38 default alphabet, one septet per octet, with the extension table via ESC."""
    try:
        return str(codecs.decode(septets, GSM_CODEC, "strict"))
    except UnicodeDecodeError:
        pass
    # Slow path. TS 23.038 6.2.1.1: an escape to an unknown extension character shows the
    # character of the default table instead; an octet with bit 8 set is not GSM at all.
    out: list[str] = []
    index = 0
    while index < len(septets):
        octet = septets[index]
        if octet == _ESC and index + 1 < len(septets):
            pair = septets[index : index + 2]
            try:
                out.append(codecs.decode(pair, GSM_CODEC, "strict"))
            except UnicodeDecodeError:
                out.append(_gsm7_char(septets[index + 1]))
            index += 2
            continue
        out.append(_gsm7_char(octet) if octet != _ESC else "")
        index += 1
    return "".join(out)


def _gsm7_char(octet: int) -> str:
    try:
        return str(codecs.decode(bytes((octet,)), GSM_CODEC, "strict"))
    except UnicodeDecodeError:
        return "\ufffd"


def unpack_septets(packed: bytes) -> bytes:
    """GSM 7-bit packed octets -> one septet per octet.

    A trailing CR that fills the last 7 spare bits is padding (TS 23.038 6.1.2.3.1), not text.
    """
    septets = bytearray()
    carry = 0
    carry_bits = 0
    for octet in packed:
        septets.append(((octet << carry_bits) | carry) & 0x7F)
        carry = octet >> (7 - carry_bits)
        carry_bits += 1
        if carry_bits == 7:
            septets.append(carry & 0x7F)
            carry = 0
            carry_bits = 0
    if septets and len(septets) % 8 == 0 and septets[-1] == _CR:
        del septets[-1]
    return bytes(septets)


def pack_septets(septets: bytes) -> bytes:
    """One septet per octet -> GSM 7-bit packed, CR-padded when 7 bits would be left spare."""
    if len(septets) % 8 == 7:
        septets += bytes((_CR,))
    packed = bytearray()
    acc = 0
    acc_bits = 0
    for septet in septets:
        acc |= (septet & 0x7F) << acc_bits
        acc_bits += 7
        while acc_bits >= 8:
            packed.append(acc & 0xFF)
            acc >>= 8
            acc_bits -= 8
    if acc_bits:
        packed.append(acc & 0xFF)
    return bytes(packed)


@dataclass(frozen=True, slots=True)
class EncodedText:
    """Text ready for short_message: the octets, the data_coding to announce, their alphabet."""

    payload: bytes
    data_coding: int
    alphabet: Alphabet


def _septet_table() -> dict[int, str]:
    """Character -> its septet(s) as Latin-1 characters, for every character the codec encodes
    on its own (basic table, and ESC + code for the extension table), ESC itself excluded."""
    names = (*BASIC_CHARACTER_SET.values(), *BASIC_CHARACTER_SET_EXTENSION.values())
    table: dict[int, str] = {}
    for char in {unicodedata.lookup(name) for name in names} - {"\x1b"}:
        table[ord(char)] = codecs.encode(char, GSM_CODEC, "strict").decode("latin-1")
    return table


# The codec encodes one character at a time and concatenates bytes: ~200 us for a 150-character
# SMS, on every reply. One str.translate over this table gives the same octets in ~10 us; a text
# with a character outside the table still goes through the codec (same answer either way).
_SEPTETS: Final = _septet_table()
_NOT_IN_TABLE: Final = re.compile(
    "[^" + "".join(re.escape(chr(code)) for code in sorted(_SEPTETS)) + "]")


def gsm7_septets(text: str) -> bytes | None:
    """The unpacked GSM 7-bit form of ``text``, or None if a character is outside GSM 03.38."""
    if "\x1b" in text:
        return None  # gsm0338 maps U+001B to the escape septet, which would eat the next char
    if _NOT_IN_TABLE.search(text) is None:
        return text.translate(_SEPTETS).encode("latin-1")
    try:
        return bytes(codecs.encode(text, GSM_CODEC, "strict"))
    except UnicodeEncodeError:
        return None


def encode_text(
    text: str,
    *,
    gsm7_data_coding: int = DATA_CODING_DEFAULT,
    ucs2_data_coding: int = DATA_CODING_UCS2,
) -> EncodedText:
    """GSM 7-bit unpacked when every character fits, else UCS2 (one character switches all).

    The data_coding values are parameters because some USSD centres want the TS 23.038 ones
    (0x0F, 0x48) instead of SMPP's (0, 8).
    """
    septets = gsm7_septets(text)
    if septets is not None:
        return EncodedText(septets, gsm7_data_coding, Alphabet.GSM7)
    # utf-16-be rather than a strict UCS2: characters outside the BMP (emoji) become surrogate
    # pairs, which handsets display; concat never splits a pair.
    return EncodedText(text.encode("utf-16-be"), ucs2_data_coding, Alphabet.UCS2)
