"""Noise applied to a report's tables: the cells a rendering leaves out."""

from __future__ import annotations

import random

from gongkai.data.form import APP_COLS, application_rows
from gongkai.data.record import TableValues


def choose_dropped(tables: TableValues, rng: random.Random, n: int | None = None) -> list[str]:
    """One or two value cells of ``applications`` to leave out of a rendering.

    At most one per row and one per column, so a row or column sum can restore each one.
    """
    n = n if n is not None else rng.choice([1, 1, 2])
    rows = [r.key for r in application_rows(tables.other_split)]
    picked_rows = rng.sample(rows, n)
    cols = rng.sample(APP_COLS, n)
    return [f"applications.{r}.{c}" for r, c in zip(picked_rows, cols, strict=True)]

