"""A record turned into database rows: the ``reports`` row and the columns of its long tables.

This runs in the worker, so the process that writes the database only inserts ready columns.
The long tables travel as plain column lists: pickling them costs a third of pickling three
small Arrow tables, and the batch turns the columns of all its inputs into one table each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from gongkai.data.record import Record, TableValues
from gongkai.data.store.units import unit_of

CELLS = pa.schema(
    [
        ("report", pa.string()),
        ("table_key", pa.string()),
        ("row_key", pa.string()),
        ("column_key", pa.string()),
        ("value", pa.float64()),
        ("repaired", pa.bool_()),
    ]
)
SEGMENTS = pa.schema(
    [
        ("report", pa.string()),
        ("idx", pa.int32()),
        ("topic", pa.string()),
        ("start_char", pa.int32()),
        ("end_char", pa.int32()),
        ("text", pa.string()),
        ("score", pa.float64()),
        ("categories", pa.list_(pa.string())),
    ]
)
ISSUES = pa.schema(
    [
        ("report", pa.string()),
        ("origin", pa.string()),
        ("idx", pa.int32()),
        ("code", pa.string()),
        ("severity", pa.string()),
        ("cells", pa.list_(pa.string())),
        ("message", pa.string()),
        ("other_report", pa.string()),
    ]
)
REPORTS = pa.schema(
    [
        ("sha256", pa.string()),
        ("path", pa.string()),
        ("status", pa.string()),
        ("format", pa.string()),
        ("size_bytes", pa.int64()),
        ("pages", pa.int32()),
        ("encoding", pa.string()),
        ("title", pa.string()),
        ("organization", pa.string()),
        ("year", pa.int32()),
        ("published", pa.string()),
        ("admin_level", pa.string()),
        ("province", pa.string()),
        ("city", pa.string()),
        ("county", pa.string()),
        ("unit_key", pa.string()),
        ("template", pa.string()),
        ("n_errors", pa.int32()),
        ("n_warnings", pa.int32()),
        ("n_repaired", pa.int32()),
        ("record", pa.string()),
        ("load_seconds", pa.float64()),
        ("parse_seconds", pa.float64()),
        ("peak_rss_mb", pa.float64()),
    ]
)
FILES = pa.schema(
    [
        ("path", pa.string()),
        ("sha256", pa.string()),
        ("size_bytes", pa.int64()),
        ("mtime_ns", pa.int64()),
        ("status", pa.string()),
    ]
)
FAILURES = pa.schema(
    [
        ("path", pa.string()),
        ("sha256", pa.string()),
        ("stage", pa.string()),
        ("error", pa.string()),
        ("format", pa.string()),
    ]
)
SCHEMAS = {
    "reports": REPORTS,
    "files": FILES,
    "cells": CELLS,
    "segments": SEGMENTS,
    "issues": ISSUES,
    "failures": FAILURES,
}


@dataclass
class RecordRows:
    """What one parsed record adds to the database, apart from its ``files`` rows."""

    report: dict[str, Any]  # the ``reports`` row without path/size/timings (set by the caller)
    cells: dict[str, list]  # column name -> values, in the order of CELLS
    segments: dict[str, list]  # ... of SEGMENTS
    issues: dict[str, list]  # ... of ISSUES


def record_rows(record: Record, sha: str) -> RecordRows:
    """The rows of ``record``, whose input has content hash ``sha``."""
    repaired = {c for i in record.issues if i.code.endswith(".repaired") for c in i.cells}
    cells: dict[str, list] = {name: [] for name in CELLS.names}
    tv = TableValues.from_nested(record.tables, record.template)  # the cells as the form lays them out
    for key in tv.all_keys():
        table, rest = key.split(".", 1)
        row, col = rest.rsplit(".", 1)
        value = tv.values[key]
        cells["table_key"].append(table)
        cells["row_key"].append(row)
        cells["column_key"].append(col)
        cells["value"].append(None if value is None else float(value))
        cells["repaired"].append(key in repaired)
    cells["report"] = [sha] * len(cells["table_key"])

    segs = record.segments
    segments = {
        "report": [sha] * len(segs),
        "idx": list(range(len(segs))),
        "topic": [s.topic for s in segs],
        "start_char": [s.start for s in segs],
        "end_char": [s.end for s in segs],
        "text": [s.text for s in segs],
        "score": [s.score for s in segs],
        "categories": [list(s.categories) for s in segs],
    }
    iss = record.issues
    issues = {
        "report": [sha] * len(iss),
        "origin": ["parser"] * len(iss),
        "idx": list(range(len(iss))),
        "code": [i.code for i in iss],
        "severity": [i.severity for i in iss],
        "cells": [list(i.cells) for i in iss],
        "message": [i.message for i in iss],
        "other_report": [None] * len(iss),
    }
    meta = record.meta
    unit = unit_of(meta)
    report = {
        "sha256": sha,
        "status": "parsed",
        "format": record.source.format,
        "pages": record.source.pages,
        "encoding": record.source.encoding,
        "title": meta.title,
        "organization": meta.organization,
        "year": meta.year,
        "published": meta.published,
        "admin_level": meta.admin_level,
        "province": meta.region.province,
        "city": meta.region.city,
        "county": meta.region.county,
        "unit_key": unit.key if unit else None,
        "template": record.template,
        "n_errors": sum(i.severity == "error" for i in iss),
        "n_warnings": sum(i.severity == "warning" for i in iss),
        "n_repaired": sum(i.code.endswith(".repaired") for i in iss),
        "record": record.to_json(indent=None),
    }
    return RecordRows(report=report, cells=cells, segments=segments, issues=issues)


def failed_report(sha: str, fmt: str | None) -> dict[str, Any]:
    """The ``reports`` row of content that could not be parsed."""
    return {"sha256": sha, "status": "failed", "format": fmt}
