"""The facts the page is built from: one compact row per report, embedded in the HTML as JSON.

The page filters and aggregates these rows in the browser, so a filter changes every figure
without a server. Aggregates are the same sums and counts as the SQL of :mod:`.queries`
(null values skipped), which the tests check against each other.
"""

from __future__ import annotations

import math
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb

from gongkai.data.analysis.filters import Filters
from gongkai.data.analysis.labels import (
    CATEGORY_LABELS,
    LEVELS,
    OUTCOME_GROUPS,
    PROCEEDING_OUTCOMES,
    PROCEEDINGS,
    refusal_rows,
)
from gongkai.data.labels import CATEGORIES

REPORT_FIELDS = ("report", "path", "organization", "unit_key", "year", "admin_level", "province", "city",
                 "county", "format")
REVIEW_COLUMNS = ("upheld", "corrected", "other", "pending", "total")
DEFAULT_QUOTES = 200


def stat_fields() -> list[tuple[str, str]]:
    """``(name, SQL aggregate over one report's cells)`` of the numbers kept per report."""
    app = "table_key = 'applications' AND column_key = 'total'"
    out = [("new_received", f"sum(value) FILTER (WHERE {app} AND row_key = 'new_received')"),
           ("handled", f"sum(value) FILTER (WHERE {app} AND row_key = 'total')")]
    for group in OUTCOME_GROUPS:
        cond = f"row_key = '{group}'" if group in ("granted", "partially_granted") else f"row_key LIKE '{group}.%'"
        out.append((group, f"sum(value) FILTER (WHERE {app} AND {cond})"))
    for row in refusal_rows():
        out.append((f"reason:{row}", f"sum(value) FILTER (WHERE {app} AND row_key = '{row}')"))
    for proc in PROCEEDINGS:
        for col in REVIEW_COLUMNS:
            out.append((f"review:{proc}.{col}", "sum(value) FILTER (WHERE table_key = 'review_litigation' "
                                                f"AND row_key = '{proc}' AND column_key = '{col}')"))
    return out


