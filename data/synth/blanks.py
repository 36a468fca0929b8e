"""Cells printed blank, as many web and Word tables print their zeros, and the gold that follows.

The record contract (``shared/spec/report-schema.md``) says a value the document does not give
is ``null``, and a value derived from the consistency relations is reported (with a
``*.repaired`` info issue). A blank cell gives no value, so its gold is ``null`` — unless the
relations determine it from printed cells (the only unknown of some relation, repeatedly), in
which case the gold is the derived value, which is the true count.
"""

from __future__ import annotations

import random

from gongkai.data.form import TABLE_NAMES
from gongkai.data.record import TableValues
from gongkai.inference.checks import relations

BLANK_MODES = ("all_zero", "some_zero")


def choose_blanks(tables: TableValues, rng: random.Random) -> tuple[str, list[str]]:
    """A blank mode and the cell keys printed blank: zero counts (all or some), sometimes a total.

    ``some_zero`` also leaves, one time in three, the 总计 cell of one nonzero application row
    blank, as the row ``258 | 12 | ␣ | ␣ | 1 | 1 | ␣`` of a real page does.
    """
    mode = rng.choice(BLANK_MODES)
    counts = [k for k in tables.all_keys() if not k.endswith("fees.amount")]
    zeros = [k for k in counts if tables.values.get(k) == 0]
    if mode == "all_zero":
        blank = zeros
    else:
        blank = [k for k in zeros if rng.random() < 0.5]
        totals = [k for k in counts if k.startswith("applications.") and k.endswith(".total")
                  and tables.values.get(k)]
        if totals and rng.random() < 1 / 3:
            blank.append(rng.choice(totals))
    return mode, sorted(blank)


def contract_tables(tables: TableValues, blank: list[str]) -> TableValues:
    """The tables a reader following the contract reports when ``blank`` cells print nothing."""
    out = TableValues(template=tables.template, other_split=tables.other_split,
                      found=set(TABLE_NAMES), values=dict(tables.values))
    for k in blank:
        out.values[k] = None
    rels = relations(out)
    changed = True
    while changed:
        changed = False
        for r in rels:
            unknown = [k for k in r.cells if out.values.get(k) is None]
            if len(unknown) == 1:
                # The true tables satisfy every relation, so the derived value is the true one.
                out.values[unknown[0]] = tables.values[unknown[0]]
                changed = True
    out.found = set(tables.found)
    return out
