"""A ruled table's geometry: grid lines, merged cells, and cells filled from positioned text.

Whatever finds the rules (camelot on a PDF's vector lines, OpenCV on a scan) produces a
:class:`RuledGrid`: column edges ``xs``, row edges ``ys`` (top-down) and the rectangular
regions of merged cells. Filling assigns each glyph to the cell holding its centre, except
that a run of digits moves as one piece, so that a number is never split between cells, and
glyphs are never grouped across a rule, so that two numbers are never merged.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from .base import TableGrid
from .page_layout import Word, group_lines, join_cell_lines, line_text

Region = tuple[int, int, int, int]  # r0, c0, r1, c1 (exclusive ends)
_NUMERIC = set("0123456789.,")


@dataclass
class RuledGrid:
    xs: list[float]  # n_cols + 1 column edges, left to right
    ys: list[float]  # n_rows + 1 row edges, top to bottom
    regions: list[Region]  # one per printed cell, covering the grid

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def region_box(self, reg: Region) -> tuple[float, float, float, float]:
        r0, c0, r1, c1 = reg
        return self.xs[c0], self.ys[r0], self.xs[c1], self.ys[r1]

    def locate(self, x: float, y: float) -> tuple[int, int] | None:
        """Grid position (row, col) holding the point, None outside the table."""
        if not (self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]):
            return None
        c = min(max(bisect_right(self.xs, x) - 1, 0), self.n_cols - 1)
        r = min(max(bisect_right(self.ys, y) - 1, 0), self.n_rows - 1)
        return r, c

    def origin_map(self) -> dict[tuple[int, int], Region]:
        out: dict[tuple[int, int], Region] = {}
        for reg in self.regions:
            r0, c0, r1, c1 = reg
            for r in range(r0, r1):
                for c in range(c0, c1):
                    out[(r, c)] = reg
        return out

    def to_table(self, texts: dict[Region, str], conf: dict[Region, float] | None = None) -> TableGrid:
        """The :class:`TableGrid` of this geometry with each region's text at every position it covers."""
        omap = self.origin_map()
        cells = [[""] * self.n_cols for _ in range(self.n_rows)]
        origin = [[False] * self.n_cols for _ in range(self.n_rows)]
        confidence = [[1.0] * self.n_cols for _ in range(self.n_rows)] if conf is not None else None
        for (r, c), reg in omap.items():
            cells[r][c] = texts.get(reg, "")
            origin[r][c] = (r, c) == (reg[0], reg[1])
            if confidence is not None and conf is not None:
                confidence[r][c] = conf.get(reg, 1.0)
        return TableGrid(cells=cells, origin=origin, confidence=confidence)


def regions_from_rules(
    n_rows: int, n_cols: int, has_vrule: Callable[[int, int], bool], has_hrule: Callable[[int, int], bool]
) -> list[Region]:
    """Merged-cell regions from which inner rules are printed.

    ``has_vrule(r, c)``: a rule between (r, c-1) and (r, c); ``has_hrule(r, c)``: a rule
    between (r-1, c) and (r, c). Positions joined by a missing rule form one cell; a
    non-rectangular group (a rule broken in the drawing) is taken by its bounding rectangle.
    """
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and not has_vrule(r, c + 1):
                union(r * n_cols + c, r * n_cols + c + 1)
            if r + 1 < n_rows and not has_hrule(r + 1, c):
                union(r * n_cols + c, (r + 1) * n_cols + c)
    groups: dict[int, list[int]] = {}
    for i in range(n_rows * n_cols):
        groups.setdefault(find(i), []).append(i)
    boxes: list[Region] = []
    for members in groups.values():
        rows = [i // n_cols for i in members]
        cols = [i % n_cols for i in members]
        boxes.append((min(rows), min(cols), max(rows) + 1, max(cols) + 1))
    # Bounding rectangles of broken groups may overlap: keep the larger, drop what it covers.
    boxes.sort(key=lambda b: -((b[2] - b[0]) * (b[3] - b[1])))
    taken: set[tuple[int, int]] = set()
    out: list[Region] = []
    for b in boxes:
        cells = {(r, c) for r in range(b[0], b[2]) for c in range(b[1], b[3])}
        if cells & taken:
            continue
        taken |= cells
        out.append(b)
    return sorted(out)


def _pieces(words: list[Word], grid: RuledGrid) -> list[Word]:
    """Glyph runs to place: digit runs kept whole unless a column rule passes between glyphs."""
    out: list[Word] = []
    for w in words:
        if out:
            prev = out[-1]
            numeric = prev.text[-1] in _NUMERIC and w.text[0] in _NUMERIC
            same_line = abs(prev.cy - w.cy) < 0.5 * min(prev.height, w.height)
            gap = w.x0 - prev.x1
            crosses_rule = any(prev.x1 <= x <= w.x0 for x in grid.xs)
            if numeric and same_line and gap < 0.3 * w.height and not crosses_rule:
                out[-1] = Word(prev.text + w.text, prev.x0, min(prev.top, w.top), w.x1,
                               max(prev.bottom, w.bottom), min(prev.conf, w.conf))
                continue
        out.append(w)
    return out


def fill_cells(grid: RuledGrid, glyphs: list[Word]) -> tuple[dict[Region, str], list[Word]]:
    """Region texts from glyphs (in reading order) inside the table; glyphs outside are returned."""
    omap = grid.origin_map()
    inside: dict[Region, list[Word]] = {}
    outside: list[Word] = []
    for p in _pieces(glyphs, grid):
        pos = grid.locate(p.cx, p.cy)
        if pos is None:
            outside.append(p)
            continue
        inside.setdefault(omap[pos], []).append(p)
    texts = {}
    for reg, ws in inside.items():
        lines = [line_text(ln)[0] for ln in group_lines(ws)]
        texts[reg] = join_cell_lines(lines)
    return texts, outside
