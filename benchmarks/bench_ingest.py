"""Benchmark of bulk ingestion (issue: a folder of thousands of mixed reports into a database).

Generates (once, cached in --dir) text-format reports (txt md html docx), text PDFs and scanned
PDFs, then measures, each into a fresh database:

* text formats, text PDFs, and a sample of scans: files/s of ``gongkai ingest`` with 1 and 2
  workers (the scaling ratio) against bare parsing (``parse_file`` in a process pool of the
  same size, nothing stored): the overhead of ingestion;
* text formats with one transaction per input (``--batch-size 1``) against group commit;
* the Ray engine on this machine (2 CPUs) on the text formats and the scan sample, its
  start-up timed apart, and whether it builds the same database as the local engine;
* one ingest of everything (text + PDFs + scans) with 2 workers: the database's counts must
  equal the inputs (parsed + failed) and every failure must carry a reason;
* with ``--components N``: the ingestion work per file, piece by piece, in one process (CPU
  ms per file, best of three): bare parsing against what ingestion adds (turning the record
  into rows, shipping them between processes, building and writing the batches, the
  cross-year checks). Serial and in-process, this is the figure least disturbed by other load.

    python benchmarks/bench_ingest.py [--text 1800] [--pdf 200] [--scans 50] [--scan-sample 6]
                                      [--dir /tmp/gongkai-bench] [--no-ray] [--json OUT]

The machine may be shared: the best of ``--repeat`` runs is kept, and the load average before
each measurement is printed with it. Because wall-clock figures on a busy machine say as much
about the neighbours as about the code, the overhead is also given in CPU seconds: the CPU
time of this process and all its descendants (workers, forkserver), sampled from /proc, per
file — ingest against bare parsing, which other load does not change much.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import threading
import time
from pathlib import Path

import duckdb

from gongkai.data.store.run import IngestOptions, ingest
from gongkai.data.store.worker import PRELOAD
from gongkai.data.synth.corpus import write_corpus

EXCLUDE = ("*.gold.json",)


def corpus(root: Path, kind: str, n: int, formats: tuple[str, ...], seed: int) -> list[Path]:
    """The reports of one kind, generated once and reused while ``n`` is unchanged."""
    d = root / kind
    stamp = root / f".{kind}.complete"  # outside the folder, which is ingested whole
    if not (stamp.exists() and stamp.read_text() == str(n)):
        shutil.rmtree(d, ignore_errors=True)
        t = time.perf_counter()
        write_corpus(d, n, formats, seed=seed, workers=2)
        stamp.write_text(str(n))
        print(f"  generated {n} {kind} reports in {time.perf_counter() - t:.0f} s")
    return sorted(p for p in d.iterdir() if p.is_file() and not p.name.endswith(".gold.json"))


class TreeCPU:
    """CPU seconds used by this process and its descendants while active (sampled from /proc).

    A process that ends between two samples loses at most one interval of its CPU time; the
    workers live as long as the run, so that is small.
    """

    def __init__(self, every: float = 0.25) -> None:
        self.every = every
        self.tick = os.sysconf("SC_CLK_TCK")
        self.base: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.stop = threading.Event()

    def _tree(self) -> list[int]:
        out, todo = [], [os.getpid()]
        while todo:
            pid = todo.pop()
            out.append(pid)
            try:
                for tid in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{tid}/children") as f:
                        todo.extend(int(c) for c in f.read().split())
            except OSError:
                continue
        return out

    def _cpu(self, pid: int) -> float | None:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / self.tick  # utime + stime

    def _sample(self, into: dict[int, float]) -> None:
        for pid in self._tree():
            c = self._cpu(pid)
            if c is not None:
                into[pid] = c

    def _loop(self) -> None:
        while not self.stop.wait(self.every):
            self._sample(self.last)

    def __enter__(self) -> TreeCPU:
        self._sample(self.base)  # the forkserver's earlier CPU is not this measurement's
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()
        self._sample(self.last)

    @property
    def seconds(self) -> float:
        return sum(c - self.base.get(pid, 0.0) for pid, c in self.last.items())


def _init_bare() -> None:
    os.environ["GONGKAI_WORKERS"] = "1"  # as in ingest workers: one file per process


def _bare_parse(path: str):
    """What ``gongkai parse`` does for one file: the parser with the shipped topic classifier."""
    from gongkai.data.store.worker import topic_segmenter_once
    from gongkai.inference.pipeline import parse_file

    return parse_file(path, segmenter=topic_segmenter_once())


def _parse_one(path: str) -> tuple[bool, int]:
    try:
        rec = _bare_parse(path)
    except Exception:
        return False, 0
    return True, rec.source.pages or 0


def bare(files: list[Path], workers: int) -> tuple[float, float]:
    """Seconds (wall, CPU) to parse ``files`` in a pool of ``workers`` processes, storing nothing."""
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(list(PRELOAD))  # the ingest workers' warm start, for a fair match
    with TreeCPU() as cpu:
        t = time.perf_counter()
        pool = ctx.Pool(workers, initializer=_init_bare)
        # Pairs of cheap files save round trips; slow ones (scans) one at a time, as the ingest
        # hands them out, or a worker can be left with the last two while the other idles.
        chunk = 2 if len(files) >= 200 else 1
        for _ in pool.imap_unordered(_parse_one, [str(f) for f in files], chunksize=chunk):
            pass
        pool.close()
        pool.join()
        wall = time.perf_counter() - t
    return wall, cpu.seconds


def _cpu_ms(fn, items: list, repeat: int = 3) -> float:
    """CPU milliseconds per item of ``fn`` over ``items``, best of ``repeat``."""
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        fn(items)
        best = min(best, time.process_time() - t)
    return 1000 * best / len(items)


def components(files: list[Path], work: Path, out: dict) -> None:
    """Ingestion's own work per file, measured piece by piece in this process."""
    import pickle

    from gongkai.data.store import crossyear
    from gongkai.data.store.batch import BatchBuilder
    from gongkai.data.store.rows import record_rows
    from gongkai.data.store.walk import InputRef, hash_input
    from gongkai.data.store.worker import Task, run_task
    from gongkai.data.store.writer import Writer
    _init_bare()
    paths = [str(f) for f in files]
    for p in paths[:5]:
        _bare_parse(p)  # lazy initialisation, once per process
    refs = [hash_input(InputRef(p, p)) for p in paths]
    results = [(ref, run_task(Task(sha, ref))) for ref, sha in refs]
    records = [_bare_parse(p) for p in paths]

    def batches(items):
        built = []
        for i in range(0, len(items), 64):
            b = BatchBuilder()
            for ref, r in items[i:i + 64]:
                b.add_result(r, [ref], ref.size)
            built.append(b.build())
        return built

    def write(items):
        db = work / "components.duckdb"
        for p in (db, db.with_name(db.name + ".wal")):
            p.unlink(missing_ok=True)
        with Writer(db) as w:
            for b in batches(items):
                w.apply(b)
            crossyear.recompute(w)

    res = {
        "files": len(paths),
        "parse_ms": _cpu_ms(lambda xs: [_bare_parse(p) for p in xs], paths),
        "hash_ms": _cpu_ms(lambda xs: [hash_input(InputRef(p, p)) for p in xs], paths),
        "rows_ms": _cpu_ms(lambda xs: [record_rows(r, "0" * 64) for r in xs], records),
        "ship_ms": _cpu_ms(lambda xs: [pickle.loads(pickle.dumps(r)) for _, r in xs], results),
        "batch_ms": _cpu_ms(batches, results),
        "write_ms": _cpu_ms(write, results),  # batches, transactions, cross-year checks
    }
    res["write_ms"] -= res["batch_ms"]
    added = res["hash_ms"] + res["rows_ms"] + res["ship_ms"] + res["batch_ms"] + res["write_ms"]
    res["overhead"] = added / res["parse_ms"]
    out["components"] = res
    print(f"  components ({len(paths)} files, CPU ms/file, one process): parse {res['parse_ms']:.2f}; ingestion adds "
          f"hash {res['hash_ms']:.2f} + rows {res['rows_ms']:.2f} + ship {res['ship_ms']:.2f} + batch "
          f"{res['batch_ms']:.2f} + write {res['write_ms']:.2f} = {added:.2f} ({100 * res['overhead']:+.1f} %)")


