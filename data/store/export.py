"""Exports: every table as Parquet, CSV or JSON Lines, and one wide table per statistical table.

The wide tables have one row per parsed report that has the table and one column per cell
(``row.column``, e.g. ``denied.state_secret.natural_person``), the union of both templates'
cells in the order of the printed form; a cell the report's form does not have is NULL.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from gongkai.data.errors import one_line
from gongkai.data.form import TABLE_NAMES, cell_keys
from gongkai.data.store.writer import StoreError

FORMATS = {"parquet": ("parquet", "(FORMAT parquet)"), "csv": ("csv", "(FORMAT csv, HEADER)"),
           "jsonl": ("jsonl", "(FORMAT json)")}

# Long tables and their row order (stable exports for diffing).
LONG = {
    "reports": "sha256",
    "files": "path",
    "cells": "report, table_key, row_key, column_key",
    "segments": "report, idx",
    "issues": "report, origin, idx",
    "failures": "path",
    "year_links": "report",
}


def wide_columns(table: str) -> list[tuple[str, str]]:
    """``(row_key, column_key)`` of every cell ``table`` has in any template, in form order."""
    out: list[tuple[str, str]] = []
    for template in ("2021", "2019"):
        for split in (True, False):
            for key in cell_keys(table, template, split):
                _, rest = key.split(".", 1)
                row, col = rest.rsplit(".", 1)
                if (row, col) not in out:
                    out.append((row, col))
    return out


def wide_sql(table: str) -> str:
    """A query with one row per report and one column per cell of ``table``."""
    if table not in TABLE_NAMES:
        raise ValueError(f"unknown table {table!r}; one of {', '.join(TABLE_NAMES)}")
    cols = ",\n  ".join(
        f"max(c.value) FILTER (WHERE c.row_key = '{row}' AND c.column_key = '{col}') AS \"{row}.{col}\""
        for row, col in wide_columns(table)
    )
    return (
        "SELECT r.sha256 AS report, r.path, r.organization, r.year, r.template,\n  "
        f"{cols}\nFROM cells c JOIN reports r ON r.sha256 = c.report\n"
        f"WHERE c.table_key = '{table}'\nGROUP BY ALL ORDER BY r.organization, r.year, r.path"
    )


def export(con: duckdb.DuckDBPyConnection, fmt: str, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write every table and the wide tables into ``out_dir``; returns the files written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; one of {', '.join(FORMATS)}")
    ext, options = FORMATS[fmt]
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StoreError(f"cannot create the output folder {out}: {e.strerror or e}") from None
    written = []
    queries = {name: f"SELECT * FROM {name} ORDER BY {order}" for name, order in LONG.items()}
    queries.update({f"{t}_wide": wide_sql(t) for t in TABLE_NAMES})
    for name, query in queries.items():
        path = out / f"{name}.{ext}"
        try:
            con.execute(f"COPY ({query}) TO '{_quote(path)}' {options}")
        except duckdb.Error as e:  # a full disk, a read-only folder
            raise StoreError(f"cannot write {path}: {one_line(e, first_line=True)}") from None
        written.append(path)
    return written


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")
