"""The three printed tables as grids with merged cells, the way the national form lays them out.

A :class:`Grid` lists, per row, only the cells that start there (HTML semantics: rowspan and
colspan), so HTML and DOCX renderers print it directly and text layouts expand it to
positions. Labels and column keys come from :mod:`gongkai.data.form`; :class:`LabelStyle`
varies how they are printed (parentheses, numbering, spacing), as real reports do.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field, replace

from gongkai.data.form import (
    ACTIVE_COL_LABELS,
    APP_COL_LABELS,
    APP_COLS,
    REVIEW_COL_LABELS,
    REVIEW_COLS,
    REVIEW_GROUPS,
    active_rows,
    application_rows,
)
from gongkai.data.synth.content import SyntheticReport
from gongkai.data.synth.narrative import fmt_amount

NOTE = "(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)"


@dataclass
class Cell:
    """One printed cell. ``key`` is the full cell key (``applications.granted.total``) for values."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    key: str | None = None
    header: bool = False


@dataclass
class Grid:
    """A printed table: rows of the cells that start in them, ``n_cols`` positions wide."""

    name: str
    n_cols: int
    rows: list[list[Cell]]

    def expand(self) -> list[list[tuple[Cell, bool]]]:
        """Positions row by row: (covering cell, is this the cell's top-left origin)."""
        n_rows = len(self.rows)
        pos: list[list[tuple[Cell, bool] | None]] = [[None] * self.n_cols for _ in range(n_rows)]
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while c < self.n_cols and pos[r][c] is not None:
                    c += 1
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        if r + dr < n_rows and c + dc < self.n_cols:
                            pos[r + dr][c + dc] = (cell, dr == 0 and dc == 0)
                c += cell.colspan
        empty = Cell("")
        return [[p if p is not None else (empty, True) for p in row] for row in pos]


@dataclass
class LabelStyle:
    """How one report prints labels and numbers."""

    full_parens: bool = True  # （一） rather than (一)
    paren_space: bool = False  # "(一) 予以公开"
    num_sep: str = "."  # "1." | "1、" | "1. "
    norm_label: str = "行政规范性文件"  # or 规范性文件
    spaced_heads: bool = False  # "结果 维持", as PDF extraction leaves two-line header cells
    fee_head: str = "本年收费金额（单位：万元）"
    fee_digits: int | None = None  # fixed decimals for the fee, None for as-is
    extra: dict = field(default_factory=dict)

    @classmethod
    def draw(cls, rng: random.Random, report: SyntheticReport) -> LabelStyle:
        fee = report.tables.values.get("active_disclosure.fees.amount")
        digits: list[int | None] = [None, None, 4]
        if fee is not None and round(fee, 2) == fee:
            digits.append(2)
        four = rng.random() < 0.2
        return cls(
            full_parens=rng.random() < 0.7,
            paren_space=rng.random() < 0.3,
            num_sep=rng.choice([".", ".", "、", ". "]),
            norm_label=rng.choice(["行政规范性文件", "行政规范性文件", "规范性文件"])
            if report.template == "2021"
            else rng.choice(["规范性文件", "行政规范性文件"]),
            spaced_heads=rng.random() < 0.3,
            fee_head="本年收费金额（单位：万元，保留4位小数）" if four else "本年收费金额（单位：万元）",
            fee_digits=4 if four else rng.choice(digits),
        )

    def label(self, text: str) -> str:
        """A form label printed in this style."""
        text = re.sub(r"^(\d)\.", lambda m: m.group(1) + self.num_sep, text)
        if self.paren_space:
            text = re.sub(r"^(\([一二三四五六七八九]\))", r"\1 ", text)
        if self.full_parens:
            text = text.replace("(", "（").replace(")", "）").replace(",", "，").replace(":", "：")
        return text

    def head(self, text: str) -> str:
        if self.spaced_heads and len(text) == 4:
            return text[:2] + " " + text[2:]
        return text

    def value(self, v: float | int | None, fee: bool = False) -> str:
        if v is None:
            return ""
        if fee:
            # Fixed decimals only where they lose nothing: the print must say what the gold says
            # (a style drawn for one report is reused for its next year's, whose fee may differ).
            fixed = self.fee_digits is not None and round(v, self.fee_digits) == v
            return f"{v:.{self.fee_digits}f}" if fixed else fmt_amount(float(v))
        return str(int(v))


