"""Inputs of the topic models: a sentence with its neighbours and its place in the narrative.

Both models see the same context: the sentence, the sentence before and the one after (the
neighbours decide a topic where the sentence alone is generic: "进一步规范工作流程。" is
request handling or information management by what surrounds it), and the sentence's
relative position among the report's narrative sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongkai.models.splitter import Sentence

POSITION_BINS = 10
_DIGITS = re.compile(r"\d")
_SPACE = re.compile(r"\s+")


def clean(text: str) -> str:
    """Text as the models read it: no whitespace (PDF wraps, spaced numbers), digits as 0."""
    return _DIGITS.sub("0", _SPACE.sub("", text))


@dataclass(frozen=True)
class SentenceContext:
    text: str
    prev: str
    next: str
    position: float  # 0 at the first narrative sentence, 1 at the last
    item_start: bool
    para_start: bool

    @property
    def position_bin(self) -> int:
        return min(POSITION_BINS - 1, int(self.position * POSITION_BINS))


def contexts(sentences: list[Sentence]) -> list[SentenceContext]:
    """Context of each ``text`` sentence (table rows are left out of the narrative order)."""
    sents = [s for s in sentences if s.kind == "text"]
    texts = [clean(s.text) for s in sents]
    n = len(sents)
    out = []
    for i, s in enumerate(sents):
        out.append(SentenceContext(
            texts[i], texts[i - 1] if i > 0 else "", texts[i + 1] if i + 1 < n else "",
            i / (n - 1) if n > 1 else 0.0, s.item_start, s.para_start))
    return out


def char_ngrams(text: str, n_max: int = 3) -> list[str]:
    """Character 1..n_max-grams (the analyzer of every TF-IDF field; ``text`` already cleaned)."""
    out = list(text)
    for n in range(2, n_max + 1):
        out += [text[i : i + n] for i in range(len(text) - n + 1)]
    return out
