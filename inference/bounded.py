"""Bounded parsing: each file in a worker process with a time and a memory limit.

``gongkai parse``, ``evaluate`` and ``samples`` (and :func:`parse_files` in Python) run every file
through ingest's :class:`~gongkai.data.store.pool.WorkerPool`: a file that takes longer than its
time limit has its worker killed, one that grows its worker past its memory limit gets a
``MemoryError`` there, one that kills its worker is reported, and the next file goes on in a
fresh worker. The limits scale with the pages of PDFs and multi-page images (:class:`Limits`).
"""

from __future__ import annotations

import os
import re
import resource
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongkai.data.errors import GongkaiError, NotAReportError, one_line
from gongkai.data.store.walk import InputRef
from gongkai.data.store.worker import (
    Result,
    Stage,
    Task,
    _peak_mb,
    _reset_peak,
    _status_kb,
    topic_segmenter_once,
)

# What a parse worker imports before it says it is ready (not ingest's pyarrow/pandas).
PRELOAD = (
    "gongkai.inference.pipeline",
    "gongkai.data.loaders.text",
    "gongkai.data.loaders.html",
    "gongkai.data.loaders.docx",
    "gongkai.models.loading",
)
_PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_PAGE_SUFFIXES = {".pdf", ".tif", ".tiff"}


@dataclass(frozen=True)
class Limits:
    """Per-file limits: ``seconds`` and ``memory_mb`` for a text file (txt md html docx, or a
    one-page PDF/image), plus ``page_seconds`` / ``page_memory_mb`` for every further page of a
    PDF or TIFF, the memory capped at ``max_memory_mb``. 0 turns a limit off."""

    seconds: float = 120.0
    memory_mb: int = 2048
    page_seconds: float = 30.0
    page_memory_mb: int = 64
    max_memory_mb: int = 8192

    def for_pages(self, pages: int) -> tuple[float, int]:
        extra = max(0, pages - 1)
        seconds = self.seconds + self.page_seconds * extra if self.seconds > 0 else 0.0
        memory = min(self.memory_mb + self.page_memory_mb * extra, max(self.max_memory_mb, self.memory_mb))
        return seconds, (memory if self.memory_mb > 0 else 0)

    def for_file(self, path: str | Path) -> tuple[float, int]:
        return self.for_pages(estimate_pages(path))


def estimate_pages(path: str | Path) -> int:
    """Pages of a PDF or TIFF, estimated from the bytes without parsing them (1 for others).

    A PDF's page objects are counted (``/Type /Page``), a TIFF counts one page per 300 KB: the
    estimate only scales the limits, and opening a damaged file here would defeat their purpose.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
        with open(p, "rb") as f:
            head = f.read(8)
            if head.startswith(b"%PDF") or p.suffix.lower() == ".pdf":
                f.seek(0)
                return max(1, min(len(_PDF_PAGE.findall(f.read(256 * 1024 * 1024))), 5000))
        if head[:4] in (b"II*\x00", b"MM\x00*") or p.suffix.lower() in _PAGE_SUFFIXES:
            return max(1, min(size // (300 * 1024), 1000))
    except OSError:
        pass
    return 1


@dataclass(frozen=True)
class ParseTask(Task):
    """One file for a parse worker, with its own limits and how to parse it."""

    timeout: float = 0.0
    memory_mb: int = 0
    ocr: bool | None = None
    topics: bool = True
    env: tuple[tuple[str, str], ...] = ()  # set in the worker before parsing (OCR workers, verbosity)


@dataclass
class Parsed(Result):
    """A worker's answer: the record, or the stage that failed and one line why."""

    record: Any = None  # gongkai.data.record.Record when ok


@dataclass
class Outcome:
    """One input of :func:`parse_files`: ``record`` or ``error`` (one line, the file named by the caller).

    ``stage``: load / parse (a refusal: not readable, not a report), timeout / memory (over a
    limit), crash (the worker died, or a parser bug).
    """

    path: str
    record: Any = None
    error: str | None = None
    stage: Stage | None = None
    seconds: float = 0.0
    peak_rss_mb: float | None = None
    index: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.record is not None


