"""The tables of two years cell by cell, and the relations that run from one year to the next."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from gongkai.data.form import (
    ACTIVE_COL_LABELS,
    APP_COL_LABELS,
    APP_COLS,
    REVIEW_COL_LABELS,
    TABLE_NAMES,
    table_rows,
)


@dataclass(frozen=True)
class CellDelta:
    key: str  # table.row.col
    label: str
    old: float | None
    new: float | None
    delta: float | None  # new − old when both are read


@dataclass(frozen=True)
class Relation:
    """One cross-year relation: ``actual`` this year against ``expected`` from last year's cells."""

    name: str
    cells: tuple[str, ...]
    expected: float | None
    actual: float | None
    result: Literal["holds", "differs", "not checked"]


def flatten(tables: dict[str, Any], prefix: str = "") -> dict[str, float | None]:
    """``table.row.col`` -> value of the contract's nested tables."""
    out: dict[str, float | None] = {}
    for k, v in tables.items():
        key = f"{prefix}.{k}" if prefix else k
        if isinstance(v, dict):
            out.update(flatten(v, key))
        else:
            out[key] = v
    return out


@cache
def _labels() -> dict[str, str]:
    cols = {**ACTIVE_COL_LABELS, **APP_COL_LABELS, **REVIEW_COL_LABELS, "decisions": "处理决定数量", "amount": "金额"}
    out = {}
    for template in ("2021", "2019"):
        for table in TABLE_NAMES:
            for other_split in (True, False):
                for r in table_rows(table, template, other_split):  # type: ignore[arg-type]
                    row = f"{r.group_label} {r.label}".strip()
                    for c in r.columns:
                        out.setdefault(f"{table}.{r.key}.{c}", f"{row} · {cols.get(c, c)}")
    return out


def label(key: str) -> str:
    """The printed row and column of a cell key."""
    return _labels().get(key, key)


def deltas(old: dict[str, Any], new: dict[str, Any]) -> list[CellDelta]:
    """Every cell printed in either year, in form order."""
    a, b = flatten(old), flatten(new)
    order = {k: i for i, k in enumerate(_labels())}
    keys = sorted(set(a) | set(b), key=lambda k: (order.get(k, len(order)), k))
    out = []
    for k in keys:
        x, y = a.get(k), b.get(k)
        out.append(CellDelta(k, label(k), x, y, None if x is None or y is None else round(y - x, 6)))
    return out


def _rel(name: str, cells: tuple[str, ...], expected: float | None, actual: float | None) -> Relation:
    result = "not checked" if expected is None or actual is None else ("holds" if expected == actual else "differs")
    return Relation(name, cells, expected, actual, result)


def relations(old: dict[str, Any], new: dict[str, Any], old_template: str, new_template: str) -> list[Relation]:
    """结转 per applicant column, and 现行有效件数 of 规章 and 规范性文件 when both use the 2021 form."""
    a, b = flatten(old), flatten(new)
    out = [
        _rel(f"上年结转 = last year's 结转下年度继续办理 · {APP_COL_LABELS[c]}", (f"applications.carried_over.{c}",),
             a.get(f"applications.carried_forward.{c}"), b.get(f"applications.carried_over.{c}"))
        for c in APP_COLS
    ]
    if old_template == new_template == "2021":
        for row, name in (("rules", "规章"), ("normative_documents", "行政规范性文件")):
            last, issued, repealed = (a.get(f"active_disclosure.{row}.in_force"),
                                      b.get(f"active_disclosure.{row}.issued"), b.get(f"active_disclosure.{row}.repealed"))
            expected = None if None in (last, issued, repealed) else last + issued - repealed  # type: ignore[operator]
            out.append(_rel(f"现行有效件数 = last year's + 本年制发 − 本年废止 · {name}",
                            (f"active_disclosure.{row}.in_force",), expected, b.get(f"active_disclosure.{row}.in_force")))
    return out
