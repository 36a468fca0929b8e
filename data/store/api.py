"""The Python API over an ingested database: ``gongkai.open_db(path)``.

Tables come back as DuckDB relations, which are lazy and chain like queries, and turn into
frames with ``.df()`` (pandas), ``.pl()`` (polars) or ``.arrow()``::

    db = gongkai.open_db("reports.duckdb")
    db.reports.filter("year = 2023").df()
    db.wide("applications").pl()
    db.sql("SELECT organization, count(*) FROM reports GROUP BY 1").df()
    db.record("/data/x.pdf").tables["applications"]["total"]
"""

from __future__ import annotations

import json
import os
from typing import Any

import duckdb

from gongkai.data.record import Issue, Record
from gongkai.data.store.export import export, wide_sql
from gongkai.data.store.schema import TABLES
from gongkai.data.store.writer import StoreError, connect


class ReportDB:
    """A read-only view of an ingested database (use it as a context manager, or ``close()``)."""

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = True) -> None:
        self.path = os.fspath(path)
        self.con = connect(self.path, read_only=read_only)

    # ---- tables ------------------------------------------------------------------------
    def table(self, name: str) -> duckdb.DuckDBPyRelation:
        """One stored table (``reports files cells segments issues failures year_links``)."""
        if name not in TABLES:
            raise ValueError(f"unknown table {name!r}; one of {', '.join(TABLES)}")
        return self.con.table(name)

    @property
    def reports(self) -> duckdb.DuckDBPyRelation:
        return self.table("reports")

    @property
    def files(self) -> duckdb.DuckDBPyRelation:
        return self.table("files")

    @property
    def cells(self) -> duckdb.DuckDBPyRelation:
        return self.table("cells")

    @property
    def segments(self) -> duckdb.DuckDBPyRelation:
        return self.table("segments")

    @property
    def issues(self) -> duckdb.DuckDBPyRelation:
        return self.table("issues")

    @property
    def failures(self) -> duckdb.DuckDBPyRelation:
        return self.table("failures")

    def wide(self, table: str) -> duckdb.DuckDBPyRelation:
        """One row per report, one column per cell of ``table`` (``applications`` …)."""
        return self.con.sql(wide_sql(table))

    def sql(self, query: str, params: Any = None) -> duckdb.DuckDBPyRelation:
        """Any SQL over the tables, as a relation."""
        return self.con.sql(query, params=params)

    def df(self, name: str):
        """A table as a pandas DataFrame."""
        return self.table(name).df()

    def pl(self, name: str):
        """A table as a polars DataFrame (needs polars installed)."""
        return self.table(name).pl()

    # ---- records -----------------------------------------------------------------------
    def record(self, key: str) -> Record:
        """The stored record of a report by sha256 or by any path it was found under.

        Its ``issues`` include the cross-year issues found against the previous year's report.
        """
        row = self.con.execute(
            "SELECT r.sha256, r.record FROM reports r WHERE r.sha256 = $k "
            "OR r.sha256 = (SELECT sha256 FROM files WHERE path = $k)",
            {"k": key},
        ).fetchone()
        if row is None:
            raise KeyError(f"no report {key!r} in {self.path}")
        if row[1] is None:
            raise KeyError(f"{key!r} failed to parse; see the failures table")
        record = Record.model_validate(json.loads(row[1]))
        for code, severity, cells, message in self.con.execute(
            "SELECT code, severity, cells, message FROM issues WHERE report = ? AND origin = 'crossyear' ORDER BY idx",
            [row[0]],
        ).fetchall():
            record.issues.append(Issue(code=code, severity=severity, cells=list(cells or []), message=message))
        return record

    def export(self, fmt: str, out_dir: str | os.PathLike[str]):
        """Write every table and the wide tables as ``parquet``, ``csv`` or ``jsonl``."""
        return export(self.con, fmt, out_dir)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> ReportDB:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_db(path: str | os.PathLike[str], *, read_only: bool = True) -> ReportDB:
    """Open a database written by ``gongkai ingest``; raises :class:`StoreError` if it cannot."""
    return ReportDB(path, read_only=read_only)


__all__ = ["ReportDB", "StoreError", "open_db"]
