"""Writing batches of whole inputs into DuckDB, one transaction each, and reading resume state.

A batch holds complete inputs only, and a transaction either commits all of its rows or none,
so after a crash at any moment the database holds every input that was written, whole, and
nothing else. That is the resume state: the next run skips the contents in ``reports`` and
the unchanged paths in ``files``.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from gongkai.data.errors import GongkaiError, one_line
from gongkai.data.store.batch import Batch, FailureInfo
from gongkai.data.store.schema import SchemaError, create_schema


class StoreError(GongkaiError, RuntimeError):
    """The database cannot be opened or written. The message is one plain sentence."""


def connect(db_path: str | os.PathLike[str], *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (or create) the database, with errors in plain words."""
    path = Path(db_path)
    if read_only and not path.exists():
        raise StoreError(f"no database at {path}")
    try:
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        return duckdb.connect(str(path), read_only=read_only)
    except (OSError, duckdb.Error) as e:
        msg = one_line(e, first_line=True)
        if "lock" in msg.lower():
            raise StoreError(f"the database {path} is in use by another process ({msg})") from None
        raise StoreError(f"cannot open the database {path}: {msg}") from None


@dataclass
class KnownState:
    """What the database already holds, for deciding what a run still has to do."""

    files: dict[str, tuple[str | None, int | None, int | None, str]] = field(default_factory=dict)
    reports: dict[str, str] = field(default_factory=dict)  # sha256 -> parsed | failed
    failed: dict[str, FailureInfo] = field(default_factory=dict)  # sha256 -> why

    def path_status(self) -> dict[str, tuple[str | None, str]]:
        return {p: (v[0], v[3]) for p, v in self.files.items()}


class Writer:
    """The one connection that writes the database during a run."""

    def __init__(self, db_path: str | os.PathLike[str], threads: int = 2) -> None:
        self.path = Path(db_path)
        self.con = connect(self.path)
        try:
            self.con.execute(f"SET threads = {max(1, threads)}")  # leave the cores to the parsers
            create_schema(self.con)
        except SchemaError as e:
            self.con.close()
            raise StoreError(str(e)) from None
        except duckdb.Error as e:
            self.con.close()
            raise StoreError(f"cannot write the database {self.path}: {one_line(e, first_line=True)}") from None

    def close(self) -> None:
        with contextlib.suppress(duckdb.Error):
            self.con.close()

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def state(self) -> KnownState:
        st = KnownState()
        for path, sha, size, mtime, status in self.con.execute(
            "SELECT path, sha256, size_bytes, mtime_ns, status FROM files"
        ).fetchall():
            st.files[path] = (sha, size, mtime, status)
        st.reports = dict(self.con.execute("SELECT sha256, status FROM reports").fetchall())
        for sha, stage, error, fmt in self.con.execute(
            "SELECT sha256, any_value(stage), any_value(error), any_value(format) FROM failures "
            "WHERE sha256 IS NOT NULL GROUP BY sha256"
        ).fetchall():
            st.failed[sha] = FailureInfo(stage, error, fmt)
        for sha, status in st.reports.items():
            if status == "failed" and sha not in st.failed:
                st.failed[sha] = FailureInfo("parse", "failed in an earlier run")
        return st

    def shard_loaded(self, shard: str) -> bool:
        return self.con.execute("SELECT 1 FROM shards_loaded WHERE shard = ?", [shard]).fetchone() is not None

    def apply(self, batch: Batch, shard: str | None = None) -> None:
        """Write ``batch`` in one transaction; raise :class:`StoreError` (nothing written) on failure."""
        self._transaction(lambda: self._apply(batch, shard))

    def _transaction(self, body) -> None:
        con = self.con
        try:
            con.execute("BEGIN TRANSACTION")
            try:
                body()
                con.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(duckdb.Error):
                    con.execute("ROLLBACK")
                raise
        except duckdb.Error as e:
            raise StoreError(
                f"cannot write the database {self.path}: {one_line(e, first_line=True)}; "
                "the inputs of this step were not stored and will be done by the next run"
            ) from None

    def drop_orphans(self) -> int:
        """Remove the reports no path leads to any more (a file's content changed), in one transaction.

        Done once at the end of a run, not when the path changes: a later path of the run may
        still turn out to have the old content.
        """
        orphans = [r[0] for r in self.con.execute(
            "SELECT sha256 FROM reports WHERE sha256 NOT IN (SELECT sha256 FROM files WHERE sha256 IS NOT NULL)"
        ).fetchall()]
        if orphans:
            self._transaction(lambda: self._delete_shas(orphans))
        return len(orphans)

    def replace_crossyear(self, issues: pa.Table, links: pa.Table) -> None:
        """Swap in freshly computed cross-year issues and year links, in one transaction."""
        batch = Batch({"issues": issues, "year_links": links})
        self._transaction(lambda: self._replace_crossyear(batch))

    def in_transaction(self, body) -> None:
        """Run ``body()`` in one transaction (the year-over-year rows are written so)."""
        self._transaction(body)

    def _replace_crossyear(self, batch: Batch) -> None:
        self.con.execute("DELETE FROM issues WHERE origin = 'crossyear'")
        self.con.execute("DELETE FROM year_links")
        self._insert("issues", batch)
        self._insert("year_links", batch)

    def _insert(self, table: str, batch: Batch, extra: str = "") -> None:
        t = batch.tables.get(table)
        if t is None or t.num_rows == 0:
            return
        self.con.register("_batch_rows", t)
        try:
            self.con.execute(f"INSERT INTO {table} BY NAME SELECT *{extra} FROM _batch_rows")
        finally:
            # In an aborted transaction this fails too, and would hide the error that matters.
            with contextlib.suppress(duckdb.Error):
                self.con.unregister("_batch_rows")

    def _delete_shas(self, shas: list[str]) -> None:
        for table, key in (("cells", "report"), ("segments", "report"), ("issues", "report"),
                           ("year_links", "report"), ("failures", "sha256"), ("reports", "sha256")):
            self.con.execute(f"DELETE FROM {table} WHERE {key} IN (SELECT unnest(?))", [shas])

    def _apply(self, batch: Batch, shard: str | None) -> None:
        con = self.con
        if batch.stale_roots:
            for table in ("failures", "files"):
                con.execute(
                    f"DELETE FROM {table} WHERE sha256 IS NULL AND EXISTS (SELECT 1 FROM (SELECT unnest(?) AS r) "
                    "WHERE path = r OR starts_with(path, rtrim(r, '/') || '/') OR starts_with(path, r || '!'))",
                    [batch.stale_roots],
                )
        if batch.replace_shas:
            self._delete_shas(batch.replace_shas)
        if batch.replaced_paths:
            for table in ("files", "failures"):
                con.execute(f"DELETE FROM {table} WHERE path IN (SELECT unnest(?))", [batch.replaced_paths])
        self._insert("files", batch)
        self._insert("failures", batch, extra=", now()::TIMESTAMP AS failed_at")
        self._insert("reports", batch, extra=", now()::TIMESTAMP AS ingested_at")
        for table in ("cells", "segments", "issues"):
            self._insert(table, batch)
        if shard is not None:
            con.execute("INSERT INTO shards_loaded VALUES (?)", [shard])
