"""GSM 03.38 alphabet: which encoding a text needs, and what each character costs.

The ``gsm0338`` codec (registered as ``"gsm03.38"`` on import) is the authority on the
character set: the basic table plus the extension table reached through ESC (0x1B), so
``^ { } \\ [ ~ ] |`` and the euro sign cost two septets. What the codec does *not* give us:

* a cost model: it only encodes, and its encoder concatenates bytes one character at a time
  (quadratic), far too slow to call on every message. We read the codec's own tables
  (``gsm0338.charset``) into two character sets once and count with set and string
  operations; ``encode`` still uses the codec, and a test checks that the two agree;
* UCS2: one character outside GSM 03.38 switches the whole text to UCS2, where the cost is
  UTF-16 code units (a character outside the BMP, e.g. an emoji, is a surrogate pair: 2 units);
* space variants. CLDR number formats use NO-BREAK SPACE (fr, sw, ar currency) and NARROW
  NO-BREAK SPACE (fr grouping), which GSM 03.38 lacks. Sending every French balance as UCS2
  for an invisible difference would more than double its cost, so a text that is GSM apart
  from those spaces is sent as GSM-7 with them turned into plain spaces. A text that needs
  UCS2 anyway keeps them (UCS2 can carry them).

Everything that leaves this package for a handset goes through :func:`prepare`, so the text
the channel sends is exactly the text that was measured.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

import gsm0338  # noqa: F401  (import registers the "gsm03.38" codec)
from gsm0338.charset import BASIC_CHARACTER_SET, BASIC_CHARACTER_SET_EXTENSION

GSM_CODEC = "gsm03.38"


def _characters(table: dict[int, str]) -> frozenset[str]:
    # The codec builds its own maps the same way: Unicode names looked up per table entry.
    return frozenset(unicodedata.lookup(name) for name in table.values())


# ESC (0x1B) introduces the extension table; as a character of a text it would corrupt the
# next one, so it does not count as encodable (a text containing it goes UCS2).
BASIC = _characters(BASIC_CHARACTER_SET) - {"\x1b"}
EXTENSION = _characters(BASIC_CHARACTER_SET_EXTENSION)  # each costs ESC + its code
GSM = BASIC | EXTENSION
# Counting and checking run on every message (and several times per USSD page), so they use
# C-level string operations: regex character classes to find a non-GSM character and
# to count the extension characters. ``str.translate`` with a dict table, the obvious tool, costs
# about 0.1 µs per character once a text is not pure ASCII.
_NOT_GSM = re.compile("[^" + "".join(sorted(re.escape(c) for c in GSM)) + "]")
_EXTENSION_CHAR = re.compile("[" + "".join(sorted(re.escape(c) for c in EXTENSION)) + "]")

# CLDR's space characters; GSM-7 carries them as a plain space (see module docstring):
# NO-BREAK SPACE, FIGURE SPACE, THIN SPACE, NARROW NO-BREAK SPACE.
_CLDR_SPACES = ("\u00a0", "\u2007", "\u2009", "\u202f")


class Encoding(StrEnum):
    """SMS/USSD data coding of a text."""

    GSM7 = "gsm7"  # GSM 03.38 default alphabet, 7-bit septets
    UCS2 = "ucs2"  # UTF-16 big-endian (strictly UTF-16: surrogate pairs pass through)


def septets(char: str) -> int:
    """Septets ``char`` costs in GSM-7: 1 (basic table), 2 (extension table), 0 (not GSM)."""
    if char in BASIC:
        return 1
    return 2 if char in EXTENSION else 0


def utf16_units(char: str) -> int:
    """UTF-16 code units of one code point: 2 for a surrogate pair (outside the BMP)."""
    return 2 if ord(char) > 0xFFFF else 1


def fold_spaces(text: str) -> str:
    """Turn CLDR's no-break/thin spaces into plain spaces (the only change GSM-7 needs)."""
    for space in _CLDR_SPACES:
        if space in text:
            text = text.replace(space, " ")
    return text


def is_gsm7(text: str) -> bool:
    """True when every character of ``text`` is in GSM 03.38 (basic or extension table)."""
    return _NOT_GSM.search(text) is None


def char_cost(char: str, encoding: Encoding) -> int:
    """What one character costs in ``encoding``: septets for GSM-7, code units for UCS2."""
    if encoding is Encoding.GSM7:
        return septets(char)
    return utf16_units(char)


def cost(text: str, encoding: Encoding) -> int:
    """Septets (GSM-7; ``text`` must be GSM) or UTF-16 code units (UCS2) of ``text``."""
    if encoding is Encoding.GSM7:
        return len(text) + len(_EXTENSION_CHAR.findall(text))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@dataclass(frozen=True, slots=True)
class PreparedText:
    """A text ready for the wire: the characters to send, their encoding and their cost."""

    text: str
    encoding: Encoding
    units: int  # septets for GSM-7, UTF-16 code units for UCS2


def prepare(text: str) -> PreparedText:
    """Choose GSM-7 or UCS2 for ``text``; one non-GSM character makes the whole text UCS2."""
    folded = fold_spaces(text)
    if _NOT_GSM.search(folded) is None:
        return PreparedText(folded, Encoding.GSM7, cost(folded, Encoding.GSM7))
    return PreparedText(text, Encoding.UCS2, cost(text, Encoding.UCS2))


def encode(prepared: PreparedText) -> bytes:
    """The octets of a prepared text: unpacked GSM septets (one per octet) or UTF-16-BE.

    Packing septets into octets, if a link wants it, is the channel adapter's business.
    """
    if prepared.encoding is Encoding.GSM7:
        return codecs.encode(prepared.text, GSM_CODEC)
    return prepared.text.encode("utf-16-be")
