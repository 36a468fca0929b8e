"""kill -9 at random moments: the resumed database equals an uninterrupted run's.

``gongkai ingest`` runs as a subprocess (2 workers, small batches) on ~60 generated reports
plus a duplicate and a non-report; it is killed with SIGKILL (the whole process group, as a
power cut or the OOM killer would) at seeded random moments — once the database holds a
random number of the inputs (read from its progress bar, five increasing draws from 0 to 90 %),
plus a random delay, so anywhere from worker start-up to the last batches — then run to the end. After every kill the database must be
consistent (no half-written report); at the end every table must hold exactly the rows of an
uninterrupted run (timings aside).
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


def _run_and_kill(cmd: list[str], after: int, jitter: float) -> tuple[bool, int]:
    """Start ``cmd``; SIGKILL its process group once ``after`` of its files are done (read from
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
                done[0] = int(counts[-1][0])
                if done[0] >= after:
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


def _half_written(con: duckdb.DuckDBPyConnection) -> list[str]:
    """What would show an input written in part: each query counts offending rows."""
    checks = {
        "path without its report": "SELECT count(*) FROM files WHERE sha256 IS NOT NULL "
                                   "AND sha256 NOT IN (SELECT sha256 FROM reports)",
        "report without a path": "SELECT count(*) FROM reports WHERE sha256 NOT IN "
                                 "(SELECT sha256 FROM files WHERE sha256 IS NOT NULL)",
        "parsed report without cells or record": "SELECT count(*) FROM reports WHERE status = 'parsed' AND "
                                                 "(record IS NULL OR sha256 NOT IN (SELECT report FROM cells))",
        "cells of no report": "SELECT count(*) FROM cells WHERE report NOT IN (SELECT sha256 FROM reports)",
        "failed path without a reason": "SELECT count(*) FROM files f WHERE status = 'failed' AND NOT EXISTS "
                                        "(SELECT 1 FROM failures x WHERE x.path = f.path AND x.error <> '')",
        "failure of a parsed path": "SELECT count(*) FROM failures x JOIN files f USING (path) "
                                    "WHERE f.status = 'parsed'",
    }
    return [name for name, sql in checks.items() if con.execute(sql).fetchone()[0]]


def test_sigkill_at_random_moments_leaves_a_resumable_identical_database(corpus, tmp_path):
    ref_db = tmp_path / "ref.duckdb"
    summary = ingest([corpus], ref_db, IngestOptions(workers=2, progress=False))
    assert summary.db_files == N_REPORTS + 2  # every input: parsed + failed
    assert summary.db_failures == 1 and summary.parsed == N_REPORTS

    db = tmp_path / "killed.duckdb"
    rng = random.Random(20240611)
    kills = 0
    stored = []
    n_inputs = N_REPORTS + 2
    targets = sorted(rng.sample(range(int(0.9 * n_inputs)), 5))  # paths stored when the kill comes
    for attempt, target in enumerate(targets):
        batch = rng.choice([1, 3, 8])
        after = max(0, target - (stored[-1] if stored else 0))
        killed, _ = _run_and_kill(_ingest_cmd(corpus, db, batch), after, rng.uniform(0, 0.3))
        kills += killed
        if db.exists():
            with duckdb.connect(str(db), read_only=True) as con:
                stored.append(con.execute("SELECT count(*) FROM files").fetchone()[0])
                assert _half_written(con) == [], f"after kill {attempt}"
        else:
            stored.append(0)
        print(f"attempt {attempt}: batch {batch}, kill after {after} more, killed={killed}, paths stored {stored[-1]}")
    assert kills >= 3, "the runs finished before they could be killed: the corpus is too small"
    assert sum(0 < n < n_inputs for n in stored) >= 2, f"fewer than two kills fell mid-run: {stored}"

    final = subprocess.run(_ingest_cmd(corpus, db, 8), capture_output=True, timeout=120)
    assert final.returncode == 0, final.stderr.decode()[-2000:]
    with duckdb.connect(str(ref_db), read_only=True) as a, duckdb.connect(str(db), read_only=True) as b:
        want, got = snapshot(a), snapshot(b)
        assert _half_written(b) == []
    for table in want:
        assert got[table] == want[table], f"table {table} differs after kill -9 and resume"
    assert len(want["reports"]) == N_REPORTS + 1  # the copy is stored once, under both paths
