"""What every record must satisfy, whatever the input: the fuzz suite's oracle.

A record serialises to JSON and back; every cell is null or a finite non-negative number
unless an ``*.invalid_value`` error names it; a count is a whole number unless such an error
names it; offsets of sections and segments point into the record's text.
"""

from __future__ import annotations

import json
import math

from gongkai.data.record import Record


def _cells(tree: dict, prefix: str = "") -> list[tuple[str, object]]:
    """(cell key, value) of the nested tables (rows may nest: ``denied.state_secret.total``)."""
    out: list[tuple[str, object]] = []
    for k, v in tree.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out += _cells(v, key + ".")
        else:
            out.append((key, v))
    return out


def violations(record: Record) -> list[str]:
    """Plain sentences, one per broken invariant (empty: the record is sound)."""
    problems: list[str] = []
    try:
        data = json.loads(record.to_json(indent=None))
        Record.model_validate(data)
    except Exception as e:  # noqa: BLE001 - any failure to serialise is the finding
        return [f"the record does not serialise ({type(e).__name__}: {e})"]
    flagged = {c for i in record.issues if i.code.endswith(".invalid_value") and i.severity == "error" for c in i.cells}
    for key, v in _cells(data.get("tables", {})):
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            problems.append(f"{key} holds {v!r}, not a number")
        elif key in flagged:
            continue
        elif v < 0:
            problems.append(f"{key} = {v} is negative and no invalid_value error names it")
        elif not key.endswith("fees.amount") and isinstance(v, float) and not v.is_integer():
            problems.append(f"{key} = {v} is not a whole count and no invalid_value error names it")
    n = len(record.text)
    for s in [*record.sections, *record.segments]:
        if not 0 <= s.start <= s.end <= n:
            problems.append(f"offsets {s.start}–{s.end} outside the text (length {n})")
    return problems
