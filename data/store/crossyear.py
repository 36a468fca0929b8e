"""Cross-year checks: a unit's report against its report on the year before.

Two things carry over from one year to the next: the applications still open
(结转下年度继续办理 last year = 上年结转 this year, per applicant column) and the documents
in force (现行有效件数 this year = last year's + 本年制发 − 本年废止, for 规章 and 规范性文件).
A difference is a ``warning`` on the later report (units restate and documents lapse, so it is
a question for a reader, not proof of an error). The checks are recomputed from the stored
cells after every run, which keeps them right whatever order the reports arrived in.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from gongkai.data.form import APP_COLS
from gongkai.data.store.rows import ISSUES
from gongkai.data.store.units import Unit
from gongkai.data.store.writer import Writer

_ACTIVE_ROWS = {"rules": "规章", "normative_documents": "行政规范性文件"}


@dataclass(frozen=True)
class _Report:
    sha: str
    path: str
    unit: Unit
    year: int
    template: str
    n_errors: int


@dataclass(frozen=True)
class CrossYearIssue:
    report: str
    previous: str
    code: str
    cells: tuple[str, ...]
    message: str


Values = dict[str, float | None]  # "table.row.col" -> value


def _fmt(v: float | None) -> str:
    return "—" if v is None else (str(int(v)) if float(v).is_integer() else str(v))


def check_pair(prev: Values, cur: Values, prev_year: int, prev_path: str, both_2021: bool) -> list[tuple[str, tuple[str, ...], str]]:
    """``(code, cells, message)`` of each cross-year difference between two reports' values."""
    out = []
    diffs = []
    for col in APP_COLS:
        a = prev.get(f"applications.carried_forward.{col}")
        b = cur.get(f"applications.carried_over.{col}")
        if a is not None and b is not None and a != b:
            diffs.append((col, a, b))
    if diffs:
        detail = ", ".join(f"{c} {_fmt(b)} vs {_fmt(a)}" for c, a, b in diffs)
        out.append((
            "crossyear.carried_over",
            tuple(f"applications.carried_over.{c}" for c, _, _ in diffs),
            f"上年结转 differs from 结转下年度继续办理 of the {prev_year} report ({prev_path}): {detail}",
        ))
    if both_2021:
        for row, label in _ACTIVE_ROWS.items():
            last = prev.get(f"active_disclosure.{row}.in_force")
            issued = cur.get(f"active_disclosure.{row}.issued")
            repealed = cur.get(f"active_disclosure.{row}.repealed")
            now = cur.get(f"active_disclosure.{row}.in_force")
            if None in (last, issued, repealed, now):
                continue
            expected = last + issued - repealed  # type: ignore[operator]
            if now != expected:
                out.append((
                    "crossyear.in_force",
                    (f"active_disclosure.{row}.in_force",),
                    f"现行有效件数 of {label} is {_fmt(now)}, but the {prev_year} report's {_fmt(last)} "
                    f"+ 本年制发 {_fmt(issued)} − 本年废止 {_fmt(repealed)} = {_fmt(expected)} ({prev_path})",
                ))
    return out


def _reports(con: duckdb.DuckDBPyConnection) -> list[_Report]:
    rows = con.execute(
        "SELECT sha256, path, unit_key, province, city, county, year, template, n_errors FROM reports "
        "WHERE status = 'parsed' AND unit_key IS NOT NULL AND year IS NOT NULL"
    ).fetchall()
    return [_Report(r[0], r[1], Unit(r[2], r[3], r[4], r[5]), r[6], r[7], r[8] or 0) for r in rows]


def pair_reports(reports: list[_Report]) -> list[tuple[_Report, _Report]]:
    """``(previous, report)`` for every report with a compatible report of the year before.

    Of several candidates (the same report twice, as HTML and as PDF) the one with the fewest
    errors is taken, then the first by path, so the choice does not depend on arrival order.
    """
    by_key: dict[tuple[str, int], list[_Report]] = defaultdict(list)
    for r in reports:
        by_key[(r.unit.key, r.year)].append(r)
    pairs = []
    for r in reports:
        cands = [p for p in by_key.get((r.unit.key, r.year - 1), []) if p.unit.compatible(r.unit)]
        if cands:
            pairs.append((min(cands, key=lambda p: (p.n_errors, p.path, p.sha)), r))
    return pairs


def _values(con: duckdb.DuckDBPyConnection, shas: list[str]) -> dict[str, Values]:
    out: dict[str, Values] = defaultdict(dict)
    if not shas:
        return out
    for sha, table, row, col, value in con.execute(
        "SELECT report, table_key, row_key, column_key, value FROM cells WHERE report IN (SELECT unnest(?)) AND ("
        "(table_key = 'applications' AND row_key IN ('carried_over', 'carried_forward')) OR "
        "(table_key = 'active_disclosure' AND row_key IN ('rules', 'normative_documents')))",
        [shas],
    ).fetchall():
        out[sha][f"{table}.{row}.{col}"] = value
    return out


def compute(con: duckdb.DuckDBPyConnection) -> tuple[list[tuple[_Report, _Report]], list[CrossYearIssue]]:
    """All year pairs and the cross-year issues found in the database."""
    pairs = pair_reports(_reports(con))
    vals = _values(con, sorted({r.sha for pair in pairs for r in pair}))
    issues = []
    for prev, cur in pairs:
        both_2021 = prev.template == "2021" and cur.template == "2021"
        for code, cells, msg in check_pair(vals.get(prev.sha, {}), vals.get(cur.sha, {}), prev.year, prev.path,
                                           both_2021):
            issues.append(CrossYearIssue(cur.sha, prev.sha, code, cells, msg))
    return pairs, issues


def recompute(writer: Writer) -> int:
    """Replace the stored cross-year issues and year links (one transaction); returns the issue count."""
    pairs, issues = compute(writer.con)
    seen: dict[str, int] = defaultdict(int)
    rows = []
    for i in issues:
        rows.append({"report": i.report, "origin": "crossyear", "idx": seen[i.report], "code": i.code,
                     "severity": "warning", "cells": list(i.cells), "message": i.message, "other_report": i.previous})
        seen[i.report] += 1
    links = pa.table(
        {
            "report": [cur.sha for _, cur in pairs],
            "previous": [prev.sha for prev, _ in pairs],
            "unit_key": [cur.unit.key for _, cur in pairs],
            "year": pa.array([cur.year for _, cur in pairs], pa.int32()),
        }
    )
    writer.replace_crossyear(pa.Table.from_pylist(rows, schema=ISSUES), links)
    return len(issues)
