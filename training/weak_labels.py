"""Weak labels: topics read off a report's own headings and sub-headings.

Used for real-format text that nobody labelled by hand. The heading-based segmenter of the
parser gives the spans; headings are then removed from the input (:func:`strip_headings`), so a
model trained on them has to learn the content under a heading, not the heading itself.
Inline headings such as ``(一) 主动公开：`` are cut off the span start for the same reason.
"""

from __future__ import annotations

from pathlib import Path

from gongkai.training.documents import LabelledDoc, LabelledSpan, trim_inline_heading


def weak_doc(name: str, text: str) -> LabelledDoc:
    """``text`` with spans from its headings (sub-heading lines and inline headings excluded)."""
    from gongkai.inference.narrative import segment_by_headings
    from gongkai.inference.sections import find_sections
    from gongkai.models.splitter import ENUM_START, split_sentences

    sections = find_sections(text)
    out: list[LabelledSpan] = []
    for seg in segment_by_headings(text, sections):
        # The fallback keeps sub-heading lines inside its spans: cut them out (short units
        # with no sentence punctuation, or table rows) and keep the prose runs between them.
        run: list = []
        for s in split_sentences(text[seg.start : seg.end]) + [None]:
            head = s is None or s.kind == "table" or (
                len(s.text) <= 30 and not any(p in s.text for p in "，,；;")
                and (bool(ENUM_START.match(s.text)) or s.text[-1] not in "。！？"))
            if not head:
                run.append(s)
                continue
            if run:
                a = trim_inline_heading(text, seg.start + run[0].start, seg.start + run[-1].end)
                out.append(LabelledSpan(a, seg.start + run[-1].end, seg.topic))
            run = []
    return LabelledDoc(name, text, out, "weak", {"sections": len(sections)})


def weak_docs_from_dir(folder: Path) -> list[LabelledDoc]:
    """Weakly labelled documents for every report file in ``folder`` (.txt .md .html .docx .pdf)."""
    from gongkai.training.real_labels import read_source_text

    docs = []
    for p in sorted(folder.iterdir()):
        if p.suffix.lower() in {".txt", ".md", ".html", ".htm", ".docx", ".pdf"} and not p.name.endswith(".gold.json"):
            try:
                docs.append(weak_doc(p.stem, read_source_text(p)))
            except Exception:  # an unreadable file is skipped, never fatal for training
                continue
    return docs
