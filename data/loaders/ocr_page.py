"""One page image → blocks of text and tables, read by OCR.

The page is turned upright and deskewed (:mod:`.ocr_orient`), its ruled tables found
(:mod:`.ocr_grid`), and then read in two ways: every table cell is cut out along its rules
and its text lines recognised directly (page-level detection skips lone digits such as ``0``
and merges neighbouring cells), while the running text around the tables goes through
page-level detection and recognition, with numbers it missed in aligned columns read from
their spots (:mod:`.ocr_align`, for tables whose rules were not found). All crops are
recognised in one batched call. Each table cell carries the lowest character probability in
it, for the repair step.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .base import TableGrid
from .ocr_align import fill_missing_numbers
from .ocr_engine import Engine, Reading
from .ocr_grid import binarize, find_rules, table_grids
from .ocr_orient import is_sideways, rotate, skew_angle, turn
from .page_layout import Block, Word, group_lines, is_page_number, join_cell_lines, line_text, table_block
from .ruled import Region, RuledGrid

MAX_PIXELS = 40_000_000  # larger images are scaled down before anything else
_MARGIN = 0.1
_FLIP_SAMPLES = 6
_MIN_SHORT_CONF = 0.6
_ORIENT_SIDE = 800  # pixels: the detector's input for the orientation check


@dataclass
class _Crop:
    image: np.ndarray
    kind: str  # "cell" (one-line cell), "cell-line" (a line of a longer cell) or "word" (running text)
    owner: tuple  # (table index, region, line index) for cells, the word box for text


def limit_size(gray: np.ndarray, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    h, w = gray.shape
    if h * w <= max_pixels:
        return gray
    s = (max_pixels / (h * w)) ** 0.5
    return cv2.resize(gray, (max(1, int(w * s)), max(1, int(h * s))), interpolation=cv2.INTER_AREA)


def _pad(img: np.ndarray, pad: int) -> np.ndarray:
    return cv2.copyMakeBorder(img, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)


def cell_line_crops(gray: np.ndarray, rules: np.ndarray, box: tuple[float, float, float, float],
                    unit: int) -> list[np.ndarray]:
    """The text lines inside one cell, each cut tight with a white margin; [] for an empty cell.

    Ink is judged against the cell's own paper and darkest stroke, so that a thin, light or
    blurred digit still counts (a page-wide threshold loses a lone ``4`` printed faint).
    """
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    m = max(2, unit // 4)
    x0, y0, x1, y1 = max(x0 + m, 0), max(y0 + m, 0), x1 - m, y1 - m
    if x1 - x0 < 3 or y1 - y0 < 3:
        return []
    cell = gray[y0:y1, x0:x1].copy()
    cell[rules[y0:y1, x0:x1] > 0] = 255
    paper = float(np.median(cell))
    # The darkest spot after a small blur: one glyph in a wide cell counts, one noisy pixel does not.
    contrast = paper - float(cv2.blur(cell, (3, 3)).min())
    if contrast < 60:
        return []  # no stroke clearly darker than the paper: an empty cell
    ink = (cell < paper - 0.45 * contrast).astype(np.uint8) * 255
    # Specks (JPEG noise, rule stubs) are not text.
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    keep = np.zeros(n, bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= max(3, unit * unit // 60)
    ink = np.where(keep[labels], 255, 0).astype(np.uint8)
    if cv2.countNonZero(ink) < unit * unit // 20:
        return []
    rows = np.nonzero(ink.max(axis=1))[0]
    # Split into lines at blank rows.
    bands: list[tuple[int, int]] = []
    start = prev = int(rows[0])
    for r in rows[1:]:
        r = int(r)
        if r - prev > max(2, unit // 6):
            bands.append((start, prev + 1))
            start = r
        prev = r
    bands.append((start, prev + 1))
    out = []
    for a, b in bands:
        if b - a < max(3, unit // 4):
            continue  # a stray mark, not a line of text
        cols = np.nonzero(ink[a:b].max(axis=0))[0]
        line = cell[a:b, int(cols[0]) : int(cols[-1]) + 1]
        out.append(_pad(line, max(3, (b - a) // 4)))
    return out


def _word_crop(gray: np.ndarray, box: tuple[int, int, int, int, float]) -> np.ndarray:
    x0, y0, x1, y1, _ = box
    return gray[y0:y1, x0:x1]


def _upside_down(engine: Engine, crops: list[np.ndarray]) -> bool:
    """True when the sample lines read better turned by 180°."""
    # A few characters of the widest lines are enough to tell.
    widest = sorted(crops, key=lambda c: -c.shape[1])[:_FLIP_SAMPLES]
    sample = [c[:, : max(1, min(c.shape[1], 6 * c.shape[0]))] for c in widest]
    if not sample:
        return False
    upright = engine.recognize(sample)
    flipped = engine.recognize([np.ascontiguousarray(np.rot90(c, 2)) for c in sample])
    return sum(r.conf for r in flipped) > sum(r.conf for r in upright) + 0.05 * len(sample)


@dataclass
class _Layout:
    gray: np.ndarray
    ink: np.ndarray
    rule_mask: np.ndarray
    grids: list[RuledGrid]
    unit: int


def _layout(gray: np.ndarray) -> _Layout:
    ink = binarize(gray)
    rules = find_rules(gray, ink)
    grids = table_grids(rules)
    mask = cv2.dilate(cv2.bitwise_or(rules.horizontal, rules.vertical), np.ones((3, 3), np.uint8))
    return _Layout(gray, ink, mask, grids, rules.unit)


def _sideways(gray: np.ndarray, engine: Engine) -> bool:
    """True when the text lines run vertically: the detector's line boxes (not lone digits) are tall.

    Only when too few lines are found does the projection estimate decide (a page of
    widely spaced table columns looks sideways to projections, not to the detector).
    """
    boxes = engine.detect(gray, max_side=_ORIENT_SIDE)
    tall = sum(1 for x0, y0, x1, y1, _ in boxes if (y1 - y0) > 2.5 * (x1 - x0))
    wide = sum(1 for x0, y0, x1, y1, _ in boxes if (x1 - x0) > 2.5 * (y1 - y0))
    if tall + wide >= 3:
        return tall > wide
    return is_sideways(gray)


def _straighten(gray: np.ndarray, engine: Engine) -> np.ndarray:
    if _sideways(gray, engine):
        gray = turn(gray, 1)
    return rotate(gray, skew_angle(gray))


def read_page(gray: np.ndarray, engine: Engine) -> list[Block]:
    """Blocks (tables and text lines, top to bottom) of one page image (grey, uint8)."""
    gray = _straighten(limit_size(gray), engine)
    lay = _layout(gray)
    crops = _collect(lay, engine)
    if _upside_down(engine, [c.image for c in crops]):
        lay = _layout(turn(gray, 2))
        crops = _collect(lay, engine)
    readings = engine.recognize([c.image for c in crops], kinds=[c.kind for c in crops])
    return _blocks(lay, crops, readings, engine)


def _collect(lay: _Layout, engine: Engine) -> list[_Crop]:
    crops: list[_Crop] = []
    for t, grid in enumerate(lay.grids):
        for reg in grid.regions:
            lines = cell_line_crops(lay.gray, lay.rule_mask, grid.region_box(reg), lay.unit)
            kind = "cell" if len(lines) == 1 else "cell-line"  # numbers are printed on one line
            for k, img in enumerate(lines):
                crops.append(_Crop(img, kind, (t, reg, k)))
    masked = lay.gray
    if lay.grids:
        masked = lay.gray.copy()
        pad = lay.unit // 2 + 2  # rule ends and shadows around the frame must not read as text
        for g in lay.grids:
            x0, y0, x1, y1 = (int(round(v)) for v in g.bbox)
            masked[max(y0 - pad, 0) : y1 + pad, max(x0 - pad, 0) : x1 + pad] = 255
    for box in engine.detect(masked):
        crop = _word_crop(masked, box)
        if crop.size and crop.shape[0] >= 0.6 * lay.unit and crop.shape[1] >= 4:
            crops.append(_Crop(crop, "word", box))
    return crops


def _blocks(lay: _Layout, crops: list[_Crop], readings: list[Reading], engine: Engine) -> list[Block]:
    h, w = lay.gray.shape
    cell_lines: dict[tuple[int, Region], list[tuple[int, Reading]]] = {}
    words: list[Word] = []
    for crop, rd in zip(crops, readings, strict=True):
        if crop.kind != "word":
            t, reg, k = crop.owner
            cell_lines.setdefault((t, reg), []).append((k, rd))
        elif rd.text.strip() and (rd.conf >= _MIN_SHORT_CONF or len(rd.text.strip()) > 2):
            # A short, unsure reading in the running text is a speck or a stamp's edge.
            x0, y0, x1, y1, _ = crop.owner
            words.append(Word(rd.text.strip(), x0, y0, x1, y1, rd.conf))
    blocks: list[Block] = []
    for t, grid in enumerate(lay.grids):
        texts: dict[Region, str] = {}
        conf: dict[Region, float] = {}
        for reg in grid.regions:
            lines = [rd for _, rd in sorted(cell_lines.get((t, reg), []), key=lambda x: x[0])]
            if not lines:
                continue
            texts[reg] = join_cell_lines([rd.text for rd in lines])
            probs = [p for rd in lines for p in (rd.char_conf or [rd.conf])]
            conf[reg] = min(probs) if probs else 0.0
        if not any(s.strip() for s in texts.values()):
            continue
        table: TableGrid = grid.to_table(texts, conf)
        blocks.append(table_block(grid.ys[0], table, xs=[x / w for x in grid.xs]))
    lines = group_lines(words)
    fill_missing_numbers(lines, lay.gray, engine, lay.unit)  # tables whose rules were not found
    for line in lines:
        text, confs = line_text(line, tabs=True)
        in_margin = line.bottom < _MARGIN * h or line.top > (1 - _MARGIN) * h
        if not text.strip() or (in_margin and is_page_number(text)):
            continue
        blocks.append(Block(top=line.top, lines=[text], conf=[confs]))
    return sorted(blocks, key=lambda b: b.top)