def active_grid(report: SyntheticReport, st: LabelStyle) -> Grid:
    v = report.tables.values
    rows_by_key = {r.key: r for r in active_rows(report.template)}
    doc_cols = rows_by_key["rules"].columns

    def item(no: str) -> list[Cell]:
        return [Cell(st.label(f"第二十条第({no})项"), colspan=4, header=True)]

    def value_row(key: str, label: str) -> list[Cell]:
        r = rows_by_key[key]
        if len(r.columns) == 3:
            return [Cell(label)] + [
                Cell(st.value(v[f"active_disclosure.{key}.{c}"]), key=f"active_disclosure.{key}.{c}")
                for c in r.columns
            ]
        k = f"active_disclosure.{key}.{r.columns[0]}"
        return [Cell(label), Cell(st.value(v[k], fee=key == "fees"), colspan=3, key=k)]

    def decisions() -> list[Cell]:  # fresh cells per row: renderers tell cells apart by identity
        return [Cell("信息内容", header=True), Cell("本年处理决定数量", colspan=3, header=True)]

    rows = [
        item("一"),
        [Cell("信息内容", header=True)] + [Cell(ACTIVE_COL_LABELS[c], header=True) for c in doc_cols],
        value_row("rules", "规章"),
        value_row("normative_documents", st.norm_label),
        item("五"),
        decisions(),
        value_row("licensing", "行政许可"),
        item("六"),
        decisions(),
        value_row("punishment", "行政处罚"),
        value_row("coercion", "行政强制"),
        item("八"),
        [Cell("信息内容", header=True), Cell(st.label(st.fee_head), colspan=3, header=True)],
        value_row("fees", "行政事业性收费"),
    ]
    return Grid("active_disclosure", 4, rows)


def applications_grid(report: SyntheticReport, st: LabelStyle) -> Grid:
    v = report.tables.values
    specs = application_rows(report.other_split)

    def values(key: str) -> list[Cell]:
        return [Cell(st.value(v[f"applications.{key}.{c}"]), key=f"applications.{key}.{c}") for c in APP_COLS]

    rows: list[list[Cell]] = [
        [Cell(st.label(NOTE), rowspan=3, colspan=3, header=True), Cell("申请人情况", colspan=7, header=True)],
        [
            Cell("自然人", rowspan=2, header=True),
            Cell("法人或其他组织", colspan=5, header=True),
            Cell("总计", rowspan=2, header=True),
        ],
        [Cell(APP_COL_LABELS[c], header=True) for c in APP_COLS[1:6]],
    ]
    outcome = specs[2:-2]
    result_label = outcome[0].group_label  # 三、本年度办理结果
    groups: dict[str, int] = {}
    for r in outcome:
        if r.group_label and r.group_label != result_label:
            groups[r.group_label] = groups.get(r.group_label, 0) + 1
    for i, r in enumerate(specs):
        if r.key in ("new_received", "carried_over", "carried_forward"):
            rows.append([Cell(st.label(r.label), colspan=3)] + values(r.key))
            continue
        row: list[Cell] = []
        if r.key == "granted":  # the result group spans every outcome row and the total
            row.append(Cell(st.label(result_label), rowspan=len(outcome) + 1))
        g = r.group_label if r.group_label != result_label else ""
        if g:
            if specs[i - 1].group_label != g:
                row.append(Cell(st.label(g), rowspan=groups[g]))
            row.append(Cell(st.label(r.label)))
        else:
            row.append(Cell(st.label(r.label), colspan=2))
        rows.append(row + values(r.key))
    return Grid("applications", 10, rows)