def _num(v: Any) -> int | float | None:
    """JSON-friendly numbers: integers as integers, NaN as null."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


YOY_FIELDS = ("report", "previous", "problems", "improvements", "problems_and_improvements", "all",
              "chars_pi", "added", "removed", "changed", "unchanged", "href")


def _year_over_year(con: duckdb.DuckDBPyConnection, index: dict[str, int]) -> dict[str, Any]:
    """Per year link among the embedded reports: reuse shares and paragraph counts (see
    :mod:`gongkai.data.store.yearcompare`); empty for a database without those rows."""
    have = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    rows: list[list[Any]] = []
    if {"year_reuse", "year_sections"} <= have:
        for r in con.execute("""
                WITH ru AS (SELECT report, previous,
                        max(share) FILTER (WHERE topic = 'problems') AS p,
                        max(share) FILTER (WHERE topic = 'improvements') AS i,
                        max(share) FILTER (WHERE topic = 'problems_and_improvements') AS pi,
                        max(share) FILTER (WHERE topic = 'all') AS a,
                        max(chars) FILTER (WHERE topic = 'problems_and_improvements') AS n
                    FROM year_reuse GROUP BY ALL),
                 se AS (SELECT report, sum(added), sum(removed), sum(changed), sum(unchanged) FROM year_sections GROUP BY ALL)
                SELECT ru.*, se.* EXCLUDE (report) FROM ru LEFT JOIN se USING (report) ORDER BY ru.report""").fetchall():
            if r[0] in index and r[1] in index:
                rows.append([index[r[0]], index[r[1]], *(_num(v) for v in r[2:]), None])
    return {"fields": list(YOY_FIELDS), "rows": rows}


def build_payload(con: duckdb.DuckDBPyConnection, db_path: str | os.PathLike[str] | None = None,
                  max_quotes: int = DEFAULT_QUOTES, filters: Filters | None = None) -> dict[str, Any]:
    """Everything the page shows, from one open database; ``filters`` limits the reports embedded."""
    cond, params = (filters or Filters()).where()
    reports = con.execute(
        "SELECT sha256, path, organization, unit_key, year, admin_level, province, city, county, format "
        f"FROM reports r WHERE {cond} ORDER BY year, organization, path", params).fetchall()
    index = {r[0]: i for i, r in enumerate(reports)}

    # Categories per report: [[category index, segments naming it], …]
    found = [r[0] for r in con.execute(
        "SELECT DISTINCT c FROM segments, unnest(categories) AS t(c) ORDER BY c").fetchall()]
    categories = list(CATEGORIES) + [c for c in found if c not in CATEGORIES]
    cat_index = {c: i for i, c in enumerate(categories)}
    cats: list[list[list[int]]] = [[] for _ in reports]
    for sha, cat, n in con.execute(
            "SELECT s.report, c, count(DISTINCT s.idx) FROM segments s, unnest(s.categories) AS t(c) "
            "GROUP BY ALL ORDER BY ALL").fetchall():
        if sha in index:
            cats[index[sha]].append([cat_index[cat], n])

    fields = stat_fields()
    stats: list[list[Any] | None] = [None] * len(reports)
    aggs = ", ".join(expr for _, expr in fields)
    for row in con.execute(f"SELECT report, {aggs} FROM cells GROUP BY report").fetchall():
        if row[0] in index:
            stats[index[row[0]]] = [_num(v) for v in row[1:]]

    # Quotes: segments naming a category; at most ``max_quotes`` per category, spread over the
    # collection by a stable hash rather than the first reports in some order.
    quotes = []
    for sha, idx, topic, start, end, text, seg_cats in con.execute(f"""
            WITH sc AS (SELECT s.report, s.idx, c, row_number() OVER (PARTITION BY c ORDER BY hash(s.report, s.idx)) AS k
                        FROM segments s JOIN reports r ON r.sha256 = s.report AND {cond},
                             unnest(s.categories) AS t(c)),
                 keep AS (SELECT DISTINCT report, idx FROM sc WHERE k <= ?)
            SELECT s.report, s.idx, s.topic, s.start_char, s.end_char, s.text, s.categories
            FROM segments s JOIN keep USING (report, idx) ORDER BY s.report, s.idx""",
            [*params, max_quotes]).fetchall():
        quotes.append([index[sha], idx, topic, start, end, text, [cat_index[c] for c in seg_cats]])

    issues = [[index[sha], code, severity, origin, message] for sha, code, severity, origin, message in con.execute(
        "SELECT report, code, severity, origin, message FROM issues WHERE severity IN ('error', 'warning') "
        "ORDER BY report, origin, idx").fetchall() if sha in index]
    failures = [list(r) for r in con.execute(
        "SELECT path, stage, error, format FROM failures ORDER BY stage, path").fetchall()]
    n_failed = con.execute("SELECT count(*) FROM reports WHERE status = 'failed'").fetchall()[0][0]

    return {
        "yoy": _year_over_year(con, index),
        "meta": {
            "db": Path(db_path).name if db_path else "",
            "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "n_failed_reports": n_failed,
            "max_quotes": max_quotes,
            "filters": (filters or Filters()).describe(),
        },
        "labels": {
            "categories": categories,
            "category_labels": {c: CATEGORY_LABELS.get(c, c) for c in categories},
            "levels": list(LEVELS),
            "outcomes": OUTCOME_GROUPS,
            "reasons": refusal_rows(),
            "proceedings": PROCEEDINGS,
            "proceeding_outcomes": PROCEEDING_OUTCOMES,
        },
        "report_fields": list(REPORT_FIELDS),
        "reports": [list(r) for r in reports],
        "categories": cats,
        "stat_fields": [name for name, _ in fields],
        "stats": stats,
        "quotes": quotes,
        "issues": issues,
        "failures": failures,
    }
