"""Benchmark of ``gongkai analyze`` (issue: researchers' view) on ≥ 2,000 generated reports.

Generates text-format reports once (cached in --dir), ingests them once, copies the gold
problem categories onto the stored segments (the ingest runs without the topic classifier,
see :mod:`gongkai.data.analysis.goldcats`), then times the command as a user runs it:

* ``gongkai analyze --db DB --html OUT.html`` (target: under 30 s), best of ``--repeat``;
* the same with ``--csv`` and ``--parquet`` exports;

and checks that the category counts embedded in the page equal an independent SQL query.

    python benchmarks/bench_analyze.py [--n 2000] [--dir /tmp/gongkai-bench-analyze] [--repeat 2] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

TARGET_SECONDS = 30.0


def prepare(root: Path, n: int, seed: int) -> Path:
    """The database of ``n`` generated reports with gold categories (built once, then reused)."""
    reports, db = root / "reports", root / "reports.duckdb"
    stamp = root / ".complete"
    if stamp.exists() and stamp.read_text() == str(n) and db.exists():
        return db
    shutil.rmtree(reports, ignore_errors=True)
    db.unlink(missing_ok=True)
    from gongkai.data.analysis.goldcats import categories_from_gold
    from gongkai.data.store.run import IngestOptions, ingest
    from gongkai.data.synth.corpus import write_corpus

    t = time.perf_counter()
    write_corpus(reports, n, ("txt", "md", "html"), seed=seed, workers=2)
    print(f"  generated {n} reports in {time.perf_counter() - t:.0f} s")
    t = time.perf_counter()
    summary = ingest([reports], db, IngestOptions(workers=2, exclude=("*.gold.json",), progress=False))
    print(f"  ingested in {time.perf_counter() - t:.0f} s: {summary.line()}")
    print(f"  {categories_from_gold(db)} segments got gold categories")
    stamp.write_text(str(n))
    return db


def run_analyze(args: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "gongkai.inference.cli", "analyze", *args], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def embedded(html_path: Path) -> dict:
    text = html_path.read_text(encoding="utf-8")
    block = re.search(r'<script type="application/json" id="gk-data">(.*?)</script>', text, re.S).group(1)
    return json.loads(block)


def check(db: Path, html_path: Path) -> int:
    """Category counts in the page's data against a query written independently; returns categories checked."""
    data = embedded(html_path)
    cats = data["labels"]["categories"]
    page = {}
    for per_report in data["categories"]:
        for ci, _ in per_report:
            page[cats[ci]] = page.get(cats[ci], 0) + 1
    con = duckdb.connect(str(db), read_only=True)
    sql = dict(con.execute(
        "SELECT c, count(DISTINCT s.report) FROM segments s JOIN reports r ON r.sha256 = s.report "
        "AND r.status = 'parsed', unnest(s.categories) AS t(c) GROUP BY c").fetchall())
    n_reports = con.execute("SELECT count(*) FROM reports WHERE status = 'parsed'").fetchall()[0][0]
    con.close()
    assert page == sql, (page, sql)
    assert len(data["reports"]) == n_reports
    return len(sql)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--dir", default="/tmp/gongkai-bench-analyze")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args()
    root = Path(args.dir)
    root.mkdir(parents=True, exist_ok=True)
    db = prepare(root, args.n, args.seed)
    con = duckdb.connect(str(db), read_only=True)
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in ("reports", "cells", "segments")}
    labelled = con.execute("SELECT count(*) FROM segments WHERE len(categories) > 0").fetchall()[0][0]
    con.close()
    print(f"database: {db} ({os.path.getsize(db) / 1e6:.0f} MB) {counts}, {labelled} segments with categories")
    print(f"load average before: {os.getloadavg()[0]:.2f}")

    out = root / "out"
    shutil.rmtree(out, ignore_errors=True)
    html_s = min(run_analyze(["--db", str(db), "--html", str(out / "analysis.html")]) for _ in range(args.repeat))
    size = (out / "analysis.html").stat().st_size
    all_s = min(run_analyze(["--db", str(db), "--html", str(out / "analysis.html"), "--csv", str(out / "csv"),
                             "--parquet", str(out / "parquet")]) for _ in range(args.repeat))
    checked = check(db, out / "analysis.html")
    result = {
        "reports": counts["reports"], "html_seconds": round(html_s, 2), "html_mb": round(size / 1e6, 2),
        "html_csv_parquet_seconds": round(all_s, 2), "target_seconds": TARGET_SECONDS,
        "categories_checked": checked, "loadavg": round(os.getloadavg()[0], 2),
    }
    print(f"gongkai analyze --html: {html_s:.1f} s (page {size / 1e6:.1f} MB); with --csv and --parquet: {all_s:.1f} s; "
          f"target < {TARGET_SECONDS:.0f} s: {'met' if max(html_s, all_s) < TARGET_SECONDS else 'MISSED'}")
    print(f"category counts in the page equal the SQL query for {checked} categories")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0 if html_s < TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
