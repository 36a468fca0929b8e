"""The grid path of the table reader: HTML and Word tables read by column, not by sums.

When a backend hands over a table as a true grid (rowspan/colspan expanded, each cell's
place in the text known), the column of every printed number is known from the header rows
(which column is 自然人, which is 复议后起诉·总计...). Numbers are then placed by column, and
a cell printed empty is an unknown at that column, never a dropped cell that the numbers
after it slide into. Rows are still matched to the form by their labels (the same matcher
as the text path). A grid whose header does not name every column is left to the text path.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from gongkai.data.form import (
    APP_COLS,
    OTHER_ROW_KEYS,
    REVIEW_COLS,
    REVIEW_GROUPS,
    active_rows,
    application_rows,
)
from gongkai.data.loaders.base import TableGrid
from gongkai.data.normalize import Normalized, normalize
from gongkai.data.numbers import parse_number
from gongkai.inference.layout import Cell, Group
from gongkai.inference.tables.matching import assign_rows, squash
from gongkai.inference.tables.readers import active_matcher, applications_matcher
from gongkai.inference.tables.rows import ReadState

_NUMBER = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:件|个|次|万元|元)?$")
_BLANK = re.compile(r"^[-—–/／−]*$")  # nothing, or a dash/slash printed for nothing

# Column words, most specific first (a bottom header cell holds one of them).
_APP_COL_WORDS = (
    ("natural_person", "自然人"), ("commercial", "商业"), ("research", "科研"), ("social_welfare", "公益"),
    ("legal_services", "法律服务"), ("total", "总计"), ("other_org", "其他"),
)
_APP_HEAD = re.compile(r"自然人|法人或其他组织|商业企业|科研机构|社会公益|法律服务|申请人情况|总计")
_REVIEW_HEAD = re.compile(r"行政复议|行政诉讼|维持|纠正|其他结果|尚未审结|总计|直接起诉|复议后起诉")
_REVIEW_COL_WORDS = (("upheld", "维持"), ("corrected", "纠正"), ("pending", "尚未审结"), ("other", "其他"),
                     ("total", "总计"))
_ACTIVE_HEAD = re.compile(r"信息内容|第二十条|制发|废止|现行有效|新制作|新公开|公开总数|处理决定|收费金额|项目数量|本年增|采购")
_ACTIVE_DOC_WORDS = {
    "2021": (("issued", "制发"), ("repealed", "废止"), ("in_force", "现行有效")),
    "2019": (("newly_made", "新制作"), ("newly_published", "新公开"), ("total_published", "公开总数")),
}


@dataclass
class RecordGrid:
    """A loader's grid in record-text terms: normalised text and record offsets per position."""

    texts: list[list[str]]
    spans: list[list[tuple[int, int] | None]]
    anchor: list[list[tuple[int, int]]]

    @property
    def n_rows(self) -> int:
        return len(self.texts)

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.texts), default=0)

    def text(self, r: int, c: int) -> str:
        return self.texts[r][c] if c < len(self.texts[r]) else ""

    def same_cell(self, a: tuple[int, int], b: tuple[int, int]) -> bool:
        return self.anchor[a[0]][a[1]] == self.anchor[b[0]][b[1]]

    def origin_like(self, r: int, c: int) -> bool:
        """True at the first position of a cell in its row (a merged cell counted once per row)."""
        return c == 0 or not self.same_cell((r, c), (r, c - 1))


def record_grids(tables: list[TableGrid], norm: Normalized) -> list[RecordGrid]:
    """The loader's located grids (``spans`` set) mapped onto the normalised record text."""
    src = [s for _n, s in norm.runs]

    def to_record(i: int) -> int:
        k = bisect_right(src, i) - 1
        if k < 0:
            return 0
        n0, s0 = norm.runs[k]
        nxt = norm.runs[k + 1][0] if k + 1 < len(norm.runs) else len(norm.text)
        return min(n0 + (i - s0), nxt)

    out = []
    for t in tables:
        if t.spans is None or t.anchor is None:
            continue
        width = t.n_cols  # rows are padded to the widest (a short row's missing cells are empty)
        texts = [[normalize(" ".join(x.split())).text for x in row] + [""] * (width - len(row)) for row in t.cells]
        spans = [[(to_record(s[0]), to_record(s[1])) if s else None for s in row] + [None] * (width - len(row))
                 for row in t.spans]
        anchor = [list(row) + [(r, c) for c in range(len(row), width)] for r, row in enumerate(t.anchor)]
        out.append(RecordGrid(texts, spans, anchor))
    return out


