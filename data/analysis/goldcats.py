"""Problem categories copied from generated gold files onto stored segments (demos, tests, benchmarks).

``gongkai ingest`` without the topic classifier stores heading-based segments with no
categories. For a database of *generated* reports this sets each stored segment's categories
to those of the gold segments (``NAME.gold.json`` beside ``NAME.txt``) whose text it contains:
the figures then have real content without depending on a classifier's accuracy.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

_SPACE = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACE.sub("", text)


def _gold_path(path: str) -> Path | None:
    p = Path(path.split("!", 1)[0])
    gold = p.with_name(p.name.split(".", 1)[0] + ".gold.json")
    return gold if gold.is_file() else None


def categories_from_gold(db_path: str | os.PathLike[str]) -> int:
    """Set stored segments' categories from the gold files beside the inputs; returns how many
    segments got at least one category."""
    from gongkai.data.store.writer import connect

    con = connect(db_path)
    try:
        rows = con.execute("SELECT sha256, path FROM reports WHERE status = 'parsed'").fetchall()
        updates: list[tuple[list[str], str, int]] = []
        for sha, path in rows:
            gold = _gold_path(path)
            if gold is None:
                continue
            spans = [(_norm(s["text"]), s["categories"]) for s in json.loads(gold.read_text(encoding="utf-8"))["segments"]
                     if s.get("categories")]
            segs = con.execute("SELECT idx, text FROM segments WHERE report = ? ORDER BY idx", [sha]).fetchall()
            for idx, text in segs:
                body = _norm(text or "")
                cats: list[str] = []
                for span, span_cats in spans:
                    if span and span in body:
                        cats += [c for c in span_cats if c not in cats]
                if cats:
                    updates.append((cats, sha, idx))
        con.execute("BEGIN")
        con.executemany("UPDATE segments SET categories = ? WHERE report = ? AND idx = ?", updates)
        con.execute("COMMIT")
        return len(updates)
    finally:
        con.close()
