"""Benchmark of the text-layout parser (issue: parse any text-layout report).

Prints, for each of: the five seeds, the real web pages in ../shared/real, a generated set of
noisy reports in every text layout and both templates, and injected single-cell corruptions:
cell accuracy, reports fully exact, meta accuracy, crashes; then parsing speed on one core.

    python benchmarks/bench_text_parser.py [--n 400] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path

from gongkai.data.loaders import load
from gongkai.data.record import TableValues
from gongkai.data.synth.corpus import write_corpus
from gongkai.evaluation.compare import Gold, compare
from gongkai.inference.checks import violations
from gongkai.inference.pipeline import parse_document, parse_file
from gongkai.inference.repair import repair_ocr_digits

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

SEED_GOLD = {  # organization, year; every seed's tables are checked exactly by tests/test_seeds.py
    "000_": ("卫东区北环路街道办事处", 2024),
    "001_": ("彭后街道办事处", 2024),
    "002_": ("七一路街道办事处", 2022),
    "003_": ("临清市先锋路街道办事处", 2021),
    "004_": ("孟津区西霞院街道办事处", 2023),
}


def bench_seeds() -> None:
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        print("seeds: ../shared absent, skipped")
        return
    ok = 0
    for prefix, (org, year) in SEED_GOLD.items():
        path = next(seeds.glob(prefix + "*.txt"))
        rec = parse_file(path)
        good = rec.meta.organization == org and rec.meta.year == year and len(rec.tables) == 3
        ok += good
        errors = [i.code for i in rec.issues if i.severity == "error"]
        print(f"  seed {path.name}: org={rec.meta.organization} year={rec.meta.year} "
              f"template={rec.template} errors={errors} {'OK' if good else 'WRONG'}")
    print(f"seeds: {ok}/5 meta exact (cells: see tests/test_seeds.py)")


def bench_real_pages() -> None:
    real = SHARED / "real"
    if not real.is_dir():
        print("real pages: ../shared absent, skipped")
        return
    for name in ("pingtan-2020", "pingtan-2024"):
        gold = Gold.read(real / f"{name}.gold.json")
        rec = parse_file(real / f"{name}.html")
        cmp = compare(rec, gold)
        errors = sorted({(i.code, tuple(i.cells)) for i in rec.issues if i.severity == "error"})
        wrong = [(c.key, c.gold, c.pred) for c in cmp.wrong]
        print(f"  {name}: cells {cmp.n_exact}/{len(cmp.cells)} exact, year {'OK' if cmp.year_ok else 'WRONG'} "
              f"({rec.meta.year}), org {'OK' if cmp.org_ok else 'WRONG'} ({rec.meta.organization}), "
              f"template {rec.template}; wrong={wrong[:5]}")
        for code, cells in errors:
            print(f"    reported error {code}: {list(cells)[:3]}…")
        for inc in gold.published_inconsistencies:
            print(f"    gold published inconsistency: {inc}")


def bench_generated(n: int, seed: int, out: Path) -> list[Path]:
    paths = write_corpus(out, n, formats=("txt", "md", "html", "docx"), seed=seed)
    reports = [p for p in paths if not p.name.endswith(".gold.json")]
    by_layout: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # cells ok, cells, reports ok, reports
    crashes = 0
    meta_ok = Counter()
    worst: list[tuple[int, str]] = []
    for p in reports:
        gold = Gold.read(p.with_name(p.name.rsplit(".", 1)[0] + ".gold.json"))
        key = f"{gold.format}/{gold.layout}/{gold.template}"
        try:
            rec = parse_file(p)
        except Exception:
            crashes += 1
            traceback.print_exc(limit=2)
            by_layout[key][1] += len(gold.tables.all_keys())
            by_layout[key][3] += 1
            continue
        cmp = compare(rec, gold)
        s = by_layout[key]
        s[0] += cmp.n_exact
        s[1] += len(cmp.cells)
        s[2] += cmp.fully_exact
        s[3] += 1
        meta_ok["year"] += cmp.year_ok
        meta_ok["org"] += cmp.org_ok
        meta_ok["template"] += cmp.template_ok
        if not cmp.fully_exact:
            worst.append((len(cmp.wrong), f"{p.name} {key} wrong={[(c.key, c.gold, c.pred) for c in cmp.wrong][:3]} "
                          f"year={cmp.year_ok} org={cmp.org_ok}"))
    tot = [sum(v[i] for v in by_layout.values()) for i in range(4)]
    print(f"generated: {tot[3]} reports, {tot[1]} cells")
    for key in sorted(by_layout):
        c_ok, c_n, r_ok, r_n = by_layout[key]
        print(f"  {key:32s} cells {100 * c_ok / max(c_n, 1):6.2f}%  reports exact {r_ok}/{r_n}")
    print(f"  ALL cells exact {100 * tot[0] / max(tot[1], 1):.2f}%  reports fully exact "
          f"{100 * tot[2] / max(tot[3], 1):.2f}%  crashes {crashes}")
    print(f"  meta: year {meta_ok['year']}/{tot[3]}  organization {meta_ok['org']}/{tot[3]}  "
          f"template {meta_ok['template']}/{tot[3]}")
    for _n, line in sorted(worst, reverse=True)[:8]:
        print("   worst:", line)
    return reports


# The OCR confusions the issue names: 0/8/6/9, 1/7, 3/8, 5/6, a dropped or a doubled digit.
_SWAPS = {"0": "869", "8": "0693", "6": "805", "9": "08", "1": "7", "7": "1", "3": "8", "5": "6"}


def _misread(s: str, rng: random.Random) -> str | None:
    """One OCR-style misreading of the digits ``s`` that changes the value, or None."""
    options = []
    for i, ch in enumerate(s):
        options += [s[:i] + alt + s[i + 1 :] for alt in _SWAPS.get(ch, "")]
        if len(s) > 1:
            options.append(s[:i] + s[i + 1 :])
        options.append(s[:i] + ch + s[i:])
    options = [o for o in options if o and int(o) != int(s)]
    return rng.choice(options) if options else None


def bench_corruptions(reports: list[Path], seed: int, trials: int = 1000) -> None:
    """Inject one OCR-style digit corruption into a parsed table; detect and repair it."""
    rng = random.Random(seed)
    detected = repaired = repaired_right = done = 0
    txt = [p for p in reports if p.suffix in (".txt", ".md")]
    docs = {}
    for _ in range(trials):
        p = rng.choice(txt)
        if p not in docs:
            docs[p] = load(p)
        rec = parse_document(docs[p], ocr=True)
        tv = TableValues.from_nested(rec.tables, rec.template)
        tv.from_ocr = True
        if violations(tv):
            continue
        keys = [k for k in tv.all_keys() if not k.startswith("active") and tv.values.get(k) is not None]
        key = rng.choice(keys)
        truth = int(tv.values[key])
        bad = _misread(str(truth), rng)
        if bad is None:
            continue
        printed = {k: str(int(v)) for k, v in tv.values.items() if v is not None and k != "active_disclosure.fees.amount"}
        printed[key] = bad
        tv.values[key] = int(bad)
        done += 1
        fails = violations(tv)
        detected += bool(fails) and all(key in r.cells for r in fails)
        issues = repair_ocr_digits(tv, printed)
        if issues:
            repaired += 1
            repaired_right += tv.values[key] == truth and issues[0].cells == [key]
    print(f"corruptions: {done} injected, detected {100 * detected / max(done, 1):.2f}%, "
          f"repaired {repaired} ({100 * repaired / max(done, 1):.1f}%), "
          f"repaired right {100 * repaired_right / max(repaired, 1):.2f}%")


def bench_speed(reports: list[Path], seconds: float = 8.0) -> None:
    txt = [p for p in reports if p.suffix in (".txt", ".md")][:200]
    docs = [load(p) for p in txt]
    times = []
    t_end = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < t_end:
        for d in docs:
            t0 = time.perf_counter()
            parse_document(d)
            times.append(time.perf_counter() - t0)
            n += 1
    total = sum(times)
    print(f"speed: {n} parses of {len(docs)} text reports (already loaded), one core: "
          f"{n / total:.0f} reports/s, median {1000 * statistics.median(times):.2f} ms, "
          f"p95 {1000 * sorted(times)[int(0.95 * len(times))]:.2f} ms")
    t0 = time.perf_counter()
    for p in txt:
        parse_file(p)
    dt = time.perf_counter() - t0
    print(f"speed incl. reading and decoding files: {len(txt) / dt:.0f} reports/s")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=None, help="keep the generated set here")
    args = ap.parse_args(argv)
    bench_seeds()
    bench_real_pages()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        reports = bench_generated(args.n, args.seed, out)
        bench_corruptions(reports, args.seed)
        bench_speed(reports)
    return 0


if __name__ == "__main__":
    sys.exit(main())
