"""Byte-identity check of parsed records against a saved snapshot (a speed change must not move any output).

    python benchmarks/same_records.py CORPUS SNAPSHOT.jsonl --write   # record the reference
    python benchmarks/same_records.py CORPUS SNAPSHOT.jsonl           # compare; exit 1 on any difference

Each input file is parsed twice, with the heading segmenter and with the topic classifier, and each
record's JSON is kept. An exception is kept as its class and message, so failing inputs are pinned too.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gongkai.inference.pipeline import parse_file
from gongkai.models import topic_segmenter


def _records(corpus: Path):
    topics = topic_segmenter()
    for p in sorted(corpus.iterdir()):
        if p.name.endswith(".gold.json") or not p.is_file():
            continue
        for name, seg in (("headings", None), ("topics", topics)):
            try:
                out = parse_file(p, segmenter=seg).model_dump_json()
            except Exception as e:  # noqa: BLE001 (the failure is part of the output pinned)
                out = f"{type(e).__name__}: {e}"
            yield json.dumps({"file": p.name, "segmenter": name, "record": out}, ensure_ascii=False)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("snapshot", type=Path)
    ap.add_argument("--write", action="store_true")
    a = ap.parse_args()
    lines = list(_records(a.corpus))
    if a.write:
        a.snapshot.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {len(lines)} records to {a.snapshot}")
        return 0
    want = a.snapshot.read_text(encoding="utf-8").splitlines()
    diff = [json.loads(w)["file"] + "/" + json.loads(w)["segmenter"] for w, g in zip(want, lines, strict=False) if w != g]
    if len(want) != len(lines):
        diff.append(f"count {len(lines)} != {len(want)}")
    print(f"{len(lines) - len(diff)}/{len(lines)} records identical" + (f"; differ: {diff[:10]}" if diff else ""))
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
