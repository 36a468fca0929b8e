"""Place gold narrative segments in a record's text.

Gold segments carry their text, not offsets into the record: the record text is normalised
(and shaped by each loader), so offsets in the generated text do not carry over. Each segment
is found by string search on both texts normalised the same way and with all whitespace
removed, searching forward from the previous segment so repeated phrases land in order.
"""

from __future__ import annotations

from collections.abc import Sequence

from gongkai.data.normalize import normalize
from gongkai.evaluation.compare import GoldSegment
from gongkai.evaluation.metrics import Span

_ANCHOR = 16  # characters of head and tail used when the whole segment is not found verbatim
# Punctuation that normalisation keeps full-width but some sources print half-width: compare
# both as one character (one-for-one, so offsets are unchanged).
_FOLD = str.maketrans("，：；？！“”‘’", ",:;?!\"\"''")


def squeeze(text: str) -> tuple[str, list[int]]:
    """``text`` without whitespace and with punctuation folded, and for each kept character
    its offset in ``text``."""
    keep = [i for i, ch in enumerate(text) if not ch.isspace()]
    return "".join(text[i] for i in keep).translate(_FOLD), keep


def _find(hay: str, needle: str, cursor: int) -> tuple[int, int] | None:
    """(start, end) of ``needle`` in ``hay``, preferring a match at or after ``cursor``."""
    for start in (cursor, 0):
        pos = hay.find(needle, start)
        if pos >= 0:
            return pos, pos + len(needle)
    if len(needle) < 3 * _ANCHOR:
        return None
    # A long segment whose middle differs slightly (a page header, a dropped character):
    # accept its head and tail when the stretch between them has about the right length.
    head, tail = needle[:_ANCHOR], needle[-_ANCHOR:]
    for start in (cursor, 0):
        a = hay.find(head, start)
        if a < 0:
            continue
        b = hay.find(tail, a + _ANCHOR)
        if b >= 0 and 0.8 * len(needle) <= b + _ANCHOR - a <= 1.25 * len(needle):
            return a, b + _ANCHOR
    return None


def locate(text: str, segments: Sequence[GoldSegment]) -> list[Span | None]:
    """Each gold segment as a :class:`Span` of ``text``, or None where it cannot be found."""
    hay, index = squeeze(text)
    out: list[Span | None] = []
    cursor = 0
    for seg in segments:
        needle, _ = squeeze(normalize(seg.text).text)
        hit = _find(hay, needle, cursor) if needle else None
        if hit is None:
            out.append(None)
            continue
        a, b = hit
        cursor = b
        out.append(Span(index[a], index[b - 1] + 1, seg.topic, tuple(seg.categories)))
    return out


def non_space_len(text: str) -> int:
    return sum(not ch.isspace() for ch in text)
