"""Bulk ingestion of report collections into a DuckDB database, and reading it back.

``gongkai ingest PATH... --db reports.duckdb`` walks folders and zip archives, parses every
input in worker processes (or Ray tasks) and stores one checked record per distinct content;
``gongkai export`` writes the tables out; ``gongkai.open_db`` reads them in Python.

Modules, in the order data flows: :mod:`.walk` (inputs), :mod:`.worker` and :mod:`.pool`
(the per-file job under limits), :mod:`.ray_engine`, :mod:`.rows` and :mod:`.batch` (records
to rows), :mod:`.writer` and :mod:`.shards` (transactions), :mod:`.crossyear` and
:mod:`.units` (checks across years), :mod:`.run` (one ingest run), :mod:`.export`, :mod:`.api`,
:mod:`.schema` (the tables), :mod:`.cli`.
"""

from __future__ import annotations

__all__ = ["IngestOptions", "IngestSummary", "ReportDB", "StoreError", "ingest", "open_db"]


def __getattr__(name: str):
    # Lazy: ``gongkai --help`` must not import DuckDB and pyarrow.
    if name in ("ingest", "IngestOptions", "IngestSummary"):
        from gongkai.data.store import run

        return getattr(run, name)
    if name in ("open_db", "ReportDB"):
        from gongkai.data.store import api

        return getattr(api, name)
    if name == "StoreError":
        from gongkai.data.store.writer import StoreError

        return StoreError
    raise AttributeError(name)
