"""Ruled tables of text PDF pages: their grids from the PDF's vector lines.

camelot's lattice parser with the ``vector`` engine reads the ruling lines straight from the
page's drawing operators (no rendering, no Ghostscript); each table becomes a
:class:`~gongkai.data.loaders.ruled.RuledGrid` in top-down display points, with merged cells
where camelot finds no rule between two grid positions. When camelot is missing or fails,
pdfplumber's table finder (lines strategy) gives the cells instead. Text is filled in later
from pdfium's glyphs (:func:`gongkai.data.loaders.ruled.fill_cells`), not from camelot's
text lines, which can hold the numbers of several cells.
"""

from __future__ import annotations

import contextlib
import io
import logging
import warnings
from collections.abc import Callable, Sequence

from .ruled import Region, RuledGrid, regions_from_rules

log = logging.getLogger(__name__)

Transform = Callable[[float, float], tuple[float, float]]
_SNAP = 2.0  # points: edges closer than this are one rule


def _page_spec(pages: Sequence[int]) -> str:
    return ",".join(str(p + 1) for p in pages)


def _camelot_grid(table, to_display: Transform) -> RuledGrid | None:
    cols, rows, cells = table.cols, table.rows, table.cells
    if len(cols) < 2 or len(rows) < 1:
        return None
    xs_user = [c[0] for c in cols] + [cols[-1][1]]
    ys_user = [r[0] for r in rows] + [rows[-1][1]]  # camelot rows run top to bottom
    xs = [to_display(x, ys_user[0])[0] for x in xs_user]
    ys = [to_display(xs_user[0], y)[1] for y in ys_user]
    if xs != sorted(xs) or ys != sorted(ys):
        return None  # a rotated page: the grid is not axis-aligned the way we read it
    n_rows, n_cols = len(rows), len(cols)
    regions = regions_from_rules(
        n_rows, n_cols,
        lambda r, c: cells[r][c].left or cells[r][c - 1].right,
        lambda r, c: cells[r][c].top or cells[r - 1][c].bottom,
    )
    return RuledGrid(xs, ys, regions)


def camelot_grids(src: str | bytes, pages: Sequence[int], transforms: dict[int, Transform]) -> dict[int, list[RuledGrid]]:
    """Ruled-table grids per page index, from camelot's vector lattice parser."""
    import camelot  # imported here: it pulls pandas, which a text-only run need not pay for

    out: dict[int, list[RuledGrid]] = {p: [] for p in pages}
    if not pages:
        return out
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        tables = camelot.read_pdf(src if isinstance(src, str) else io.BytesIO(src), pages=_page_spec(pages),
                                  flavor="lattice", engine="vector", suppress_stdout=True)
    for t in tables:
        p = int(t.page) - 1
        if p not in transforms:
            continue
        grid = _camelot_grid(t, transforms[p])
        if grid is not None and grid.n_rows >= 1 and grid.n_cols >= 2:
            out[p].append(grid)
    return out


def _snap(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _SNAP:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def grid_from_cells(boxes: list[tuple[float, float, float, float]]) -> RuledGrid | None:
    """A grid from cell rectangles (x0, top, x1, bottom): edges are the distinct rectangle sides."""
    if not boxes:
        return None
    xs = _snap([b[0] for b in boxes] + [b[2] for b in boxes])
    ys = _snap([b[1] for b in boxes] + [b[3] for b in boxes])
    if len(xs) < 3 or len(ys) < 2:
        return None
    regions: list[Region] = []
    for x0, top, x1, bottom in boxes:
        r0, r1 = _index(ys, top), _index(ys, bottom)
        c0, c1 = _index(xs, x0), _index(xs, x1)
        if r1 > r0 and c1 > c0:
            regions.append((r0, c0, r1, c1))
    covered = {(r, c) for r0, c0, r1, c1 in regions for r in range(r0, r1) for c in range(c0, c1)}
    # Grid positions no rectangle covers (a finder's gap) become cells of their own.
    for r in range(len(ys) - 1):
        for c in range(len(xs) - 1):
            if (r, c) not in covered:
                regions.append((r, c, r + 1, c + 1))
    return RuledGrid(xs, ys, sorted(set(regions)))


def pdfplumber_grids(src: str | bytes, pages: Sequence[int]) -> dict[int, list[RuledGrid]]:
    """Ruled-table grids per page index, from pdfplumber's table finder (lines strategy)."""
    import pdfplumber

    out: dict[int, list[RuledGrid]] = {p: [] for p in pages}
    with pdfplumber.open(src if isinstance(src, str) else io.BytesIO(src)) as pdf:
        for p in pages:
            page = pdf.pages[p]
            if page.rotation:
                continue  # pdfplumber reports unrotated coordinates; leave it to word geometry
            for t in page.find_tables():
                grid = grid_from_cells([tuple(c) for c in t.cells])
                if grid is not None:
                    out[p].append(grid)
            page.close()
    return out


def find_grids(src: str | bytes, pages: Sequence[int], transforms: dict[int, Transform]) -> dict[int, list[RuledGrid]]:
    """Ruled-table grids of the given pages: camelot first, pdfplumber if camelot cannot run."""
    try:
        return camelot_grids(src, pages, transforms)
    except Exception as e:  # camelot missing or failing on this file: the finder below still works
        log.info("camelot failed (%s); using pdfplumber's table finder", e)
    try:
        return pdfplumber_grids(src, pages)
    except Exception as e:
        log.info("pdfplumber failed (%s); tables are read from word geometry", e)
    return {p: [] for p in pages}
