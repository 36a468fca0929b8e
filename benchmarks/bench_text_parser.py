"""Benchmark of the text-layout parser (issue: parse any text-layout report).

Prints, for each of: the five seeds, the real reports in ../shared/real, the site text versions
in ../shared/real-text (gold in tests/gold), a generated set of TXT reports per text layout
(both templates), a mixed txt/md/html/docx set, and injected single-cell corruptions: cell
accuracy, cells exact among those the print decides, reports fully exact, silent wrong cells
(read, wrong, named by no warning or error), meta accuracy, crashes; then parsing speed.

    python benchmarks/bench_text_parser.py [--n 400] [--per-layout 400] [--seed 7]
    python benchmarks/bench_text_parser.py --speed-only [--n 400]   # the speed table alone (~1 min)
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
from gongkai.data.synth.render_text import TEXT_LAYOUTS
from gongkai.evaluation.compare import Comparison, Gold, compare
from gongkai.inference.checks import violations
from gongkai.inference.pipeline import parse_document, parse_file
from gongkai.inference.repair import repair_ocr_digits

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

GOLD = Path(__file__).resolve().parents[1] / "tests" / "gold"


def _score_line(name: str, rec, gold: Gold) -> tuple[Comparison, str]:
    cmp = compare(rec, gold)
    wrong = [(c.key, c.gold, c.pred) for c in cmp.wrong]
    line = (f"  {name}: cells {cmp.n_exact}/{len(cmp.cells)} exact, silent wrong {len(cmp.silent_wrong)}, "
            f"year {'OK' if cmp.year_ok else 'WRONG'} ({rec.meta.year}), "
            f"org {'OK' if cmp.org_ok else 'WRONG'} ({rec.meta.organization}), template {rec.template}"
            + (f"; wrong={wrong[:4]}" if wrong else ""))
    return cmp, line


def _total(name: str, cmps: list[Comparison]) -> None:
    cells = sum(len(c.cells) for c in cmps)
    print(f"{name}: {len(cmps)} reports, cells {sum(c.n_exact for c in cmps)}/{cells} exact, "
          f"reports fully exact {sum(c.fully_exact for c in cmps)}/{len(cmps)}, "
          f"silent wrong {sum(len(c.silent_wrong) for c in cmps)}")


def bench_seeds() -> None:
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        print("seeds: ../shared absent, skipped")
        return
    cmps = []
    for gp in sorted((GOLD / "seeds").glob("*.json")):
        cmp, line = _score_line(gp.stem, parse_file(seeds / f"{gp.stem}.txt", topics=False), Gold.read(gp))
        cmps.append(cmp)
        print(line)
    _total("seeds", cmps)


def bench_real_pages() -> None:
    real = SHARED / "real"
    if not real.is_dir():
        print("real pages: ../shared absent, skipped")
        return
    cmps = []
    for gp in sorted(real.glob("*.gold.json")):
        src = next(p for p in real.glob(gp.name.replace(".gold.json", ".*")) if not p.name.endswith(".gold.json"))
        rec = parse_file(src, topics=False)
        cmp, line = _score_line(src.name, rec, Gold.read(gp))
        cmps.append(cmp)
        print(line)
        errors = sorted({(i.code, tuple(i.cells)) for i in rec.issues if i.severity == "error"})
        for code, cells in errors:
            print(f"    reported error {code}: {list(cells)[:3]}…")
    _total("real (../shared/real)", cmps)


def bench_real_text() -> None:
    """The site text versions in ../shared/real-text: national-form ones against gold;
    old-outline ones (no national table printed) must come out with no tables at all."""
    folder = SHARED / "real-text"
    if not folder.is_dir():
        print("real text: ../shared absent, skipped")
        return
    cmps = []
    golds = {gp.stem: gp for gp in (GOLD / "real-text").glob("*.json")}
    for path in sorted(folder.glob("*.txt")):
        rec = parse_file(path, topics=False)
        if path.stem in golds:
            cmp, line = _score_line(path.name, rec, Gold.read(golds[path.stem]))
            cmps.append(cmp)
            undecided = sorted({c for i in rec.issues if i.code.endswith("ambiguous_row") for c in i.cells})
            print(line + (f"; {len(undecided)} cells reported ambiguous" if undecided else ""))
        else:
            cells = sum(1 for t in rec.tables.values() for r in t.values() for v in (r.values() if isinstance(r, dict) else [r]))
            print(f"  {path.name}: old outline, template {rec.template}, tables {sorted(rec.tables)} "
                  f"({cells} cells), org {rec.meta.organization}, year {rec.meta.year}")
    _total("real text with gold", cmps)


def bench_generated(n: int, seed: int, out: Path, formats: tuple[str, ...] = ("txt", "md", "html", "docx"),
                    title: str = "generated") -> list[Path]:
    paths = write_corpus(out, n, formats=formats, seed=seed, workers=2)
    reports = [p for p in paths if not p.name.endswith(".gold.json")]
    # per key: cells ok, cells, reports ok, reports, silent wrong, decidable ok, decidable
    by_layout: dict[str, list[int]] = defaultdict(lambda: [0] * 7)
    crashes = 0
    meta_ok = Counter()
    worst: list[tuple[int, str]] = []
    for p in reports:
        gold = Gold.read(p.with_name(p.name.rsplit(".", 1)[0] + ".gold.json"))
        key = f"{gold.format}/{gold.layout}/{gold.template}"
        try:
            rec = parse_file(p, topics=False)  # cells only: the segments do not touch them
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
        s[4] += len(cmp.silent_wrong)
        # Cells the print decides: not left out by the rendering, not glued past one reading.
        decidable = [c for c in cmp.cells if c.key not in gold.undecidable and c.key not in gold.noise_cells()]
        s[5] += sum(c.exact for c in decidable)
        s[6] += len(decidable)
        meta_ok["year"] += cmp.year_ok
        meta_ok["org"] += cmp.org_ok
        meta_ok["template"] += cmp.template_ok
        if not cmp.fully_exact:
            worst.append((len(cmp.silent_wrong) * 1000 + len(cmp.wrong),
                          f"{p.name} {key} silent={[(c.key, c.gold, c.pred) for c in cmp.silent_wrong][:3]} "
                          f"wrong={[(c.key, c.gold, c.pred) for c in cmp.wrong][:3]} year={cmp.year_ok} org={cmp.org_ok}"))
    tot = [sum(v[i] for v in by_layout.values()) for i in range(7)]
    print(f"{title}: {tot[3]} reports, {tot[1]} cells")
    print(f"  {'format/layout/template':32s} {'cells':>8} {'decidable':>10} {'reports exact':>15} {'silent':>7}")
    for key in sorted(by_layout):
        c_ok, c_n, r_ok, r_n, silent, d_ok, d_n = by_layout[key]
        print(f"  {key:32s} {100 * c_ok / max(c_n, 1):7.2f}% {100 * d_ok / max(d_n, 1):9.2f}% "
              f"{r_ok:>7}/{r_n:<7} {silent:>7}")
    print(f"  ALL cells exact {100 * tot[0] / max(tot[1], 1):.3f}%  decidable cells exact "
          f"{100 * tot[5] / max(tot[6], 1):.3f}% ({tot[6]} cells)  reports fully exact "
          f"{100 * tot[2] / max(tot[3], 1):.2f}%  silent wrong {tot[4]}  crashes {crashes}")
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


def _rate(paths: list[Path], segmenter, rounds: int) -> tuple[float, list]:
    """Reports/s of ``parse_file`` (reading and decoding included) per core: CPU seconds of this process,
    best of ``rounds`` (a busy shared machine inflates wall time, not the work done)."""
    best, recs = float("inf"), []
    for _ in range(rounds):
        t0 = time.process_time()
        recs = [parse_file(p, segmenter=segmenter) for p in paths]
        best = min(best, time.process_time() - t0)
    return len(paths) / best, recs


def bench_speed(reports: list[Path], per_format: int = 100, rounds: int = 3) -> None:
    """Per format: reports/s of ``parse_file`` on one core, headings and topic classifier, beside the
    same records' cell accuracy and silent wrong cells (speed and correctness seen together)."""
    from gongkai.models import topic_segmenter

    topics = topic_segmenter()
    print(f"speed: parse_file, one process, CPU time (file read and decoded each time), best of {rounds} rounds; "
          f"topics: {'the shipped classifier' if topics else 'no model available, skipped'}")
    print(f"  {'format':6s} {'reports':>7s} {'no topics':>12s} {'topics':>12s} {'cells exact':>12s} {'silent wrong':>12s}")
    for fmt in ("txt", "md", "html", "docx"):
        paths = [p for p in reports if p.suffix == f".{fmt}"][:per_format]
        if not paths:
            continue
        for p in paths[:3]:  # warm caches and the model
            parse_file(p, segmenter=topics)
        fast, recs = _rate(paths, None, rounds)
        slow = _rate(paths, topics, rounds)[0] if topics else float("nan")
        cmps = [compare(r, Gold.read(p.with_name(p.name.rsplit(".", 1)[0] + ".gold.json"))) for p, r in zip(paths, recs, strict=True)]
        cells = sum(len(c.cells) for c in cmps)
        print(f"  {fmt:6s} {len(paths):7d} {fast:10.0f}/s {slow:10.0f}/s "
              f"{100 * sum(c.n_exact for c in cmps) / max(cells, 1):11.2f}% {sum(len(c.silent_wrong) for c in cmps):12d}")
    txt = [p for p in reports if p.suffix in (".txt", ".md")][:200]
    docs = [load(p) for p in txt]
    times = []
    for d in docs * rounds:
        t0 = time.process_time()
        parse_document(d)
        times.append(time.process_time() - t0)
    print(f"  txt/md already loaded (parse_document, no topics): {len(times) / sum(times):.0f} reports/s, "
          f"median {1000 * statistics.median(times):.2f} ms, p95 {1000 * sorted(times)[int(0.95 * len(times))]:.2f} ms")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=400, help="mixed txt/md/html/docx reports")
    ap.add_argument("--per-layout", type=int, default=400, help="TXT reports per text layout (0: skip)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=None, help="keep the generated set here")
    ap.add_argument("--speed-only", action="store_true", help="only the speed table (on --n mixed reports)")
    args = ap.parse_args(argv)
    if args.speed_only:
        with tempfile.TemporaryDirectory() as tmp:
            paths = write_corpus(Path(args.out or tmp), args.n, formats=("txt", "md", "html", "docx"),
                                 seed=args.seed, workers=2)
            bench_speed([p for p in paths if not p.name.endswith(".gold.json")])
        return 0
    bench_seeds()
    bench_real_pages()
    bench_real_text()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        if args.per_layout:
            bench_generated(args.per_layout * len(TEXT_LAYOUTS), args.seed + 1, out / "text", ("txt",),
                            f"generated TXT, {args.per_layout} per layout")
        if args.n:
            reports = bench_generated(args.n, args.seed, out / "mixed")
            bench_corruptions(reports, args.seed)
            bench_speed(reports)
    return 0


if __name__ == "__main__":
    sys.exit(main())
