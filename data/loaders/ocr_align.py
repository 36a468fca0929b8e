"""Tables without usable rules: numeric columns from the alignment of the words read.

When a page shows no ruled grid (rules too faint or broken to find, or a table printed
without them), its numbers still stand in columns. Page-level detection skips many lone
digits (``0``) there, so the columns are found from the numbers that were read, and every
row line lacking a number in a column has that spot cut out and recognised as a cell; what
reads as a number is added to the line.
"""

from __future__ import annotations

import re

import numpy as np

from .ocr_engine import Engine
from .page_layout import Line, Word

_NUMBER = re.compile(r"^[-−]?\d+(?:[.,]\d+)*$")
_MIN_ROWS = 3  # lines with two or more numbers needed before columns are believed
_MIN_CONF = 0.5


def _is_number(w: Word) -> bool:
    return bool(_NUMBER.match(w.text))


def _columns(rows: list[Line], tol: float) -> list[tuple[float, float]]:
    """x-spans of the columns the numbers of table-like lines fall into (seen in 2+ rows)."""
    spans: list[list[float]] = []  # [x0, x1, centre, count]
    for w in sorted((w for ln in rows for w in ln.words if _is_number(w)), key=lambda w: w.cx):
        if spans and w.cx - spans[-1][2] <= tol:
            s = spans[-1]
            s[0], s[1] = min(s[0], w.x0), max(s[1], w.x1)
            s[2] = (s[2] * s[3] + w.cx) / (s[3] + 1)
            s[3] += 1
        else:
            spans.append([w.x0, w.x1, w.cx, 1])
    return [(s[0], s[1]) for s in spans if s[3] >= 2]


def fill_missing_numbers(lines: list[Line], gray: np.ndarray, engine: Engine, unit: int) -> None:
    """Add to ``lines`` (in place) the numbers page-level detection missed in aligned columns."""
    rows = [ln for ln in lines if sum(_is_number(w) for w in ln.words) >= 2]
    if len(rows) < _MIN_ROWS:
        return
    cols = _columns(rows, 1.5 * unit)
    crops, spots = [], []
    h, w = gray.shape
    for ln in rows:
        top, bottom = int(max(ln.top, 0)), int(min(ln.bottom, h))
        for x0, x1 in cols:
            if any(wd.x1 > x0 and wd.x0 < x1 for wd in ln.words):
                continue  # something was read there already
            a, b = int(max(x0 - 0.3 * unit, 0)), int(min(x1 + 0.3 * unit, w))
            crop = gray[top:bottom, a:b]
            if crop.size and float(crop.min()) < float(np.median(crop)) - 60:  # ink, not paper
                crops.append(crop)
                spots.append((ln, a, top, b, bottom))
    if not crops:
        return
    for rd, (ln, a, top, b, bottom) in zip(engine.recognize(crops, kinds=["cell"] * len(crops)), spots, strict=True):
        text = rd.text.strip()
        if _NUMBER.match(text) and rd.conf >= _MIN_CONF:
            ln.words.append(Word(text, a, top, b, bottom, rd.conf))
            ln.words.sort(key=lambda wd: wd.x0)
