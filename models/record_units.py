"""The units of a parsed report's full text that the topic classifier should label.

The models are trained and scored on narrative with headings removed (see
``gongkai.training.documents.strip_headings``); a record's text still has its title, section
headings, sub-headings, signature and the statistical tables. Those are not narrative (the
contract's segments never cover them), so they are left out here: the table regions (a table
ends at its last row or at the first run of prose after it, see
:func:`gongkai.inference.sections.table_regions`), each section's heading, units that read as
headings (no inner punctuation, no sentence end), table text the reader did not take
(numbers glued to labels, no clause punctuation) and page furniture (rules, links, paths). Everything else is read, whichever headings
were found or lost: a unit that runs on from a heading or a table keeps its prose part.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

from gongkai.models.splitter import Sentence, split_sentences

MAX_HEADING = 30
_INNER = re.compile(r"[，,；;、]")
_END = "。！？!?；;…"
_NOTHING = re.compile(r"^[（(]?(?:暂)?无[）)]?[。.]?$|^没有[。.]?$")  # "无" is an other_matters answer
_CLAUSE = re.compile(r"[，,。；;！？!?]")
# A unit without clause punctuation is table text when it holds several numbers and they make up
# a good share of it ("规章007规范性文件7777166…"); one year in a phrase ("公开2018年度…") is not.
_TABLE_DIGITS = 0.15
_TABLE_NUMBERS = 3
_NUMBERS = re.compile(r"\d+|\|")
_CJK = re.compile(r"[\u3400-\u9fff]")
_MARKUP_CJK = 0.4


class SectionLike(Protocol):
    number: int
    start: int
    end: int


def is_heading(text: str) -> bool:
    """A short unit with no inner punctuation that does not end a sentence (a title, heading, signature)."""
    t = text.strip()
    if not t or _NOTHING.match(t) or len(t) > MAX_HEADING or _INNER.search(t):
        return False
    return t[-1] not in _END


def is_table_text(text: str) -> bool:
    """Table text run into the prose: numbers glued to row labels, no clause punctuation."""
    t = re.sub(r"\s", "", text)
    if len(t) < 8 or _CLAUSE.search(t) or len(_NUMBERS.findall(t)) < _TABLE_NUMBERS:
        return False
    return sum(ch.isdigit() or ch == "|" for ch in t) >= _TABLE_DIGITS * len(t)


def is_markup(text: str) -> bool:
    """Page furniture rather than prose: rules of ``=``, links, paths, metadata values (few Chinese
    characters, no sentence end)."""
    t = re.sub(r"\s", "", text)
    if not t or "。" in t:
        return False
    return len(_CJK.findall(t)) < _MARKUP_CJK * len(t)


def _table_head(unit: str) -> int:
    """Length of the table text a unit opens with, when a table the reader did not take runs on into prose."""
    from gongkai.inference.sections import PROSE_RUN

    m = PROSE_RUN.search(unit)
    if m is None or not is_table_text(unit[: m.start()]):
        return 0
    digits = [i for i, ch in enumerate(unit[: m.start()]) if ch.isdigit() or ch == "|"]
    return digits[-1] + 1 if digits else 0


def _pieces(u: Sentence, text: str, skip: list[tuple[int, int]]) -> list[Sentence]:
    """``u`` without the skipped ranges: the parts of it left over, each a unit."""
    parts = [(u.start, u.end)]
    for a, b in skip:
        if b <= u.start or a >= u.end:
            continue
        parts = [p for x, y in parts for p in ((x, min(y, a)), (max(x, b), y)) if p[1] > p[0]]
    out = []
    for x, y in parts:
        while x < y and text[x].isspace():
            x += 1
        while y > x and text[y - 1].isspace():
            y -= 1
        if not re.sub(r"\W", "", text[x:y]):
            continue
        if (x, y) == (u.start, u.end):
            out.append(u)
        else:  # what follows a heading or a table opens a paragraph
            out.append(replace(u, start=x, end=y, text=text[x:y], para_start=u.para_start or x != u.start))
    return out


def narrative_units(text: str, sections: Sequence[SectionLike] = (),
                    regions: Sequence[tuple[int, int]] = ()) -> list[Sentence]:
    """``split_sentences(text)`` without table regions, section headings and heading-like or table-like units."""
    from gongkai.inference.sections import heading_end

    skip = sorted([(s.start, heading_end(text, s)) for s in sections] + list(regions))  # type: ignore[arg-type]
    out = []
    for u in split_sentences(text):
        if u.kind != "text":
            out.append(u)
            continue
        head = _table_head(u.text)
        for p in _pieces(u, text, skip + ([(u.start, u.start + head)] if head else [])):
            if not (is_heading(p.text) or is_table_text(p.text) or is_markup(p.text)):
                out.append(p)
    return out
