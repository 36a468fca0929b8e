"""Year over year over a database: how much of each report is last year's, and what changed.

The rows come from ``gongkai ingest`` (``year_sections``, ``year_reuse``, ``year_cells``; see
:mod:`gongkai.data.store.yearcompare`); a report is counted in the year it reports on, with the
unit and region columns of the reports it is filtered by (:class:`Filters`).
"""

from __future__ import annotations

import pandas as pd

from gongkai.data.analysis.filters import Filters
from gongkai.data.analysis.queries import AnalysisError, Db, _frame, _group, connection
from gongkai.data.store.schema import YEAR_TABLES

REUSE_BY = ("year", "admin_level", "province", "city", "county", "unit_key")


def _check(db: Db) -> None:
    with connection(db) as con:
        have = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if not set(YEAR_TABLES) <= have:
        raise AnalysisError("the database has no year-over-year rows yet; run gongkai ingest on it once more")


def reuse(db: Db, by: str | None = "year", topic: str | None = None, **filters) -> pd.DataFrame:
    """Reuse share by ``by`` (year, admin_level, province, city, county, unit_key) and topic.

    ``share`` weighs every report by its characters (the share of all text of the group that is
    last year's); ``mean_share`` is the plain mean over reports; ``reports`` counts the reports with
    text of the topic. ``topic`` keeps one of problems, improvements, problems_and_improvements, all.
    """
    _check(db)
    by = _group(by)
    if by is not None and by not in REUSE_BY:
        raise ValueError(f"cannot group reuse by {by!r}; one of {', '.join(REUSE_BY)}")
    cte, params = Filters.of(**filters).cte()
    key = f"rep.{by}, " if by else ""
    cond = "AND y.topic = ?" if topic else ""
    return _frame(db, f"""WITH {cte}
        SELECT {key}y.topic, count(*) AS reports, sum(y.chars) AS chars,
               sum(y.share * y.chars) / nullif(sum(y.chars), 0) AS share, avg(y.share) AS mean_share
        FROM year_reuse y JOIN rep ON rep.report = y.report
        WHERE y.share IS NOT NULL {cond}
        GROUP BY ALL ORDER BY {key}y.topic""", [*params, *([topic] if topic else [])])


def changes(db: Db, **filters) -> pd.DataFrame:
    """One row per year link: the unit, both years, paragraph counts, the least similar section,
    reuse of problems and improvements, and how many table cells changed."""
    _check(db)
    cte, params = Filters.of(**filters).cte()
    return _frame(db, f"""WITH {cte},
        sec AS (SELECT report, previous, sum(added) AS added, sum(removed) AS removed, sum(changed) AS changed,
                       sum(unchanged) AS unchanged, sum(moved) AS moved,
                       arg_min(section, similarity) AS least_similar_section, min(similarity) AS least_similarity
                FROM year_sections GROUP BY ALL),
        ru AS (SELECT report, max(share) FILTER (WHERE topic = 'problems') AS reuse_problems,
                      max(share) FILTER (WHERE topic = 'improvements') AS reuse_improvements,
                      max(share) FILTER (WHERE topic = 'problems_and_improvements') AS reuse_problems_and_improvements,
                      max(share) FILTER (WHERE topic = 'all') AS reuse_all
               FROM year_reuse GROUP BY ALL),
        cmp AS (SELECT l.report, count(*) AS cells_compared FROM year_links l
                JOIN cells a ON a.report = l.previous JOIN cells b ON b.report = l.report
                 AND b.table_key = a.table_key AND b.row_key = a.row_key AND b.column_key = a.column_key
                WHERE a.value IS NOT NULL AND b.value IS NOT NULL GROUP BY ALL),
        ce AS (SELECT report, count(*) FILTER (WHERE delta <> 0) AS cells_changed,
                      max(abs(delta)) FILTER (WHERE table_key = 'applications' AND column_key = 'total')
                        AS biggest_applications_change
               FROM year_cells GROUP BY ALL)
        SELECT rep.report, sec.previous, rep.path, p.path AS previous_path, rep.organization, rep.unit_key,
               p.year AS previous_year, rep.year, rep.admin_level, rep.province, rep.city, rep.county,
               sec.* EXCLUDE (report, previous), ru.* EXCLUDE (report), coalesce(cmp.cells_compared, 0) AS cells_compared,
               coalesce(ce.cells_changed, 0) AS cells_changed, ce.biggest_applications_change
        FROM sec JOIN rep USING (report) JOIN reports p ON p.sha256 = sec.previous
        LEFT JOIN ru USING (report) LEFT JOIN ce USING (report) LEFT JOIN cmp USING (report)
        ORDER BY rep.unit_key, rep.year""", params)


def top_reusers(db: Db, topic: str = "problems_and_improvements", limit: int = 20, **filters) -> pd.DataFrame:
    """The units that repeat the most: mean reuse share of ``topic`` over their year links."""
    _check(db)
    cte, params = Filters.of(**filters).cte()
    return _frame(db, f"""WITH {cte}
        SELECT rep.unit_key, arg_max(rep.organization, rep.year) AS organization, count(*) AS links,
               avg(y.share) AS mean_share, min(rep.year) AS first_year, max(rep.year) AS last_year
        FROM year_reuse y JOIN rep ON rep.report = y.report
        WHERE y.topic = ? AND y.share IS NOT NULL AND rep.unit_key IS NOT NULL
        GROUP BY ALL ORDER BY mean_share DESC, links DESC, rep.unit_key LIMIT ?""", [*params, topic, int(limit)])



