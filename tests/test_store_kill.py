"""kill -9 at random moments: the resumed database equals an uninterrupted run's.

``gongkai ingest`` runs as a subprocess (2 workers, small batches) on ~60 generated reports
plus a duplicate and a non-report; it is killed with SIGKILL (the whole process group, as a
power cut or the OOM killer would) at seeded random moments — a random share of its files
done, read from its progress bar, plus a random delay — four times, then run to the end.
Every table must then hold exactly the rows of an uninterrupted run (timings aside).
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from gongkai.data.store.run import IngestOptions, ingest
from gongkai.data.store.schema import snapshot
from gongkai.data.synth.corpus import iter_corpus

N_REPORTS = 60


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("kill") / "in"
    (d / "sub").mkdir(parents=True)
    for i, _report, r in iter_corpus(N_REPORTS, seed=11):
        (d / ("sub" if i % 3 else "") / f"r{i:03d}.{r.format}").write_bytes(r.data)
    shutil.copy(d / "r000.txt", d / "sub" / "copy-of-r000.txt")
    (d / "notes.txt").write_text("会议纪要：无。\n", encoding="utf-8")
    return d


def _ingest_cmd(src: Path, db: Path, batch: int) -> list[str]:
    return [sys.executable, "-m", "gongkai.inference.cli", "ingest", str(src), "--db", str(db),
            "--workers", "2", "--batch-size", str(batch), "--progress"]


def _run_and_kill(cmd: list[str], fraction: float, jitter: float) -> tuple[bool, int]:
    """Start ``cmd``; SIGKILL its process group once ``fraction`` of its files are done (read from
    its progress bar) plus ``jitter`` seconds. Returns (killed?, files it had done)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    reached = threading.Event()
    done = [0]

    def read() -> None:
        buf = b""
        while chunk := proc.stderr.read1(4096):  # type: ignore[union-attr]
            buf = (buf + chunk)[-200:]
            counts = re.findall(rb"(\d+)/(\d+) \[", buf)
            if counts:
                done[0], total = int(counts[-1][0]), int(counts[-1][1])
                if done[0] >= fraction * total:
                    reached.set()
        reached.set()  # the run ended

    t = threading.Thread(target=read, daemon=True)
    t.start()
    reached.wait(timeout=60)
    time.sleep(jitter)
    killed = proc.poll() is None
    if killed:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    t.join(timeout=5)
    return killed, done[0]


def test_sigkill_at_random_moments_leaves_a_resumable_identical_database(corpus, tmp_path):
    ref_db = tmp_path / "ref.duckdb"
    summary = ingest([corpus], ref_db, IngestOptions(workers=2, progress=False))
    assert summary.db_files == N_REPORTS + 2  # every input: parsed + failed
    assert summary.db_failures == 1 and summary.parsed == N_REPORTS

    db = tmp_path / "killed.duckdb"
    rng = random.Random(20240611)
    kills = 0
    stored = []
    for attempt in range(4):
        batch = rng.choice([1, 3, 8])
        killed, _ = _run_and_kill(_ingest_cmd(corpus, db, batch), rng.uniform(0.1, 0.5), rng.uniform(0, 0.15))
        kills += killed
        if db.exists():
            with duckdb.connect(str(db), read_only=True) as con:
                stored.append(con.execute("SELECT count(*) FROM files").fetchone()[0])
        else:
            stored.append(0)
        print(f"attempt {attempt}: batch {batch}, killed={killed}, paths stored {stored[-1]}")
    assert kills >= 3, "the runs finished before they could be killed: the corpus is too small"
    assert any(0 < n < N_REPORTS + 2 for n in stored), f"no kill fell mid-run: {stored}"

    final = subprocess.run(_ingest_cmd(corpus, db, 8), capture_output=True, timeout=120)
    assert final.returncode == 0, final.stderr.decode()[-2000:]
    with duckdb.connect(str(ref_db), read_only=True) as a, duckdb.connect(str(db), read_only=True) as b:
        want, got = snapshot(a), snapshot(b)
    for table in want:
        assert got[table] == want[table], f"table {table} differs after kill -9 and resume"
    assert len(want["reports"]) == N_REPORTS + 1  # the copy is stored once, under both paths
