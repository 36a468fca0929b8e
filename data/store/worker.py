"""The per-file job — load, parse, turn into rows — and the limits it runs under.

:func:`run_task` never raises for a bad input: whatever goes wrong becomes a failed
:class:`Result` with the stage and one plain sentence. It is the same function for the local
worker processes (:mod:`.pool`) and for Ray tasks (:mod:`.ray_engine`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import resource
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from gongkai.data.errors import GongkaiError, NotAReportError, one_line
from gongkai.data.loaders import LoadError, load
from gongkai.data.loaders.detect import HEAD_SIZE, detect_format
from gongkai.data.store.rows import RecordRows, record_rows
from gongkai.data.store.walk import InputRef, ReadError, own_name, read_input, suffix

# Modules a worker needs; a forkserver imports them once so every worker starts warm
# (missing ones are skipped).
PRELOAD = (
    "gongkai.inference.pipeline",
    "gongkai.data.loaders.text",
    "gongkai.data.loaders.html",
    "gongkai.data.loaders.docx",
    "gongkai.data.store.rows",
    "gongkai.models.loading",  # the topic classifier (its model loads on the first file)
    "pyarrow",
    "pandas",  # pyarrow imports it on its first conversion if installed (0.7 s per worker otherwise)
)


# Where an input failed, as stored in the failures table: walk / read (the bytes), load (the format),
# parse (no report, a parser bug), timeout / memory (over a limit), crash (the worker died).
Stage = Literal["walk", "read", "load", "parse", "timeout", "memory", "crash"]


@dataclass(frozen=True)
class Task:
    """One distinct content to parse, found at ``ref`` (``data``: its bytes, when shipped)."""

    sha256: str
    ref: InputRef
    data: bytes | None = None


@dataclass
class Result:
    """The outcome of one task: rows to store, or the stage that failed and why."""

    sha256: str
    path: str
    ok: bool
    format: str | None = None
    pages: int | None = None
    rows: RecordRows | None = None
    stage: Stage | None = None
    error: str | None = None
    load_seconds: float = 0.0
    parse_seconds: float = 0.0
    peak_rss_mb: float | None = None


def failed(task: Task, stage: Stage, error: str, fmt: str | None = None) -> Result:
    return Result(task.sha256, task.ref.path, False, format=fmt, stage=stage, error=error)


def _without_path(message: str, local: str, task: Task) -> str:
    """A loader's message with the file's path shortened to its name.

    The failure belongs to the content and is copied to every path it is found under, and a
    temporary copy's path would mean nothing to the reader.
    """
    return message.replace(local, own_name(task.ref))


@contextlib.contextmanager
def _local_file(task: Task) -> Iterator[str]:
    """A path the loader can read: the file itself, or a temporary copy of a member/shipped bytes.

    The copy keeps the member's extension, which the format detection uses as a tie-breaker.
    """
    if task.data is None and not task.ref.members:
        yield task.ref.fs_path
        return
    data = task.data if task.data is not None else read_input(task.ref)
    name = own_name(task.ref) or f"input{suffix(task.ref)}"
    with tempfile.TemporaryDirectory(prefix="gongkai-") as tmp:
        p = Path(tmp) / name
        p.write_bytes(data)
        yield str(p)


def _sniff(path: str) -> str | None:
    """The format of a file that failed to load, if its content says (for the failure row)."""
    try:
        with open(path, "rb") as f:
            head = f.read(HEAD_SIZE)
        return detect_format(path, head) if head else None
    except (OSError, LoadError):
        return None


def run_task(task: Task) -> Result:
    """Load and parse one input; a failed :class:`Result` says which stage failed and why."""
    _reset_peak()
    try:
        with _local_file(task) as local:
            return _parse(task, local)
    except ReadError as e:
        return failed(task, "read", str(e))
    except OSError as e:  # no room for the temporary copy of a member
        return failed(task, "read", f"cannot make a temporary copy of the archive member: {e.strerror or e}")


@functools.cache
def topic_segmenter_once():
    """The shipped topic classifier, loaded once per worker (None: heading-based segments).

    Ingest stores what ``gongkai parse`` prints: segments with topics and problem categories.
    """
    from gongkai.models import topic_segmenter

    return topic_segmenter()


def _parse(task: Task, local: str) -> Result:
    from gongkai.inference.pipeline import parse_document

    t0 = time.perf_counter()
    try:
        doc = load(local)
        t1 = time.perf_counter()
        if doc.sha256 != task.sha256:
            return failed(task, "read", "the file changed while it was being ingested; run again")
        doc.path = task.ref.path
        record = parse_document(doc, segmenter=topic_segmenter_once())
        rows: RecordRows = record_rows(record, task.sha256)
    except LoadError as e:
        if not os.path.exists(local):  # not the content's fault: the next run tries again
            return failed(task, "read", "the file disappeared while it was being read")
        return failed(task, "load", _without_path(one_line(e), local, task), _sniff(local))
    except NotAReportError as e:
        return failed(task, "parse", f"not a report: {one_line(e)}", _sniff(local))
    except GongkaiError as e:  # the rest of the family says what is wrong in its own words: not a parser bug
        return failed(task, "parse", one_line(e), _sniff(local))
    except MemoryError:
        return failed(task, "memory", "ran out of memory while reading this file (the per-file memory limit)")
    except RecursionError:
        return failed(task, "parse", "the document is nested too deeply to read")
    except Exception as e:  # a parser bug on one file must not stop the run
        return failed(task, "parse", f"internal error while parsing ({type(e).__name__}: {one_line(e)})")
    t2 = time.perf_counter()
    return Result(
        task.sha256,
        task.ref.path,
        True,
        format=record.source.format,
        pages=record.source.pages,
        rows=rows,
        load_seconds=t1 - t0,
        parse_seconds=t2 - t1,
        peak_rss_mb=_peak_mb(),
    )


# ---- limits -------------------------------------------------------------------------------


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def _reset_peak() -> None:
    # Writing 5 to clear_refs resets VmHWM (Linux), so the peak is this file's, not the process's.
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def _peak_mb() -> float | None:
    kb = _status_kb("VmHWM")
    return round(kb / 1024, 1) if kb is not None else None


def limit_memory(max_mb: int, kind: int = resource.RLIMIT_AS) -> tuple[int, int] | None:
    """Cap this process's growth at ``max_mb`` MB above its size now; returns the old limit.

    Relative to the current size because the baseline (interpreter, preloaded modules, thread
    stacks) varies a lot between machines. Allocations beyond it raise ``MemoryError``.
    """
    if max_mb <= 0:
        return None
    base_kb = _status_kb("VmSize" if kind == resource.RLIMIT_AS else "VmData") or 0
    old = resource.getrlimit(kind)
    soft = base_kb * 1024 + max_mb * 1024 * 1024
    if old[1] != resource.RLIM_INFINITY:
        soft = min(soft, old[1])
    resource.setrlimit(kind, (soft, old[1]))
    return old


def die_with_parent() -> None:
    """Ask Linux to kill this worker when its parent dies (a kill -9 of the run leaves no orphan)."""
    with contextlib.suppress(Exception):
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def single_process_ocr(threads: int) -> None:
    """Parallelism is per file here, so OCR inside one file runs in the worker itself, with
    ``threads`` ONNX threads (the cores divided among the workers: more would oversubscribe)."""
    os.environ["GONGKAI_WORKERS"] = "1"
    os.environ["GONGKAI_OCR_THREADS"] = str(max(1, threads))
