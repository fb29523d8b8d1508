"""SMS segmentation: one text -> the parts an SMSC will carry.

Sizes (3GPP TS 23.040): a single SMS carries 140 octets of user data, i.e. 160 GSM-7 septets
or 70 UCS2 code units. A concatenated part loses 6 octets to the UDH (8-bit reference), which
leaves 153 septets (the UDH is padded to a septet boundary: 7 septets) or 67 UCS2 units.
The UDH itself is the channel adapter's job (SMPP ``sar_*`` TLVs or ``esm_class`` UDHI); this
module only decides where the text is cut.
"""

from __future__ import annotations

from dataclasses import dataclass

from translations.gsm import Encoding, PreparedText, prepare
from translations.splitting import split_text

SINGLE_LIMIT = {Encoding.GSM7: 160, Encoding.UCS2: 70}
PART_LIMIT = {Encoding.GSM7: 153, Encoding.UCS2: 67}
# The UDH reference counts parts in one octet.
MAX_PARTS = 255


class MessageTooLong(ValueError):
    """A text needs more than 255 concatenated parts: a bug in whatever produced it."""

    def __init__(self, parts: int) -> None:
        super().__init__(f"text needs {parts} SMS parts; at most {MAX_PARTS} are possible")
        self.parts = parts


@dataclass(frozen=True, slots=True)
class Sms:
    """The parts of one short message, all in one encoding (the UDH cannot mix them)."""

    encoding: Encoding
    parts: tuple[str, ...]

    @property
    def text(self) -> str:
        return "".join(self.parts)

    @property
    def limit(self) -> int:
        """Units each part may hold: the single-SMS size if there is one part."""
        return segment_limit(self.encoding, len(self.parts))


def segment_limit(encoding: Encoding, parts: int) -> int:
    return SINGLE_LIMIT[encoding] if parts <= 1 else PART_LIMIT[encoding]


def split_prepared(prepared: PreparedText) -> Sms:
    """Parts of an already prepared text (see :func:`translations.gsm.prepare`)."""
    encoding = prepared.encoding
    if prepared.units <= SINGLE_LIMIT[encoding]:
        return Sms(encoding, (prepared.text,))
    parts = split_text(prepared.text, encoding, PART_LIMIT[encoding])
    if len(parts) > MAX_PARTS:
        raise MessageTooLong(len(parts))
    return Sms(encoding, tuple(parts))


def split_sms(text: str) -> Sms:
    """Choose the encoding of ``text`` and cut it into single or concatenated parts."""
    return split_prepared(prepare(text))
