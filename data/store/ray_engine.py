"""The Ray engine: the same per-file job as Ray tasks, on a local Ray or a cluster.

The driver reads each file (it has just hashed it) and ships the bytes with the task, so the
Ray workers need not see the driver's file system. Results come back to the driver, which
writes them as Parquet shards and loads each shard in one transaction (:mod:`.shards`):
resume and failure rules are the local engine's. The time limit counts from when the task
starts, not from its submission (a Ray worker may take seconds to start): the task stops
itself with a timer. Code that never returns to Python ignores that timer, so the driver also
cancels a task (killing its worker process) once it has been out for the limit plus a grace
of ``max(30 s, limit)``; either way it is recorded as a ``timeout``.
"""

from __future__ import annotations

import logging
import resource
import signal
import time
from collections.abc import Iterable, Iterator

from gongkai.data.errors import one_line
from gongkai.data.store.pool import HEARTBEAT, Job
from gongkai.data.store.walk import ReadError, read_input
from gongkai.data.store.worker import Result, Task, failed, limit_memory, run_task, single_process_ocr


class _TimeLimit(BaseException):
    """Raised by the task's timer; a BaseException so that no ``except Exception`` swallows it."""


def _on_alarm(signum, frame):
    raise _TimeLimit


def _ray_job(task: Task, max_memory_mb: int, timeout: float, job: Job = run_task) -> Result:
    """A Ray task: ``job`` (:func:`run_task`) under this file's memory and time limits, both
    lifted afterwards as a Ray worker process runs many tasks."""
    single_process_ocr(1)  # the task holds one CPU
    old = limit_memory(max_memory_mb)
    try:
        handler = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    except ValueError:  # not the main thread: the driver's hard limit still holds
        handler = None
    try:
        return job(task)
    except _TimeLimit:
        return failed(task, "timeout", f"reading this file took longer than the limit of {timeout:g} s")
    except MemoryError:
        return failed(task, "memory", "ran out of memory while reading this file (the per-file memory limit)")
    finally:
        if handler is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, handler)
        if old is not None:
            resource.setrlimit(resource.RLIMIT_AS, old)


def _ray_failure(task: Task, e: Exception) -> Result:
    import ray.exceptions as rex

    if isinstance(e, rex.TaskCancelledError):
        return failed(task, "timeout", "reading this file took longer than the time limit")
    if isinstance(e, rex.OutOfMemoryError):
        return failed(task, "memory", "Ray stopped the task because the node ran out of memory")
    if isinstance(e, (rex.WorkerCrashedError, rex.NodeDiedError)):
        return failed(task, "crash", "the Ray worker process died while reading this file")
    return failed(task, "crash", f"the Ray task failed ({type(e).__name__}: {one_line(e, 200)})")


class RayEngine:
    """Run tasks on Ray; ``address`` None starts a local Ray with ``workers`` CPUs."""

    def __init__(self, workers: int, timeout: float, max_memory_mb: int, address: str | None = None,
                 job: Job = run_task) -> None:
        self.workers = max(1, workers)
        self.job = job
        self.timeout = timeout
        self.max_memory_mb = max_memory_mb
        self.address = address

    def _init(self):
        import ray

        started = False
        if not ray.is_initialized():
            kwargs = dict(include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
            if self.address:
                ray.init(address=self.address, **kwargs)
            else:
                ray.init(num_cpus=self.workers, **kwargs)
            started = True
        if self.address:
            self.workers = max(1, int(ray.cluster_resources().get("CPU", self.workers)))
        return ray, started

    def run(self, tasks: Iterable[Task]) -> Iterator[list[Result]]:
        ray, started = self._init()
        remote = ray.remote(num_cpus=1, max_retries=0)(_ray_job)
        inflight: dict = {}  # ObjectRef -> (task, submitted at)
        it = iter(tasks)
        exhausted = False
        try:
            while True:
                early: list[Result] = []
                while not exhausted and len(inflight) < self.workers:
                    task = next(it, None)
                    if task is None:
                        exhausted = True
                        break
                    try:
                        shipped = Task(task.sha256, task.ref, read_input(task.ref))
                    except ReadError as e:
                        early.append(failed(task, "read", str(e)))
                        continue
                    inflight[remote.remote(shipped, self.max_memory_mb, self.timeout, self.job)] = (
                        task, time.monotonic())
                if early:
                    yield early
                if not inflight:
                    if exhausted:
                        return
                    continue
                hard = self.timeout + max(30.0, self.timeout)  # from submission: start-up included
                deadline = min(t0 for _, t0 in inflight.values()) + hard
                ready, _ = ray.wait(list(inflight), num_returns=1,
                                    timeout=min(HEARTBEAT, max(0.0, deadline - time.monotonic())))
                # Take everything finished by now, not just the first.
                rest = [r for r in inflight if r not in ready]
                more = ray.wait(rest, num_returns=len(rest), timeout=0)[0] if rest else []
                results = []
                for ref in [*ready, *more]:
                    task, _ = inflight.pop(ref)
                    try:
                        results.append(ray.get(ref))
                    except Exception as e:  # the task's own failures come back as Results
                        results.append(_ray_failure(task, e))
                now = time.monotonic()
                for ref, (task, t0) in list(inflight.items()):
                    if now - t0 > hard:
                        ray.cancel(ref, force=True)
                        del inflight[ref]
                        results.append(failed(task, "timeout",
                                              f"reading this file took longer than the limit of {self.timeout:g} s"))
                yield results  # empty now and then: lets the caller write what is waiting
        finally:
            for ref in inflight:
                ray.cancel(ref, force=True)
            if started:
                ray.shutdown()
