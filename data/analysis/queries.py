"""The figures of the researchers' view as SQL over an ingested database, returned as pandas frames.

Every function takes ``db`` (a path, a :class:`~gongkai.data.store.api.ReportDB` or a DuckDB
connection) and the filters of :meth:`Filters.of` (``year=2022`` or ``year=(2020, 2023)``,
``level=``, ``province=``, ``city=``; a string or a list). Reports are the parsed ones; a
report *names* a category when any of its segments lists it in ``categories``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb
import pandas as pd

from gongkai.data.analysis.filters import Filters
from gongkai.data.analysis.labels import PROCEEDINGS, REFUSAL_GROUPS, refusal_rows
from gongkai.data.errors import GongkaiError
from gongkai.data.store.schema import TABLES, YEAR_TABLES

GROUP_COLUMNS = ("year", "admin_level", "province", "city", "county", "format", "template", "unit_key")
UNIT_COLUMNS = "rep.report, rep.path, rep.organization, rep.unit_key, rep.year, rep.admin_level, rep.province, rep.city, rep.county"
# (report, category) for every category a report names, with how many segments name it.
CATEGORY_SEGMENTS = """cat AS (
    SELECT s.report, c.category, count(DISTINCT s.idx) AS n_segments,
           count(DISTINCT s.idx) FILTER (WHERE s.topic = 'problems') AS n_problem_segments,
           count(DISTINCT s.idx) FILTER (WHERE s.topic = 'improvements') AS n_improvement_segments
    FROM segments s, unnest(s.categories) AS c(category)
    GROUP BY ALL)"""


class AnalysisError(GongkaiError, RuntimeError):
    """The database cannot be analysed (not an ingested database); the message says why."""


Db = Any  # str | os.PathLike | ReportDB | duckdb.DuckDBPyConnection


@contextmanager
def connection(db: Db) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection to ``db``; opened read-only (and closed) when ``db`` is a path."""
    if isinstance(db, duckdb.DuckDBPyConnection):
        yield db
        return
    if hasattr(db, "con"):
        yield db.con
        return
    from gongkai.data.store.writer import connect

    con = connect(os.fspath(db), read_only=True)
    try:
        have = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        missing = [t for t in TABLES if t not in have and t not in YEAR_TABLES]
        if missing:
            raise AnalysisError(f"{os.fspath(db)} is not a gongkai database (no table {missing[0]!r}); "
                                "build one with gongkai ingest")
        yield con
    finally:
        con.close()


_INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"}


def _frame(db: Db, sql: str, params: list | None = None) -> pd.DataFrame:
    with connection(db) as con:
        rel = con.sql(sql, params=params or None)
        types = [(name, str(typ)) for name, typ in zip(rel.columns, rel.types, strict=True)]
        frame = rel.df()
    # pandas turns an integer column with a NULL into floats (2019.0); keep integers integers.
    for name, typ in types:
        if typ in _INTEGER_TYPES and frame[name].dtype.kind == "f":
            frame[name] = frame[name].astype("Int64")
    return frame


def _group(by: str | None) -> str | None:
    if by is not None and by not in GROUP_COLUMNS:
        raise ValueError(f"cannot group by {by!r}; one of {', '.join(GROUP_COLUMNS)}")
    return by


# ---- reports and categories ------------------------------------------------------------------
def reports_sql(**filters) -> tuple[str, list]:
    """The query of :func:`reports` and its parameters."""
    cte, params = Filters.of(**filters).cte()
    return f"""WITH {cte}, {CATEGORY_SEGMENTS}
        SELECT rep.*, count(cat.category) AS n_categories
        FROM rep LEFT JOIN cat USING (report)
        GROUP BY ALL ORDER BY rep.year, rep.organization, rep.path""", params


def reports(db: Db, **filters) -> pd.DataFrame:
    """One row per parsed report: its unit, year, level and region, and how many categories it names."""
    return _frame(db, *reports_sql(**filters))


