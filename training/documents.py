"""Labelled documents: the one shape every training source (synthetic, real, weak) is turned into.

A :class:`LabelledDoc` is a text and the topic spans in it; :func:`strip_headings` turns a report
with headings into the input the model is trained and scored on (headings removed, so that the
model must read the content), and :func:`sentence_targets` gives each sentence its label.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

# A topic span is the evaluation's span: training labels and scoring share one shape.
from gongkai.evaluation.metrics import Span as LabelledSpan
from gongkai.models.splitter import Sentence, is_table_line, split_sentences


@dataclass
class LabelledDoc:
    """A text with gold (or weak) topic spans; ``source`` says where it came from."""

    name: str
    text: str
    spans: list[LabelledSpan]
    source: str  # "synth", "real" or "weak"
    meta: dict = field(default_factory=dict)


def strip_headings(doc: LabelledDoc, keep_tables: bool = True) -> LabelledDoc:
    """Keep only the labelled text (and table rows): headings, titles and signatures go.

    Kept pieces that the original separated by a line break stay on separate lines, pieces
    that ran on in one line (an inline heading removed) are joined directly.
    """
    text = doc.text
    spans = sorted(doc.spans, key=lambda s: s.start)
    out: list[str] = []
    new_spans: list[LabelledSpan] = []
    length = 0
    pos = 0

    def add_gap(gap: str) -> None:
        nonlocal length
        pieces = []
        if keep_tables:
            pieces = [ln for ln in gap.split("\n") if is_table_line(ln)]
        sep = "\n" if "\n" in gap else ""
        if pieces:
            chunk = "\n" + "\n".join(pieces) + "\n"
        else:
            chunk = sep
        if length == 0:
            chunk = chunk.lstrip("\n")
        out.append(chunk)
        length += len(chunk)

    for s in spans:
        if s.start < pos:
            continue
        add_gap(text[pos : s.start])
        seg = text[s.start : s.end]
        new_spans.append(LabelledSpan(length, length + len(seg), s.topic, s.categories))
        out.append(seg)
        length += len(seg)
        pos = s.end
    add_gap(text[pos:])
    return LabelledDoc(doc.name, "".join(out), new_spans, doc.source, dict(doc.meta, stripped=True))


def sentence_targets(doc: LabelledDoc, sentences: list[Sentence] | None = None) -> tuple[list[Sentence], list[str | None]]:
    """The document's sentences and, for each, the topic covering most of its characters (None: none)."""
    sents = split_sentences(doc.text) if sentences is None else sentences
    owner = [None] * len(doc.text)
    for s in doc.spans:
        owner[s.start : s.end] = [s.topic] * (s.end - s.start)
    labels: list[str | None] = []
    for s in sents:
        if s.kind != "text":
            labels.append(None)
            continue
        c = Counter(t for t, ch in zip(owner[s.start : s.end], s.text, strict=True) if not ch.isspace())
        top = c.most_common(1)
        n = sum(1 for ch in s.text if not ch.isspace())
        labels.append(top[0][0] if top and top[0][0] is not None and top[0][1] * 2 >= n else None)
    return sents, labels


_HEAD_PREFIX = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:[(（][一二三四五六七八九十\d]{1,2}[)）]|[一二三四五六七八九十]{1,2}、|\d{1,2}[、.]|[①-⑳])\s*"
    r"[^，。,：:\n；;]{2,16}[：:]\s*"
)


def trim_inline_heading(text: str, a: int, b: int) -> int:
    """Start of a span after an inline heading such as ``(一) 主动公开：`` (the heading is not content)."""
    m = _HEAD_PREFIX.match(text, a, b)
    return m.end() if m and m.end() < b else a
