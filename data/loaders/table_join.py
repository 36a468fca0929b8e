"""Tables continued on the next page: joined into one, the repeated header dropped.

A table is continued when it is the last block of a page and the first block of the next
page is a table with the same columns (same count, edges within 1.5 % of the page width).
The continuation's leading rows that repeat the first rows of the table (a header printed
again on each page) are dropped.
"""

from __future__ import annotations

from .base import TableGrid
from .page_layout import Block, table_block

_EDGE_TOL = 0.015


def _same_columns(a: list[float] | None, b: list[float] | None) -> bool:
    if a is None or b is None or len(a) != len(b):
        return False
    return all(abs(x - y) <= _EDGE_TOL for x, y in zip(a, b, strict=True))


def _row_text(grid: TableGrid, r: int) -> tuple[str, ...]:
    return tuple("".join(t.split()) if o else "" for t, o in zip(grid.cells[r], grid.origin[r], strict=False))


def _repeated_header(first: TableGrid, cont: TableGrid) -> int:
    k = 0
    while k < min(first.n_rows, cont.n_rows - 1) and _row_text(first, k) == _row_text(cont, k) \
            and any(_row_text(cont, k)):
        k += 1
    return k


def join_grids(first: TableGrid, cont: TableGrid) -> TableGrid:
    """``first`` followed by ``cont`` without the header rows ``cont`` repeats."""
    skip = _repeated_header(first, cont)
    conf = None
    if first.confidence is not None or cont.confidence is not None:
        ones = [[1.0] * first.n_cols]
        conf = (first.confidence or ones * first.n_rows) + (cont.confidence or ones * cont.n_rows)[skip:]
    return TableGrid(cells=first.cells + cont.cells[skip:], origin=first.origin + cont.origin[skip:],
                     confidence=conf)


def join_continued(pages: list[list[Block]]) -> list[list[Block]]:
    """Pages of blocks (each in reading order) with continued tables joined into their first part."""
    pages = [list(p) for p in pages]
    prev = None  # index of the page whose last block may continue
    for i, blocks in enumerate(pages):
        if prev is not None and blocks:
            last, nxt = pages[prev][-1], blocks[0]
            if last.table is not None and nxt.table is not None and _same_columns(last.xs, nxt.xs):
                pages[prev][-1] = table_block(last.top, join_grids(last.table, nxt.table), xs=last.xs)
                blocks.pop(0)
                if not blocks:
                    continue  # the whole page was the table: it may go on over the next page
        if blocks:
            prev = i
    return pages
