"""Examples for the models: per document, sentence contexts with topic targets and category items."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from gongkai.models.features import SentenceContext, clean, contexts
from gongkai.models.labels import CATEGORY_TOPICS, TOPIC_INDEX
from gongkai.models.splitter import Sentence
from gongkai.training.documents import LabelledDoc, Source, sentence_targets


@dataclass
class DocExamples:
    name: str
    source: Source
    text: str
    sentences: list[Sentence]  # all units, tables included
    contexts: list[SentenceContext]  # text units only
    labels: list[str | None]  # per text unit
    items: list[tuple[str, tuple[str, ...]]]  # problems/improvements gold spans: (cleaned text, categories)
    doc: LabelledDoc


def build(doc: LabelledDoc) -> DocExamples:
    sents, labels = sentence_targets(doc)
    text_labels = [lab for s, lab in zip(sents, labels, strict=True) if s.kind == "text"]
    items = [(clean(doc.text[s.start : s.end]), s.categories) for s in doc.spans if s.topic in CATEGORY_TOPICS]
    return DocExamples(doc.name, doc.source, doc.text, sents, contexts(sents), text_labels, items, doc)


def label_sequences(examples: Iterable[DocExamples]) -> list[list[int]]:
    """Topic index sequences of labelled sentences (for the decoder's transition counts)."""
    return [[TOPIC_INDEX[lab] for lab in ex.labels if lab is not None] for ex in examples]


def describe(examples: Iterable[DocExamples]) -> dict:
    """Counts per source: reports, labelled sentences, category items, sentences per topic."""
    out: dict = {}
    for ex in examples:
        d = out.setdefault(ex.source, {"reports": 0, "sentences": 0, "items": 0, "topics": Counter()})
        d["reports"] += 1
        d["sentences"] += sum(lab is not None for lab in ex.labels)
        d["items"] += len(ex.items)
        d["topics"].update(lab for lab in ex.labels if lab is not None)
    for d in out.values():
        d["topics"] = dict(sorted(d["topics"].items()))
    return out
