"""Rows: put one group's printed cells into a row's columns.

When the count of numbers equals the row's width they are taken in order. Otherwise the
row is ambiguous and every reading of it becomes a candidate:

* numbers printed against each other without separators ("713000074", scraped tables)
  are split into the row's width, without leading zeros, keeping the splits that satisfy
  the row's own sum;
* a row with cells dropped keeps its numbers in order with the missing columns unknown,
  in every possible way; the reading the printed empty cells suggest (TAB/grid) comes first.

:func:`place_ambiguous` then picks, for all ambiguous rows together, the candidates after
which the table's relations fail least.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import combinations, product
from math import comb

from gongkai.data.numbers import MAX_COUNT_DIGITS, is_digits, parse_number
from gongkai.data.record import Issue, TableValues
from gongkai.inference.checks import Relation, relations, violations
from gongkai.inference.layout import Cell, Group
from gongkai.inference.repair import fill_unknowns

_MAX_PLACEMENTS = 800
_MAX_JOINT = 3000
_MAX_SPLITS = 5000
# Most ways of cutting a row's glued digits that are tried (accepted or not): a long run of
# digits (damaged input, "999…9") would otherwise give billions of cuts.
_MAX_SPLIT_TRIALS = 60_000

Reading = tuple[Cell | None, ...]


@dataclass
class AmbiguousRow:
    """A row whose printed numbers can be read more than one way.

    ``candidates`` are full readings of the row (one entry per column, None = unknown), the
    preferred one first (the printed empty cells' reading, when there is one).
    ``hinted`` says the first candidate comes from printed empty cells and may break ties.
    """

    keys: list[str]
    candidates: list[Reading]
    hinted: bool = False


@dataclass
class ReadState:
    """What the readers found: values, printed text per cell, rows to place, parse issues."""

    tables: TableValues
    printed: dict[str, str] = field(default_factory=dict)
    ambiguous: list[AmbiguousRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # cell key -> offsets in the text
    hinted: set[str] = field(default_factory=set)  # tables with a row only the printed empty cells placed

    def set_cell(self, key: str, cell: Cell | None) -> None:
        if cell is None:
            self.tables.values[key] = None
            return
        self.tables.values[key] = cell.value
        self.printed[key] = cell.raw
        self.spans[key] = (cell.start, cell.end)


def _empty_cell_hint(group: Group, width: int) -> tuple[int, ...] | None:
    """Columns of the numbers if the printed empty cells mark the missing ones, else None."""
    for cells in (group.cells, group.cells[group.lead_empty :]):
        if len(cells) == width:
            return tuple(i for i, c in enumerate(cells) if c is not None)
    return None


def _digit_splits(raw: str, parts: int) -> Iterator[list[str]]:
    """Ways to cut a digit string into ``parts`` numbers, none with a leading zero."""
    if parts == 1:
        if raw and (raw == "0" or raw[0] != "0"):
            yield [raw]
        return
    if raw[:1] == "0":  # a part starting with 0 is the number 0 itself
        for rest in _digit_splits(raw[1:], parts - 1):
            yield ["0", *rest]
        return
    for cut in range(1, len(raw) - parts + 2):
        for rest in _digit_splits(raw[cut:], parts - 1):
            yield [raw[:cut], *rest]


def _split_readings(nums: list[Cell], width: int) -> Iterator[Reading]:
    """Readings of ``nums`` where some numbers are several cells printed without separators."""
    extra = width - len(nums)
    splittable = [i for i, c in enumerate(nums) if is_digits(c.raw) and len(c.raw) > 1]
    if not splittable or not _few_splits([len(nums[i].raw) for i in splittable], extra):
        return
    # Distribute the missing cells over the splittable numbers (each gets k extra parts).
    def shares(i: int, left: int) -> Iterator[list[int]]:
        if i == len(splittable) - 1:
            if left <= len(nums[splittable[i]].raw) - 1:
                yield [left]
            return
        for k in range(0, min(left, len(nums[splittable[i]].raw) - 1) + 1):
            for rest in shares(i + 1, left - k):
                yield [k, *rest]

    for share in shares(0, extra):
        extra_of = dict(zip(splittable, share, strict=True))
        per_cell: list[list[list[Cell]]] = []
        for i, c in enumerate(nums):
            k = extra_of.get(i, 0)
            options = []
            for pieces in _digit_splits(c.raw, k + 1):
                cells, off = [], c.start
                for p in pieces:
                    cells.append(Cell(p, parse_number(p), off, off + len(p), glued=True))
                    off += len(p)
                options.append(cells)
            per_cell.append(options)
        for combo in product(*per_cell):
            yield tuple(cell for cells in combo for cell in cells)


def _few_splits(lengths: list[int], extra: int) -> bool:
    """True when cutting digit runs of ``lengths`` into ``extra`` more parts has few enough ways.

    The ways number at most comb(sum(len - 1), extra) (Vandermonde), and no run may be longer
    than its parts could plausibly print: either bound exceeded, the run is not split.
    """
    if any(n > (extra + 1) * MAX_COUNT_DIGITS for n in lengths):
        return False
    return comb(sum(n - 1 for n in lengths), extra) <= _MAX_SPLIT_TRIALS


def _row_relations(state: ReadState, keys: list[str]) -> list[Relation]:
    inside = set(keys)
    return [r for r in relations(state.tables) if inside.issuperset(r.cells)]


def _holds(reading: Reading, keys: list[str], rels: list[Relation]) -> bool:
    values = {k: (c.value if c is not None else None) for k, c in zip(keys, reading, strict=True)}
    return all(r.residual(values) in (None, 0) for r in rels)


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
    if not nums:
        return
    glued = any(c.glued for c in nums)
    readings: list[Reading] = []
    # Numbers printed without separators may hide several cells: when there are digits
    # enough, the splits that keep the row's own sum are candidates too.
    if glued or sum(len(c.raw) for c in nums if is_digits(c.raw)) >= width:
        rels = _row_relations(state, keys)
        for reading in _split_readings(nums, width):
            if _holds(reading, keys, rels):
                readings.append(reading)
            if len(readings) > _MAX_SPLITS:
                break
        if glued and len(readings) == 1:
            for k, c in zip(keys, readings[0], strict=True):
                state.set_cell(k, c)
            return
    hint = _empty_cell_hint(group, width)
    placements = list(combinations(range(width), len(nums)))
    if hint in placements:  # the printed empty cells' reading is tried first and wins ties
        placements.remove(hint)
        placements.insert(0, hint)
    gaps: list[Reading] = []
    for cols in placements:
        row: list[Cell | None] = [None] * width
        for col, cell in zip(cols, nums, strict=True):
            row[col] = cell
        gaps.append(tuple(row))
    if glued:
        state.ambiguous.append(AmbiguousRow(list(keys), readings + gaps))
    else:
        state.ambiguous.append(AmbiguousRow(list(keys), gaps + readings, hinted=hint is not None))


def place_ambiguous(state: ReadState) -> None:
    """Choose a reading for every ambiguous row: the one the table's relations favour.

    All ambiguous rows are tried together when that is few enough trials; otherwise rows
    are settled one at a time, repeatedly, each settled row helping to settle the next.
    The readings after which the relations (with determined unknowns filled) fail least
    win; when those disagree, the printed empty cells decide if they can, otherwise the
    row stays unknown and an issue says so.
    """
    by_table: dict[str, list[AmbiguousRow]] = {}
    for r in state.ambiguous:  # relations never cross tables
        by_table.setdefault(r.keys[0].split(".", 1)[0], []).append(r)
    for rows in by_table.values():
        _place_table_rows(state, rows)


def _place_table_rows(state: ReadState, rows: list[AmbiguousRow]) -> None:
    n_joint = 1
    for r in rows:
        n_joint *= len(r.candidates)
    if n_joint <= _MAX_JOINT:
        if not _settle(state, rows, final=True):
            for r in rows:
                _unplaced(state, r)
        return
    pending = list(rows)
    progress = True
    while pending and progress:
        progress = False
        for r in list(pending):
            if len(r.candidates) <= _MAX_PLACEMENTS and _settle(state, [r], final=False):
                pending.remove(r)
                progress = True
    for r in pending:
        if r.hinted:
            _apply(state, r, r.candidates[0])
            _hinted_only(state, r)
        else:
            _unplaced(state, r)


def _settle(state: ReadState, rows: list[AmbiguousRow], final: bool) -> bool:
    """Try every combination of the rows' readings; apply the winner if there is one."""
    tv = state.tables
    keys = [k for r in rows for k in r.keys]
    key_set = set(keys)
    rels = tuple(rel for rel in relations(tv) if key_set.intersection(rel.cells))
    best_score: tuple[int, int] | None = None
    best: list[tuple[tuple[Reading, ...], tuple]] = []
    for combo in product(*(r.candidates for r in rows)):
        trial = TableValues(template=tv.template, other_split=tv.other_split, found=tv.found, values=dict(tv.values))
        for r, reading in zip(rows, combo, strict=True):
            for key, cell in zip(r.keys, reading, strict=True):
                trial.values[key] = cell.value if cell is not None else None
        fill_unknowns(trial, rels)
        # Fewest failing relations first; then the reading that leaves fewest cells
        # unexplained (a split of glued digits beats assuming cells were dropped).
        score = (len(violations(trial, rels)), sum(c is None for reading in combo for c in reading))
        outcome = tuple(trial.values.get(k) for k in keys)
        if best_score is None or score < best_score:
            best_score, best = score, [(combo, outcome)]
        elif score == best_score:
            best.append((combo, outcome))
    if not best:
        return False
    first_is_hint = all(r.hinted and c == r.candidates[0] for r, c in zip(rows, best[0][0], strict=True))
    # Unsettled rows may still be settled later by others, unless this is the last word.
    decided = len({o for _c, o in best}) == 1 and (final or best_score[0] == 0)
    if decided or (final and first_is_hint):
        for r, reading in zip(rows, best[0][0], strict=True):
            _apply(state, r, reading)
            if not decided and len(_row_readings(r, best, rows)) > 1:
                # The sums allow other readings of this row: the printed empty cells chose
                # this one, and they can mislead (a merged label's filler looks the same).
                _hinted_only(state, r)
        return True
    return False


def _row_readings(row: AmbiguousRow, best: list, rows: list[AmbiguousRow]) -> set[tuple]:
    """The distinct readings of ``row`` among the best combinations (cells by position)."""
    i = rows.index(row)
    return {tuple(None if c is None else (c.start, c.end, c.value) for c in combo[i]) for combo, _o in best}


def _apply(state: ReadState, row: AmbiguousRow, reading: Reading) -> None:
    for key, cell in zip(row.keys, reading, strict=True):
        state.set_cell(key, cell)


def _ambiguous(state: ReadState, row: AmbiguousRow, message: str) -> None:
    """Name the row's cells in an ``ambiguous_row`` warning of its table."""
    table = row.keys[0].split(".", 1)[0]
    state.issues.append(Issue(code=f"{table}.ambiguous_row", severity="warning", cells=list(row.keys),
                              message=message))


def _hinted_only(state: ReadState, row: AmbiguousRow) -> None:
    state.hinted.add(row.keys[0].split(".", 1)[0])
    _ambiguous(state, row, "row printed with too few numbers: the table's sums allow more than one reading, "
                           "and the printed empty cells chose this one")


def _unplaced(state: ReadState, row: AmbiguousRow) -> None:
    _ambiguous(state, row, f"row printed with too few separate numbers for its {len(row.keys)} columns, and "
                           "the table's sums do not settle how to read it; its cells are left unknown")
