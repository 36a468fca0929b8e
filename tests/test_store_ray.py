"""The Ray engine on a local Ray: the same database as the local engine, the same failure rules.

Starting a local Ray takes ~10 s on two cores and this module ~20-30 s in all (measured on a
shared 2-core machine), well inside the CI budget, so it runs by default; CI installs ray through
the ``ray`` extra. Without ray installed the module is skipped.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import duckdb
import pytest

from gongkai.data.store import run as run_module
from gongkai.data.store.run import IngestOptions, ingest
from gongkai.data.store.schema import snapshot
from gongkai.data.store.worker import Task, run_task
from gongkai.data.synth.corpus import iter_corpus

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ray_session():
    ray = pytest.importorskip("ray")
    import logging

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
    # The misbehaving job below lives in this test module, which Ray workers cannot import.
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    yield ray
    ray.shutdown()


def _misbehaving_job(task: Task):
    name = Path(task.ref.path).name
    if name.startswith("hang"):
        time.sleep(60)
    if name.startswith("crash"):
        os._exit(3)
    if name.startswith("explode"):
        return bytearray(8 * 1024**3)
    return run_task(task)


def _snap(db: Path) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        return snapshot(con)


def test_ray_engine_builds_the_same_database(ray_session, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for i, _rep, r in iter_corpus(16, seed=9):
        (src / f"r{i:02d}.{r.format}").write_bytes(r.data)
    (src / "r00-copy.txt").write_bytes((src / "r00.txt").read_bytes())
    (src / "bad.txt").write_text("not a report", encoding="utf-8")
    ingest([src], tmp_path / "local.duckdb", IngestOptions(workers=2, progress=False))
    s = ingest([src], tmp_path / "ray.duckdb", IngestOptions(workers=2, engine="ray", progress=False))
    assert (s.parsed, s.failed, s.db_files) == (16, 1, 18)
    assert _snap(tmp_path / "ray.duckdb") == _snap(tmp_path / "local.duckdb")
    assert not (tmp_path / "ray.duckdb.shards").exists()  # every shard loaded and removed
    again = ingest([src], tmp_path / "ray.duckdb", IngestOptions(workers=2, engine="ray", progress=False))
    assert again.parsed == 0 and again.unchanged == 18


def test_ray_engine_records_hung_crashed_and_exploding_files(ray_session, tmp_path, monkeypatch):
    from gongkai.data.store.ray_engine import RayEngine

    src = tmp_path / "in"
    src.mkdir()
    data = [r.data for _i, _rep, r in iter_corpus(5, seed=2)]
    for i, name in enumerate(["hang.txt", "crash.txt", "explode.txt", "ok1.txt", "ok2.md"]):
        (src / name).write_bytes(data[i])
    monkeypatch.setattr(run_module, "_engine", lambda o: RayEngine(o.workers, o.timeout, o.max_memory_mb,
                                                                   job=_misbehaving_job))
    db = tmp_path / "r.duckdb"
    s = ingest([src], db, IngestOptions(workers=2, engine="ray", timeout=5, max_memory_mb=512, progress=False))
    assert (s.parsed, s.failed) == (2, 3)
    with duckdb.connect(str(db), read_only=True) as con:
        stages = dict(con.execute("SELECT regexp_extract(path, '[a-z0-9]+\\.[a-z]+$'), stage FROM failures").fetchall())
    assert stages == {"hang.txt": "timeout", "crash.txt": "crash", "explode.txt": "memory"}
