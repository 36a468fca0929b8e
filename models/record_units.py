"""The units of a parsed report's full text that the topic classifier should label.

The models are trained and scored on narrative with headings removed (see
``gongkai.training.documents.strip_headings``); a record's text still has its title, section
headings, sub-headings, signature and the statistical tables of sections 二–四. Those are not
narrative (the contract's segments never cover them), so they are left out here: units in the
bodies of sections 2–4 when the parser found them, each section's heading line, and short units
that read as headings (no inner punctuation, no sentence end). When the headings were lost (OCR,
merged text), nothing is found and the classifier reads every unit: it does not need them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from gongkai.models.splitter import Sentence, split_sentences

TABLE_SECTIONS = (2, 3, 4)  # 主动公开 / 依申请 / 复议诉讼 tables in both the 2019 and the 2021 format
MAX_HEADING = 30
_INNER = re.compile(r"[，,；;、]")
_END = "。！？!?；;…"
_NOTHING = re.compile(r"^[（(]?(?:暂)?无[）)]?[。.]?$|^没有[。.]?$")  # "无" is an other_matters answer


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


def narrative_units(text: str, sections: Sequence[SectionLike] = ()) -> list[Sentence]:
    """``split_sentences(text)`` without table-section bodies, section heading lines and heading-like units."""
    skip: list[tuple[int, int]] = []
    for s in sections:
        line_end = text.find("\n", s.start, s.end)
        head_end = s.end if line_end < 0 else line_end
        skip.append((s.start, s.end if s.number in TABLE_SECTIONS else head_end))
    out = []
    for u in split_sentences(text):
        if u.kind == "text" and (is_heading(u.text) or any(a <= u.start < b for a, b in skip)):
            continue
        out.append(u)
    return out