def report_categories_sql(*, all_categories: bool = False, **filters) -> tuple[str, list]:
    """The query of :func:`report_categories` and its parameters."""
    cte, params = Filters.of(**filters).cte()
    if all_categories:
        from gongkai.data.labels import CATEGORIES

        source = """keys AS (SELECT unnest(?::VARCHAR[]) AS category UNION SELECT category FROM cat),
            grid AS (SELECT rep.report, keys.category FROM rep, keys)"""
        body = f"""SELECT {UNIT_COLUMNS}, grid.category, cat.category IS NOT NULL AS named,
                coalesce(cat.n_segments, 0) AS n_segments,
                coalesce(cat.n_problem_segments, 0) AS n_problem_segments,
                coalesce(cat.n_improvement_segments, 0) AS n_improvement_segments
            FROM grid JOIN rep USING (report) LEFT JOIN cat USING (report, category)"""
        return (f"WITH {cte}, {CATEGORY_SEGMENTS}, {source} {body} "
                "ORDER BY rep.year, rep.organization, rep.path, grid.category", [*params, list(CATEGORIES)])
    return f"""WITH {cte}, {CATEGORY_SEGMENTS}
        SELECT {UNIT_COLUMNS}, cat.category, TRUE AS named, cat.n_segments, cat.n_problem_segments,
               cat.n_improvement_segments
        FROM cat JOIN rep USING (report)
        ORDER BY rep.year, rep.organization, rep.path, cat.category""", params


def report_categories(db: Db, *, all_categories: bool = False, **filters) -> pd.DataFrame:
    """One row per report × category it names (``all_categories``: every report × every category
    of the taxonomy and any other found, with ``named`` False and zero counts where not named)."""
    return _frame(db, *report_categories_sql(all_categories=all_categories, **filters))


def category_counts(db: Db, by: str | None = None, **filters) -> pd.DataFrame:
    """How many reports name each category (``reports``), out of the reports in the group
    (``n_reports``), overall or per ``by`` (year, admin_level, province, city, …)."""
    by = _group(by)
    cte, params = Filters.of(**filters).cte()
    key = f"rep.{by}, " if by else ""
    join = f"grp.{by} IS NOT DISTINCT FROM rep.{by}" if by else "TRUE"
    return _frame(db, f"""WITH {cte}, {CATEGORY_SEGMENTS},
        grp AS (SELECT {key}count(*) AS n_reports FROM rep GROUP BY ALL)
        SELECT {key}cat.category, count(*) AS reports, any_value(grp.n_reports) AS n_reports,
               count(*) / any_value(grp.n_reports) AS share
        FROM cat JOIN rep USING (report) JOIN grp ON {join}
        GROUP BY ALL ORDER BY {key}reports DESC, cat.category""", params)


def cooccurrence(db: Db, **filters) -> pd.DataFrame:
    """Pairs of categories named in the same report: ``reports`` naming both (a < b)."""
    cte, params = Filters.of(**filters).cte()
    return _frame(db, f"""WITH {cte}, {CATEGORY_SEGMENTS},
        rc AS (SELECT cat.report, cat.category FROM cat JOIN rep USING (report))
        SELECT a.category AS category_a, b.category AS category_b, count(*) AS reports
        FROM rc a JOIN rc b ON a.report = b.report AND a.category < b.category
        GROUP BY ALL ORDER BY reports DESC, category_a, category_b""", params)


def recurring_problems(db: Db, min_run: int = 2, **filters) -> pd.DataFrame:
    """Units (by ``unit_key``) naming the same category in at least ``min_run`` consecutive years:
    the years they name it, and the longest run of consecutive years."""
    cte, params = Filters.of(**filters).cte()
    return _frame(db, f"""WITH {cte}, {CATEGORY_SEGMENTS},
        uc AS (SELECT DISTINCT rep.unit_key, cat.category, rep.year FROM cat JOIN rep USING (report)
               WHERE rep.unit_key IS NOT NULL AND rep.year IS NOT NULL),
        runs AS (SELECT unit_key, category, year,
                        year - row_number() OVER (PARTITION BY unit_key, category ORDER BY year) AS grp FROM uc),
        streak AS (SELECT unit_key, category, grp, count(*) AS run FROM runs GROUP BY ALL),
        names AS (SELECT unit_key, arg_max(organization, year) AS organization FROM rep
                  WHERE unit_key IS NOT NULL GROUP BY ALL)
        SELECT s.unit_key, n.organization, s.category, max(s.run) AS longest_run,
               (SELECT list(year ORDER BY year) FROM uc WHERE uc.unit_key = s.unit_key
                 AND uc.category = s.category) AS years
        FROM streak s JOIN names n USING (unit_key)
        GROUP BY ALL HAVING max(s.run) >= ?
        ORDER BY longest_run DESC, s.unit_key, s.category""", [*params, int(min_run)])


