"""Bulk ingestion: walk the inputs, skip what is stored, parse the rest in parallel, write.

The main process walks, hashes and de-duplicates (cheap, in order), the engine parses (local
worker processes or Ray tasks), and a writer thread of the main process writes each finished
batch of whole inputs in one transaction. At the end the cross-year checks are recomputed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from gongkai.data.store import crossyear, shards, yearcompare
from gongkai.data.store.background import BackgroundSink
from gongkai.data.store.batch import BatchBuilder, FailureInfo
from gongkai.data.store.walk import InputRef, ReadError, WalkResult, hash_input, walk
from gongkai.data.store.worker import Result, Task
from gongkai.data.store.writer import KnownState, Writer

Engine = Literal["local", "ray"]  # local worker processes, or Ray tasks


@dataclass
class IngestOptions:
    """How to run an ingest (the ``gongkai ingest`` options)."""

    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    engine: Engine = "local"
    address: str | None = None  # Ray cluster address; None starts a local Ray
    timeout: float = 300.0  # seconds per file
    max_memory_mb: int = 4096  # growth per worker while reading one file; 0: no limit
    exclude: tuple[str, ...] = ()
    retry_failed: bool = False
    # Group commit: finished inputs are written together, each whole, when ``batch_size`` are
    # waiting or the oldest has waited ``batch_seconds``. A commit costs milliseconds (fsync),
    # as much as parsing a text report; 1 writes one transaction per input.
    batch_size: int = 64
    batch_seconds: float = 1.0
    progress: bool | None = None  # None: a progress bar on a terminal only


@dataclass
class IngestSummary:
    """What one run did, and what the database holds afterwards."""

    inputs: int = 0  # input paths found by the walk (plus paths that could not be walked)
    unchanged: int = 0  # same path, size and mtime as stored: not read again
    known: int = 0  # content already stored (a duplicate, a renamed or touched file)
    parsed: int = 0  # newly parsed
    failed: int = 0  # newly recorded failures
    excluded: int = 0
    pages: int = 0
    seconds: float = 0.0
    db_reports: int = 0
    db_files: int = 0
    db_failures: int = 0
    crossyear_issues: int = 0

    def line(self) -> str:
        rate = (self.parsed + self.failed) / self.seconds if self.seconds else 0.0
        return (
            f"{self.inputs} inputs: {self.parsed} parsed, {self.failed} failed, {self.known} already stored, "
            f"{self.unchanged} unchanged; {self.seconds:.1f} s ({rate:.1f} files/s). Database: "
            f"{self.db_reports} reports, {self.db_files} paths, {self.db_failures} failures, "
            f"{self.crossyear_issues} cross-year issues"
        )


def own_files(db: str | os.PathLike[str]) -> list[str]:
    """The database's own files, never taken as inputs even inside the walked folder."""
    p = os.path.abspath(db)
    return [p, p + ".wal", p + ".tmp", str(shards.shard_dir_for(p))]


class _Progress:
    def __init__(self, total: int, enabled: bool | None) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=total, unit="file", desc="ingest", disable=None if enabled is None else not enabled,
                        dynamic_ncols=True)
        self.pages = self.failed = 0

    def update(self, n: int = 1, pages: int = 0, failed: int = 0) -> None:
        self.pages += pages
        self.failed += failed
        if pages or failed:
            self.bar.set_postfix(pages=self.pages, failed=self.failed, refresh=False)
        self.bar.update(n)

    def close(self) -> None:
        self.bar.close()


