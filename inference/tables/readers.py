"""Readers for the three standard tables, one function each, over a stretch of text."""

from __future__ import annotations

import re
from functools import lru_cache

from gongkai.data.form import (
    OTHER_ROW_KEYS,
    REVIEW_COLS,
    REVIEW_GROUPS,
    Template,
    active_rows,
    application_rows,
    review_rows,
)
from gongkai.data.record import Issue
from gongkai.inference.layout import Group, tokenize_groups
from gongkai.inference.tables.matching import (
    LabelRun,
    RowMatcher,
    RowTarget,
    assign_rows,
    core_label,
    split_label_runs,
    squash,
)
from gongkai.inference.tables.rows import ReadState, fill_row

_TEMPLATE_2019 = re.compile(r"新制作|新公开数量|对外公开总数")
_TEMPLATE_2021 = re.compile(r"制发件数|废止件数|现行有效")


def detect_active_template(text: str) -> Template | None:
    """2019 or 2021 from the active-disclosure table's column headers, None if neither shows."""
    squashed = re.sub(r"\s+", "", text)
    if _TEMPLATE_2019.search(squashed):
        return "2019"
    if _TEMPLATE_2021.search(squashed):
        return "2021"
    return None


def _split_runs(groups: list[Group], width: int) -> list[Group]:
    """Split a run that holds several whole rows (labels lost) into one group per row."""
    out: list[Group] = []
    for g in groups:
        nums = g.numbers
        if len(nums) >= 2 * width and len(nums) % width == 0 and len(g.cells) == len(nums):
            for i in range(0, len(nums), width):
                out.append(Group(label=g.label if i == 0 else "", cells=list(nums[i : i + width]),
                                 start=nums[i].start, end=nums[i + width - 1].end))
        else:
            out.append(g)
    return out


# The 2019 form prints decisions as 上一年项目数量 | 本年增/减 | 处理决定数量 and fees without an
# amount; these rows of that form have no key in the record and are read only to be skipped.
_EXTRA_2019_ROWS = (RowTarget("_other_services", "其他对外管理服务事项"), RowTarget("_procurement", "政府集中采购"))
_PROJECT_COLS = re.compile(r"上一年项目数量|本年增")
_DECISION_COL = re.compile(r"处理决定数量")
_FEE_AMOUNT = re.compile(r"收费金额")


@lru_cache(maxsize=4)
def active_matcher(template: str) -> RowMatcher:
    """The row matcher of the active-disclosure table (text and grid readers share it)."""
    targets = [RowTarget(r.key, core_label(r.label)) for r in active_rows(template)]  # type: ignore[arg-type]
    # 规范性文件 is printed with or without 行政.
    targets[1] = RowTarget("normative_documents", "行政规范性文件", ("规范性文件",))
    return RowMatcher(targets[:3] + [_EXTRA_2019_ROWS[0]] + targets[3:] + [_EXTRA_2019_ROWS[1]])


def _active_width(targets: tuple[RowTarget, ...]):
    """Printed width of an active-disclosure row, given the header text before it."""
    def width(ti: int, header: str) -> int:
        key = targets[ti].key
        if key in ("rules", "normative_documents", "_other_services"):
            return 3
        if key == "_procurement":
            return 2
        if _PROJECT_COLS.search(header):  # 上一年项目数量 | 本年增/减 (| 处理决定数量)
            return 2 if key == "fees" else 3
        return 1
    return width


def _place_runs(state: ReadState, runs: list[LabelRun], keys_of) -> None:
    """Runs of labels whose numbers do not fit their columns: too few numbers (a cell
    left out) are placed over the run's cells like one long row — the table's relations
    settle the placement or it is reported; too many are reported."""
    for run in runs:
        if run.exact:
            continue
        per_row = [keys_of(ti) for ti in run.targets]
        keys = [k for ks in per_row for k in ks]
        if not keys:
            continue
        if len(run.cells) < sum(run.widths) and all(len(ks) == w for ks, w in zip(per_row, run.widths, strict=True)):
            fill_row(state, keys, Group(label="", cells=list(run.cells)))
            continue
        for k in keys:
            state.set_cell(k, None)
        state.issues.append(Issue(
            code=f"{keys[0].split('.', 1)[0]}.ambiguous_row", severity="warning", cells=keys,
            message=f"{len(run.targets)} row labels printed before one run of numbers that does not "
                    "fit their columns; their cells are left unknown"))


def read_active(state: ReadState, text: str, start: int, end: int) -> None:
    """Section 2's table: documents (3 columns), decisions and fees (1 column each)."""
    rows = active_rows(state.tables.template)
    matcher = active_matcher(state.tables.template)
    targets = matcher.targets
    groups, runs = split_label_runs(tokenize_groups(text, start, end), matcher, _active_width(targets))
    assignment = assign_rows(groups, matcher)
    if not assignment:
        return
    state.tables.found.add("active_disclosure")
    by_key = {targets[t].key: groups[g] for g, t in assignment.items()}
    header = ""  # the column headers in force for the row being read
    for gi, g in enumerate(groups):
        if _PROJECT_COLS.search(g.label) or _DECISION_COL.search(g.label) or _FEE_AMOUNT.search(g.label):
            header = g.label
        key = targets[assignment[gi]].key if gi in assignment else None
        if key in ("licensing", "punishment", "coercion") and _PROJECT_COLS.search(header):
            # 上一年项目数量 | 本年增/减 | 处理决定数量: the decisions are the last column.
            nums = g.numbers
            by_key[key] = Group(label=g.label, cells=nums[-1:] if len(nums) >= 3 else [])
        elif key == "fees" and _PROJECT_COLS.search(header) and not _FEE_AMOUNT.search(header):
            by_key.pop("fees", None)  # the form gives project counts here, not an amount
    for r in rows:
        keys = [f"active_disclosure.{r.key}.{c}" for c in r.columns]
        if r.key in by_key:
            fill_row(state, keys, by_key[r.key])
        else:
            for k in keys:
                state.set_cell(k, None)
    cols = {r.key: r.columns for r in rows}
    _place_runs(state, runs, lambda ti: [f"active_disclosure.{targets[ti].key}.{c}" for c in cols.get(targets[ti].key, ())])
    fee_key = "active_disclosure.fees.amount"
    if state.tables.values.get(fee_key) is not None:
        state.tables.values[fee_key] = float(state.tables.values[fee_key])  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def applications_matcher() -> RowMatcher:
    """The row matcher of the applications table, both forms of (六)其他处理."""
    split_rows = application_rows(True)
    single = application_rows(False)
    # One target list holding both forms of (六): the alignment picks what was printed.
    union = list(split_rows[:20]) + [single[20]] + list(split_rows[20:])
    targets = [RowTarget(r.key, core_label(r.label)) for r in union]
    return RowMatcher([RowTarget(t.key, "其他处理") if t.key == "other.total" else t for t in targets])


