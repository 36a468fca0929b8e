"""Labelled narrative from the synthetic report generator (``gongkai synth``): exact gold spans."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from gongkai.training.documents import LabelledDoc, LabelledSpan


def synth_docs(n: int, seed: int, formats: Sequence[str] = ("txt", "md", "html", "docx")) -> Iterator[LabelledDoc]:
    """``n`` generated reports (rendered text with headings) and their gold topic spans."""
    from gongkai.data.synth.corpus import iter_corpus

    for i, _report, r in iter_corpus(n, formats=formats, seed=seed):
        spans = [LabelledSpan(s["start"], s["end"], s["topic"], tuple(s.get("categories") or ()))
                 for s in r.segments]
        yield LabelledDoc(f"synth_{seed}_{i:05d}", r.text, spans, "synth", {"format": r.format, "layout": r.layout})