def _value(g: RecordGrid, text: str, r: int, c: int, fee: bool = False) -> tuple[bool, Cell | None]:
    """(is this a value position, the cell read there): a number, or None for a blank."""
    s = g.text(r, c).replace(" ", "")
    if _BLANK.match(s):
        return True, None
    if not _NUMBER.match(s):
        return False, None
    value = parse_number(s)  # unit words, thousands commas and the minus sign handled there
    if value is None:
        return True, None  # digits but no plausible count (a 40-digit run): unknown, reported missing
    if fee:
        value = float(value)
    elif value < 0:
        return False, None  # a count is never negative: not a value of these columns
    span = g.spans[r][c] or (0, 0)
    return True, Cell(text[span[0] : span[1]] or s, value, span[0], span[1])


def _header_block(g: RecordGrid, head: re.Pattern[str]) -> range | None:
    """The rows of the first run of header rows (two column words or more, no numbers), if any."""
    rows = []
    for r in range(g.n_rows):
        words = sum(1 for c in range(g.n_cols) if g.origin_like(r, c) and head.search(g.text(r, c)))
        numeric = any(_NUMBER.match(g.text(r, c).replace(" ", "")) for c in range(g.n_cols))
        if words >= 2 and not numeric:
            rows.append(r)
        elif rows:
            break
    return range(rows[0], rows[-1] + 1) if rows else None


def _columns(g: RecordGrid, block: range, words: tuple[tuple[str, str], ...]) -> dict[str, int] | None:
    """Column of every key, from the lowest header text over each column; None unless all map once.

    The lowest *printed* text: Word grids put an empty header cell under a name that spans
    the row above (自然人 over an empty cell, beside 商业企业 spanning two grid columns).
    """
    found: dict[str, int] = {}
    for c in range(g.n_cols):
        r = next((r for r in reversed(block) if g.text(r, c)), block[-1])
        bottom = squash(g.text(r, c))
        key = next((k for k, w in words if w in bottom), None)
        if key is None:
            continue
        if key in found:
            if g.same_cell((r, c), (r, found[key])):
                continue  # one header cell spanning two grid columns
            return None
        found[key] = c
    return found if len(found) == len(words) else None


def _label(g: RecordGrid, r: int, stop: int) -> str:
    """Row label as the text path sees it: label cells printed in this row (merged ones once)."""
    parts = []
    for c in range(stop):
        if g.anchor[r][c][0] == r and g.origin_like(r, c) and g.text(r, c):
            parts.append(g.text(r, c))
    return "".join(parts)


def _row_groups(
    g: RecordGrid, text: str, start_row: int, cols: list[int], head: re.Pattern[str], keep_empty: bool = False
) -> list[Group]:
    """One group per data row below the header: its label and a cell (or None) per column.

    Rows of words (a header printed again, a note across the table) are not data; a word in
    a data row's value column (无) is an unknown there. A row with no label and nothing
    printed is a spacer unless ``keep_empty`` (a review row all blank).
    """
    first = min(cols)
    groups = []
    for r in range(start_row, g.n_rows):
        if any(g.same_cell((r, c), (r, first - 1)) for c in cols if first > 0):
            continue  # a note or heading spanning the whole row
        read = [_value(g, text, r, c) for c in cols]
        if any(head.search(g.text(r, c)) for c in cols) or not any(ok for ok, _ in read):
            continue  # a header row printed again, or a row of words
        label = _label(g, r, first)
        cells = [cell for _, cell in read]
        if not label and not keep_empty and all(c is None for c in cells):
            continue
        spans = [c for c in cells if c is not None]
        groups.append(Group(label=label, cells=cells, start=spans[0].start if spans else 0,
                            end=spans[-1].end if spans else 0))
    return groups


