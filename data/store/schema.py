"""The database layout (DuckDB DDL) of an ingested collection of reports.

One row per distinct content in ``reports`` (keyed by sha256), one row per input path in
``files`` (so a report found under two names is stored once and both paths are kept), the
record's cells, segments and issues in long tables keyed by ``report`` (= ``reports.sha256``),
and one row per failed input path in ``failures``. Resume state is these rows themselves:
every input is written whole in one transaction, so no separate journal is needed.
"""

from __future__ import annotations

import duckdb

from gongkai.data.errors import GongkaiError

# The layout of the database (tables and columns), not the record's schema_version (data.record).
STORE_SCHEMA_VERSION = 1

# The tables in dependency order, and the columns that differ between two runs over the same
# inputs (timings, clocks): comparisons of databases ignore them.
TABLES = ("reports", "files", "cells", "segments", "issues", "failures", "year_links", "year_sections", "year_reuse",
          "year_cells")
# Added after the first release: a database written before has them from its next ingest on.
YEAR_TABLES = ("year_sections", "year_reuse", "year_cells")
TIMING_COLUMNS = frozenset({"load_seconds", "parse_seconds", "peak_rss_mb", "ingested_at", "failed_at"})

DDL = """
CREATE TABLE IF NOT EXISTS store_info (key VARCHAR PRIMARY KEY, value VARCHAR);

CREATE TABLE IF NOT EXISTS reports (
    sha256        VARCHAR PRIMARY KEY,  -- content hash of the input file
    path          VARCHAR NOT NULL,     -- the first path it was found under (all paths: files)
    status        VARCHAR NOT NULL,     -- parsed | failed
    format        VARCHAR,              -- txt md html docx pdf pdf-scanned image (by content)
    size_bytes    BIGINT,
    pages         INTEGER,
    encoding      VARCHAR,
    title         VARCHAR,
    organization  VARCHAR,
    year          INTEGER,
    published     VARCHAR,
    admin_level   VARCHAR,
    province      VARCHAR,
    city          VARCHAR,
    county        VARCHAR,
    unit_key      VARCHAR,              -- normalised unit identity used by the cross-year checks
    template      VARCHAR,              -- 2021 | 2019 | unknown
    n_errors      INTEGER,              -- parser issues by severity (cross-year ones: issues)
    n_warnings    INTEGER,
    n_repaired    INTEGER,
    record        JSON,                 -- the full record of the contract (NULL when failed)
    load_seconds  DOUBLE,
    parse_seconds DOUBLE,
    peak_rss_mb   DOUBLE,
    ingested_at   TIMESTAMP
);

CREATE TABLE IF NOT EXISTS files (
    path       VARCHAR PRIMARY KEY,     -- /abs/file or /abs/archive.zip!member
    sha256     VARCHAR,                 -- NULL when the file could not be read at all
    size_bytes BIGINT,
    mtime_ns   BIGINT,                  -- with size: an unchanged file is not read again
    status     VARCHAR NOT NULL         -- parsed | failed
);

CREATE TABLE IF NOT EXISTS cells (
    report     VARCHAR NOT NULL,
    table_key  VARCHAR NOT NULL,        -- active_disclosure | applications | review_litigation
    row_key    VARCHAR NOT NULL,        -- e.g. denied.state_secret
    column_key VARCHAR NOT NULL,        -- e.g. natural_person
    value      DOUBLE,                  -- NULL: not printed or not readable
    repaired   BOOLEAN NOT NULL         -- set from the consistency relations, not read
);

CREATE TABLE IF NOT EXISTS segments (
    report     VARCHAR NOT NULL,
    idx        INTEGER NOT NULL,
    topic      VARCHAR,
    start_char INTEGER,
    end_char   INTEGER,
    text       VARCHAR,
    score      DOUBLE,
    categories VARCHAR[]
);

CREATE TABLE IF NOT EXISTS issues (
    report       VARCHAR NOT NULL,
    origin       VARCHAR NOT NULL,      -- parser | crossyear
    idx          INTEGER NOT NULL,
    code         VARCHAR NOT NULL,
    severity     VARCHAR NOT NULL,
    cells        VARCHAR[],
    message      VARCHAR,
    other_report VARCHAR                -- crossyear: the previous year's report
);

CREATE TABLE IF NOT EXISTS failures (
    path      VARCHAR PRIMARY KEY,
    sha256    VARCHAR,
    stage     VARCHAR NOT NULL,         -- walk read load parse timeout memory crash
    error     VARCHAR NOT NULL,         -- one plain sentence
    format    VARCHAR,
    failed_at TIMESTAMP
);

CREATE TABLE IF NOT EXISTS year_links (
    report   VARCHAR PRIMARY KEY,       -- a report ...
    previous VARCHAR NOT NULL,          -- ... and the same unit's report on the year before
    unit_key VARCHAR NOT NULL,
    year     INTEGER NOT NULL
);

-- Year over year, per year link (recomputed when a link changes; see gongkai.inference.yoy)
CREATE TABLE IF NOT EXISTS year_sections (
    report     VARCHAR NOT NULL,        -- this year's report
    previous   VARCHAR NOT NULL,        -- the same unit's report on the year before
    section    INTEGER NOT NULL,        -- contract section number, 0 = before section 1
    title      VARCHAR,
    added      INTEGER, removed INTEGER, changed INTEGER, unchanged INTEGER, moved INTEGER,  -- paragraphs
    similarity DOUBLE,                  -- Dice of the section's character bigrams, last year vs this
    reuse      DOUBLE,                  -- share of this year's section text found in last year's narrative
    chars      INTEGER,                 -- this year's narrative characters in the section
    PRIMARY KEY (report, section)
);

CREATE TABLE IF NOT EXISTS year_reuse (
    report   VARCHAR NOT NULL,
    previous VARCHAR NOT NULL,
    topic    VARCHAR NOT NULL,          -- problems, improvements, problems_and_improvements, all
    share    DOUBLE,                    -- NULL when this year has no text of the topic
    chars    INTEGER NOT NULL,
    PRIMARY KEY (report, topic)
);

CREATE TABLE IF NOT EXISTS year_cells (
    report     VARCHAR NOT NULL,
    previous   VARCHAR NOT NULL,
    table_key  VARCHAR NOT NULL,
    row_key    VARCHAR NOT NULL,
    column_key VARCHAR NOT NULL,
    old        DOUBLE,                  -- last year's value (NULL: not printed or not read)
    new        DOUBLE,
    delta      DOUBLE                   -- new - old when both are read
);                                      -- only cells that differ: both read and unequal, or read in one year only

CREATE TABLE IF NOT EXISTS shards_loaded (shard VARCHAR PRIMARY KEY);
"""


class SchemaError(GongkaiError, RuntimeError):
    """The database was written by an incompatible version of gongkai."""


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables if missing and check the stored schema version."""
    con.execute(DDL)
    row = con.execute("SELECT value FROM store_info WHERE key = 'schema_version'").fetchone()
    if row is None:
        con.execute("INSERT INTO store_info VALUES ('schema_version', ?)", [str(STORE_SCHEMA_VERSION)])
    elif int(row[0]) != STORE_SCHEMA_VERSION:
        raise SchemaError(f"the database has store schema version {row[0]}, this gongkai writes {STORE_SCHEMA_VERSION}")


def columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Column names of ``table`` in order."""
    return [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]


def snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every table's rows in a canonical order, timing columns left out: two databases made
    from the same inputs compare equal, however the runs were interrupted."""
    out = {}
    for table in TABLES:
        cols = [c for c in columns(con, table) if c not in TIMING_COLUMNS]
        collist = ", ".join(f'"{c}"' for c in cols)
        out[table] = con.execute(f"SELECT {collist} FROM {table} ORDER BY ALL").fetchall()
    return out
