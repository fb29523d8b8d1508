"""USSD screens: fit lines of text into pages a handset can show.

A USSD string carries 182 GSM-7 septets or 80 UCS2 characters (160 octets, 3GPP TS 23.038 /
TS 24.090 as operators configure it). Each page is a separate USSD message, so each chooses its
own encoding: an Arabic page is UCS2 while a page of digits and Latin text stays GSM-7.

A long list pages with a "more" option line (e.g. "98 More"), and menus may reserve footer lines
(e.g. "0 Back") that appear on every page. Both count against the limit: the limit is what the
handset shows, not what the list holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from translations.gsm import Encoding, PreparedText, cost, fold_spaces, is_gsm7, prepare
from translations.splitting import MIN_BUDGET, split_text

SCREEN_LIMIT = {Encoding.GSM7: 182, Encoding.UCS2: 80}
LINE_BREAK = "\n"


class FooterTooLong(ValueError):
    """The reserved lines leave no room for content: a configuration bug, not a runtime case."""

    def __init__(self, footer: str) -> None:
        super().__init__(f"footer {footer!r} leaves no room on a USSD screen")
        self.footer = footer


def fits_screen(text: str) -> bool:
    prepared = prepare(text)
    return prepared.units <= SCREEN_LIMIT[prepared.encoding]


def screen(text: str) -> PreparedText:
    """One screen, checked: raises ``ValueError`` if the text does not fit."""
    prepared = prepare(text)
    if prepared.units > SCREEN_LIMIT[prepared.encoding]:
        raise ValueError(f"{prepared.units} units exceed a {prepared.encoding} USSD screen")
    return prepared


@dataclass(frozen=True, slots=True)
class _Line:
    """One line with both of its costs, measured once: paging tries many groupings."""

    text: str
    gsm: bool  # all GSM 03.38 once CLDR spaces are folded
    septets: int  # GSM-7 cost (0 if not gsm)
    units: int  # UCS2 cost

    @classmethod
    def measure(cls, text: str) -> _Line:
        folded = fold_spaces(text)
        if is_gsm7(folded):
            # GSM characters are all in the BMP: one UTF-16 unit each.
            return cls(text, True, cost(folded, Encoding.GSM7), len(text))
        return cls(text, False, 0, cost(text, Encoding.UCS2))


def _within(lines: int, all_gsm: bool, septets: int, units: int) -> bool:
    """Whether ``lines`` lines with these summed costs fit one screen (line breaks count)."""
    if all_gsm:
        return septets + lines - 1 <= SCREEN_LIMIT[Encoding.GSM7]
    return units + lines - 1 <= SCREEN_LIMIT[Encoding.UCS2]


def _fits(lines: list[_Line]) -> bool:
    return _within(
        len(lines),
        all(line.gsm for line in lines),
        sum(line.septets for line in lines),
        sum(line.units for line in lines),
    )


def paginate(
    items: Sequence[str], *, more: str, footer: Sequence[str] = ()
) -> tuple[PreparedText, ...]:
    """Pages of ``items`` (one line each), in order, every page ending with ``footer``;
    every page but the last also carries the ``more`` line just before the footer.

    Greedy: a page takes as many whole items as fit. An item too long for any page is cut
    (at spaces if possible) into pieces that do fit, so no input can produce an oversized
    screen. Raises :class:`FooterTooLong` if ``more`` plus ``footer`` alone fill a screen.
    """
    footer_lines = [_Line.measure(line) for line in footer]
    more_line = _Line.measure(more)
    _check_reserved([more, *footer])
    queue = [_Line.measure(item) for item in items]
    pages: list[list[_Line]] = []
    start = 0
    while True:
        if _fits([*queue[start:], *footer_lines]):
            pages.append([*queue[start:], *footer_lines])
            break
        # Grow the page one item at a time with running totals (more and footer included).
        reserved = [more_line, *footer_lines]
        count = len(reserved)
        all_gsm = all(line.gsm for line in reserved)
        septets = sum(line.septets for line in reserved)
        units = sum(line.units for line in reserved)
        taken = 0
        for line in queue[start:]:
            count, all_gsm = count + 1, all_gsm and line.gsm
            septets, units = septets + line.septets, units + line.units
            if not _within(count, all_gsm, septets, units):
                break
            taken += 1
        if taken == 0:
            # The next item cannot share a screen with anything: cut it in place.
            pieces = _cut_item(queue[start].text, more, list(footer))
            queue[start : start + 1] = [_Line.measure(piece) for piece in pieces]
            continue
        pages.append([*queue[start : start + taken], more_line, *footer_lines])
        start += taken
    return tuple(prepare(LINE_BREAK.join(line.text for line in page)) for page in pages)


def _check_reserved(lines: list[str]) -> None:
    # Any page may turn UCS2 (one Arabic item is enough), so the reserved lines must leave
    # room on a UCS2 screen: a line break plus one 2-unit character of content.
    reserved = LINE_BREAK.join(lines)
    if cost(reserved, Encoding.UCS2) + 1 + MIN_BUDGET > SCREEN_LIMIT[Encoding.UCS2]:
        raise FooterTooLong(reserved)


def _cut_item(item: str, more: str, footer: list[str]) -> list[str]:
    """Pieces of ``item`` that each fit on a page next to ``more`` and ``footer``.

    The page's encoding is that of item plus reserved lines together; a piece, being part of
    the item, can only need the same encoding or GSM-7, and a GSM-7 text no longer than a UCS2
    screen (80 characters, at most 160 septets) fits a GSM-7 screen (182), so each piece fits.
    """
    together = prepare(LINE_BREAK.join([item, more, *footer]))
    encoding = together.encoding
    reserved = prepare(LINE_BREAK.join([more, *footer])).text
    budget = SCREEN_LIMIT[encoding] - cost(LINE_BREAK + reserved, encoding)
    text = fold_spaces(item) if encoding is Encoding.GSM7 else item
    return [piece.rstrip(" ") or piece for piece in split_text(text, encoding, budget)]
