"""gongkai.models: topic segmentation of report narrative (sentence splitter, classifiers,
Viterbi decoder, problem categories) and the spaCy pipeline that runs it."""

from __future__ import annotations

__all__ = ["load_pipeline", "load_segmenter", "pipeline_segmenter", "topic_segmenter"]


def load_pipeline(model=None, **kwargs):
    """The spaCy pipeline with the topic classifier (see :mod:`gongkai.models.spacy_pipeline`)."""
    from gongkai.models.spacy_pipeline import load_pipeline as _load

    return _load(model, **kwargs)


def load_segmenter(folder=None, **kwargs):
    """The topic segmenter (no spaCy) saved in ``folder``; default: the shipped model."""
    from gongkai.models.loading import load_segmenter as _load

    return _load(folder, **kwargs)


def topic_segmenter(folder=None):
    """A ``segmenter`` for :func:`gongkai.inference.pipeline.parse_document`: the topic classifier.

    None when no model is available (no shipped model files, or numpy missing), so that the
    caller falls back to the heading-based segments. Title, headings, signature and the table
    regions are left out of what it labels (:mod:`gongkai.models.record_units`).
    """
    try:
        from gongkai.models.loading import cached_segmenter, shipped_available
    except ImportError:
        return None
    if folder is None and not shipped_available():
        return None
    return pipeline_segmenter(cached_segmenter(str(folder) if folder else None))


def pipeline_segmenter(seg):
    """``seg`` (a :class:`~gongkai.models.segmenter.TopicSegmenter`) as the pipeline's ``segmenter``:
    it labels the narrative units of the record text (title, headings, signature and table
    regions left out, :mod:`gongkai.models.record_units`)."""
    from gongkai.models.record_units import narrative_units

    def segment(text, sections, regions=()):
        return seg.analyse_split([text], [narrative_units(text, sections, regions)])[0].segments

    return segment
