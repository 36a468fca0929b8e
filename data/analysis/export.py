"""Tidy tables for researchers' own statistics, as CSV or Parquet, with their data dictionary.

Each file is one frame of the :mod:`gongkai.data.analysis.queries` API over the same
filters, so the exports, the page and the API agree by construction.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from gongkai.data.analysis import queries

UNIT = {
    "report": "the report's id: sha256 of the input file (reports.sha256 in the database)",
    "path": "the first path the report was found under",
    "organization": "the unit as printed in the report (e.g. 七一路街道办事处)",
    "unit_key": "normalised unit identity across years (region|name), empty when the region is unknown",
    "year": "the year the report is about (not the publication year)",
    "admin_level": "省级 地市 县区 乡镇 街道 部门 其他, empty when not recognised",
    "province": "province as the unit's name gives it, or of its city/county (a unique name in the division table); empty when unknown",
    "city": "city (地级市 / 县级市) as the unit's name gives it, or of its county when unique; empty when unknown",
    "county": "county or district as the unit's name gives it; empty when not stated",
}

DICTIONARY: dict[str, tuple[str, dict[str, str]]] = {
    "reports": ("one row per parsed report", {
        **UNIT,
        "format": "input format detected by content: txt md html docx pdf pdf-scanned image",
        "template": "the report form: 2021, 2019 or unknown",
        "n_categories": "how many problem categories the report names",
    }),
    "report_categories": ("one row per report × problem category (every category of the taxonomy for every "
                          "report; named is false where the report does not name it)", {
        **UNIT,
        "category": "problem category key (problem-taxonomy.md): staffing timeliness completeness quality "
                    "interpretation channels platform mechanism awareness interaction requests coordination publicity",
        "named": "true when at least one of the report's narrative segments names the category",
        "n_segments": "segments of the report naming it",
        "n_problem_segments": "of which in 存在的主要问题 (topic problems)",
        "n_improvement_segments": "of which in 改进情况 (topic improvements)",
    }),
    "report_cells": ("one row per report × table cell (the three statistical tables, long format)", {
        **UNIT,
        "table_key": "active_disclosure (section 2), applications (section 3) or review_litigation (section 4)",
        "row_key": "row of the printed form, e.g. new_received, denied.state_secret, review (report-schema.md)",
        "column_key": "column, e.g. natural_person … total (applications), upheld … total (review_litigation)",
        "value": "the number; empty when not printed or not readable",
        "repaired": "true when derived from the table's consistency relations rather than read",
    }),
    "report_quotes": ("one row per narrative segment × category it names: the sentences themselves", {
        "category": "problem category key",
        **UNIT,
        "segment": "the segment's index in the report",
        "topic": "problems or improvements (or another narrative topic)",
        "start_char": "start offset of the segment in the record's normalised text (reports.record → text)",
        "end_char": "end offset (exclusive)",
        "text": "the segment's text as stored",
    }),
}

FORMATS = ("csv", "parquet")


def dictionary_markdown() -> str:
    """The data dictionary of the exported tables as Markdown (the README section's text)."""
    lines = []
    for name, (what, cols) in DICTIONARY.items():
        lines += [f"**`{name}`** — {what}.", "", "| column | meaning |", "|---|---|"]
        lines += [f"| `{c}` | {m} |" for c, m in cols.items()]
        lines.append("")
    return "\n".join(lines)


def frames(db: queries.Db, **filters) -> dict[str, pd.DataFrame]:
    """The tidy tables as pandas frames, by file name."""
    with queries.connection(db) as con:
        return {
            "reports": queries.reports(con, **filters),
            "report_categories": queries.report_categories(con, all_categories=True, **filters),
            "report_cells": queries.report_cells(con, **filters),
            "report_quotes": queries.quotes(con, **filters),
        }


def arrow_tables(con, **filters) -> dict[str, pa.Table]:
    """The same tables as Arrow tables (no pandas round trip: an order faster for the cells)."""
    queries_by_name = {
        "reports": queries.reports_sql(**filters),
        "report_categories": queries.report_categories_sql(all_categories=True, **filters),
        "report_cells": queries.report_cells_sql(**filters),
        "report_quotes": queries.quotes_sql(**filters),
    }
    return {name: con.sql(sql, params=params or None).to_arrow_table() for name, (sql, params) in queries_by_name.items()}


def export(db: queries.Db, formats: str | Iterable[str], out_dir: str | os.PathLike[str] | None = None,
           **filters) -> list[Path]:
    """Write the tidy tables as ``csv`` and/or ``parquet`` with ``DATA_DICTIONARY.md``.

    ``formats`` is one format with ``out_dir``, or a mapping/pairs ``{format: out_dir}`` to write
    both from one set of queries."""
    targets = dict(formats) if not isinstance(formats, str) else {formats: out_dir}
    for fmt in targets:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    written = []
    with queries.connection(db) as con:
        tables = arrow_tables(con, **filters)
    for fmt, target in targets.items():
        out = Path(target)
        out.mkdir(parents=True, exist_ok=True)
        for name, table in tables.items():
            path = out / f"{name}.{fmt}"
            if fmt == "csv":
                pa_csv.write_csv(table, path)
            else:
                pq.write_table(table, path)
            written.append(path)
        doc = out / "DATA_DICTIONARY.md"
        doc.write_text("# gongkai analyze: exported tables\n\n" + dictionary_markdown(), encoding="utf-8")
        written.append(doc)
    return written
