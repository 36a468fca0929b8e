"""Make generated reports look more like real ones (real narrative is far more varied).

Each transform keeps the spans exact. ``rewrap`` hard-wraps paragraphs at a fixed width as PDF
extraction does; ``merge_paragraphs`` runs the problems and improvements paragraphs (or any two
neighbouring paragraphs) together on one line, as many reports print them.
"""

from __future__ import annotations

import random

from gongkai.training.documents import LabelledDoc, LabelledSpan


def _insert(doc: LabelledDoc, edits: list[tuple[int, int, str]]) -> LabelledDoc:
    """Apply non-overlapping replacements ``text[a:b] = s`` (each a whitespace run) to text and spans."""
    edits.sort()
    text = doc.text
    parts, pos, shifts = [], 0, []
    for a, b, s in edits:
        parts.append(text[pos:a])
        parts.append(s)
        shifts.append((b, len(s) - (b - a)))
        pos = b
    parts.append(text[pos:])

    def move(x: int) -> int:
        return x + sum(d for b, d in shifts if b <= x)

    spans = [LabelledSpan(move(s.start), move(s.end), s.topic, s.categories) for s in doc.spans]
    return LabelledDoc(doc.name, "".join(parts), spans, doc.source, doc.meta)


def rewrap(doc: LabelledDoc, rng: random.Random) -> LabelledDoc:
    """Hard-wrap every long line at one width (28–40 characters), keeping spans aligned."""
    width = rng.randint(28, 40)
    edits, pos = [], 0
    for line in doc.text.split("\n"):
        if "\t" not in line and len(line) > width:
            for k in range(width, len(line), width):
                edits.append((pos + k, pos + k, "\n"))
        pos += len(line) + 1
    return _insert(doc, edits)


def merge_paragraphs(doc: LabelledDoc, rng: random.Random, p: float = 0.35) -> LabelledDoc:
    """Join some paragraph breaks between labelled spans into running text."""
    spans = sorted(doc.spans, key=lambda s: s.start)
    edits = []
    for a, b in zip(spans, spans[1:], strict=False):
        gap = doc.text[a.end : b.start]
        want = p * (3 if {a.topic, b.topic} == {"problems", "improvements"} else 1)
        if gap and gap.strip() == "" and "\n" in gap and rng.random() < want:
            edits.append((a.end, b.start, ""))
    return _insert(doc, edits)


_ORDINALS = "一二三四五六七八"
_SECTION1 = {"proactive_disclosure", "request_disclosure", "information_management", "platforms", "supervision"}


def enumerate_work(doc: LabelledDoc, rng: random.Random, p: float = 0.3) -> LabelledDoc:
    """Number the sentences after the first in some section-1 paragraphs (一是…二是…).

    Generated reports enumerate only problems and measures; real ones enumerate their work
    too, so without this a model takes "一是加强…" for an improvement wherever it stands.
    """
    edits = []
    for s in doc.spans:
        if s.topic not in _SECTION1 or rng.random() >= p:
            continue
        cuts = [i + 1 for i in range(s.start, s.end - 1) if doc.text[i] == "。"]
        for k, c in enumerate(cuts[: len(_ORDINALS)]):
            edits.append((c, c, f"{_ORDINALS[k]}是"))
    return _insert(doc, edits)


def augment(doc: LabelledDoc, rng: random.Random, p_wrap: float = 0.2, p_merge: float = 0.5) -> LabelledDoc:
    doc = enumerate_work(doc, rng)
    if rng.random() < p_merge:
        doc = merge_paragraphs(doc, rng)
    if rng.random() < p_wrap:
        doc = rewrap(doc, rng)
    return doc
