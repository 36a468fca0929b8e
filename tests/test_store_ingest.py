"""gongkai ingest: every input stored or recorded as failed, de-duplicated, incremental, robust."""

from __future__ import annotations

import io
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pytest

import gongkai
from gongkai.data.store import run as run_module
from gongkai.data.store import walk as walk_module
from gongkai.data.store.pool import WorkerPool
from gongkai.data.store.run import IngestOptions, ingest
from gongkai.data.store.schema import snapshot
from gongkai.data.store.walk import InputRef, hash_input
from gongkai.data.store.worker import Task, run_task
from gongkai.data.store.writer import StoreError
from gongkai.data.synth.corpus import iter_corpus
from gongkai.inference.cli import main

OPTS = IngestOptions(workers=2, progress=False)


class _GbkName(zipfile.ZipInfo):
    """A member name stored as GBK without the UTF-8 flag, as Chinese Windows tools write them."""

    def _encodeFilenameFlags(self):  # noqa: N802 - zipfile's hook
        return self.filename.encode("gbk"), self.flag_bits


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> list[bytes]:
    return [r.data for _i, _rep, r in iter_corpus(8, seed=3)]  # txt md html docx, twice


@pytest.fixture
def messy(tmp_path, reports) -> Path:
    """A folder like a crawl: reports, a copy under another name, an archive, and junk."""
    d = tmp_path / "in"
    for sub in ("2022", "2023"):
        (d / sub).mkdir(parents=True)
    ext = ["txt", "md", "html", "docx"]
    for i, data in enumerate(reports[:4]):
        (d / "2022" / f"r{i}.{ext[i % 4]}").write_bytes(data)
    (d / "2023" / "r0.txt").write_bytes(reports[0])  # same name, same content, other folder
    (d / "2023" / "copy.htm").write_bytes(reports[2])  # same content, other name
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("inner.html", reports[6])
    with zipfile.ZipFile(d / "bundle.zip", "w") as z:
        z.writestr(_GbkName("年报/第五.md"), reports[5])
        z.writestr("年报/四.txt", reports[4])
        z.writestr("nested.zip", inner.getvalue())
        z.writestr("年报/空白.txt", b"")
        z.writestr("__MACOSX/._x", b"junk")
    (d / "empty.txt").write_bytes(b"")
    (d / "note.txt").write_text("hello, this is not a report\n", encoding="utf-8")
    (d / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    (d / "sheet.xlsx").write_bytes(_xlsx())
    os.mkfifo(d / "pipe")
    (d / "gone").symlink_to(d / "nowhere")
    return d


def _xlsx() -> bytes:
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    return b.getvalue()


def _q(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_input_is_stored_or_recorded_with_a_reason(messy, tmp_path):
    db = tmp_path / "r.duckdb"
    s = ingest([messy], db, OPTS)
    files = dict(_q(db, "SELECT path, status FROM files"))
    rel = {p[len(str(messy)) + 1 :]: st for p, st in files.items()}
    assert rel == {
        "2022/r0.txt": "parsed", "2022/r1.md": "parsed", "2022/r2.html": "parsed", "2022/r3.docx": "parsed",
        "2023/r0.txt": "parsed", "2023/copy.htm": "parsed",
        "bundle.zip!年报/第五.md": "parsed", "bundle.zip!年报/四.txt": "parsed",
        "bundle.zip!nested.zip!inner.html": "parsed", "bundle.zip!年报/空白.txt": "failed",
        "empty.txt": "failed", "note.txt": "failed", "old.doc": "failed", "sheet.xlsx": "failed",
        "pipe": "failed", "gone": "failed",
    }
    assert s.inputs == len(files) == s.db_files and s.parsed == 7
    # Seven distinct reports, stored once each; the empty member and empty.txt are one content.
    assert _q(db, "SELECT status, count(*) FROM reports GROUP BY 1 ORDER BY 1") == [("failed", 4), ("parsed", 7)]
    fails = {p[len(str(messy)) + 1 :]: (stage, err) for p, stage, err in _q(db, "SELECT path, stage, error FROM failures")}
    assert set(fails) == {p for p, st in rel.items() if st == "failed"}
    assert all(err.strip() for _, err in fails.values())
    assert fails["pipe"][0] == "walk" and "not a regular file" in fails["pipe"][1]
    assert fails["gone"][0] == "walk" and "broken symbolic link" in fails["gone"][1]
    assert fails["note.txt"] == ("parse", "not a report: no government information-disclosure report found in the text")
    assert "old Word .doc" in fails["old.doc"][1] and "Excel" in fails["sheet.xlsx"][1]
    assert fails["empty.txt"][0] == "load" and "empty" in fails["empty.txt"][1]
    assert str(tmp_path) not in fails["bundle.zip!年报/空白.txt"][1]  # no temporary paths in messages
    # Cells, segments and issues belong to parsed reports only, and records round-trip.
    assert _q(db, "SELECT count(DISTINCT report) FROM cells")[0][0] == 7
    with gongkai.open_db(db) as rdb:
        rec = rdb.record(str(messy / "2022" / "r2.html"))
        same = gongkai.parse_file(messy / "2022" / "r2.html")
        assert rec.tables == same.tables and rec.text == same.text and rec.meta == same.meta
        assert rdb.record(str(messy / "2023" / "copy.htm")).source.path == str(messy / "2022" / "r2.html")


def test_rerun_does_only_new_or_changed_files(messy, tmp_path, reports):
    db = tmp_path / "r.duckdb"
    ingest([messy], db, OPTS)
    before = _snap(db)
    again = ingest([messy], db, OPTS)
    assert again.parsed == 0 and again.known == 0 and again.unchanged == again.inputs - 2  # pipe, gone re-checked
    assert _snap(db) == before

    r1 = messy / "2022" / "r1.md"
    old_sha = _q(db, f"SELECT sha256 FROM files WHERE path = '{r1}'")[0][0]
    r1.write_bytes(reports[7])  # changed content under the same name
    os.utime(messy / "2022" / "r3.docx", ns=(time.time_ns(), time.time_ns() + 10**9))  # touched only
    (messy / "2023" / "new.txt").write_bytes(reports[1])  # the old content of r1, under a new name
    s = ingest([messy], db, OPTS)
    assert (s.parsed, s.known) == (1, 2)  # r1's new content; r3 and new.txt (r1's old content) known
    assert _q(db, f"SELECT sha256 = '{old_sha}' FROM files WHERE path = '{r1}'") == [(False,)]
    assert _q(db, f"SELECT count(*) FROM reports WHERE sha256 = '{old_sha}'") == [(1,)]
    new_sha = _q(db, f"SELECT sha256 FROM files WHERE path = '{r1}'")[0][0]

    (messy / "2023" / "new.txt").unlink()
    r1.write_bytes(b"now something else entirely\n")
    ingest([messy], db, OPTS)
    # r1's second content is on no path now: its report, cells and issues are dropped. The
    # database is an archive: new.txt's row (and r1's old content) stays though the file went.
    assert _q(db, f"SELECT count(*) FROM reports WHERE sha256 = '{new_sha}'") == [(0,)]
    assert _q(db, f"SELECT count(*) FROM cells WHERE report = '{new_sha}'") == [(0,)]
    assert _q(db, "SELECT count(*) FROM reports WHERE sha256 NOT IN (SELECT sha256 FROM files)") == [(0,)]
    assert _q(db, f"SELECT count(*) FROM reports WHERE sha256 = '{old_sha}'") == [(1,)]


def _snap(db: Path) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        return snapshot(con)


def test_database_inside_the_walked_folder_is_not_an_input(tmp_path, reports):
    (tmp_path / "a.txt").write_bytes(reports[0])
    ingest([tmp_path], tmp_path / "r.duckdb", OPTS)
    ingest([tmp_path], tmp_path / "r.duckdb", OPTS)
    assert _q(tmp_path / "r.duckdb", "SELECT count(*) FROM files") == [(1,)]


def test_vanished_and_unreadable_files_are_failures_and_the_run_goes_on(messy, tmp_path, monkeypatch):
    real_walk, real_open = walk_module.walk, walk_module._open_member
    victim, locked = messy / "2022" / "r1.md", messy / "2022" / "r3.docx"

    def walk_then_delete(*a, **k):
        result = real_walk(*a, **k)
        victim.unlink()  # disappears between the walk and its reading
        return result

    def no_permission(ref: InputRef):
        if ref.fs_path == str(locked):
            raise PermissionError(13, "Permission denied")
        return real_open(ref)

    monkeypatch.setattr(run_module, "walk", walk_then_delete)
    monkeypatch.setattr(walk_module, "_open_member", no_permission)
    db = tmp_path / "r.duckdb"
    ingest([messy], db, OPTS)
    fails = dict(_q(db, "SELECT path, error FROM failures WHERE stage = 'read'"))
    assert fails == {str(victim): f"the file disappeared before it could be read: {victim}",
                     str(locked): f"permission denied: {locked}"}
    assert _q(db, "SELECT count(*) FROM files WHERE status = 'parsed'") == [(7,)]
    # Readable again, and the vanished file no longer there: no stale rows are left behind.
    monkeypatch.undo()
    ingest([messy], db, OPTS)
    assert _q(db, "SELECT count(*) FROM failures WHERE stage = 'read'") == [(0,)]
    assert _q(db, f"SELECT status FROM files WHERE path = '{locked}'") == [("parsed",)]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads everything")
def test_permission_denied_for_real(messy, tmp_path):
    (messy / "2022" / "r0.txt").chmod(0)
    (messy / "2023").chmod(0)
    try:
        ingest([messy], tmp_path / "r.duckdb", OPTS)
    finally:
        (messy / "2023").chmod(0o755)
    fails = dict(_q(tmp_path / "r.duckdb", "SELECT path, error FROM failures"))
    assert "permission denied" in fails[str(messy / "2022" / "r0.txt")]
    assert "permission denied" in fails[str(messy / "2023")]


# ---- limits: a hanging, crashing or exploding file is a failure; the worker is replaced ---------


def _misbehaving_job(task: Task):
    name = Path(task.ref.path).name
    if name.startswith("hang"):
        time.sleep(60)
    if name.startswith("crash"):
        os.kill(os.getpid(), signal.SIGSEGV)
    if name.startswith("explode"):
        hog = bytearray(8 * 1024**3)  # far beyond the limit: MemoryError
        return hog
    return run_task(task)


def test_hung_crashed_and_exploding_files_are_recorded_and_the_run_goes_on(tmp_path, reports, monkeypatch):
    src = tmp_path / "in"
    src.mkdir()
    for i, name in enumerate(["hang.txt", "crash.txt", "explode.txt", "a.txt", "b.md", "c.html"]):
        (src / name).write_bytes(reports[i] + (b"\n" * i if name[0] in "hce" else b""))

    def engine(opts):
        return WorkerPool(opts.workers, opts.timeout, opts.max_memory_mb, job=_misbehaving_job)

    monkeypatch.setattr(run_module, "_engine", engine)
    db = tmp_path / "r.duckdb"
    t0 = time.monotonic()
    # The limit leaves room for a loaded CI machine: a good file must never reach it.
    s = ingest([src], db, IngestOptions(workers=2, timeout=8.0, max_memory_mb=512, progress=False))
    assert time.monotonic() - t0 < 50
    assert (s.parsed, s.failed) == (3, 3)
    stages = {Path(p).name: (st, e) for p, st, e in _q(db, "SELECT path, stage, error FROM failures")}
    assert stages["hang.txt"] == ("timeout", "reading this file took longer than the limit of 8 s")
    assert stages["crash.txt"][0] == "crash" and "SIGSEGV" in stages["crash.txt"][1]
    assert stages["explode.txt"][0] == "memory"


def test_retry_failed_parses_earlier_failures_again(tmp_path, reports, monkeypatch):
    src = tmp_path / "in"
    src.mkdir()
    (src / "crash-once.txt").write_bytes(reports[0])
    (src / "ok.md").write_bytes(reports[1])
    monkeypatch.setattr(run_module, "_engine",
                        lambda o: WorkerPool(o.workers, o.timeout, o.max_memory_mb, job=_misbehaving_job))
    db = tmp_path / "r.duckdb"
    ingest([src], db, OPTS)
    assert _q(db, "SELECT stage FROM failures") == [("crash",)]
    monkeypatch.undo()
    assert ingest([src], db, OPTS).parsed == 0  # the same content is not tried again by default
    s = ingest([src], db, IngestOptions(workers=2, progress=False, retry_failed=True))
    assert s.parsed == 1
    assert _q(db, "SELECT count(*) FROM failures") == [(0,)]
    assert _q(db, "SELECT status, count(*) FROM reports GROUP BY 1") == [("parsed", 2)]


def test_pool_replaces_a_dead_worker(tmp_path, reports):
    paths = []
    for name in ("crash1.txt", "crash2.txt", "ok.txt"):
        (tmp_path / name).write_bytes(reports[0] + name.encode())
        paths.append(tmp_path / name)
    tasks = [Task(sha, ref) for ref, sha in (hash_input(InputRef(str(p), str(p))) for p in paths)]
    pool = WorkerPool(1, 30, 0, job=_misbehaving_job)
    results = [r for batch in pool.run(tasks) for r in batch]
    assert [(Path(r.path).name, r.ok, r.stage) for r in results] == [
        ("crash1.txt", False, "crash"), ("crash2.txt", False, "crash"), ("ok.txt", True, None)]


# ---- the database itself: unusable paths, a full disk ------------------------------------------


def test_unusable_database_paths_are_clear_errors(tmp_path, reports, capsys):
    (tmp_path / "a.txt").write_bytes(reports[0])
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="cannot open the database"):
        ingest([tmp_path / "a.txt"], tmp_path / "file" / "r.duckdb", OPTS)
    assert main(["ingest", str(tmp_path / "a.txt"), "--db", "/proc/gongkai/r.duckdb", "-q"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gongkai: cannot open the database /proc/gongkai/r.duckdb") and err.count("\n") == 1
    assert main(["export", "--db", str(tmp_path / "none.duckdb"), str(tmp_path / "out")]) == 2


def test_database_in_use_by_another_run(tmp_path, reports):
    (tmp_path / "a.txt").write_bytes(reports[0])
    db = tmp_path / "r.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb,time; c=duckdb.connect({str(db)!r}); "
                               "print('ok', flush=True); time.sleep(30)"], stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == b"ok"  # type: ignore[union-attr]
        with pytest.raises(StoreError, match="in use by another process"):
            ingest([tmp_path / "a.txt"], db, OPTS)
    finally:
        holder.kill()
        holder.wait()


def _limit_file_size(limit: int):
    def set_limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes fail with EFBIG instead of killing us
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return set_limit


def test_disk_full_stops_cleanly_and_the_next_run_completes(tmp_path, reports):
    src = tmp_path / "in"
    src.mkdir()
    for i, _rep, r in iter_corpus(24, seed=5):
        (src / f"r{i:02d}.{r.format}").write_bytes(r.data)
    ref_db = tmp_path / "ref.duckdb"
    ingest([src], ref_db, OPTS)
    db = tmp_path / "full.duckdb"
    cmd = [sys.executable, "-m", "gongkai.inference.cli", "ingest", str(src), "--db", str(db), "--workers", "2",
           "--batch-size", "2", "-q"]
    # A file size limit stands in for a full disk: the database cannot grow past ~1 MB.
    full = subprocess.run(cmd, capture_output=True, text=True, timeout=120, preexec_fn=_limit_file_size(1 << 20))
    assert full.returncode == 2, full.stderr
    assert "gongkai: cannot write the database" in full.stderr and "next run" in full.stderr
    assert len(full.stderr.strip().splitlines()) == 1
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert _snap(db) == _snap(ref_db)


def test_cli_ingest_summary_and_exit_code(tmp_path, reports, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(reports[0])
    (tmp_path / "in" / "b.txt").write_bytes(b"")
    assert main(["ingest", str(tmp_path / "in"), "--db", str(tmp_path / "r.duckdb"), "--workers", "1"]) == 0
    err = capsys.readouterr().err
    assert "2 inputs: 1 parsed, 1 failed" in err and "Database: 2 reports, 2 paths, 1 failures" in err
    shutil.rmtree(tmp_path / "in")


def test_leftover_shards_are_loaded_once_and_incomplete_ones_dropped(tmp_path, reports):
    from gongkai.data.store import shards
    from gongkai.data.store.batch import BatchBuilder
    from gongkai.data.store.writer import Writer

    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"r{i}.txt").write_bytes(reports[0] + str(i).encode())
    db = tmp_path / "r.duckdb"
    root = shards.shard_dir_for(db)
    ref, sha = hash_input(InputRef(str(src / "r0.txt"), str(src / "r0.txt")))
    builder = BatchBuilder()
    builder.add_result(run_task(Task(sha, ref)), [ref], ref.size)
    shard = shards.save(builder.build(), root)  # a shard a killed Ray run wrote but did not load
    (root / ".tmp-shard-x").mkdir()  # and one it did not finish writing
    backup = tmp_path / "backup"
    shutil.copytree(shard, backup)
    s = ingest([src], db, OPTS)
    assert (s.parsed, s.unchanged) == (2, 1) and not root.exists()
    before = _snap(db)
    shutil.copytree(backup, shard)  # as if the run died after loading the shard, before removing it
    with Writer(db) as w:
        assert shards.recover(w, root) == 1
    assert _snap(db) == before and not shard.exists()
