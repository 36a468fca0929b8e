"""OCR confidence of table cells: from the loader's per-character confidence to cell keys.

The OCR loaders give a confidence for every character of ``Document.text``
(``char_confidence``); the table readers record where each cell's number was read (offsets
into the normalised text). A cell's confidence is the lowest of its characters, looked up
through the normalisation's offset map. Repair tries the least certain cell first, and a
cell read with low confidence that no relation covers (section 2's table) is reported, so
that a misread there does not pass unnoticed.
"""

from __future__ import annotations

from gongkai.data.normalize import Normalized
from gongkai.data.record import Issue, TableValues

LOW_CONFIDENCE = 0.5
# Cells no consistency relation checks: a misread there can only be caught by its confidence.
_UNCHECKED = ("active_disclosure.",)


def cell_confidence(char_conf: list[float], norm: Normalized, spans: dict[str, tuple[int, int]]) -> dict[str, float]:
    """Lowest character confidence of each cell, by cell key."""
    out: dict[str, float] = {}
    n = len(char_conf)
    for key, (start, end) in spans.items():
        vals = [char_conf[j] for j in (norm.source_offset(i) for i in range(start, end)) if 0 <= j < n]
        if vals:
            out[key] = min(vals)
    return out


def apply_ocr_confidence(char_conf: list[float] | None, norm: Normalized, spans: dict[str, tuple[int, int]],
                         tv: TableValues) -> list[Issue]:
    """Set ``tv.confidence`` from the OCR confidences; warnings for unsure unchecked cells."""
    if not char_conf:
        return []
    tv.confidence.update(cell_confidence(char_conf, norm, spans))
    issues = []
    for key, conf in sorted(tv.confidence.items()):
        if conf < LOW_CONFIDENCE and key.startswith(_UNCHECKED) and tv.values.get(key) is not None:
            issues.append(Issue(code=f"{key.split('.', 1)[0]}.low_confidence", severity="warning", cells=[key],
                                message=f"{key} was read by OCR as {tv.values[key]} with confidence {conf:.2f}"))
    return issues
