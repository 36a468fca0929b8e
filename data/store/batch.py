"""A batch of whole inputs, ready to be written in one transaction (or saved as a Parquet shard).

Outcomes are added one input at a time; :meth:`BatchBuilder.build` turns them into one Arrow
table per database table plus the few deletions the batch implies (a retried failure, a
path whose content changed, a failure that is now fixed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from gongkai.data.store.rows import SCHEMAS, failed_report
from gongkai.data.store.walk import InputRef
from gongkai.data.store.worker import Result, Stage


@dataclass(frozen=True)
class FailureInfo:
    """Why a content failed, copied to every path it is found under."""

    stage: Stage
    error: str
    format: str | None = None


@dataclass
class Batch:
    """Rows of whole inputs: ``tables[name]`` holds new rows of that table."""

    tables: dict[str, pa.Table]
    replace_shas: list[str] = field(default_factory=list)  # earlier rows of these go first
    replaced_paths: list[str] = field(default_factory=list)  # paths stored before: rows rewritten
    n_inputs: int = 0
    # Walked roots: their earlier content-less failures (unlistable, vanished) are dropped
    # first, and the walk records again those that still fail.
    stale_roots: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return self.n_inputs


class BatchBuilder:
    """Collects outcomes of inputs; ``known`` maps a path to its previous ``(sha256, status)``."""

    def __init__(self, known: dict[str, tuple[str | None, str]] | None = None) -> None:
        self.known = known if known is not None else {}
        self._rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMAS}
        # The long tables' columns, extended by each parsed input and made a table once.
        self._cols: dict[str, dict[str, list]] = {
            name: {col: [] for col in SCHEMAS[name].names} for name in ("cells", "segments", "issues")
        }
        self.replace_shas: list[str] = []
        self.replaced_paths: list[str] = []
        self.stale_roots: list[str] = []
        self.n_inputs = 0

    def __len__(self) -> int:
        return self.n_inputs

    def _file(self, ref: InputRef, sha: str | None, status: str, failure: FailureInfo | None) -> None:
        self.n_inputs += 1
        self._rows["files"].append(
            {"path": ref.path, "sha256": sha, "size_bytes": ref.size, "mtime_ns": ref.mtime_ns, "status": status}
        )
        _old_sha, old_status = self.known.get(ref.path, (None, None))
        self.known[ref.path] = (sha, status)  # shared across batches: the next one sees this
        if old_status is not None:
            self.replaced_paths.append(ref.path)  # its files row (and any failure row) goes first
        if failure is not None:
            self._rows["failures"].append(
                {"path": ref.path, "sha256": sha, "stage": failure.stage, "error": failure.error,
                 "format": failure.format}
            )

    def add_result(self, result: Result, refs: list[InputRef], size: int, *, replace: bool = False) -> None:
        """A parsed (or failed) content and every path it was found under in this run."""
        if replace:
            self.replace_shas.append(result.sha256)
        if result.ok and result.rows is not None:
            row = dict(result.rows.report)
            for name, cols in (("cells", result.rows.cells), ("segments", result.rows.segments),
                               ("issues", result.rows.issues)):
                mine = self._cols[name]
                for col, values in cols.items():
                    mine[col].extend(values)
            failure = None
        else:
            row = failed_report(result.sha256, result.format)
            failure = FailureInfo(result.stage or "parse", result.error or "unknown error", result.format)
        row.update(path=refs[0].path, size_bytes=size, load_seconds=result.load_seconds,
                   parse_seconds=result.parse_seconds, peak_rss_mb=result.peak_rss_mb)
        self._rows["reports"].append(row)
        status = "parsed" if failure is None else "failed"
        for ref in refs:
            self._file(ref, result.sha256, status, failure)

    def add_known(self, sha: str, ref: InputRef, failure: FailureInfo | None) -> None:
        """A path whose content is already stored (a duplicate, or a renamed/touched file)."""
        self._file(ref, sha, "failed" if failure else "parsed", failure)

    def add_unreadable(self, ref: InputRef, stage: Stage, error: str) -> None:
        """A path with no content to store: unlistable, vanished, not a regular file."""
        self._file(ref, None, "failed", FailureInfo(stage, error))

    def build(self) -> Batch:
        tables: dict[str, pa.Table] = {}
        for name, schema in SCHEMAS.items():
            parts = []
            if name in self._cols and self._cols[name][schema.names[0]]:
                parts.append(pa.table(self._cols[name], schema=schema))
            if self._rows[name]:
                parts.append(pa.Table.from_pylist(self._rows[name], schema=schema))
            tables[name] = pa.concat_tables(parts) if parts else schema.empty_table()
        return Batch(tables, list(self.replace_shas), list(self.replaced_paths),
                     self.n_inputs, list(self.stale_roots))
