"""Noise applied to a report's tables: dropped cells and OCR-style digit corruption."""

from __future__ import annotations

import random

from gongkai.data.form import APP_COLS, application_rows
from gongkai.data.record import TableValues

# Digits OCR confuses with each other (both directions are listed where they occur).
CONFUSABLE = {
    "0": "86",
    "8": "0639",
    "6": "85",
    "9": "80",
    "1": "7",
    "7": "1",
    "3": "8",
    "5": "6",
}


def choose_dropped(tables: TableValues, rng: random.Random, n: int | None = None) -> list[str]:
    """One or two value cells of ``applications`` to leave out of a rendering.

    At most one per row and one per column, so a row or column sum can restore each one.
    """
    n = n if n is not None else rng.choice([1, 1, 2])
    rows = [r.key for r in application_rows(tables.other_split)]
    picked_rows = rng.sample(rows, n)
    cols = rng.sample(APP_COLS, n)
    return [f"applications.{r}.{c}" for r, c in zip(picked_rows, cols, strict=True)]


def corrupt_value(value: int, rng: random.Random) -> int:
    """``value`` with one OCR-style digit error: a confusable digit, a lost digit or a doubled one."""
    s = str(value)
    for _ in range(20):
        kind = rng.choice(["swap", "swap", "swap", "drop", "double"])
        i = rng.randrange(len(s))
        if kind == "swap" and s[i] in CONFUSABLE:
            t = s[:i] + rng.choice(CONFUSABLE[s[i]]) + s[i + 1 :]
        elif kind == "drop" and len(s) > 1:
            t = s[:i] + s[i + 1 :]
        elif kind == "double":
            t = s[:i] + s[i] + s[i:]
        else:
            continue
        t = t.lstrip("0") or "0"
        if int(t) != value:
            return int(t)
    return int("8" + s) if value else 8  # no rule applied: an extra leading digit


def corrupt_cell(tables: TableValues, rng: random.Random) -> tuple[str, int, int]:
    """Corrupt one ``applications`` or ``review_litigation`` cell of ``tables`` in place.

    Non-zero cells are preferred (a misread of a real figure is the common case). Returns
    ``(key, old, new)``; ``new != old`` and ``new >= 0``.
    """
    keys = [
        k
        for k in tables.keys("applications") + tables.keys("review_litigation")
        if tables.values.get(k) is not None
    ]
    nonzero = [k for k in keys if tables.values[k]]
    key = rng.choice(nonzero if nonzero and rng.random() < 0.8 else keys)
    old = int(tables.values[key] or 0)
    new = corrupt_value(old, rng)
    tables.values[key] = new
    return key, old, new
