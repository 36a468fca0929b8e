"""Local worker processes with a per-file time limit, a memory limit, and replacement on crash.

``concurrent.futures`` cannot stop one hung task or survive one crashed worker without
breaking the pool, so this is a small pool of its own: one pipe per worker, one task at a
time each. A worker that exceeds the time limit is killed; one that dies is replaced; either
way its file comes back as a failed :class:`Result` and the run goes on. A worker gets its first
file only once it says it is ready, so its start-up (imports) never counts against a file's
time limit. A worker whose last file was quick gets the next one queued behind the current,
so it never waits for the main process between files; a slow file (a scan) is not queued
behind, which would leave another worker idle at the end.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait

from gongkai.data.errors import GongkaiError
from gongkai.data.store.worker import (
    PRELOAD,
    Result,
    Stage,
    Task,
    die_with_parent,
    failed,
    limit_memory,
    run_task,
    single_process_ocr,
)

Job = Callable[[Task], Result]
HEARTBEAT = 0.5  # seconds
READY = "ready"
MAX_FAILED_STARTS = 5  # in a row: the workers cannot start at all
QUICK = 0.5  # seconds: a file this quick lets its worker hold one more in its queue


class EngineError(GongkaiError, RuntimeError):
    """The parsers cannot run at all (not one file's fault). The message is one plain sentence."""


def _worker_main(conn: Connection, max_memory_mb: int, job: Job, ocr_threads: int,
                 init: Callable[[], None] | None = None) -> None:
    die_with_parent()
    single_process_ocr(ocr_threads)
    from gongkai.data.loaders.quiet import configure

    configure()  # library chatter off stderr here too, unless GONGKAI_VERBOSE
    if init is not None:
        init()  # e.g. load a model: before "ready", so it never counts against a file's time
    limit_memory(max_memory_mb)
    try:
        conn.send(READY)
    except (BrokenPipeError, OSError):
        return
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return  # the run is gone
        if task is None:
            return
        try:
            result = job(task)
        except MemoryError:
            result = failed(task, "memory", "ran out of memory while reading this file (the per-file memory limit)")
        except Exception as e:
            result = failed(task, "crash", f"the worker failed on this file ({type(e).__name__}: {e})")
        try:
            conn.send(result)
        except (BrokenPipeError, OSError):
            return
        if result.stage == "memory":
            return  # after a MemoryError the process may be in a poor state: start afresh


@dataclass
class _Slot:
    proc: mp.process.BaseProcess
    conn: Connection
    tasks: deque[Task] = field(default_factory=deque)  # sent, in order; the first is being read
    started: float = 0.0  # when the first one began
    ready: bool = False  # has said so: may be given a file
    quick: bool = False  # its last file took less than QUICK seconds

    def depth(self) -> int:
        return 2 if self.quick else 1


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        sig = signal.Signals(-exitcode).name
        if sig == "SIGKILL":
            return "the worker process was killed (SIGKILL), most likely because the machine ran out of memory"
        return f"the worker process crashed ({sig}) while reading this file"
    return f"the worker process exited unexpectedly (exit code {exitcode}) while reading this file"


class WorkerPool:
    """``workers`` processes running ``job`` (:func:`run_task`); results come back as they finish."""

    def __init__(self, workers: int, timeout: float, max_memory_mb: int, job: Job = run_task,
                 preload: Iterable[str] = PRELOAD, init: Callable[[], None] | None = None) -> None:
        self.n = max(1, workers)
        self.job = job
        self.init = init
        self.timeout = timeout
        self.max_memory_mb = max_memory_mb
        # forkserver: workers start from a clean, single-threaded process with the parser
        # already imported (fork from here could inherit DuckDB's threads mid-lock).
        self.ctx = mp.get_context("forkserver")
        self.ctx.set_forkserver_preload(list(preload))
        self.slots: list[_Slot] = []
        self.failed_starts = 0
        self.backlog: list[Task] = []  # sent to a worker that ended before it began them

    def _spawn(self) -> _Slot:
        parent, child = self.ctx.Pipe()
        ocr_threads = max(1, (os.cpu_count() or 1) // self.n)
        proc = self.ctx.Process(target=_worker_main, args=(child, self.max_memory_mb, self.job, ocr_threads, self.init),
                                name="gongkai-worker")
        proc.start()
        child.close()
        return _Slot(proc, parent)

    def _replace(self, slot: _Slot) -> None:
        if slot.proc.is_alive():
            slot.proc.kill()
        slot.proc.join(5)
        slot.conn.close()
        fresh = self._spawn()
        slot.proc, slot.conn, slot.tasks, slot.ready = fresh.proc, fresh.conn, deque(), False

    def _fail_first(self, slot: _Slot, stage: Stage, error: str) -> Result:
        """The file being read failed with the worker: the ones queued behind go to another."""
        result = failed(slot.tasks.popleft(), stage, error)
        self.backlog.extend(reversed(slot.tasks))
        self._replace(slot)
        return result

    def _dispatch(self, slot: _Slot, task: Task) -> bool:
        try:
            slot.conn.send(task)
        except (BrokenPipeError, OSError):
            self.backlog.append(task)
            if not slot.tasks:
                self._replace(slot)  # died while idle; if busy, _collect sees it die
            return False
        slot.tasks.append(task)
        if len(slot.tasks) == 1:
            slot.started = time.monotonic()
        return True

    def _start(self, slot: _Slot, ready: list) -> None:
        """Mark ``slot`` ready when its worker says so; replace it if it died starting."""
        if slot.conn in ready:
            try:
                slot.ready = slot.conn.recv() == READY
            except (EOFError, OSError):
                slot.ready = False
        elif slot.proc.sentinel not in ready:
            return  # still starting
        if slot.ready:
            self.failed_starts = 0
            return
        slot.proc.join(5)
        self.failed_starts += 1
        if self.failed_starts >= MAX_FAILED_STARTS:
            raise EngineError(f"the worker processes cannot start (the last one ended with exit code "
                              f"{slot.proc.exitcode})")
        self._replace(slot)

    def _collect(self, slot: _Slot, ready: list) -> Result | None:
        if slot.conn in ready:
            try:
                result: Result = slot.conn.recv()
            except (EOFError, OSError):
                slot.proc.join(5)
                return self._fail_first(slot, "crash", _death(slot.proc.exitcode))
            slot.tasks.popleft()
            slot.started = time.monotonic()  # the next queued file begins now
            slot.quick = result.load_seconds + result.parse_seconds < QUICK and result.ok
            if result.stage == "memory":  # the worker ends after this: its queue goes elsewhere
                self.backlog.extend(reversed(slot.tasks))
                self._replace(slot)
            return result
        if slot.proc.sentinel in ready:
            slot.proc.join(5)
            return self._fail_first(slot, "crash", _death(slot.proc.exitcode))
        limit = self._timeout(slot)
        if time.monotonic() - slot.started > limit:
            return self._fail_first(slot, "timeout", f"reading this file took longer than the limit of {limit:g} s")
        return None

    def _timeout(self, slot: _Slot) -> float:
        """The time limit of the file being read: its own (a task's ``timeout``), else the pool's."""
        return getattr(slot.tasks[0], "timeout", None) or self.timeout

    def run(self, tasks: Iterable[Task]) -> Iterator[list[Result]]:
        """Run ``tasks`` (pulled lazily) and yield the results that finished together.

        An empty list comes at least every ``HEARTBEAT`` seconds, so the caller can write what
        is waiting while long files are still being read.
        """
        it = iter(tasks)
        exhausted = False
        backlog = self.backlog = []
        self.slots = [self._spawn() for _ in range(self.n)]
        try:
            while True:
                for slot in self.slots:
                    while slot.ready and len(slot.tasks) < slot.depth() and (backlog or not exhausted):
                        task = backlog.pop() if backlog else next(it, None)
                        if task is None:
                            exhausted = True
                        elif not self._dispatch(slot, task):
                            break
                busy = [s for s in self.slots if s.tasks]
                starting = [s for s in self.slots if not s.ready]
                if not busy and exhausted and not backlog:
                    return
                timeout = HEARTBEAT
                if busy:
                    deadline = min(s.started + self._timeout(s) for s in busy)
                    timeout = min(HEARTBEAT, max(0.0, deadline - time.monotonic()) + 0.01)
                watched = busy + starting
                ready = wait([s.conn for s in watched] + [s.proc.sentinel for s in watched], timeout=timeout)
                for s in starting:
                    self._start(s, ready)
                yield [r for s in busy if (r := self._collect(s, ready)) is not None]
        finally:
            self.close()

    def close(self) -> None:
        for slot in self.slots:
            with contextlib.suppress(BrokenPipeError, OSError):
                slot.conn.send(None)
        for slot in self.slots:
            slot.proc.join(2)
            if slot.proc.is_alive():
                slot.proc.kill()
                slot.proc.join(2)
            slot.conn.close()
        self.slots = []
