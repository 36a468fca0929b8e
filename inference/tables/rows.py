"""Rows: put one group's printed cells into a row's columns.

When the count of numbers equals the row's width they are taken in order; explicit empty
cells (TAB/grid) keep their position when that makes the count right; otherwise the row is
ambiguous (a cell was dropped) and its placement is left to the table's arithmetic
(:func:`place_ambiguous`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from gongkai.data.record import Issue, TableValues
from gongkai.inference.checks import relations, violations
from gongkai.inference.layout import Cell, Group
from gongkai.inference.repair import fill_unknowns

_MAX_PLACEMENTS = 800


@dataclass
class AmbiguousRow:
    """A row printed with fewer numbers than columns: which ones are missing is unknown."""

    keys: list[str]  # cell keys of the row, in column order
    numbers: list[Cell]


@dataclass
class ReadState:
    """What the readers found: values, printed text per cell, rows to place, parse issues."""

    tables: TableValues
    printed: dict[str, str] = field(default_factory=dict)
    ambiguous: list[AmbiguousRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    def set_cell(self, key: str, cell: Cell | None) -> None:
        if cell is None:
            self.tables.values[key] = None
            return
        self.tables.values[key] = cell.value
        self.printed[key] = cell.raw


def fill_row(state: ReadState, keys: list[str], group: Group) -> None:
    """Assign ``group``'s cells to the row's ``keys`` (see module docstring)."""
    width = len(keys)
    nums = group.numbers
    cells = group.cells
    placed: list[Cell | None] | None = None
    if len(nums) == width:
        placed = list(nums)
    elif len(cells) == width:
        placed = list(cells)
    elif len(cells) - group.lead_empty == width:
        placed = list(cells[group.lead_empty :])
    elif len(nums) > width:
        placed = list(nums[:width])
        state.issues.append(
            Issue(
                code=f"{keys[0].split('.', 1)[0]}.extra_cells",
                severity="warning",
                cells=list(keys),
                message=f"row printed with {len(nums)} numbers for {width} columns; the first {width} were used",
            )
        )
    if placed is not None:
        for k, c in zip(keys, placed, strict=True):
            state.set_cell(k, c)
        return
    for k in keys:
        state.set_cell(k, None)
    if nums:
        state.ambiguous.append(AmbiguousRow(keys=list(keys), numbers=list(nums)))


def place_ambiguous(state: ReadState) -> None:
    """Place each ambiguous row's numbers where the table's relations hold best.

    Every way of leaving the missing columns empty is tried; the placement after which the
    relations (with determined unknowns filled) fail least wins. When two placements tie
    with different results, the row's cells stay unknown and an issue says so.
    """
    tv = state.tables
    rels = relations(tv)
    for row in state.ambiguous:
        width, n = len(row.keys), len(row.numbers)
        options = list(combinations(range(width), n))
        if len(options) > _MAX_PLACEMENTS:
            options = options[:0]
        best: tuple[int, int] | None = None
        best_results: list[tuple[tuple[int, ...], dict]] = []
        for cols in options:
            trial = TableValues(
                template=tv.template,
                other_split=tv.other_split,
                found=set(tv.found),
                values=dict(tv.values),
            )
            for col, cell in zip(cols, row.numbers, strict=True):
                trial.values[row.keys[col]] = cell.value
            fill_unknowns(trial, rels)
            unknown = sum(1 for k in row.keys if trial.values.get(k) is None)
            score = (len(violations(trial, rels)), unknown)
            if best is None or score < best:
                best, best_results = score, [(cols, trial.values)]
            elif score == best:
                best_results.append((cols, trial.values))
        outcomes = {tuple(vals.get(k) for k in row.keys) for _cols, vals in best_results}
        if len(outcomes) == 1 and best_results:
            cols = best_results[0][0]
            for col, cell in zip(cols, row.numbers, strict=True):
                state.set_cell(row.keys[col], cell)
        else:
            state.issues.append(
                Issue(
                    code=f"{row.keys[0].split('.', 1)[0]}.ambiguous_row",
                    severity="warning",
                    cells=list(row.keys),
                    message=(
                        f"row printed with {n} numbers for {width} columns and the table's sums do not "
                        "tell which are missing; its cells are left unknown"
                    ),
                )
            )