def run_ingest(paths: list[Path], db: Path, **kw) -> tuple[float, object, float]:
    """Seconds (wall), the summary, CPU seconds of one ingest into a fresh database."""
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)
    with TreeCPU() as cpu:
        t = time.perf_counter()
        s = ingest(paths, db, IngestOptions(exclude=EXCLUDE, progress=False, **kw))
        wall = time.perf_counter() - t
    return wall, s, cpu.seconds


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def measure(name: str, folder: Path, files: list[Path], work: Path, out: dict, *, batch1: bool = False,
            repeat: int = 1) -> None:
    n = len(files)
    res: dict = {"files": n}
    for w in (1, 2):
        la = load()
        tb = ti = cb = ci = float("inf")
        for _ in range(repeat):  # best of: the machine may be shared
            t, c = bare(files, w)
            tb, cb = min(tb, t), min(cb, c)
            t, s, c = run_ingest([folder], work / f"{name}-{w}.duckdb", workers=w)
            ti, ci = min(ti, t), min(ci, c)
            assert s.parsed + s.failed == n, (s.parsed, s.failed, n)
        res[f"bare_{w}w_fps"] = n / tb
        res[f"ingest_{w}w_fps"] = n / ti
        res[f"overhead_{w}w"] = ti / tb - 1
        res[f"bare_{w}w_cpu_ms_per_file"] = 1000 * cb / n
        res[f"ingest_{w}w_cpu_ms_per_file"] = 1000 * ci / n
        res[f"cpu_overhead_{w}w"] = ci / cb - 1
        print(f"  {name:6s} {w} worker(s): bare {n / tb:7.2f} files/s, ingest {n / ti:7.2f} files/s, "
              f"overhead {100 * (ti / tb - 1):+5.1f} %; CPU {1000 * cb / n:.1f} vs {1000 * ci / n:.1f} ms/file, "
              f"overhead {100 * (ci / cb - 1):+5.1f} %  ({s.failed} failed; {la})")
    res["scaling_ingest"] = res["ingest_2w_fps"] / res["ingest_1w_fps"]
    res["scaling_bare"] = res["bare_2w_fps"] / res["bare_1w_fps"]
    print(f"  {name:6s} scaling 1→2 workers: ingest ×{res['scaling_ingest']:.2f}, bare ×{res['scaling_bare']:.2f}")
    if batch1:
        la = load()
        ti, _, _ = run_ingest([folder], work / f"{name}-b1.duckdb", workers=2, batch_size=1)
        res["ingest_2w_batch1_fps"] = n / ti
        print(f"  {name:6s} 2 workers, one transaction per input: {n / ti:7.1f} files/s ({la})")
    out[name] = res


