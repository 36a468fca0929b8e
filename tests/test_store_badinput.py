"""gongkai ingest on bad input the first tests do not reach: duplicate member names, folders and
files that cannot be read even as root, a file vanishing while a worker reads it, read-only
database and output paths, a shard that cannot be written, workers that cannot start."""

from __future__ import annotations

import os
import shutil
import subprocess
import warnings
import zipfile
from pathlib import Path

import duckdb
import pytest

import gongkai
from gongkai.data.store import run as run_module
from gongkai.data.store import shards
from gongkai.data.store import walk as walk_module
from gongkai.data.store.batch import BatchBuilder
from gongkai.data.store.pool import EngineError, WorkerPool
from gongkai.data.store.run import IngestOptions, ingest
from gongkai.data.store.walk import InputRef, hash_input
from gongkai.data.store.worker import Task, run_task
from gongkai.data.store.writer import StoreError, Writer
from gongkai.data.synth.corpus import iter_corpus
from gongkai.inference.cli import main

OPTS = IngestOptions(workers=2, progress=False)


@pytest.fixture(scope="module")
def reports() -> list[bytes]:
    return [r.data for _i, _rep, r in iter_corpus(4, seed=21)]


def _q(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_members_sharing_a_name_in_one_archive_are_all_stored(tmp_path, reports):
    src = tmp_path / "in"
    (src / "a").mkdir(parents=True)
    (src / "b").mkdir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name: that is the point
        with zipfile.ZipFile(src / "crawl.zip", "w") as z:
            z.writestr("年报.txt", reports[0])
            z.writestr("年报.txt", reports[1])
            z.writestr("年报.txt", b"")
    (src / "a" / "report.md").write_bytes(reports[2])  # one name, two contents, two folders
    (src / "b" / "report.md").write_bytes(reports[3])
    db = tmp_path / "r.duckdb"
    s = ingest([src], db, OPTS)
    assert (s.parsed, s.failed) == (4, 1)
    files = dict(_q(db, "SELECT path, status FROM files"))
    zpath = str(src / "crawl.zip")
    assert files == {f"{zpath}!年报.txt": "parsed", f"{zpath}!年报.txt (2)": "parsed",
                     f"{zpath}!年报.txt (3)": "failed",
                     str(src / "a" / "report.md"): "parsed", str(src / "b" / "report.md"): "parsed"}
    # Each member is read itself, not the last one of its name.
    with gongkai.open_db(db) as rdb:
        first, second = rdb.record(f"{zpath}!年报.txt"), rdb.record(f"{zpath}!年报.txt (2)")
    assert first.text != second.text
    assert ingest([src], db, OPTS).unchanged == 5  # and a re-run finds every one of them stored


def test_formats_and_archives_are_told_by_content_not_by_extension(tmp_path):
    data = {r.format: r.data for _i, _rep, r in iter_corpus(4, seed=5)}  # txt md html docx
    src = tmp_path / "in"
    src.mkdir()
    (src / "page.txt").write_bytes(data["html"])
    (src / "report.pdf").write_bytes(data["docx"])
    with zipfile.ZipFile(src / "download.dat", "w") as z:  # an archive under another name
        z.writestr("a", data["txt"])
    db = tmp_path / "r.duckdb"
    s = ingest([src], db, OPTS)
    assert (s.parsed, s.failed) == (3, 0)
    got = dict(_q(db, "SELECT f.path, r.format FROM files f JOIN reports r USING (sha256)"))
    assert got == {str(src / "page.txt"): "html", str(src / "report.pdf"): "docx",
                   f"{src / 'download.dat'}!a": "txt"}


def test_a_folder_that_cannot_be_listed_is_a_failure_even_as_root(tmp_path, reports, monkeypatch):
    src = tmp_path / "in"
    (src / "locked").mkdir(parents=True)
    (src / "locked" / "x.txt").write_bytes(reports[0])
    (src / "ok.txt").write_bytes(reports[1])
    real = os.scandir

    def scandir(path):
        if os.fspath(path) == str(src / "locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(walk_module.os, "scandir", scandir)
    db = tmp_path / "r.duckdb"
    s = ingest([src], db, OPTS)
    assert (s.parsed, s.failed) == (1, 1)
    assert _q(db, "SELECT path, stage, error FROM failures") == [
        (str(src / "locked"), "walk", "permission denied: the folder cannot be listed")]
    monkeypatch.undo()  # listable again: its file is stored and the old failure goes
    s = ingest([src], db, OPTS)
    assert s.parsed == 1 and _q(db, "SELECT count(*) FROM failures") == [(0,)]


def _vanishing_job(task: Task):
    if Path(task.ref.path).name.startswith("vanish"):
        os.unlink(task.ref.fs_path)  # gone after it was hashed, before the worker reads it
    return run_task(task)


def test_a_file_vanishing_while_a_worker_reads_it_is_retried_by_the_next_run(tmp_path, reports, monkeypatch):
    src = tmp_path / "in"
    src.mkdir()
    victim = src / "vanish.txt"
    victim.write_bytes(reports[0])
    (src / "ok.txt").write_bytes(reports[1])
    mtime = victim.stat().st_mtime_ns
    monkeypatch.setattr(run_module, "_engine",
                        lambda o: WorkerPool(o.workers, o.timeout, o.max_memory_mb, job=_vanishing_job))
    db = tmp_path / "r.duckdb"
    s = ingest([src], db, OPTS)
    assert (s.parsed, s.failed) == (1, 1)
    assert _q(db, "SELECT path, stage, error FROM failures") == [
        (str(victim), "read", "the file disappeared while it was being read")]
    monkeypatch.undo()
    victim.write_bytes(reports[0])  # back, with the same content and time: not the content's fault
    os.utime(victim, ns=(mtime, mtime))
    s = ingest([src], db, OPTS)  # no --retry-failed needed for a read failure
    assert (s.parsed, s.failed) == (1, 0)
    assert _q(db, "SELECT count(*) FROM failures") == [(0,)]
    assert _q(db, "SELECT status, count(*) FROM reports GROUP BY 1") == [("parsed", 2)]


def test_a_database_path_on_a_read_only_file_system_is_a_clear_error(tmp_path, reports, capsys):
    if not os.path.isdir("/sys"):  # sysfs: no files can be created there, even by root
        pytest.skip("no sysfs here to stand for a read-only place")
    (tmp_path / "a.txt").write_bytes(reports[0])
    assert main(["ingest", str(tmp_path / "a.txt"), "--db", "/sys/gongkai-test.duckdb", "-q"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gongkai: cannot open the database /sys/gongkai-test.duckdb") and err.count("\n") == 1
    db = tmp_path / "r.duckdb"
    ingest([tmp_path / "a.txt"], db, OPTS)
    assert main(["export", "--db", str(db), "--to", "csv", "/sys/gongkai-test-out"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gongkai: cannot create the output folder /sys/gongkai-test-out") and err.count("\n") == 1


def _chattr(flag: str, path: Path) -> bool:
    """Set or clear the immutable attribute: read-only even for root (needs CAP_LINUX_IMMUTABLE)."""
    if shutil.which("chattr") is None:
        return False
    return subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0


def test_a_read_only_database_file_or_folder_is_a_clear_error_and_stays_readable(tmp_path, reports, capsys):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_bytes(reports[0])
    db = tmp_path / "r.duckdb"
    ingest([src], db, OPTS)
    (src / "b.txt").write_bytes(reports[1])
    ro_dir = tmp_path / "ro"
    ro_dir.mkdir()
    if not _chattr("+i", db):
        pytest.skip("cannot make a file immutable here (chattr, CAP_LINUX_IMMUTABLE)")
    _chattr("+i", ro_dir)
    try:
        assert main(["ingest", str(src), "--db", str(db), "-q"]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"gongkai: cannot open the database {db}") and err.count("\n") == 1
        with gongkai.open_db(db) as rdb:  # reading needs no write access
            assert rdb.sql("SELECT count(*) FROM files").fetchall() == [(1,)]
        with pytest.raises(StoreError, match="cannot open the database"):
            ingest([src], ro_dir / "r.duckdb", OPTS)
        assert main(["export", "--db", str(db), str(ro_dir / "out")]) == 2
        assert capsys.readouterr().err.startswith("gongkai: cannot create the output folder")
    finally:
        _chattr("-i", db)
        _chattr("-i", ro_dir)
    assert ingest([src], db, OPTS).parsed == 1  # writable again: the run completes


def test_a_shard_that_cannot_be_written_is_a_store_error_and_nothing_is_half_loaded(tmp_path, reports, monkeypatch):
    src = tmp_path / "a.txt"
    src.write_bytes(reports[0])
    ref, sha = hash_input(InputRef(str(src), str(src)))
    builder = BatchBuilder()
    builder.add_result(run_task(Task(sha, ref)), [ref], ref.size)
    db = tmp_path / "r.duckdb"
    root = shards.shard_dir_for(db)

    def full(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shards.pq, "write_table", full)
    with Writer(db) as w:
        with pytest.raises(StoreError, match="No space left on device.*next run"):
            shards.ShardSink(w, root).apply(builder.build())
        assert w.con.execute("SELECT count(*) FROM files").fetchall() == [(0,)]
    monkeypatch.undo()
    assert [p.name.startswith(".tmp-") for p in root.iterdir()] == [True]  # unfinished: dropped next time
    s = ingest([src], db, IngestOptions(workers=1, progress=False))
    assert s.parsed == 1 and not root.exists()


class _Unstartable:
    """A job whose unpickling ends the worker process: a worker that can never start."""

    def __reduce__(self):
        return (os._exit, (3,))


def test_workers_that_cannot_start_stop_the_run_with_a_clear_error(tmp_path, reports, monkeypatch, capsys):
    (tmp_path / "a.txt").write_bytes(reports[0])
    monkeypatch.setattr(run_module, "_engine",
                        lambda o: WorkerPool(o.workers, o.timeout, o.max_memory_mb, job=_Unstartable()))
    with pytest.raises(EngineError, match="cannot start"):
        ingest([tmp_path / "a.txt"], tmp_path / "r.duckdb", OPTS)
    assert main(["ingest", str(tmp_path / "a.txt"), "--db", str(tmp_path / "r.duckdb"), "-q"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gongkai: the worker processes cannot start") and err.count("\n") == 1


def _queue_job(task: Task):
    name = Path(task.ref.path).name
    if name.startswith("crash"):
        os._exit(3)
    if name.startswith("hang"):
        import time

        time.sleep(60)
    return run_task(task)


class _WatchedPool(WorkerPool):
    """Records how many files a worker held when it was given one more."""

    def _dispatch(self, slot, task):
        self.held = max(getattr(self, "held", 0), len(slot.tasks) + 1)
        return super()._dispatch(slot, task)


def test_files_queued_behind_a_crash_or_a_timeout_go_to_a_fresh_worker(tmp_path, reports):
    names = ["a.txt", "b.txt", "c.txt", "crash.txt", "d.txt", "hang.txt", "e.txt", "f.txt"]
    tasks = []
    for i, name in enumerate(names):
        p = tmp_path / name
        p.write_bytes(reports[i % 4] + f"\n{i}".encode())
        ref, sha = hash_input(InputRef(str(p), str(p)))
        tasks.append(Task(sha, ref))
    pool = _WatchedPool(1, 3.0, 0, job=_queue_job)
    results = {Path(r.path).name: (r.ok, r.stage) for batch in pool.run(tasks) for r in batch}
    assert results == {n: (False, "crash") if n == "crash.txt" else (False, "timeout") if n == "hang.txt"
                       else (True, None) for n in names}
    assert pool.held == 2  # quick files: the next one waited in the worker's queue


def _env_job(task: Task):
    from gongkai.data.store.worker import failed

    return failed(task, "parse", f"{os.environ.get('GONGKAI_WORKERS')}/{os.environ.get('GONGKAI_OCR_THREADS')}")


def test_workers_share_the_cores_for_ocr_instead_of_each_taking_all(tmp_path, reports):
    p = tmp_path / "a.txt"
    p.write_bytes(reports[0])
    ref, sha = hash_input(InputRef(str(p), str(p)))
    for n in (1, 2):
        results = [r for batch in WorkerPool(n, 30, 0, job=_env_job).run([Task(sha, ref)]) for r in batch]
        # One OCR process per file, with the cores divided among the workers.
        assert [r.error for r in results] == [f"1/{max(1, (os.cpu_count() or 1) // n)}"]