def _limit_memory(mb: int) -> None:
    """Cap this worker's address space at ``mb`` MB above its size now (0: lift the cap).

    Relative to the size when the file begins: libraries loaded by earlier files (PDF, OCR
    threads) reserve address space that is not this file's."""
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    soft = resource.RLIM_INFINITY if mb <= 0 else (_status_kb("VmSize") or 0) * 1024 + mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        soft = hard if soft == resource.RLIM_INFINITY else min(soft, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def parse_job(task: ParseTask) -> Parsed:
    """Load and parse one file under its memory limit; never raises for a bad input."""
    from gongkai.data.loaders import load
    from gongkai.data.loaders.quiet import configure
    from gongkai.inference.pipeline import parse_document

    for k, v in task.env:
        os.environ[k] = v
    configure()
    _reset_peak()
    path = task.ref.fs_path

    def fail(stage: Stage, error: str) -> Parsed:
        return Parsed(task.sha256, task.ref.path, False, stage=stage, error=error, peak_rss_mb=_peak_mb(),
                      parse_seconds=time.perf_counter() - t0)

    t0 = time.perf_counter()
    segmenter = topic_segmenter_once() if task.topics else None  # loaded by _warm_up, before the limit
    _limit_memory(task.memory_mb)
    try:
        doc = load(path)
        t1 = time.perf_counter()
        record = parse_document(doc, ocr=task.ocr, segmenter=segmenter)
        record.model_dump_json()  # the record must serialise: a failure here is this file's
    except GongkaiError as e:  # a refusal in one plain sentence: not a report, or not readable
        return fail("parse" if isinstance(e, NotAReportError) else "load", one_line(e))
    except MemoryError:
        return fail("memory", f"ran out of memory: the file needs more than the limit of {task.memory_mb} MB")
    except RecursionError:
        return fail("parse", "the document is nested too deeply to read")
    except OSError as e:
        return fail("load", one_line(e))
    except Exception as e:  # a parser bug: reported for this file, the others go on
        return fail("crash", f"internal error while parsing ({type(e).__name__}: {one_line(e)})")
    finally:
        _limit_memory(0)
    return Parsed(task.sha256, task.ref.path, True, format=record.source.format, pages=record.source.pages,
                  record=record, load_seconds=t1 - t0, parse_seconds=time.perf_counter() - t1,
                  peak_rss_mb=_peak_mb())


def _warm_up() -> None:
    """Load the topic classifier when a worker starts (not on a file's time)."""
    topic_segmenter_once()


_FORWARD_ENV = ("GONGKAI_WORKERS", "GONGKAI_OCR_THREADS", "GONGKAI_OCR_ENGINE", "GONGKAI_VERBOSE")


def parse_files(
    paths: Iterable[str | Path],
    *,
    limits: Limits = Limits(),  # noqa: B008 (frozen)
    ocr: bool | None = None,
    topics: bool = True,
    workers: int = 1,
    in_order: bool = True,
) -> Iterator[Outcome]:
    """Parse ``paths`` in ``workers`` processes under ``limits``; one :class:`Outcome` per path.

    Outcomes come in input order (``in_order=False``: as they finish); ``paths`` is read lazily. The OCR settings of this
    process (``GONGKAI_WORKERS``, ``GONGKAI_OCR_THREADS``) apply inside each worker.
    """
    from gongkai.data.store.pool import WorkerPool

    paths_in = iter(paths)
    seen: list[str] = []  # paths are pulled lazily, as workers are ready for them
    env = tuple((k, os.environ[k]) for k in _FORWARD_ENV if k in os.environ)
    cores = os.cpu_count() or 1
    if "GONGKAI_WORKERS" not in os.environ:  # one file at a time: its pages use every core
        env += (("GONGKAI_WORKERS", str(cores if workers <= 1 else 1)),)
    if "GONGKAI_OCR_THREADS" not in os.environ:  # several files at a time: the cores are shared
        env += (("GONGKAI_OCR_THREADS", "" if workers <= 1 else str(max(1, cores // workers))),)

    def tasks() -> Iterator[ParseTask]:
        for p in paths_in:
            seen.append(str(p))
            seconds, memory = limits.for_file(p)
            yield ParseTask(str(len(seen) - 1), InputRef(path=str(p), fs_path=str(p)), timeout=seconds or 1e9,
                            memory_mb=memory, ocr=ocr, topics=topics, env=env)

    pool = WorkerPool(max(1, workers), 1e9, 0, job=parse_job, preload=PRELOAD, init=_warm_up if topics else None)
    waiting: dict[int, Outcome] = {}
    nxt = 0
    for batch in pool.run(tasks()):
        for r in batch:
            i = int(r.sha256)
            out = Outcome(seen[i], record=getattr(r, "record", None), error=None if r.ok else r.error,
                          stage=r.stage, seconds=r.load_seconds + r.parse_seconds, peak_rss_mb=r.peak_rss_mb, index=i)
            if not in_order:
                yield out
                continue
            waiting[i] = out
            while nxt in waiting:
                yield waiting.pop(nxt)
                nxt += 1


def parse_file_bounded(path: str | Path, *, limits: Limits = Limits(), **kwargs):  # noqa: B008
    """:func:`gongkai.parse_file` under ``limits`` in a worker process.

    Raises :class:`~gongkai.data.loaders.base.LoadError` / :class:`NotAReportError` as
    ``parse_file`` does, and :class:`LimitExceeded` when the file is over a limit.
    """
    from gongkai.data.loaders import LoadError

    out = next(parse_files([path], limits=limits, **kwargs))
    if out.ok:
        return out.record
    if out.stage == "load":
        raise LoadError(out.error)
    if out.stage == "parse":
        raise NotAReportError(out.error)
    raise LimitExceeded(out.error or "the file could not be parsed")


class LimitExceeded(GongkaiError, RuntimeError):
    """A file took longer or needed more memory than its limits (or killed its worker)."""


def describe(limits: Limits) -> str:
    return (f"{limits.seconds:g} s and {limits.memory_mb} MB per file, +{limits.page_seconds:g} s and "
            f"+{limits.page_memory_mb} MB per further page (at most {limits.max_memory_mb} MB)")


__all__: Sequence[str] = ("Limits", "LimitExceeded", "Outcome", "parse_file_bounded", "parse_files")
