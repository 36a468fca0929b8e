"""Writing batches in a thread, so the workers keep getting files while a transaction commits.

A commit of a batch takes longer than parsing a text report; done in the loop that hands out
files, it leaves the workers idle. Batches are still written one at a time, in order, each in
one transaction, so what a kill leaves behind is unchanged: whole inputs, and the ones still
queued are done again by the next run. DuckDB releases the GIL while it executes.
"""

from __future__ import annotations

import queue
import threading
from typing import Protocol

from gongkai.data.store.batch import Batch


class Sink(Protocol):
    def apply(self, batch: Batch) -> None: ...


class BackgroundSink:
    """Apply batches to ``sink`` in a writer thread; a write error comes back on the next call."""

    def __init__(self, sink: Sink, queued: int = 2) -> None:
        self.sink = sink
        self.queue: queue.Queue[Batch | None] = queue.Queue(maxsize=queued)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._loop, name="gongkai-writer", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while (batch := self.queue.get()) is not None:
            if self.error is None:  # after a failed write the rest is left to the next run
                try:
                    self.sink.apply(batch)
                except BaseException as e:  # noqa: BLE001 - handed to the caller's thread
                    self.error = e

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def apply(self, batch: Batch) -> None:
        self._raise()
        self.queue.put(batch)

    def stop(self) -> None:
        """Write what is queued and end the thread (idempotent; raises nothing)."""
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()

    def close(self) -> None:
        """Write what is queued, end the thread, and raise the first write error if any."""
        self.stop()
        self._raise()
