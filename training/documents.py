"""Labelled documents: the one shape every training source (synthetic, real, weak) is turned into.

A :class:`LabelledDoc` is a text and the topic spans in it; :func:`strip_headings` turns a report
with headings into the input the model is trained and scored on (headings removed, so that the
model must read the content), and :func:`sentence_targets` gives each sentence its label.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

# A topic span is the evaluation's span: training labels and scoring share one shape.
from gongkai.evaluation.metrics import Span as LabelledSpan
from gongkai.models.splitter import Sentence, is_table_line, split_sentences

Source = Literal["synth", "real", "weak"]  # generated, labelled by hand, or weakly labelled


@dataclass
class LabelledDoc:
    """A text with gold (or weak) topic spans; ``source`` says where it came from."""

    name: str
    text: str
    spans: list[LabelledSpan]
    source: Source
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


def remove_ranges(doc: LabelledDoc, ranges: list[tuple[int, int]], joiner: str = "") -> LabelledDoc:
    """``doc`` with the characters of ``ranges`` cut out (``joiner`` put in the place of each), spans
    moved with the text: exact gold for a report whose headings were lost or whose lines ran together."""
    cut = [False] * len(doc.text)
    for a, b in ranges:
        cut[max(0, a) : b] = [True] * (min(b, len(doc.text)) - max(0, a))
    out: list[str] = []
    new = [0] * (len(doc.text) + 1)  # offset in the new text of each old offset
    length = 0
    for i, ch in enumerate(doc.text):
        new[i] = length
        if not cut[i]:
            out.append(ch)
            length += 1
        elif i + 1 == len(doc.text) or not cut[i + 1]:
            out.append(joiner)
            length += len(joiner)
    new[len(doc.text)] = length
    spans = [LabelledSpan(new[s.start], new[s.end], s.topic, s.categories) for s in doc.spans]
    return LabelledDoc(doc.name, "".join(out), [s for s in spans if s.end > s.start], doc.source, dict(doc.meta))


def heading_ranges(text: str, numbers: tuple[int, ...] = (1, 2, 3, 4, 5, 6)) -> list[tuple[int, int]]:
    """Where the section headings ``numbers`` stand in ``text`` (as :func:`find_sections` reads them)."""
    from gongkai.inference.sections import find_sections, heading_end

    return [(s.start, heading_end(text, s)) for s in find_sections(text) if s.number in numbers]


def normalized(doc: LabelledDoc) -> LabelledDoc:
    """``doc`` as the parser's normaliser leaves it (its record text), spans moved with it."""
    from gongkai.data.normalize import _DELETE, _TRANS

    mapped = doc.text.translate(_TRANS)
    out = remove_ranges(LabelledDoc(doc.name, mapped, doc.spans, doc.source, doc.meta),
                        [(m.start(), m.end()) for m in _DELETE.finditer(mapped)])
    out.text = out.text.replace("\r", "\n")
    return out
