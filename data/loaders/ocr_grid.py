"""Ruled tables on a page image: ruling lines with OpenCV, then the grid and merged cells.

Ink is binarised with a local threshold (scans are unevenly lit); long horizontal and
vertical runs are kept by morphological opening, which removes the glyphs; small breaks in
faint or broken rules are closed first. Each cluster of crossing rules is a table; its row
and column edges are the positions of its rules, and a grid edge counts as ruled when
enough of its length is covered by a rule, so that merged cells (rules left out) come out
as :class:`~gongkai.data.loaders.ruled.RuledGrid` regions.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .ruled import RuledGrid, regions_from_rules

_COVER = 0.55  # share of a grid edge that a rule must cover to count as printed


@dataclass
class Rules:
    """Binary masks (uint8, 255 = ink) of the page's horizontal and vertical rules, and all ink.

    ``unit`` is the length scale of the page in pixels: about two thirds of a glyph's height.
    """

    horizontal: np.ndarray
    vertical: np.ndarray
    ink: np.ndarray
    unit: int


def text_unit(ink: np.ndarray) -> int:
    """Two thirds of the typical glyph height, from the ink's connected components.

    Scales every kernel and tolerance, so that pages of any resolution and size (a 1-inch
    crop or an A3 sheet at 300 dpi) are treated alike.
    """
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    h, w = stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_WIDTH]
    fill = stats[1:, cv2.CC_STAT_AREA] / np.maximum(h * w, 1)
    # Glyph-like: not a speck, not a long rule, not a solid dash or dot (those fill their box).
    glyph = (h >= 4) & (h <= 150) & (w >= 2) & (w <= 150) & (stats[1:, cv2.CC_STAT_AREA] >= 6) & (fill < 0.8)
    if glyph.sum() < 20:
        return max(8, min(ink.shape) // 100)
    return int(np.clip(round(0.65 * float(np.percentile(h[glyph], 80))), 8, 60))


def binarize(gray: np.ndarray) -> np.ndarray:
    """Ink mask (255 where dark) robust to uneven lighting and JPEG noise."""
    blur = cv2.GaussianBlur(gray, (3, 3), 0)
    block = max(15, (min(gray.shape) // 50) | 1)
    return cv2.adaptiveThreshold(blur, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 12)


def find_rules(gray: np.ndarray, ink: np.ndarray | None = None) -> Rules:
    """Masks of long horizontal and vertical strokes (table rules), glyphs removed."""
    ink = binarize(gray) if ink is None else ink
    unit = text_unit(ink)
    # Open first, so that glyph strokes (shorter than two text heights) are gone before
    # breaks in faint, dashed or JPEG-eaten rules are closed; then keep only long runs.
    hor = _directional(ink, (2 * unit, 1), (unit, 1), (4 * unit, 1))
    ver = _directional(ink, (1, 2 * unit), (1, unit), (1, 3 * unit))
    return Rules(hor, ver, ink, unit)


def _directional(ink: np.ndarray, first: tuple[int, int], gap: tuple[int, int], keep: tuple[int, int]) -> np.ndarray:
    def k(size: tuple[int, int]) -> np.ndarray:
        return cv2.getStructuringElement(cv2.MORPH_RECT, size)

    m = cv2.morphologyEx(ink, cv2.MORPH_OPEN, k(first))
    m = cv2.morphologyEx(m, cv2.MORPH_CLOSE, k(gap))
    return cv2.morphologyEx(m, cv2.MORPH_OPEN, k(keep))


def _segments(mask: np.ndarray, horizontal: bool, min_len: int) -> list[tuple[float, int, int]]:
    """(position across, start, end along) of each rule piece in the mask."""
    n, _, stats, cents = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h, _area = stats[i]
        if horizontal and w >= min_len:
            out.append((float(cents[i][1]), int(x), int(x + w)))
        elif not horizontal and h >= min_len:
            out.append((float(cents[i][0]), int(y), int(y + h)))
    return out


def _cluster(values: list[float], tol: float) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [float(np.mean(c)) for c in out]


def _coverage(mask: np.ndarray, horizontal: bool, pos: float, a: float, b: float, band: int) -> float:
    """Share of the span a..b (along) covered by rule ink within ``band`` pixels of ``pos`` (across)."""
    p = int(round(pos))
    lo, hi = int(a), int(b)
    if hi - lo < 3:
        return 1.0
    if horizontal:
        strip = mask[max(p - band, 0) : p + band + 1, lo:hi]
        hit = strip.max(axis=0) if strip.size else np.zeros(0)
    else:
        strip = mask[lo:hi, max(p - band, 0) : p + band + 1]
        hit = strip.max(axis=1) if strip.size else np.zeros(0)
    return float((hit > 0).mean()) if hit.size else 0.0


def table_grids(rules: Rules, min_rows: int = 2, min_cols: int = 2) -> list[RuledGrid]:
    """Grids of the ruled tables on the page, top to bottom."""
    unit = rules.unit
    both = cv2.bitwise_or(rules.horizontal, rules.vertical)
    both = cv2.dilate(both, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(both, connectivity=8)
    grids: list[RuledGrid] = []
    for i in range(1, n):
        x, y, bw, bh, _area = stats[i]
        if bw < 6 * unit or bh < 2 * unit:
            continue
        box = (slice(y, y + bh), slice(x, x + bw))
        hsegs = [(p + y, a + x, b + x) for p, a, b in _segments(rules.horizontal[box], True, 2 * unit)]
        vsegs = [(p + x, a + y, b + y) for p, a, b in _segments(rules.vertical[box], False, unit)]
        ys = _cluster([s[0] for s in hsegs], unit * 0.6)
        xs = _cluster([s[0] for s in vsegs], unit * 0.6)
        if not ys or not xs:
            continue
        # A table cut by the page edge has no closing rule there: the rules that cross it end it.
        v_end, v_start = max(s[2] for s in vsegs), min(s[1] for s in vsegs)
        if v_end > ys[-1] + unit:
            ys.append(float(v_end))
        if v_start < ys[0] - unit:
            ys.insert(0, float(v_start))
        if len(ys) < min_rows + 1 or len(xs) < min_cols + 1:
            continue
        band = max(2, unit // 3)

        def has_v(r: int, c: int, xs=xs, ys=ys, band=band) -> bool:
            m = (ys[r + 1] - ys[r]) * 0.15
            return _coverage(rules.vertical, False, xs[c], ys[r] + m, ys[r + 1] - m, band) >= _COVER

        def has_h(r: int, c: int, xs=xs, ys=ys, band=band) -> bool:
            m = (xs[c + 1] - xs[c]) * 0.15
            return _coverage(rules.horizontal, True, ys[r], xs[c] + m, xs[c + 1] - m, band) >= _COVER

        regions = regions_from_rules(len(ys) - 1, len(xs) - 1, has_v, has_h)
        grids.append(RuledGrid(xs, ys, regions))
    return sorted(grids, key=lambda g: g.ys[0])