def _classify(g: RecordGrid) -> str | None:
    """Which of the three tables a grid holds, from its words (None: another table)."""
    flat = "".join(squash(t) for row in g.texts for t in row)
    if "自然人" in flat and "总计" in flat and ("本年新收" in flat or "予以公开" in flat):
        return "applications"
    if "行政复议" in flat and "行政诉讼" in flat and "本年新收" not in flat:
        return "review_litigation"
    if "规章" in flat and ("行政许可" in flat or "第二十条" in flat) and "自然人" not in flat:
        return "active_disclosure"
    return None


def read_grid_tables(state: ReadState, grids: list[RecordGrid], text: str) -> set[str]:
    """Read every table the grids hold by column; returns the names read (others: text path)."""
    by_kind: dict[str, list[RecordGrid]] = {}
    last_apps: RecordGrid | None = None
    for g in grids:
        kind = _classify(g)
        if kind is None and last_apps is not None and g.n_cols == last_apps.n_cols:
            kind = "applications"  # a table cut in two without its header printed again
        if kind is not None:
            by_kind.setdefault(kind, []).append(g)
        last_apps = g if kind == "applications" else None
    done: set[str] = set()
    if "applications" in by_kind and _read_applications(state, by_kind["applications"], text):
        done.add("applications")
    if "review_litigation" in by_kind and _read_review(state, by_kind["review_litigation"][0], text):
        done.add("review_litigation")
    if "active_disclosure" in by_kind and _read_active(state, by_kind["active_disclosure"][0], text):
        done.add("active_disclosure")
    return done


def _set_row(state: ReadState, keys: list[str], cells: list[Cell | None]) -> None:
    for k, c in zip(keys, cells, strict=True):
        state.set_cell(k, c)


def _read_applications(state: ReadState, grids: list[RecordGrid], text: str) -> bool:
    groups: list[Group] = []
    cols: dict[str, int] | None = None
    for g in grids:
        block = _header_block(g, _APP_HEAD)
        if block is not None:
            cols = _columns(g, block, _APP_COL_WORDS)
            start = block[-1] + 1
        else:
            start = 0  # continuation: the previous part's columns
        if cols is None or max(cols.values()) >= g.n_cols:
            return False
        groups += _row_groups(g, text, start, [cols[k] for k in APP_COLS], _APP_HEAD)
    for a, b in zip(groups, groups[1:], strict=False):
        a.after = b.label
    matcher = applications_matcher()
    union = matcher.targets
    assignment = assign_rows(groups, matcher)
    if len(assignment) < 10:
        return False
    by_key = {union[t].key: groups[gi] for gi, t in assignment.items()}
    matched = set(by_key)
    other_read = bool(matched & OTHER_ROW_KEYS)
    other_split = bool(matched & {"other.no_correction", "other.unpaid_fee"}) or not other_read
    if not other_split and "other.total" not in by_key and "other.other" in by_key:
        by_key["other.total"] = by_key.pop("other.other")
    state.tables.other_split = other_split
    state.tables.other_read = other_read
    state.tables.found.add("applications")
    for r in application_rows(other_split):
        keys = [f"applications.{r.key}.{c}" for c in r.columns]
        _set_row(state, keys, by_key[r.key].cells if r.key in by_key else [None] * len(keys))
    return True


