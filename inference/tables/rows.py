"""Rows: put one group's printed cells into a row's columns.

When the count of numbers equals the row's width they are taken in order; explicit empty
cells (TAB/grid) keep their position when that makes the count right; otherwise the row is
ambiguous (a cell was dropped) and its placement is left to the table's arithmetic
(:func:`place_ambiguous`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations, product

from gongkai.data.record import Issue, TableValues
from gongkai.inference.checks import relations, violations
from gongkai.inference.layout import Cell, Group
from gongkai.inference.repair import fill_unknowns

_MAX_PLACEMENTS = 800


@dataclass
class AmbiguousRow:
    """A row printed with fewer numbers than columns: which ones are missing is unknown.

    ``hint`` is the placement the printed empty cells suggest (TAB/grid layouts), used to
    break ties the arithmetic leaves open.
    """

    keys: list[str]  # cell keys of the row, in column order
    numbers: list[Cell]
    hint: tuple[int, ...] | None = None


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


def _empty_cell_hint(group: Group, width: int) -> tuple[int, ...] | None:
    """Columns of the numbers if the printed empty cells mark the missing ones, else None."""
    for cells in (group.cells, group.cells[group.lead_empty :]):
        if len(cells) == width:
            return tuple(i for i, c in enumerate(cells) if c is not None)
    return None


def fill_row(state: ReadState, keys: list[str], group: Group) -> None:
    """Assign ``group``'s cells to the row's ``keys`` (see module docstring)."""
    width = len(keys)
    nums = group.numbers
    if len(nums) >= width:
        if len(nums) > width:
            state.issues.append(
                Issue(
                    code=f"{keys[0].split('.', 1)[0]}.extra_cells",
                    severity="warning",
                    cells=list(keys),
                    message=f"row printed with {len(nums)} numbers for {width} columns; the first {width} were used",
                )
            )
        for k, c in zip(keys, nums[:width], strict=True):
            state.set_cell(k, c)
        return
    for k in keys:
        state.set_cell(k, None)
    if nums:
        state.ambiguous.append(AmbiguousRow(list(keys), list(nums), _empty_cell_hint(group, width)))


def _options(row: AmbiguousRow) -> list[tuple[int, ...]]:
    opts = list(combinations(range(len(row.keys)), len(row.numbers)))
    if row.hint in opts:  # the printed empty cells' reading is tried first and wins ties
        opts.remove(row.hint)
        opts.insert(0, row.hint)
    return opts


def place_ambiguous(state: ReadState) -> None:
    """Place the ambiguous rows' numbers where the table's relations hold best.

    Every way of leaving the missing columns empty is tried — for all ambiguous rows jointly
    when that is few enough trials — and the placement after which the relations (with
    determined unknowns filled) fail least wins. When two placements tie with different
    results, the printed empty cells decide if they can; otherwise the row stays unknown and
    an issue says so.
    """
    tv = state.tables
    rels = relations(tv)
    rows = state.ambiguous
    options = [_options(r) for r in rows]
    n_joint = 1
    for o in options:
        n_joint *= len(o)
    groups = [list(range(len(rows)))] if n_joint <= _MAX_PLACEMENTS else [[i] for i in range(len(rows))]
    for idx in groups:
        if len(idx) == 1 and len(options[idx[0]]) > _MAX_PLACEMENTS:
            # Too many ways to try (the 15-number review row): only the empty cells can tell.
            row = rows[idx[0]]
            if row.hint is None:
                _unplaced(state, row)
            else:
                for col, cell in zip(row.hint, row.numbers, strict=True):
                    state.set_cell(row.keys[col], cell)
            continue
        best_score: int | None = None
        best: list[tuple[tuple[tuple[int, ...], ...], tuple]] = []
        for combo in product(*(options[i] for i in idx)):
            trial = TableValues(template=tv.template, other_split=tv.other_split, found=set(tv.found),
                                values=dict(tv.values))
            for i, cols in zip(idx, combo, strict=True):
                for col, cell in zip(cols, rows[i].numbers, strict=True):
                    trial.values[rows[i].keys[col]] = cell.value
            fill_unknowns(trial, rels)
            keys = [k for i in idx for k in rows[i].keys]
            score = len(violations(trial, rels))
            outcome = tuple(trial.values.get(k) for k in keys)
            if best_score is None or score < best_score:
                best_score, best = score, [(combo, outcome)]
            elif score == best_score:
                best.append((combo, outcome))
        # best[0] is the hinted placement whenever the hint is among the best.
        chosen = best[0][0] if best and (len({o for _c, o in best}) == 1 or _is_hint(rows, idx, best[0][0])) else None
        if chosen is None:
            for i in idx:
                _unplaced(state, rows[i])
            continue
        for i, cols in zip(idx, chosen, strict=True):
            for col, cell in zip(cols, rows[i].numbers, strict=True):
                state.set_cell(rows[i].keys[col], cell)


def _is_hint(rows: list[AmbiguousRow], idx: list[int], combo: tuple[tuple[int, ...], ...]) -> bool:
    return all(rows[i].hint is not None and rows[i].hint == cols for i, cols in zip(idx, combo, strict=True))


def _unplaced(state: ReadState, row: AmbiguousRow) -> None:
    state.issues.append(
        Issue(
            code=f"{row.keys[0].split('.', 1)[0]}.ambiguous_row",
            severity="warning",
            cells=list(row.keys),
            message=(
                f"row printed with {len(row.numbers)} numbers for {len(row.keys)} columns and the table's sums "
                "do not tell which are missing; its cells are left unknown"
            ),
        )
    )