def measure_ray(name: str, folder: Path, files: list[Path], work: Path, out: dict) -> None:
    try:
        import ray
    except ModuleNotFoundError:
        print("  ray: not installed, skipped")
        return
    import logging

    la = load()
    t = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
    t_init = time.perf_counter() - t
    try:
        ti, s, _ = run_ingest([folder], work / f"ray-{name}.duckdb", workers=2, engine="ray")
    finally:
        ray.shutdown()
    n = len(files)
    with duckdb.connect(str(work / f"ray-{name}.duckdb"), read_only=True) as a, \
            duckdb.connect(str(work / f"{name}-2.duckdb"), read_only=True) as b:
        from gongkai.data.store.schema import snapshot

        same = snapshot(a) == snapshot(b)
    out[f"ray_{name}"] = {"files": n, "init_s": t_init, "fps": n / ti, "fps_with_init": n / (ti + t_init),
                  "same_db_as_local": same}
    print(f"  ray {name:6s} 2 CPUs: {n / ti:7.3f} files/s ({n / (ti + t_init):.3f} with the {t_init:.1f} s start-up); "
          f"database identical to the local engine's: {same} ({la})")


def full_run(folders: list[Path], n_inputs: int, work: Path, out: dict) -> None:
    la = load()
    db = work / "all.duckdb"
    ti, s, _ = run_ingest(folders, db, workers=2)
    with duckdb.connect(str(db), read_only=True) as con:
        files = con.execute("SELECT count(*) FROM files").fetchone()[0]
        by = con.execute("SELECT f.status, coalesce(r.format, '-'), count(*) FROM files f LEFT JOIN reports r "
                         "ON r.sha256 = f.sha256 GROUP BY ALL ORDER BY ALL").fetchall()
        no_reason = con.execute("SELECT count(*) FROM failures WHERE coalesce(trim(error), '') = ''").fetchone()[0]
        failed_paths = con.execute("SELECT count(*) FROM files WHERE status = 'failed'").fetchone()[0]
        n_fail_rows = con.execute("SELECT count(*) FROM failures").fetchone()[0]
        reasons = con.execute("SELECT stage, error, count(*) FROM failures GROUP BY ALL ORDER BY 3 DESC LIMIT 5"
                              ).fetchall()
        cross = con.execute("SELECT count(*) FROM issues WHERE origin = 'crossyear'").fetchone()[0]
        cells = con.execute("SELECT count(*) FROM cells").fetchone()[0]
    size_mb = db.stat().st_size / 2**20
    ok = files == n_inputs and n_fail_rows == failed_paths and no_reason == 0
    out["full"] = {"inputs": n_inputs, "files_rows": files, "parsed": s.parsed, "failed": s.failed,
                   "seconds": ti, "fps": n_inputs / ti, "by_status_format": by, "failures_without_reason": no_reason,
                   "crossyear_issues": cross, "cells": cells, "db_mb": size_mb, "counts_match": ok}
    print(f"  all    {n_inputs} inputs in {ti:.0f} s ({n_inputs / ti:.1f} files/s, 2 workers; {la}): "
          f"{s.parsed} parsed, {s.failed} failed; files rows {files}; failures without a reason: {no_reason}; "
          f"counts match the inputs: {ok}")
    print(f"         by status/format: {by}")
    if reasons:
        print(f"         failure reasons: {reasons}")
    print(f"         {cells} cells, {cross} cross-year issues, database {size_mb:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--text", type=int, default=1800, help="text-format reports (txt md html docx)")
    ap.add_argument("--pdf", type=int, default=200, help="text PDFs")
    ap.add_argument("--scans", type=int, default=50, help="scanned PDFs")
    ap.add_argument("--scan-sample", type=int, default=6, help="scans timed with 1 and 2 workers")
    ap.add_argument("--dir", default="/tmp/gongkai-bench", help="corpus cache and databases")
    ap.add_argument("--repeat", type=int, default=2, help="best of this many runs (text and PDF)")
    ap.add_argument("--no-ray", action="store_true")
    ap.add_argument("--no-full", action="store_true", help="skip the one ingest of everything")
    ap.add_argument("--only", choices=("text", "pdf", "scan"),
                    help="time only this kind with 1 and 2 workers (and Ray), nothing else")
    ap.add_argument("--components", type=int, default=0, metavar="N",
                    help="only measure ingestion's work piece by piece on N text-format and N/4 PDF reports")
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args()

    root = Path(args.dir)
    mode = "components" if args.components else args.only
    work = root / (f"db-{mode}" if mode else "db")  # never another mode's databases
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    print("corpus:")
    text = corpus(root, "text", args.text, ("txt", "md", "html", "docx"), seed=101)
    pdfs = corpus(root, "pdf", args.pdf, ("pdf",), seed=102) if args.pdf else []
    scans = corpus(root, "scan", args.scans, ("scan",), seed=103) if args.scans else []
    print(f"  {len(text)} text-format, {len(pdfs)} PDF, {len(scans)} scanned reports in {root}")
    out: dict = {"cpus": os.cpu_count()}
    if args.components:
        for name, files in (("text", text[: args.components]), ("pdf", pdfs[: max(1, args.components // 4)])):
            if files:
                print(f"{name}:")
                components(files, work, out)
                out[f"components_{name}"] = out.pop("components")
        _write_json(args.json, out)
        return

    # Once per process, not per file: start the forkserver (parser preloaded), import pandas
    # (pyarrow's first conversion does) and run the ingest code once before anything is timed.
    import pandas  # noqa: F401

    bare(text[:2], 1)
    warm = root / "warm-up"
    shutil.rmtree(warm, ignore_errors=True)
    warm.mkdir()
    for p in text[:2]:
        os.link(p, warm / p.name)
    run_ingest([warm], work / "warm-up.duckdb", workers=1)
    print("throughput (files/s; bare = parse_file in a process pool, nothing stored):")
    if args.only in (None, "text"):
        measure("text", root / "text", text, work, out, batch1=args.only is None, repeat=args.repeat)
        if not args.no_ray:
            measure_ray("text", root / "text", text, work, out)
    if pdfs and args.only in (None, "pdf"):
        measure("pdf", root / "pdf", pdfs, work, out, repeat=args.repeat)
    if scans and args.scan_sample and args.only in (None, "scan"):
        sample = root / "scan-sample"
        shutil.rmtree(sample, ignore_errors=True)
        sample.mkdir()
        for p in scans[: args.scan_sample]:
            os.link(p, sample / p.name)
        measure("scan", sample, sorted(sample.iterdir()), work, out)
        if not args.no_ray:
            measure_ray("scan", sample, sorted(sample.iterdir()), work, out)

    if args.no_full or args.only:
        _write_json(args.json, out)
        return
    print("one ingest of everything:")
    folders = [root / "text"] + ([root / "pdf"] if pdfs else []) + ([root / "scan"] if scans else [])
    full_run(folders, len(text) + len(pdfs) + len(scans), work, out)
    _write_json(args.json, out)


def _write_json(path: str | None, out: dict) -> None:
    if path:
        Path(path).write_text(json.dumps(out, indent=2, ensure_ascii=False, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