def review_grid(report: SyntheticReport, st: LabelStyle) -> Grid:
    v = report.tables.values
    heads = [st.head(REVIEW_COL_LABELS[c]) for c in REVIEW_COLS]
    rows = [
        [Cell("行政复议", colspan=5, header=True), Cell("行政诉讼", colspan=10, header=True)],
        [Cell(h, rowspan=2, header=True) for h in heads]
        + [Cell("未经复议直接起诉", colspan=5, header=True), Cell("复议后起诉", colspan=5, header=True)],
        [Cell(h, header=True) for h in heads * 2],
        [
            Cell(st.value(v[f"review_litigation.{g}.{c}"]), key=f"review_litigation.{g}.{c}")
            for g in REVIEW_GROUPS
            for c in REVIEW_COLS
        ],
    ]
    return Grid("review_litigation", 15, rows)


def regrid(grid: Grid, positions: list[list[Cell]]) -> Grid:
    """A grid printing ``positions`` (the covering cell at every place): each cell once, at its
    top-left here, spanning the rectangle it covers here (a span cut by a table break shrinks)."""
    boxes: dict[int, list] = {}
    for r, row in enumerate(positions):
        for c, cell in enumerate(row):
            box = boxes.get(id(cell))
            if box is None:
                boxes[id(cell)] = [r, c, r, c, cell]
            else:
                box[2], box[3] = max(box[2], r), max(box[3], c)
    rows: list[list[Cell]] = [[] for _ in positions]
    for r0, c0, r1, c1, cell in sorted(boxes.values(), key=lambda b: (b[0], b[1])):
        rows[r0].append(replace(cell, rowspan=r1 - r0 + 1, colspan=c1 - c0 + 1))
    return Grid(grid.name, grid.n_cols, rows)


def header_rows(grid: Grid) -> int:
    """How many leading rows hold header cells only."""
    n = 0
    for row in grid.expand():
        if not all(cell.header for cell, _ in row):
            break
        n += 1
    return n


def _fresh(rows: list[list[Cell]]) -> list[list[Cell]]:
    """The same positions with new cell objects (a reprinted header is a cell of its own)."""
    copies: dict[int, Cell] = {}
    return [[copies.setdefault(id(c), replace(c)) for c in row] for row in rows]


def repeat_header(grid: Grid, rng: random.Random, split: bool, again: bool = True) -> list[Grid]:
    """``grid`` with its header rows printed again part-way down, as page-long tables are.

    ``split``: the table is cut in two tables, the second starting with the header again
    (unless not ``again``; row labels cut by the break are printed again). Otherwise the
    header rows are repeated inside the one table, at a row boundary no merged cell crosses.
    """
    pos = [[c for c, _ in row] for row in grid.expand()]
    head = header_rows(grid)
    if not head or len(pos) - head < 4:
        return [grid]
    if split:
        at = rng.randint(head + 2, len(pos) - 2)
        return [regrid(grid, pos[:at]), regrid(grid, (_fresh(pos[:head]) if again else []) + pos[at:])]
    free = [r for r in range(head + 1, len(pos))
            if not any(pos[r][c] is pos[r - 1][c] for c in range(grid.n_cols))]
    if not free:
        return [grid]
    at = rng.choice(free)
    return [regrid(grid, pos[:at] + _fresh(pos[:head]) + pos[at:])]


def misalign_header(grid: Grid) -> Grid:
    """The applications table on a finer grid, as Word exports draw it: 商业企业 spans two grid
    columns, 自然人 spans its own and the first of those in the header row above, and an empty
    header cell sits under it (the header's cells do not line up with the data's)."""
    pos = [[c for c, _ in row] for row in grid.expand()]
    nat, com = 3, 4
    new = [row[: com + 1] + [row[com]] + row[com + 1 :] for row in pos]
    person, under = Cell("自然人", header=True), Cell("", header=True)
    new[1][nat] = new[1][com] = person
    new[2][nat] = under
    return regrid(Grid(grid.name, grid.n_cols + 1, []), new)


def blank_cells(grid: Grid, keys: set[str]) -> None:
    """Print the cells of ``keys`` empty."""
    for row in grid.rows:
        for cell in row:
            if cell.key in keys:
                cell.text = ""


def build_grids(report: SyntheticReport, st: LabelStyle) -> dict[str, Grid]:
    """The three printed tables of ``report`` in style ``st``."""
    return {
        "active_disclosure": active_grid(report, st),
        "applications": applications_grid(report, st),
        "review_litigation": review_grid(report, st),
    }
