"""Fuzzing campaign: damaged copies of reports in every format through the bounded ``gongkai parse`` path.

Base files are generated at run time (``gongkai.data.synth``, a seed not used elsewhere) plus, when
present, the seeds and real reports in ``../shared`` (read, never copied into the repository).
Each mutant (``gongkai.data.synth.mutate``) is parsed by :func:`gongkai.inference.bounded.parse_files`
— the same worker pool, limits and topic classifier as ``gongkai parse`` — and classified:

* record: parsed; the record must satisfy :mod:`gongkai.evaluation.invariants` (else a *violation*)
* refusal: a one-line LoadError / not-a-report (the documented refusals)
* crash: any other exception, or the worker died; hang: over the time limit; memory: over the memory limit

It prints a table per format, every crash/hang/violation, the peak memory per format (the worker's
VmHWM for the file, baseline included) and the slowest files.

    python benchmarks/fuzz.py [--n 10000] [--pdf-n 300] [--scan-n 30] [--formats txt,md,html,docx,pdf,scan,image]
                              [--workers 2] [--seed 1313] [--hang 30] [--keep DIR] [--json OUT]
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from gongkai.data.synth.corpus import EXTENSIONS, iter_corpus
from gongkai.data.synth.mutate import mutate
from gongkai.evaluation.invariants import violations
from gongkai.inference.bounded import Limits, parse_files

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
TEXT_FORMATS = ("txt", "md", "html", "docx")
SLOW_FORMATS = ("scan", "image")  # OCR: seconds per page, so fewer mutants
# Share of the text-format mutants per format (PDFs get their own share).
WEIGHTS = {"txt": 3, "md": 1, "html": 3, "docx": 2}


@dataclass
class Row:
    name: str
    fmt: str
    mutation: str
    size: int
    outcome: str  # record refusal crash hang memory violation
    seconds: float
    peak_mb: float | None
    error: str | None = None


def base_files(formats: tuple[str, ...], seed: int) -> dict[str, list[tuple[str, bytes]]]:
    """(label, bytes) of the files mutants are made from, per format."""
    per_format = {"txt": 12, "md": 6, "html": 10, "docx": 8, "pdf": 4, "scan": 2, "image": 2}
    out: dict[str, list[tuple[str, bytes]]] = defaultdict(list)
    for fmt in formats:
        for i, _rep, r in iter_corpus(per_format[fmt], formats=(fmt,), seed=seed):
            out[fmt].append((f"synth{seed}-{i}.{EXTENSIONS[fmt]}", r.data))
    if "txt" in formats and (SHARED / "seeds").is_dir():
        out["txt"] += [(p.name, p.read_bytes()) for p in sorted((SHARED / "seeds").glob("*.txt"))]
    if (SHARED / "real").is_dir():
        for p in sorted((SHARED / "real").iterdir()):
            fmt = {".html": "html", ".pdf": "pdf", ".docx": "docx"}.get(p.suffix)
            if fmt in formats:
                out[fmt].append((p.name, p.read_bytes()))
    if "image" in formats:  # single frames as PNG and JPEG besides the generated TIFFs
        from PIL import Image

        for label, data in list(out["image"]):
            with Image.open(io.BytesIO(data)) as im:
                for ext in ("png", "jpeg"):
                    buf = io.BytesIO()
                    im.convert("L").save(buf, format=ext.upper())
                    out["image"].append((f"{label}.{ext}", buf.getvalue()))
    return out


def plan(n: int, pdf_n: int, scan_n: int, formats: tuple[str, ...]) -> list[list[str]]:
    """The format of every mutant, in groups run by pools of their own: ``n`` over the text
    formats, ``pdf_n`` text PDFs, ``scan_n`` over scans and images.

    Separate pools, so a text file's peak memory is not that of a worker that holds the OCR
    models from an earlier scan."""
    text = [f for f in formats if f in TEXT_FORMATS]
    total = sum(WEIGHTS[f] for f in text) or 1
    slow = [f for f in formats if f in SLOW_FORMATS]
    groups = [[f for f in slow for _ in range(scan_n // max(1, len(slow)))]]
    groups.append(["pdf"] * pdf_n if "pdf" in formats else [])
    groups.append([f for f in text for _ in range(round(n * WEIGHTS[f] / total))])
    return [g for g in groups if g]


def mutants(bases: dict, fmts: list[str], seed: int, folder: Path, meta: dict[str, tuple[str, str, int]]) -> Iterator[str]:
    """Write each mutant just before it is parsed (and remember what it is)."""
    rng = random.Random(f"{seed}:{fmts[0]}")
    order = list(range(len(fmts)))
    rng.shuffle(order)  # mix formats, so slow files do not bunch up
    for k in order:
        fmt = fmts[k]
        label, data = rng.choice(bases[fmt])
        name, blob = mutate(data, fmt, random.Random(f"{seed}:{fmt}:{k}"))
        ext = label.rsplit(".", 1)[-1] if fmt == "image" else EXTENSIONS[fmt]
        path = folder / f"m{k:05d}-{name}.{ext}"
        path.write_bytes(blob)
        meta[str(path)] = (fmt, f"{name} of {label}", len(blob))
        yield str(path)


def run(args: argparse.Namespace) -> dict:
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    t0 = time.perf_counter()
    bases = base_files(formats, args.seed)
    groups = plan(args.n, args.pdf_n, args.scan_n, formats)
    print(f"{sum(map(len, groups))} mutants of {sum(len(v) for v in bases.values())} base files "
          f"({time.perf_counter() - t0:.0f} s to make the bases)", file=sys.stderr)
    limits = Limits(seconds=args.hang, memory_mb=args.max_memory, page_seconds=args.hang)
    rows: list[Row] = []
    meta: dict[str, tuple[str, str, int]] = {}
    keep = Path(args.keep) if args.keep else None
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
    t1 = time.perf_counter()
    for fmts in groups:
        with tempfile.TemporaryDirectory(prefix="gongkai-fuzz-") as tmp:
            _run_group(fmts, bases, Path(tmp), meta, limits, rows, keep, args)
    wall = time.perf_counter() - t1
    return report(rows, wall, args)


def _run_group(fmts: list[str], bases: dict, tmp: Path, meta: dict, limits: Limits, rows: list[Row],
               keep: Path | None, args: argparse.Namespace) -> None:
    t1 = time.perf_counter()
    outcomes = parse_files(mutants(bases, fmts, args.seed, tmp, meta), limits=limits,
                           workers=args.workers, topics=not args.no_topics, in_order=False)
    for i, o in enumerate(outcomes, 1):
        fmt, what, size = meta.pop(o.path)
        if o.ok:
            bad = violations(o.record)
            outcome, error = ("violation", "; ".join(bad)) if bad else ("record", None)
        else:
            outcome = {"load": "refusal", "parse": "refusal", "timeout": "hang"}.get(o.stage or "", o.stage or "crash")
            error = o.error
            if outcome == "refusal" and (not error or "\n" in error):
                outcome, error = "crash", f"refusal without a one-line reason: {error!r}"
        rows.append(Row(Path(o.path).name, fmt, what, size, outcome, round(o.seconds, 3), o.peak_rss_mb, error))
        if args.json:  # every row as it comes, so a run cut short still has its figures
            with open(args.json + "l", "a", encoding="utf-8") as f:
                f.write(json.dumps(asdict(rows[-1]), ensure_ascii=False) + "\n")
        if keep and outcome not in ("record", "refusal"):
            Path(o.path).rename(keep / Path(o.path).name)
        else:
            Path(o.path).unlink(missing_ok=True)
        if i % 500 == 0 or i == len(fmts):
            print(f"  {fmts[0]}…: {i}/{len(fmts)} ({time.perf_counter() - t1:.0f} s)", file=sys.stderr)


def report(rows: list[Row], wall: float, args: argparse.Namespace) -> dict:
    kinds = ("record", "refusal", "crash", "hang", "memory", "violation")
    by_fmt: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        by_fmt[r.fmt][r.outcome] += 1
    print(f"\n{'format':<7} {'mutants':>7} " + " ".join(f"{k:>9}" for k in kinds)
          + f" {'peak MB':>8} {'slowest s':>9}")
    summary: dict = {"mutants": len(rows), "wall_seconds": round(wall, 1), "formats": {}}
    for fmt in sorted(by_fmt):
        rs = [r for r in rows if r.fmt == fmt]
        peak = max((r.peak_mb or 0) for r in rs)
        slow = max(r.seconds for r in rs)
        c = by_fmt[fmt]
        print(f"{fmt:<7} {len(rs):>7} " + " ".join(f"{c[k]:>9}" for k in kinds) + f" {peak:>8.0f} {slow:>9.2f}")
        summary["formats"][fmt] = {**{k: c[k] for k in kinds}, "mutants": len(rs), "peak_mb": peak, "slowest_s": slow}
    total = Counter(r.outcome for r in rows)
    print(f"{'all':<7} {len(rows):>7} " + " ".join(f"{total[k]:>9}" for k in kinds))
    bad = [r for r in rows if r.outcome not in ("record", "refusal")]
    for r in bad[:60]:
        print(f"  {r.outcome}: {r.name} [{r.mutation}, {r.size} B, {r.seconds:.1f} s]: {r.error}")
    print("\nslowest files:")
    for r in sorted(rows, key=lambda r: -r.seconds)[:8]:
        print(f"  {r.seconds:7.2f} s  {r.peak_mb or 0:6.0f} MB  {r.fmt:<5} {r.mutation} ({r.size} B) → {r.outcome}")
    text_peak = max((r.peak_mb or 0) for r in rows if r.fmt in TEXT_FORMATS) if any(r.fmt in TEXT_FORMATS for r in rows) else 0
    print(f"\nbad outcomes {len(bad)} of {len(rows)}; peak memory of a text-format file {text_peak:.0f} MB "
          f"(worker VmHWM, model and interpreter included); {wall:.0f} s wall with {args.workers} worker(s)")
    summary.update(bad=len(bad), text_peak_mb=text_peak, outcomes=dict(total))
    if args.json:
        Path(args.json).write_text(json.dumps({**summary, "rows": [asdict(r) for r in rows]}, ensure_ascii=False,
                                              indent=1), encoding="utf-8")
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10_000, help="mutants of txt/md/html/docx (default 10000)")
    ap.add_argument("--pdf-n", type=int, default=300, help="mutants of text PDFs")
    ap.add_argument("--scan-n", type=int, default=30, help="mutants of scanned PDFs and images (OCR: slow)")
    ap.add_argument("--formats", default="txt,md,html,docx,pdf,scan,image")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1313)
    ap.add_argument("--hang", type=float, default=30.0, help="seconds after which a file counts as hung (per page)")
    ap.add_argument("--max-memory", type=int, default=2048, help="MB per file before it counts as over the limit")
    ap.add_argument("--no-topics", action="store_true", help="heading-based segments (faster)")
    ap.add_argument("--keep", help="copy crashing/hanging mutants into this folder")
    ap.add_argument("--json", help="write the summary and every row as JSON (rows also to JSON + 'l' as they come)")
    summary = run(ap.parse_args(argv))
    return 1 if summary["bad"] else 0


if __name__ == "__main__":
    sys.exit(main())