class _Run:
    """The state of one ingest: what is stored, what is in flight, what is to be written."""

    def __init__(self, writer: Writer, sink, state: KnownState, opts: IngestOptions) -> None:
        self.writer, self.sink, self.state, self.opts = writer, sink, state, opts
        self.known = state.path_status()
        self.builder = BatchBuilder(self.known)
        self.pending: dict[str, list[InputRef]] = {}  # sha256 -> paths, while being parsed
        self.done: set[str] = set()  # contents parsed in this run (not retried twice)
        self.summary = IngestSummary()
        self.progress: _Progress | None = None
        self.oldest: float | None = None  # when the first waiting input of the batch finished
        self.todo_paths: set[str] = set()

    def retry(self, sha: str | None) -> bool:
        """Whether a content that failed before is parsed again: on request, or when it failed
        only because it could not be read then (it vanished or changed mid-run)."""
        if sha is None or sha in self.done or self.state.reports.get(sha) != "failed":
            return False
        info = self.state.failed.get(sha)
        return self.opts.retry_failed or (info is not None and info.stage == "read")

    def unchanged(self, ref: InputRef) -> bool:
        rec = self.state.files.get(ref.path)
        if rec is None or rec[0] is None or (rec[1], rec[2]) != (ref.size, ref.mtime_ns):
            return False
        return not (rec[3] == "failed" and self.retry(rec[0]))

    def flush(self, force: bool = True) -> None:
        """Write the waiting inputs (unless ``force`` is off and the batch may still grow)."""
        n = len(self.builder)
        if not n:
            self.oldest = None
            return
        if self.oldest is None:
            self.oldest = time.monotonic()
        due = n >= self.opts.batch_size or time.monotonic() - self.oldest >= self.opts.batch_seconds
        if force or due:
            self.sink.apply(self.builder.build())
            self.builder = BatchBuilder(self.known)
            self.oldest = None

    def _tick(self, failed: int = 0, pages: int = 0) -> None:
        if self.progress:
            self.progress.update(1, pages=pages, failed=failed)

    def tasks(self, todo: Iterable[InputRef]) -> Iterator[Task]:
        """Hash each input; yield one task per content not yet stored, record the rest."""
        for ref in todo:
            try:
                ref, sha = hash_input(ref)
            except ReadError as e:
                self.builder.add_unreadable(ref, "read", str(e))
                self.summary.failed += 1
                self._tick(failed=1)
                continue
            if sha in self.pending:
                self.pending[sha].append(ref)  # a duplicate of a file being parsed: stored with it
                continue
            status = self.state.reports.get(sha)
            if status is not None and not self.retry(sha):
                self.builder.add_known(sha, ref, self.state.failed.get(sha) if status == "failed" else None)
                self.summary.known += 1
                self._tick(failed=status == "failed")
                self.flush(force=False)
                continue
            self.pending[sha] = [ref]
            yield Task(sha, ref)

    def _stored_paths(self, sha: str, besides: list[InputRef]) -> list[InputRef]:
        """Paths stored earlier with content ``sha`` that this run does not visit itself."""
        seen = self.todo_paths | {r.path for r in besides}
        return [InputRef(path=p, fs_path=p, size=v[1] or 0, mtime_ns=v[2] or 0)
                for p, v in self.state.files.items() if v[0] == sha and p not in seen]

    def finish(self, result: Result) -> None:
        refs = self.pending.pop(result.sha256)
        replace = result.sha256 in self.state.reports
        # A retried content's new outcome is written for every path it is stored under, so
        # that no path keeps the old status.
        extra = self._stored_paths(result.sha256, refs) if replace else []
        self.builder.add_result(result, refs + extra, refs[0].size, replace=replace)
        self.state.reports[result.sha256] = "parsed" if result.ok else "failed"
        if not result.ok:
            self.state.failed[result.sha256] = FailureInfo(result.stage or "parse", result.error or "", result.format)
        self.done.add(result.sha256)
        self.summary.parsed += result.ok
        self.summary.failed += not result.ok
        self.summary.known += len(refs) - 1
        self.summary.pages += result.pages or 0
        if self.progress:
            self.progress.update(len(refs), pages=result.pages or 0, failed=(not result.ok) * len(refs))
        self.flush(force=False)


def _engine(opts: IngestOptions):
    if opts.engine == "ray":
        from gongkai.data.store.ray_engine import RayEngine

        return RayEngine(opts.workers, opts.timeout, opts.max_memory_mb, opts.address)
    if opts.engine != "local":
        raise ValueError(f"unknown engine {opts.engine!r} (local or ray)")
    from gongkai.data.store.pool import WorkerPool

    return WorkerPool(opts.workers, opts.timeout, opts.max_memory_mb)


def _record_walk(run: _Run, walked: WalkResult, roots: Sequence[str]) -> None:
    """First transaction: drop stale content-less failures under the roots, record the walk's."""
    run.builder.stale_roots = list(roots)
    for f in walked.failures:
        run.builder.add_unreadable(InputRef(path=f.path, fs_path=f.path), "walk", f.error)
    run.summary.failed += len(walked.failures)
    run.sink.apply(run.builder.build())
    run.builder = BatchBuilder(run.known)


def ingest(
    paths: Sequence[str | os.PathLike[str]],
    db: str | os.PathLike[str],
    options: IngestOptions | None = None,
) -> IngestSummary:
    """Ingest every report under ``paths`` into the DuckDB database ``db``; see the module doc.

    Raises :class:`~gongkai.data.store.writer.StoreError` when the database cannot be opened or
    written (what was written before stays, and the next run continues from there).
    """
    opts = options or IngestOptions()
    start = time.perf_counter()
    roots = [os.path.abspath(p) for p in paths]
    with Writer(db) as writer:
        shard_root = shards.shard_dir_for(os.path.abspath(db))
        shards.recover(writer, shard_root)
        sink = BackgroundSink(shards.ShardSink(writer, shard_root) if opts.engine == "ray" else writer)
        run = _Run(writer, sink, writer.state(), opts)
        try:
            walked = walk(roots, opts.exclude, skip=own_files(db))
            run.summary.excluded = walked.excluded
            _record_walk(run, walked, roots)
            todo = [ref for ref in walked.inputs if not run.unchanged(ref)]
            run.todo_paths = {ref.path for ref in todo}
            run.summary.inputs = len(walked.inputs) + len(walked.failures)
            run.summary.unchanged = len(walked.inputs) - len(todo)
            run.progress = _Progress(len(todo), opts.progress)
            if todo:
                # The engines also yield empty lists now and then, so a batch is never held long.
                for results in _engine(opts).run(run.tasks(todo)):
                    for r in results:
                        run.finish(r)
                    run.flush(force=False)
            run.flush()
            sink.close()  # the last batches written; a write error is raised here
        finally:
            sink.stop()  # never leave the writer thread on the connection
            if run.progress:
                run.progress.close()
        if shard_root.is_dir() and not any(shard_root.iterdir()):
            shard_root.rmdir()
        writer.drop_orphans()
        run.summary.crossyear_issues = crossyear.recompute(writer)
        yearcompare.recompute(writer)
        s = run.summary
        s.db_reports, s.db_files, s.db_failures = writer.con.execute(
            "SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM files), (SELECT count(*) FROM failures)"
        ).fetchone()
        s.seconds = time.perf_counter() - start
    return run.summary