def quotes_sql(category: str | None = None, limit: int | None = None, **filters) -> tuple[str, list]:
    """The query of :func:`quotes` and its parameters."""
    cte, params = Filters.of(**filters).cte()
    cond = "TRUE"
    if category is not None:
        cond = "c.category = ?"
        params = [*params, category]
    lim = f" LIMIT {int(limit)}" if limit is not None else ""
    return f"""WITH {cte}
        SELECT c.category, {UNIT_COLUMNS}, s.idx AS segment, s.topic, s.start_char, s.end_char, s.text
        FROM segments s, unnest(s.categories) AS c(category) JOIN rep ON rep.report = s.report
        WHERE {cond}
        ORDER BY c.category, rep.year, rep.organization, rep.path, s.idx{lim}""", params


def quotes(db: Db, category: str | None = None, limit: int | None = None, **filters) -> pd.DataFrame:
    """The stored segments that name a category, one row per segment × category it names, with the
    report, unit and year and the segment's offsets into the record text (``start_char``/``end_char``)."""
    return _frame(db, *quotes_sql(category, limit, **filters))


# ---- table statistics --------------------------------------------------------------------------
def _total(row: str) -> str:
    return f"sum(value) FILTER (WHERE row_key = '{row}')"


def _group_sum(group: str) -> str:
    return f"sum(value) FILTER (WHERE row_key LIKE '{group}.%')"


# Per report: the applications table's ``total`` column, summed by outcome group (NULL when
# the report has no such value).
PER_REPORT_OUTCOMES = f"""app AS (
    SELECT report, {_total('new_received')} AS new_received, {_total('total')} AS handled,
           {_total('granted')} AS granted, {_total('partially_granted')} AS partially_granted,
           {', '.join(f'{_group_sum(g)} AS {g}' for g in REFUSAL_GROUPS)}
    FROM cells WHERE table_key = 'applications' AND column_key = 'total' GROUP BY report)"""


def applications_by_level(db: Db, **filters) -> pd.DataFrame:
    """Applications received in the year (一、本年新收, total column) per report, by admin level:
    reports with the figure, their sum, mean, median and maximum."""
    cte, params = Filters.of(**filters).cte()
    return _frame(db, f"""WITH {cte}, {PER_REPORT_OUTCOMES}
        SELECT rep.admin_level, count(app.new_received) AS reports, sum(app.new_received) AS applications,
               avg(app.new_received) AS mean, median(app.new_received) AS median, max(app.new_received) AS max
        FROM rep JOIN app USING (report) WHERE app.new_received IS NOT NULL
        GROUP BY ALL ORDER BY rep.admin_level""", params)


def outcome_rates(db: Db, by: str | None = "admin_level", **filters) -> pd.DataFrame:
    """Applications handled ((七)总计) and how they ended — granted, partially granted, denied,
    unable, not processed, other — with each as a rate of the handled total, per ``by``."""
    by = _group(by)
    cte, params = Filters.of(**filters).cte()
    key = f"rep.{by}, " if by else ""
    groups = ("granted", "partially_granted", *REFUSAL_GROUPS)
    sums = ", ".join(f"sum(app.{g}) AS {g}" for g in groups)
    rates = ", ".join(f"{g} / nullif(handled, 0) AS {g}_rate" for g in groups)
    return _frame(db, f"""WITH {cte}, {PER_REPORT_OUTCOMES},
        t AS (SELECT {key}count(app.handled) AS reports, sum(app.handled) AS handled, {sums}
              FROM rep JOIN app USING (report) GROUP BY ALL)
        SELECT *, {rates} FROM t ORDER BY ALL""", params)