def _read_review(state: ReadState, g: RecordGrid, text: str) -> bool:
    block = _header_block(g, _REVIEW_HEAD)
    if block is None:
        return False
    cols: dict[str, int] = {}
    for c in range(g.n_cols):
        chain = "".join(squash(g.text(r, c)) for r in block)
        group = ("litigation_direct" if "直接起诉" in chain else "litigation_after_review" if "复议后起诉" in chain
                 else "review" if "复议" in chain else None)
        col = next((k for k, w in _REVIEW_COL_WORDS if w in squash(g.text(block[-1], c))), None)
        if group is None or col is None:
            continue  # not a value column (a label column some tables add)
        key = f"{group}.{col}"
        if key in cols:
            if g.same_cell((block[-1], c), (block[-1], cols[key])):
                continue
            return False
        cols[key] = c
    order = [f"{grp}.{c}" for grp in REVIEW_GROUPS for c in REVIEW_COLS]
    if set(cols) != set(order):
        return False
    rows = _row_groups(g, text, block[-1] + 1, [cols[k] for k in order], _REVIEW_HEAD, keep_empty=True)
    if not rows:
        return False
    state.tables.found.add("review_litigation")
    _set_row(state, [f"review_litigation.{k}" for k in order], rows[0].cells)
    return True


def _read_active(state: ReadState, g: RecordGrid, text: str) -> bool:
    template = state.tables.template if state.tables.template in _ACTIVE_DOC_WORDS else "2021"
    doc_words = _ACTIVE_DOC_WORDS[template]
    matcher = active_matcher(template)
    targets = matcher.targets
    header: dict[int, str] = {}  # value column -> header words in force over it
    groups: list[Group] = []
    heads: list[list[str]] = []  # per group: the header words over each of its cells
    for r in range(g.n_rows):
        cells = [(c, g.text(r, c)) for c in range(1, g.n_cols) if g.origin_like(r, c)]
        if g.same_cell((r, 0), (r, g.n_cols - 1)):
            continue  # 第二十条第(一)项: an item heading across the table
        if "信息内容" in squash(g.text(r, 0)) or (cells and all(_ACTIVE_HEAD.search(t) for _, t in cells)):
            header = {c: squash(g.text(r, c)) for c in range(1, g.n_cols)}
            continue
        read = [(c, *_value(g, text, r, c, fee=True)) for c, _ in cells]
        if not cells or not all(ok for _, ok, _ in read):
            continue
        groups.append(Group(label=g.text(r, 0), cells=[cell for _, _, cell in read]))
        heads.append([header.get(c, "") for c, _, _ in read])
    for a, b in zip(groups, groups[1:], strict=False):
        a.after = b.label
    assignment = assign_rows(groups, matcher)
    if not assignment:
        return False
    state.tables.found.add("active_disclosure")
    rows = {r.key: r for r in active_rows(template)}
    placed: set[str] = set()
    for gi, ti in assignment.items():
        key = targets[ti].key
        if key not in rows:
            continue  # a 2019 row without a key in the record (其他对外管理服务事项, 政府集中采购)
        by_head = list(zip(heads[gi], groups[gi].cells, strict=True))
        if key in ("rules", "normative_documents"):
            got = [next((v for h, v in by_head if w in h), None) for _k, w in doc_words]
            if not any(w in h for _k, w in doc_words for h, _v in by_head) and len(groups[gi].cells) == 3:
                got = list(groups[gi].cells)  # no usable header: the three columns in form order
            # A count printed with decimals is no count: unknown, reported missing.
            cells = [Cell(c.raw, int(c.value), c.start, c.end) if c is not None and float(c.value).is_integer()
                     else None for c in got]
        elif key == "fees":
            if any("项目数量" in h or "本年增" in h for h, _v in by_head) and not any("金额" in h for h, _v in by_head):
                cells = [None]  # the 2019 form prints project counts here, not an amount
            else:
                cells = [next((v for h, v in by_head if "金额" in h), groups[gi].cells[-1])]
        else:
            pick = next((v for h, v in by_head if "处理决定" in h), None)
            if pick is None and len(groups[gi].cells) == 1:
                pick = groups[gi].cells[0]
            whole = pick is not None and float(pick.value).is_integer()
            cells = [Cell(pick.raw, int(pick.value), pick.start, pick.end) if whole else None]
        _set_row(state, [f"active_disclosure.{key}.{c}" for c in rows[key].columns], cells)
        placed.add(key)
    for key, r in rows.items():
        if key not in placed:
            _set_row(state, [f"active_disclosure.{key}.{c}" for c in r.columns], [None] * len(r.columns))
    return True


__all__ = ["RecordGrid", "read_grid_tables", "record_grids"]