@lru_cache(maxsize=1)
def _review_matcher() -> RowMatcher:
    return RowMatcher([RowTarget(r.key, core_label(r.label)) for r in review_rows()])


def read_applications(state: ReadState, text: str, start: int, end: int) -> None:
    """Section 3's table: 25 rows (23 when (六)其他处理 is one row) × 7 applicant columns."""
    matcher = applications_matcher()
    union = matcher.targets
    subs = {"other.no_correction", "other.unpaid_fee", "other.other"}
    groups, runs = split_label_runs(
        tokenize_groups(text, start, end), matcher, lambda _ti, _h: 7,
        heading=lambda ti, nxt: union[ti].key == "other.total" and union[nxt].key in subs,
    )
    groups = _split_runs(groups, 7)
    # Whole table printed as one run of numbers: take rows by position.
    total_nums = sum(len(g.numbers) for g in groups)
    assignment = assign_rows(groups, matcher)
    if not assignment:
        return
    # Rows named by a run of labels count as read, whether or not its numbers could be dealt.
    matched = {union[t].key for t in assignment.values()} | {union[t].key for run in runs for t in run.targets}
    by_key = {union[t].key: groups[g] for g, t in assignment.items()}
    # The three-row form of (六)其他处理 is known by its two long sub-row labels; a row read only
    # as "…其他" (OCR often loses "(六)" and "处理") is the one-row form.
    other_read = bool(matched & OTHER_ROW_KEYS)
    other_split = bool(matched & {"other.no_correction", "other.unpaid_fee"}) or not other_read
    if not other_split and "other.total" not in by_key and "other.other" in by_key:
        by_key["other.total"] = by_key.pop("other.other")
    state.tables.other_split = other_split
    state.tables.other_read = other_read
    state.tables.found.add("applications")
    rows = application_rows(other_split)
    if len(by_key) < len(rows) // 2 and total_nums == 7 * len(rows):
        flat = [c for g in groups for c in g.numbers]
        by_key = {r.key: Group(label="", cells=flat[7 * i : 7 * i + 7]) for i, r in enumerate(rows)}
    for r in rows:
        keys = [f"applications.{r.key}.{c}" for c in r.columns]
        if r.key in by_key:
            fill_row(state, keys, by_key[r.key])
        else:
            for k in keys:
                state.set_cell(k, None)
    app_cols = {r.key: r.columns for r in rows}
    _place_runs(state, runs, lambda ti: [f"applications.{union[ti].key}.{c}" for c in app_cols.get(union[ti].key, ())])


_REVIEW_HEAD = re.compile(r"尚未审结|结果维持")


def _review_row(groups: list[Group]) -> list[Group]:
    """The table's one data row when prose with numbers follows it in the same region.

    Text with no line breaks (a site's text version) gives the region no end but the next
    section; the first run of numbers after the header holding at least 15 digits is the
    row, when the labels after it are prose (sentences, or long runs of words).
    """
    for i, g in enumerate(groups):
        digits = sum(len(c.raw) for c in g.numbers if c.raw.isdigit())
        if not _REVIEW_HEAD.search(squash(g.label)) or digits < 15 or len(g.numbers) > 15:
            continue
        rest = groups[i + 1 :]
        if rest and all("。" in r.label or len(squash(r.label)) >= 10 for r in rest[:1]):
            return [g]
        break
    return groups


def read_review(state: ReadState, text: str, start: int, end: int) -> None:
    """Section 4's table: 15 numbers, 3 groups × (维持, 纠正, 其他, 尚未审结, 总计)."""
    groups = tokenize_groups(text, start, end)
    if not groups:
        return
    keys = [f"review_litigation.{g}.{c}" for g in REVIEW_GROUPS for c in REVIEW_COLS]
    state.tables.found.add("review_litigation")
    groups = _review_row(groups)
    total = sum(len(g.numbers) for g in groups)
    if total == 15 or len(groups) == 1:
        merged = Group(label=groups[0].label, lead_empty=groups[0].lead_empty)
        for g in groups:
            merged.cells.extend(g.cells if len(groups) == 1 else g.numbers)
        fill_row(state, keys, merged)
        return
    assignment = assign_rows(groups, _review_matcher())
    assigned = {t: g for g, t in assignment.items()}
    for ti, group_key in enumerate(REVIEW_GROUPS):
        gkeys = [f"review_litigation.{group_key}.{c}" for c in REVIEW_COLS]
        if ti in assigned:
            fill_row(state, gkeys, groups[assigned[ti]])
        else:
            for k in gkeys:
                state.set_cell(k, None)