def denial_reasons(db: Db, **filters) -> pd.DataFrame:
    """Every refusal reason of the applications table (不予公开, 无法提供, 不予处理, 其他处理 rows):
    applications it was given for (total column) and reports that used it, most used first."""
    cte, params = Filters.of(**filters).cte()
    labels = refusal_rows()
    values = ", ".join(f"('{k}', '{v}')" for k, v in labels.items())
    return _frame(db, f"""WITH {cte}, lab(row_key, label) AS (VALUES {values})
        SELECT c.row_key AS reason, split_part(c.row_key, '.', 1) AS "group", any_value(lab.label) AS label,
               sum(c.value) AS applications, count(*) FILTER (WHERE c.value > 0) AS reports
        FROM cells c JOIN rep ON rep.report = c.report JOIN lab ON lab.row_key = c.row_key
        WHERE c.table_key = 'applications' AND c.column_key = 'total'
        GROUP BY ALL ORDER BY applications DESC NULLS LAST, reason""", params)


def review_outcomes(db: Db, **filters) -> pd.DataFrame:
    """Administrative review and litigation: cases per proceeding and outcome, summed over reports,
    with the share corrected among the concluded (upheld + corrected + other)."""
    cte, params = Filters.of(**filters).cte()
    order = ", ".join(f"'{k}'" for k in PROCEEDINGS)
    return _frame(db, f"""WITH {cte},
        t AS (SELECT c.row_key AS proceeding, count(DISTINCT c.report) AS reports,
                     {', '.join(f"sum(c.value) FILTER (WHERE c.column_key = '{k}') AS {k}"
                                for k in ('upheld', 'corrected', 'other', 'pending', 'total'))}
              FROM cells c JOIN rep ON rep.report = c.report
              WHERE c.table_key = 'review_litigation' GROUP BY ALL)
        SELECT *, corrected / nullif(upheld + corrected + other, 0) AS corrected_rate FROM t
        ORDER BY list_position([{order}], proceeding)""", params)


def report_cells_sql(table: str | None = None, **filters) -> tuple[str, list]:
    """The query of :func:`report_cells` and its parameters."""
    cte, params = Filters.of(**filters).cte()
    cond = "TRUE"
    if table is not None:
        cond = "c.table_key = ?"
        params = [*params, table]
    return f"""WITH {cte}
        SELECT {UNIT_COLUMNS}, c.table_key, c.row_key, c.column_key, c.value, c.repaired
        FROM cells c JOIN rep ON rep.report = c.report WHERE {cond}
        ORDER BY rep.year, rep.organization, rep.path, c.table_key, c.row_key, c.column_key""", params


def report_cells(db: Db, table: str | None = None, **filters) -> pd.DataFrame:
    """One row per report × table cell (``table_key``, ``row_key``, ``column_key``, ``value``,
    ``repaired``) with the report's unit columns; ``table`` keeps one of the three tables."""
    return _frame(db, *report_cells_sql(table, **filters))


# ---- data quality --------------------------------------------------------------------------------
UNRESOLVED = "severity IN ('error', 'warning')"


def issues_summary(db: Db, **filters) -> pd.DataFrame:
    """Unresolved issues (errors and warnings, from the parser and the cross-year checks) by code:
    how many issues and how many reports carry them."""
    cte, params = Filters.of(**filters).cte()
    return _frame(db, f"""WITH {cte}
        SELECT i.code, i.severity, i.origin, count(*) AS issues, count(DISTINCT i.report) AS reports
        FROM issues i JOIN rep ON rep.report = i.report WHERE i.{UNRESOLVED}
        GROUP BY ALL ORDER BY reports DESC, issues DESC, i.code""", params)


def reports_with_issues(db: Db, **filters) -> pd.DataFrame:
    """Reports with unresolved issues: errors, warnings and the issue codes."""
    cte, params = Filters.of(**filters).cte()
    return _frame(db, f"""WITH {cte}
        SELECT {UNIT_COLUMNS}, count(*) FILTER (WHERE i.severity = 'error') AS errors,
               count(*) FILTER (WHERE i.severity = 'warning') AS warnings, list(DISTINCT i.code ORDER BY i.code) AS codes
        FROM issues i JOIN rep ON rep.report = i.report WHERE i.{UNRESOLVED}
        GROUP BY ALL ORDER BY errors DESC, warnings DESC, rep.path""", params)


def failures(db: Db) -> pd.DataFrame:
    """Inputs that could not be read or parsed: path, stage, the error in plain words."""
    return _frame(db, "SELECT path, stage, error, format, sha256 FROM failures ORDER BY stage, path")
