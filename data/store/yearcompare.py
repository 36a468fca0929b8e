"""Year-over-year rows of a database: per year link, a row per section, reuse per topic, cell deltas.

A link is ``(report, previous)`` by content hash, so its comparison never goes stale: after a run
only the links that appeared are compared, and the rows of links that disappeared are dropped,
whatever order the reports arrived in (the same contract as the cross-year checks).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import duckdb
import pyarrow as pa

from gongkai.data.store.writer import Writer
from gongkai.inference.yoy.compare import Prepared, diff, prepare, reuse_chars

CHUNK = 500  # links compared per batch of records read (bounds memory on a large database)


def _records(con: duckdb.DuckDBPyConnection, shas: Iterable[str]) -> dict[str, dict[str, Any]]:
    rows = con.execute("SELECT sha256, record FROM reports WHERE sha256 IN (SELECT unnest(?))", [sorted(shas)])
    return {sha: json.loads(rec) for sha, rec in rows.fetchall() if rec}


# The cell deltas straight from the stored cells, in SQL (a pass over thousands of links in one query);
# only the cells that differ are kept (an equal cell is in ``cells`` already).
_CELLS_SQL = """
INSERT INTO year_cells BY NAME
WITH rel AS (SELECT * FROM cells WHERE report IN (SELECT report FROM _yoy_links UNION SELECT previous FROM _yoy_links)),
     a AS (SELECT l.report, l.previous, c.table_key, c.row_key, c.column_key, c.value AS old
           FROM _yoy_links l JOIN rel c ON c.report = l.previous),
     b AS (SELECT l.report, l.previous, c.table_key, c.row_key, c.column_key, c.value AS new
           FROM _yoy_links l JOIN rel c ON c.report = l.report)
SELECT report, previous, table_key, row_key, column_key, a.old, b.new, round(b.new - a.old, 6) AS delta
FROM a FULL OUTER JOIN b USING (report, previous, table_key, row_key, column_key)
WHERE a.old IS DISTINCT FROM b.new
"""


def rows_for(links: list[tuple[str, str]], records: dict[str, dict[str, Any]]) -> dict[str, list[dict]]:
    """The year_sections and year_reuse rows of ``links`` (``(report, previous)``)."""
    out: dict[str, list[dict]] = {"year_sections": [], "year_reuse": []}
    prepared: dict[str, Prepared] = {}

    def prep(sha: str) -> Prepared:
        if sha not in prepared:
            prepared[sha] = prepare(records[sha])
        return prepared[sha]

    for report, previous in links:
        if report not in records or previous not in records:
            continue
        old, new = prep(previous), prep(report)
        _, secs, reuse = diff(old, new, edits=False)
        for s in secs:
            out["year_sections"].append({"report": report, "previous": previous, "section": s.number, "title": s.title,
                                         "added": s.added, "removed": s.removed, "changed": s.changed,
                                         "unchanged": s.unchanged, "moved": s.moved, "similarity": s.similarity,
                                         "reuse": s.reuse, "chars": s.chars})
        chars = reuse_chars(new)
        for topic, share in reuse.items():
            out["year_reuse"].append({"report": report, "previous": previous, "topic": topic, "share": share,
                                      "chars": chars[topic]})
    return out


_SCHEMAS = {
    "year_sections": pa.schema([("report", pa.string()), ("previous", pa.string()), ("section", pa.int32()),
                                ("title", pa.string()), ("added", pa.int32()), ("removed", pa.int32()),
                                ("changed", pa.int32()), ("unchanged", pa.int32()), ("moved", pa.int32()),
                                ("similarity", pa.float64()), ("reuse", pa.float64()), ("chars", pa.int32())]),
    "year_reuse": pa.schema([("report", pa.string()), ("previous", pa.string()), ("topic", pa.string()),
                             ("share", pa.float64()), ("chars", pa.int32())]),
}


def recompute(writer: Writer) -> int:
    """Bring the year-over-year rows in line with ``year_links``; returns the links compared now."""
    con = writer.con
    want = set(con.execute("SELECT report, previous FROM year_links").fetchall())
    have = set(con.execute("SELECT report, previous FROM year_reuse WHERE topic = 'all'").fetchall())
    todo = sorted(want - have)
    stale = sorted({r for r, _ in have - want} | {r for r, _ in todo})
    for i in range(0, max(len(todo), 1), CHUNK):
        part = todo[i : i + CHUNK]
        rows = rows_for(part, _records(con, {s for link in part for s in link})) if part else {}
        drop = stale if i == 0 else []

        def body(rows=rows, drop=drop, part=part) -> None:
            if drop:
                for table in (*_SCHEMAS, "year_cells"):
                    con.execute(f"DELETE FROM {table} WHERE report IN (SELECT unnest(?))", [drop])
            if part:
                con.register("_yoy_links", pa.table({"report": [r for r, _ in part], "previous": [p for _, p in part]}))
                try:
                    con.execute(_CELLS_SQL)
                finally:
                    con.unregister("_yoy_links")
            for table in _SCHEMAS:
                if rows.get(table):
                    con.register("_yoy_rows", pa.Table.from_pylist(rows[table], schema=_SCHEMAS[table]))
                    try:
                        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _yoy_rows")
                    finally:
                        con.unregister("_yoy_rows")

        writer.in_transaction(body)
    return len(todo)
