"""The spaCy pipeline: blank Chinese, a report-aware sentence splitter, the topic classifier.

``load_pipeline()`` builds it in code — ``spacy.blank("zh")`` uses spaCy's character segmenter,
which needs no download — and adds two registered components:

- ``gongkai_sentences`` sets sentence starts from :func:`split_sentences` (Chinese punctuation,
  enumerated items, lines without punctuation, table rows apart);
- ``topic_classifier`` runs the topic segmenter over the sentences (batched across documents
  in ``nlp.pipe``) and sets ``span._.topic``, ``span._.topic_score``, ``span._.categories`` on
  each sentence and ``doc._.segments`` (the record contract's segments) on the document.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from gongkai.models.loading import SHIPPED_DIR, load_segmenter
from gongkai.models.splitter import split_sentences

if not Doc.has_extension("gk_sentences"):
    Doc.set_extension("gk_sentences", default=None)  # list[Sentence] from the splitter
    Doc.set_extension("gk_topics", default=None)  # {sentence start char: SentenceTopic}
    Doc.set_extension("segments", default=None)  # list[Segment]


def _info(span: Span):
    topics = span.doc._.gk_topics or {}
    return topics.get(span.start_char)


if not Span.has_extension("topic"):
    Span.set_extension("topic", getter=lambda s: getattr(_info(s), "topic", None))
    Span.set_extension("topic_score", getter=lambda s: getattr(_info(s), "score", None))
    Span.set_extension("categories", getter=lambda s: list(getattr(_info(s), "categories", []) or []))


@Language.component("gongkai_sentences")
def gongkai_sentences(doc: Doc) -> Doc:
    """Sentence boundaries from the report splitter (every unit, table rows included)."""
    sents = split_sentences(doc.text)
    doc._.gk_sentences = sents
    if len(doc) == 0:
        return doc
    # Whole-array assignment: setting token.is_sent_start one by one is quadratic in spaCy.
    idx = doc.to_array([IDX]).reshape(-1)
    first = np.searchsorted(idx, [s.start for s in sents], side="right") - 1
    flags = np.full((len(doc), 1), -1, dtype=np.int64)
    flags[np.clip(first, 0, None), 0] = 1
    flags[0, 0] = 1
    doc.from_array([SENT_START], flags.astype(np.uint64))
    return doc


class TopicClassifier:
    """Sets each sentence's topic, score and categories, and the document's segments."""

    def __init__(self, nlp: Language, name: str, model: str | None, batch_size: int):
        self.name = name
        self.model_path = model or str(SHIPPED_DIR)
        self.segmenter = load_segmenter(self.model_path)
        self.batch_size = batch_size

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        size = batch_size or self.batch_size
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= size:
                yield from self._run(batch)
                batch = []
        if batch:
            yield from self._run(batch)

    def _run(self, docs: list[Doc]) -> list[Doc]:
        splits = [d._.gk_sentences if d._.gk_sentences is not None else split_sentences(d.text) for d in docs]
        for doc, res in zip(docs, self.segmenter.analyse_split([d.text for d in docs], splits), strict=True):
            doc._.gk_topics = {s.start: s for s in res.sentences}
            doc._.segments = res.segments
        return docs


@Language.factory("topic_classifier", default_config={"model": None, "batch_size": 16})
def make_topic_classifier(nlp: Language, name: str, model: str | None, batch_size: int) -> TopicClassifier:
    return TopicClassifier(nlp, name, model, batch_size)


def load_pipeline(model: str | Path | None = None, batch_size: int = 16) -> Language:
    """The Chinese report pipeline with the topic classifier (default: the shipped model)."""
    import spacy

    nlp = spacy.blank("zh")  # spaCy's default Chinese segmenter is per character: no download
    nlp.add_pipe("gongkai_sentences")
    nlp.add_pipe("topic_classifier", config={"model": str(model) if model else None, "batch_size": batch_size})
    return nlp
