"""Cut a text into pieces that each fit a budget of septets or UTF-16 code units.

Shared by SMS segmentation and USSD paging. The pieces concatenate back to the input exactly:
a handset joins concatenated SMS parts with nothing in between, so a space we split at must
stay in the text (at the end of the earlier piece), never be dropped.

We walk code points, and a code point is never cut: that is what keeps a GSM extension
character's ESC pair (one code point, 2 septets) and a UTF-16 surrogate pair (one code point
outside the BMP, 2 units) whole. Grapheme clusters (a base letter plus combining marks, emoji
ZWJ sequences) may still be cut between their code points; the brief asks for the two
guarantees above and a cluster-aware cut would need a Unicode segmentation library.
"""

from __future__ import annotations

from translations.gsm import Encoding, char_cost, cost

# Every character costs at most 2 units (ESC pair or surrogate pair); a smaller budget could
# not make progress on such a character.
MIN_BUDGET = 2


def split_text(text: str, encoding: Encoding, budget: int) -> list[str]:
    """Pieces of ``text`` of at most ``budget`` units each, preferring to cut after a line
    break, then after a space, and only inside a word when a word alone exceeds the budget.

    A line break is preferred only if it keeps the piece at least half full: a break that
    leaves a piece nearly empty costs the subscriber an extra part for the sake of neatness.
    """
    if budget < MIN_BUDGET:
        raise ValueError(f"budget {budget} is below {MIN_BUDGET} units")
    if cost(text, encoding) == len(text):
        return _split_uniform(text, budget)
    return _split_general(text, encoding, budget)


def _split_general(text: str, encoding: Encoding, budget: int) -> list[str]:
    """:func:`split_text` one character at a time, for texts with 2-unit characters."""
    pieces: list[str] = []
    length = len(text)
    start = 0
    while start < length:
        used = 0
        end = start
        after_space = -1
        after_newline = -1
        newline_used = 0
        while end < length:
            char = text[end]
            char_units = char_cost(char, encoding)
            if used + char_units > budget:
                break
            used += char_units
            end += 1
            if char == "\n":
                after_newline = end
                newline_used = used
            elif char == " ":
                after_space = end
        if end < length:
            if after_newline > start and newline_used * 2 >= budget:
                end = after_newline
            elif after_space > start:
                end = after_space
            elif after_newline > start:
                end = after_newline
        pieces.append(text[start:end])
        start = end
    return pieces


def _split_uniform(text: str, budget: int) -> list[str]:
    """:func:`split_text` for the common case where every character costs one unit (no
    extension characters, no surrogate pairs): index arithmetic and ``rfind`` instead of a
    loop per character. Same cuts, same preferences."""
    pieces: list[str] = []
    start = 0
    length = len(text)
    while length - start > budget:
        end = start + budget
        newline = text.rfind("\n", start, end)
        space = text.rfind(" ", start, end)
        if newline != -1 and (newline + 1 - start) * 2 >= budget:
            end = newline + 1
        elif space != -1:
            end = space + 1
        elif newline != -1:
            end = newline + 1
        pieces.append(text[start:end])
        start = end
    if start < length:
        pieces.append(text[start:])
    return pieces
