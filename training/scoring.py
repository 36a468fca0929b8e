"""The Done-when figures of a topic segmenter on labelled documents (headings removed).

Sentence-level per-topic F1 and macro-F1 over the nine topics; Pk and WindowDiff over each
report's sentence topic sequence (a boundary wherever the topic changes; k = half the mean gold
topic-run length, averaged over reports); category micro/macro-F1 over problems/improvements
items (each gold item against the predicted segment that overlaps it most). Counting types and
Pk/WindowDiff/category matching are those of :mod:`gongkai.evaluation.metrics`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from gongkai.evaluation.metrics import (
    PRF,
    Span,
    boundaries,
    category_prf,
    char_labels,
    macro_f1,
    mean,
    micro_macro,
    pk,
    segmentation_score,
    topic_prf,
    window_diff,
)
from gongkai.models.labels import CATEGORY_TOPICS, TOPICS
from gongkai.models.segmenter import TopicResult
from gongkai.training.dataset import DocExamples


@dataclass
class TopicScores:
    n_reports: int = 0
    n_sentences: int = 0
    per_topic: dict[str, PRF] = field(default_factory=dict)
    macro_f1: float | None = None
    accuracy: float | None = None
    pk: float | None = None
    window_diff: float | None = None
    pk_chars: float | None = None  # character-level Pk of evaluation.metrics (gold paragraphs as segments)
    category_micro: PRF = field(default_factory=PRF)
    category_macro_f1: float | None = None
    confusion: Counter = field(default_factory=Counter)

    def f1(self, topic: str) -> float | None:
        p = self.per_topic.get(topic)
        return p.f1 if p else None

    def to_dict(self) -> dict:
        return {"reports": self.n_reports, "sentences": self.n_sentences,
                "macro_f1": self.macro_f1, "accuracy": self.accuracy,
                "per_topic_f1": {t: self.f1(t) for t in TOPICS},
                "pk": self.pk, "window_diff": self.window_diff, "pk_chars": self.pk_chars,
                "category_micro_f1": self.category_micro.f1,
                "category_micro_precision": self.category_micro.precision,
                "category_micro_recall": self.category_micro.recall,
                "category_macro_f1": self.category_macro_f1}


def _runs(labels: Sequence[str]) -> int:
    return 1 + sum(a != b for a, b in zip(labels, labels[1:], strict=False)) if labels else 0


def score(examples: Sequence[DocExamples], results: Sequence[TopicResult]) -> TopicScores:
    out = TopicScores(n_reports=len(examples))
    pks, wds, pkc = [], [], []
    cat: dict[str, PRF] = {}
    for ex, res in zip(examples, results, strict=True):
        pred_by_start = {s.start: s.topic for s in res.sentences}
        text_units = [s for s in ex.sentences if s.kind == "text"]
        gold, pred = [], []
        for s, lab in zip(text_units, ex.labels, strict=True):
            if lab is None:
                continue
            p = pred_by_start.get(s.start, "none")
            gold.append(lab)
            pred.append(p)
            out.confusion[(lab, p)] += 1
        out.n_sentences += len(gold)
        if len(gold) > 1:
            k = max(1, round(len(gold) / _runs(gold) / 2))
            ref, hyp = boundaries(gold), boundaries(pred)
            for f, acc in ((pk, pks), (window_diff, wds)):
                v = f(ref, hyp, k)
                if v is not None:
                    acc.append(v)
        gspans = [Span(s.start, s.end, s.topic, s.categories) for s in ex.doc.spans]
        pspans = [Span(s.start, s.end, s.topic, tuple(s.categories)) for s in res.segments]
        seg = segmentation_score(ex.text, gspans, pspans)
        if seg.pk is not None:
            pkc.append(seg.pk)
        g_items = [s for s in gspans if s.topic in CATEGORY_TOPICS]
        p_items = [s for s in pspans if s.topic in CATEGORY_TOPICS]
        for c, prf in category_prf(g_items, p_items).items():
            cat[c] = cat.get(c, PRF()) + prf
    out.per_topic = topic_prf(out.confusion)
    out.per_topic = {t: out.per_topic.get(t, PRF()) for t in TOPICS if t in out.per_topic}
    out.macro_f1 = macro_f1(out.per_topic)
    out.accuracy = (sum(n for (g, p), n in out.confusion.items() if g == p) / out.n_sentences
                    if out.n_sentences else None)
    out.pk, out.window_diff, out.pk_chars = mean(pks), mean(wds), mean(pkc)
    out.category_micro, out.category_macro_f1 = micro_macro(cat)
    return out


@dataclass
class SegmentScores:
    """Character-level figures of predicted segments against gold spans (what a record holds)."""

    per_topic: dict[str, PRF]
    macro_f1: float | None
    pk: float | None  # segments as the units of Pk (each gold segment, each predicted segment)
    pk_topics: float | None  # topic runs as the units (a boundary wherever the topic changes)
    category_micro: PRF
    category_macro_f1: float | None
    unsegmented: float | None  # share of gold narrative characters that no predicted segment covers

    def to_dict(self) -> dict:
        return {"macro_f1": self.macro_f1, "per_topic_f1": {t: p.f1 for t, p in self.per_topic.items()},
                "pk": self.pk, "pk_topics": self.pk_topics, "category_micro_f1": self.category_micro.f1,
                "category_macro_f1": self.category_macro_f1, "unsegmented": self.unsegmented}


def score_segments(reports: Sequence[tuple[str, Sequence[Span], Sequence[Span]]]) -> SegmentScores:
    """Figures over ``(text, gold spans, predicted spans)`` of each report: per-topic F1 by character,
    macro-F1, character Pk (mean over reports; segments, and topic runs, as its units) and category F1
    of problems/improvements segments."""
    from gongkai.evaluation.metrics import NONE, topic_confusion

    conf: Counter = Counter()
    pks, pkt = [], []
    cat: dict[str, PRF] = {}
    for text, gold, pred in reports:
        conf += topic_confusion(text, gold, pred)
        seg = segmentation_score(text, gold, pred)
        if seg.pk is not None:
            pks.append(seg.pk)
        g_lab, p_lab = char_labels(len(text), gold), char_labels(len(text), pred)
        seq = [(gold[g].topic, pred[p].topic if p >= 0 else NONE)
               for ch, g, p in zip(text, g_lab, p_lab, strict=True) if g >= 0 and not ch.isspace()]
        if len(seq) > 1:
            g_topics = [g for g, _ in seq]
            k = max(1, round(len(seq) / _runs(g_topics) / 2))
            v = pk(boundaries(g_topics), boundaries([p for _, p in seq]), k)
            if v is not None:
                pkt.append(v)
        for c, prf in category_prf([s for s in gold if s.topic in CATEGORY_TOPICS],
                                   [s for s in pred if s.topic in CATEGORY_TOPICS]).items():
            cat[c] = cat.get(c, PRF()) + prf
    prfs = topic_prf(conf)
    per_topic = {t: prfs[t] for t in TOPICS if t in prfs}
    gold_chars = sum(n for (g, _), n in conf.items() if g != NONE)
    missed = sum(n for (g, p), n in conf.items() if g != NONE and p == NONE)
    micro, macro = micro_macro(cat)
    return SegmentScores(per_topic, macro_f1(per_topic), mean(pks), mean(pkt), micro, macro,
                         missed / gold_chars if gold_chars else None)
