"""Local worker processes with a per-file time limit, a memory limit, and replacement on crash.

``concurrent.futures`` cannot stop one hung task or survive one crashed worker without
breaking the pool, so this is a small pool of its own: one pipe per worker, one task at a
time each. A worker that exceeds the time limit is killed; one that dies is replaced; either
way its file comes back as a failed :class:`Result` and the run goes on.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from gongkai.data.store.worker import (
    PRELOAD,
    Result,
    Task,
    die_with_parent,
    failed,
    limit_memory,
    run_task,
    single_process_ocr,
)

Job = Callable[[Task], Result]
HEARTBEAT = 0.5  # seconds


def _worker_main(conn: Connection, max_memory_mb: int, job: Job) -> None:
    die_with_parent()
    single_process_ocr()
    limit_memory(max_memory_mb)
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
    task: Task | None = None
    started: float = 0.0


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        sig = signal.Signals(-exitcode).name
        if sig == "SIGKILL":
            return "the worker process was killed (SIGKILL), most likely because the machine ran out of memory"
        return f"the worker process crashed ({sig}) while reading this file"
    return f"the worker process exited unexpectedly (exit code {exitcode}) while reading this file"


class WorkerPool:
    """``workers`` processes running ``job`` (:func:`run_task`); results come back as they finish."""

    def __init__(self, workers: int, timeout: float, max_memory_mb: int, job: Job = run_task) -> None:
        self.n = max(1, workers)
        self.job = job
        self.timeout = timeout
        self.max_memory_mb = max_memory_mb
        # forkserver: workers start from a clean, single-threaded process with the parser
        # already imported (fork from here could inherit DuckDB's threads mid-lock).
        self.ctx = mp.get_context("forkserver")
        self.ctx.set_forkserver_preload(list(PRELOAD))
        self.slots: list[_Slot] = []

    def _spawn(self) -> _Slot:
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=_worker_main, args=(child, self.max_memory_mb, self.job), name="gongkai-worker")
        proc.start()
        child.close()
        return _Slot(proc, parent)

    def _replace(self, slot: _Slot) -> None:
        if slot.proc.is_alive():
            slot.proc.kill()
        slot.proc.join(5)
        slot.conn.close()
        fresh = self._spawn()
        slot.proc, slot.conn, slot.task = fresh.proc, fresh.conn, None

    def _dispatch(self, slot: _Slot, task: Task) -> None:
        for _ in range(2):
            try:
                slot.conn.send(task)
                break
            except (BrokenPipeError, OSError):
                self._replace(slot)  # died while idle: a fresh worker takes the task
        slot.task, slot.started = task, time.monotonic()

    def _collect(self, slot: _Slot, ready: list) -> Result | None:
        task = slot.task
        assert task is not None
        if slot.conn in ready:
            try:
                result: Result = slot.conn.recv()
            except (EOFError, OSError):
                slot.proc.join(5)
                result = failed(task, "crash", _death(slot.proc.exitcode))
                self._replace(slot)
                return result
            slot.task = None
            if result.stage == "memory":
                self._replace(slot)
            return result
        if slot.proc.sentinel in ready:
            slot.proc.join(5)
            result = failed(task, "crash", _death(slot.proc.exitcode))
            self._replace(slot)
            return result
        if time.monotonic() - slot.started > self.timeout:
            result = failed(task, "timeout", f"reading this file took longer than the limit of {self.timeout:g} s")
            self._replace(slot)
            return result
        return None

    def run(self, tasks: Iterable[Task]) -> Iterator[list[Result]]:
        """Run ``tasks`` (pulled lazily) and yield the results that finished together.

        An empty list comes at least every ``HEARTBEAT`` seconds, so the caller can write what
        is waiting while long files are still being read.
        """
        it = iter(tasks)
        exhausted = False
        self.slots = [self._spawn() for _ in range(self.n)]
        try:
            while True:
                for slot in self.slots:
                    if slot.task is None and not exhausted:
                        task = next(it, None)
                        if task is None:
                            exhausted = True
                        else:
                            self._dispatch(slot, task)
                busy = [s for s in self.slots if s.task is not None]
                if not busy:
                    return
                deadline = min(s.started for s in busy) + self.timeout
                ready = wait(
                    [s.conn for s in busy] + [s.proc.sentinel for s in busy],
                    timeout=min(HEARTBEAT, max(0.0, deadline - time.monotonic()) + 0.01),
                )
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
