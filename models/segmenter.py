"""Sentence topics → Viterbi path → segments with categories: the model-independent core.

:class:`TopicSegmenter` holds an *emitter* (anything that turns sentence contexts into topic
probabilities: the linear baseline, which is shipped, or the fine-tuned transformer), the decoder's transition
table and the category model. ``analyse`` takes texts and returns, per text, every sentence's
topic/score/categories and the contiguous segments of the record contract.

Segments are runs of one topic along the decoded path, cut at paragraph breaks and tables
(as the gold marks paragraphs) and, in problems/improvements, at each enumerated item and after
each clause ending in ；, so that every item carries its own problem categories.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from gongkai.data.record import Segment
from gongkai.models.features import SentenceContext, clean, contexts
from gongkai.models.labels import CATEGORY_TOPICS, TOPICS
from gongkai.models.lexicon import lexicon_features
from gongkai.models.linear import LinearModel, sigmoid
from gongkai.models.splitter import Sentence, split_sentences
from gongkai.models.viterbi import viterbi


class Emitter(Protocol):
    def predict_proba(self, docs: Sequence[Sequence[SentenceContext]]) -> list[np.ndarray]:
        """Topic probabilities (n_sentences x 9, in ``TOPICS`` order) for each document."""
        ...


@dataclass
class Decoder:
    log_start: np.ndarray
    log_trans: np.ndarray
    weight: float = 1.0

    def decode(self, probs: np.ndarray) -> list[int]:
        return viterbi(np.log(np.clip(probs, 1e-9, 1.0)), self.log_trans, self.log_start, self.weight)

    def to_dict(self) -> dict:
        return {"log_start": self.log_start.tolist(), "log_trans": self.log_trans.tolist(), "weight": self.weight}

    @classmethod
    def from_dict(cls, d: dict) -> Decoder:
        return cls(np.asarray(d["log_start"]), np.asarray(d["log_trans"]), float(d["weight"]))


@dataclass
class CategoryModel:
    """Multi-label problem categories of a problems/improvements item."""

    model: LinearModel
    threshold: float = 0.5

    def predict(self, texts: Sequence[str]) -> list[list[str]]:
        if not texts:
            return []
        cleaned = [clean(t) for t in texts]
        p = sigmoid(self.model.scores([[t] for t in cleaned], lexicon_features(cleaned)))
        return [[c for c, q in zip(self.model.classes, row, strict=True) if q >= self.threshold] for row in p]


@dataclass
class SentenceTopic:
    start: int
    end: int
    topic: str
    score: float
    categories: list[str] = field(default_factory=list)


@dataclass
class TopicResult:
    sentences: list[SentenceTopic]
    segments: list[Segment]


@dataclass
class TopicSegmenter:
    emitter: Emitter
    decoder: Decoder | None
    categories: CategoryModel | None

    def analyse(self, texts: Sequence[str]) -> list[TopicResult]:
        splits = [split_sentences(t) for t in texts]
        return self.analyse_split(texts, splits)

    def analyse_split(self, texts: Sequence[str], splits: Sequence[list[Sentence]]) -> list[TopicResult]:
        ctxs = [contexts(s) for s in splits]
        probs = self.emitter.predict_proba(ctxs)
        results = []
        for text, sents, p in zip(texts, splits, probs, strict=True):
            results.append(self._one(text, sents, p))
        return results

    def path(self, probs: np.ndarray) -> list[int]:
        if self.decoder is None:
            return [int(i) for i in probs.argmax(axis=1)]
        return self.decoder.decode(probs)

    def _one(self, text: str, sents: list[Sentence], probs: np.ndarray) -> TopicResult:
        units = [s for s in sents if s.kind == "text"]
        path = self.path(probs) if len(units) else []
        # A table row between two sentences ends a segment (the tables sit between sections).
        after_gap = set()
        prev_text = False
        for s in sents:
            if s.kind == "text":
                if not prev_text:
                    after_gap.add(s.start)
                prev_text = True
            else:
                prev_text = False
        groups: list[list[int]] = []
        for i, s in enumerate(units):
            t = TOPICS[path[i]]
            # Problems and measures listed without numbers are separated by ；: each is an item.
            after_semicolon = i > 0 and units[i - 1].text.rstrip().endswith(("；", ";"))
            new = (not groups or TOPICS[path[groups[-1][-1]]] != t or s.para_start or s.start in after_gap
                   or (t in CATEGORY_TOPICS and (s.item_start or after_semicolon)))
            if new:
                groups.append([i])
            else:
                groups[-1].append(i)
        cat_groups = [g for g in groups if TOPICS[path[g[0]]] in CATEGORY_TOPICS]
        cats = self.categories.predict([text[units[g[0]].start : units[g[-1]].end] for g in cat_groups]) \
            if self.categories else [[] for _ in cat_groups]
        cat_of = {id(g): c for g, c in zip(cat_groups, cats, strict=True)}
        sentences: list[SentenceTopic] = []
        segments: list[Segment] = []
        for g in groups:
            t = TOPICS[path[g[0]]]
            scores = [float(probs[i, path[i]]) for i in g]
            c = cat_of.get(id(g), [])
            a, b = units[g[0]].start, units[g[-1]].end
            segments.append(Segment(topic=t, start=a, end=b, text=text[a:b],
                                    score=round(sum(scores) / len(scores), 4), categories=list(c)))
            for i, sc in zip(g, scores, strict=True):
                sentences.append(SentenceTopic(units[i].start, units[i].end, t, round(sc, 4), list(c)))
        return TopicResult(sentences, segments)
