"""Cells exact, reports fully exact and SILENT-WRONG cells over a folder of reports with gold.

A silent wrong cell is read (not null), differs from the gold, and is named by no warning or
error issue (a ``*.repaired`` info issue does not excuse a wrong value). Nulls are never silent.

    python benchmarks/silent_wrong.py GOLD_DIR [--workers 2] [--show 10]

Runs the same path as ``gongkai evaluate`` (``parse_file`` with the headings segmenter).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


def _one(path: str) -> dict:
    from gongkai.evaluation.compare import Gold, compare
    from gongkai.inference.pipeline import parse_file

    p = Path(path)
    gold_path = p.with_name(p.name.split(".")[0] + ".gold.json")
    gold = Gold.read(gold_path)
    layout = json.loads(gold_path.read_text(encoding="utf-8")).get("layout") or p.suffix[1:]
    try:
        rec = parse_file(p, topics=False)  # cells only: the segments do not touch them
    except Exception as e:  # a crash scores every cell as wrong but not silent
        return {"name": p.name, "layout": layout, "cells": len(gold.tables.all_keys()), "exact": 0,
                "fully": False, "silent": [], "error": f"{type(e).__name__}: {e}"}
    cmp = compare(rec, gold)
    named = {k for i in rec.issues if i.severity in ("warning", "error") for k in i.cells}
    silent = [(c.key, c.gold, c.pred) for c in cmp.wrong if c.pred is not None and c.key not in named]
    return {"name": p.name, "layout": layout, "cells": len(cmp.cells), "exact": cmp.n_exact,
            "fully": cmp.fully_exact, "silent": silent, "error": None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold_dir")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--show", type=int, default=10, help="silent-wrong cells to print")
    args = ap.parse_args()
    files = sorted(str(p) for p in Path(args.gold_dir).iterdir()
                   if not p.name.endswith(".json") and p.with_name(p.name.split(".")[0] + ".gold.json").exists())
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        results = list(pool.map(_one, files, chunksize=4))
    by_layout: dict[str, Counter] = {}
    for r in results:
        c = by_layout.setdefault(r["layout"], Counter())
        c.update(reports=1, cells=r["cells"], exact=r["exact"], fully=int(r["fully"]), silent=len(r["silent"]),
                 crashed=int(r["error"] is not None))
    total = sum(by_layout.values(), Counter())
    print(f"{'layout':18} {'reports':>7} {'cells exact':>12} {'fully exact':>12} {'silent':>7} {'crashed':>7}")
    for name, c in sorted(by_layout.items()) + [("ALL", total)]:
        print(f"{name:18} {c['reports']:7d} {100 * c['exact'] / max(c['cells'], 1):11.3f}% "
              f"{100 * c['fully'] / max(c['reports'], 1):11.2f}% {c['silent']:7d} {c['crashed']:7d}")
    shown = 0
    for r in results:
        for key, g, p in r["silent"]:
            if shown < args.show:
                print(f"silent: {r['name']} {key} gold={g} pred={p}")
                shown += 1
        if r["error"]:
            print(f"crashed: {r['name']} {r['error']}")


if __name__ == "__main__":
    main()
