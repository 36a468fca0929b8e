"""Repair: values the consistency relations determine uniquely, and nothing else.

Two kinds, each recorded as a ``*.repaired`` info issue naming the cell:

* an unknown cell (not printed, unreadable) that is the only unknown of some relation;
* for text that came through OCR only, one misread cell: a cell shared by every failing
  relation whose value fixing them all is an OCR-confusable reading of what was printed
  (0/8/6/9, 1/7, 3/8, 5/6, a dropped or a doubled digit), when no other single cell does.

Clean text layers, HTML and DOCX are taken as printed: an inconsistent published table is
reported by the checks, never corrected.
"""

from __future__ import annotations

from gongkai.data.record import Issue, TableValues
from gongkai.inference.checks import Relation, relations, violations

_CONFUSABLE = {
    "0": "8689",
    "8": "0693",
    "6": "805",
    "9": "08",
    "1": "7",
    "7": "1",
    "3": "8",
    "5": "6",
}


def _table(key: str) -> str:
    return key.split(".", 1)[0]


def fill_unknowns(tv: TableValues, rels: tuple[Relation, ...] | None = None) -> list[Issue]:
    """Fill every unknown cell that is the single unknown of a relation; return info issues."""
    if None not in tv.values.values():
        return []
    rels = relations(tv) if rels is None else rels
    issues: list[Issue] = []
    changed = True
    while changed:
        changed = False
        for r in rels:
            unknown = [k for k in r.cells if tv.values.get(k) is None]
            if len(unknown) != 1:
                continue
            key = unknown[0]
            known: int | float = 0
            for k in r.lhs:
                if k != key:
                    known += tv.values[k]  # type: ignore[operator]
            for k in r.rhs:
                if k != key:
                    known -= tv.values[k]  # type: ignore[operator]
            value = -known if key in r.lhs else known
            if value < 0 or (isinstance(value, float) and not value.is_integer()):
                continue  # the relation cannot hold with a count here: report, don't invent
            tv.values[key] = int(value)
            issues.append(
                Issue(
                    code=f"{_table(key)}.repaired",
                    severity="info",
                    cells=[key],
                    message=f"{key} was not readable; set to {int(value)} from {r.label}",
                )
            )
            changed = True
    return issues


def is_ocr_confusable(printed: str, value: int) -> bool:
    """True when ``value`` is a plausible true reading of the printed digits ``printed``."""
    target = str(value)
    if printed == target:
        return False
    if len(printed) == len(target):
        diff = [(a, b) for a, b in zip(printed, target, strict=True) if a != b]
        return len(diff) == 1 and diff[0][1] in _CONFUSABLE.get(diff[0][0], "")
    if len(printed) + 1 == len(target):  # a digit was dropped
        return any(target[:i] + target[i + 1 :] == printed for i in range(len(target)))
    if len(printed) == len(target) + 1:  # a digit was doubled (or one inserted)
        return any(printed[:i] + printed[i + 1 :] == target for i in range(len(printed)))
    return False


def repair_ocr_digits(
    tv: TableValues, printed: dict[str, str], rels: tuple[Relation, ...] | None = None
) -> list[Issue]:
    """Correct one misread cell per table when the relations single it out (OCR input only)."""
    rels = relations(tv) if rels is None else rels
    issues: list[Issue] = []
    for table in ("applications", "review_litigation"):
        table_rels = tuple(r for r in rels if r.code.startswith(table))
        failing = violations(tv, table_rels)
        if not failing:
            continue
        shared = set(failing[0].cells)
        for r in failing[1:]:
            shared &= set(r.cells)
        candidates: list[tuple[float, str, int]] = []
        for key in sorted(shared):
            old = tv.values.get(key)
            if old is None or key not in printed:
                continue
            value = _value_fixing(key, failing[0], tv)
            if value is None or not is_ocr_confusable(printed[key], value):
                continue
            tv.values[key] = value
            ok = not violations(tv, table_rels)
            tv.values[key] = old
            if ok:
                candidates.append((tv.confidence.get(key, 1.0), key, value))
        if len(candidates) == 1 or (
            len(candidates) > 1 and sorted(c[0] for c in candidates)[0] < sorted(c[0] for c in candidates)[1]
        ):
            _conf, key, value = min(candidates)
            old = tv.values[key]
            tv.values[key] = value
            issues.append(
                Issue(
                    code=f"{table}.repaired",
                    severity="info",
                    cells=[key],
                    message=f"{key} read as {printed[key]} breaks the table's sums; corrected to {value}",
                )
            )
    return issues


def _value_fixing(key: str, rel: Relation, tv: TableValues) -> int | None:
    res = rel.residual(tv.values)
    if res is None:
        return None
    old = tv.values[key] or 0
    value = old - res if key in rel.lhs else old + res
    if value < 0 or (isinstance(value, float) and not value.is_integer()):
        return None
    return int(value)
