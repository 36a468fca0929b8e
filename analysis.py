"""Researchers' API over a database written by ``gongkai ingest``: pandas frames of the figures
that ``gongkai analyze`` shows, the page itself and the tidy exports.

    from gongkai import analysis
    analysis.category_counts("reports.duckdb", by="year", level="街道")
    analysis.quotes("reports.duckdb", category="staffing", year=(2021, 2023))
    analysis.write_html("reports.duckdb", "analysis.html")

``db`` is a path, an open :class:`~gongkai.data.store.api.ReportDB` or a DuckDB connection;
filters are ``year=2022`` or ``year=(2020, 2023)``, ``level=``, ``province=``, ``city=``
(a string or a list).
"""

from __future__ import annotations

from gongkai.data.analysis.export import DICTIONARY, dictionary_markdown, export, frames
from gongkai.data.analysis.filters import Filters
from gongkai.data.analysis.html import write_html
from gongkai.data.analysis.labels import CATEGORY_LABELS, LEVELS
from gongkai.data.analysis.queries import (
    AnalysisError,
    applications_by_level,
    category_counts,
    cooccurrence,
    denial_reasons,
    failures,
    issues_summary,
    outcome_rates,
    quotes,
    recurring_problems,
    report_categories,
    report_cells,
    reports,
    reports_with_issues,
    review_outcomes,
)
from gongkai.data.analysis.yoy import changes, reuse, top_reusers

__all__ = [
    "CATEGORY_LABELS",
    "DICTIONARY",
    "LEVELS",
    "AnalysisError",
    "Filters",
    "applications_by_level",
    "category_counts",
    "changes",
    "cooccurrence",
    "denial_reasons",
    "dictionary_markdown",
    "export",
    "failures",
    "frames",
    "issues_summary",
    "outcome_rates",
    "quotes",
    "recurring_problems",
    "report_categories",
    "report_cells",
    "reports",
    "reports_with_issues",
    "reuse",
    "review_outcomes",
    "top_reusers",
    "write_html",
]
