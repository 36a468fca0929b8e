"""Checks: the contract's consistency relations 1–5 over the three tables, as issues.

Each relation is a :class:`Relation` ``sum(lhs) == sum(rhs)`` over cell keys; the same
objects drive repair (:mod:`gongkai.inference.repair`) and row placement in the readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from gongkai.data.form import (
    APP_COLS,
    APP_PARTS,
    OTHER_ROW_KEYS,
    REVIEW_COLS,
    REVIEW_GROUPS,
    application_rows,
    outcome_rows,
)
from gongkai.data.numbers import MAX_COUNT_DIGITS, implausible
from gongkai.data.record import Issue, TableValues

_EPS = 1e-6


@dataclass(frozen=True)
class Relation:
    """``sum(lhs) == sum(rhs)``; ``code`` is the issue code when it fails."""

    code: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    label: str

    @property
    def cells(self) -> tuple[str, ...]:
        return self.lhs + self.rhs

    def residual(self, values: dict[str, int | float | None]) -> int | float | None:
        """sum(lhs) - sum(rhs), or None when a cell is unknown (exact for whole counts)."""
        total: int | float = 0
        for k in self.lhs:
            v = values.get(k)
            if v is None:
                return None
            total += v
        for k in self.rhs:
            v = values.get(k)
            if v is None:
                return None
            total -= v
        return total


@lru_cache(maxsize=8)
def _application_relations(other_split: bool) -> tuple[Relation, ...]:
    rows = application_rows(other_split)
    out: list[Relation] = []
    t = "applications"
    for r in rows:  # relation 1
        out.append(
            Relation(
                f"{t}.row_total",
                (f"{t}.{r.key}.total",),
                tuple(f"{t}.{r.key}.{c}" for c in APP_PARTS),
                f"row {r.key}: 总计 = sum of applicant columns",
            )
        )
    outcomes = outcome_rows(other_split)
    for c in APP_COLS:  # relation 2
        out.append(
            Relation(
                f"{t}.column_total",
                (f"{t}.total.{c}",),
                tuple(f"{t}.{k}.{c}" for k in outcomes),
                f"column {c}: (七)总计 = sum of outcomes",
            )
        )
    for c in APP_COLS:  # relation 3
        out.append(
            Relation(
                f"{t}.balance",
                (f"{t}.new_received.{c}", f"{t}.carried_over.{c}"),
                (f"{t}.total.{c}", f"{t}.carried_forward.{c}"),
                f"column {c}: 新收 + 上年结转 = 总计 + 结转下年度",
            )
        )
    return tuple(out)


@lru_cache(maxsize=1)
def _review_relations() -> tuple[Relation, ...]:
    t = "review_litigation"
    return tuple(
        Relation(
            f"{t}.group_total",
            (f"{t}.{g}.total",),
            tuple(f"{t}.{g}.{c}" for c in REVIEW_COLS[:-1]),
            f"{g}: 总计 = 维持 + 纠正 + 其他 + 尚未审结",
        )
        for g in REVIEW_GROUPS
    )


def relations(tv: TableValues) -> tuple[Relation, ...]:
    """Relations 1–4 for the tables found in ``tv``."""
    out: tuple[Relation, ...] = ()
    if "applications" in tv.found:
        out += _application_relations(tv.other_split)
    if "review_litigation" in tv.found:
        out += _review_relations()
    return out


def violations(tv: TableValues, rels: tuple[Relation, ...] | None = None) -> list[Relation]:
    """Relations that are fully known and do not hold."""
    rels = relations(tv) if rels is None else rels
    out = []
    for r in rels:
        res = r.residual(tv.values)
        if res is not None and abs(res) > _EPS:
            out.append(r)
    return out


def check_tables(tv: TableValues) -> list[Issue]:
    """Issues for relations 1–5 and for cells that could not be read."""
    issues: list[Issue] = []
    for r in violations(tv):
        res = r.residual(tv.values) or 0.0
        lhs = sum(tv.values[k] or 0 for k in r.lhs)
        rhs = sum(tv.values[k] or 0 for k in r.rhs)
        issues.append(
            Issue(
                code=r.code,
                severity="error",
                cells=list(r.cells),
                message=f"{r.label}: {_fmt(lhs)} printed, parts give {_fmt(rhs)} (off by {_fmt(res)})",
            )
        )
    for key in tv.all_keys():  # relation 5
        v = tv.values.get(key)
        if v is None:
            continue
        if key.endswith("fees.amount"):
            if v < 0:
                issues.append(Issue(code="active_disclosure.invalid_value", severity="error", cells=[key],
                                    message=f"fees must be a non-negative amount, got {_fmt(v)}"))
        elif v < 0 or (isinstance(v, float) and not v.is_integer()):
            table = key.split(".", 1)[0]
            issues.append(Issue(code=f"{table}.invalid_value", severity="error", cells=[key],
                                message=f"a count must be a non-negative whole number, got {_fmt(v)}"))
    missing: dict[str, list[str]] = {}
    for key in tv.all_keys():
        if tv.values.get(key) is None:
            missing.setdefault(key.split(".", 1)[0], []).append(key)
    for table, keys in missing.items():
        issues.append(Issue(code=f"{table}.missing", severity="warning", cells=keys,
                            message=f"{len(keys)} cell(s) of {table} not printed or not readable"))
    if "applications" in tv.found and not tv.other_read:
        # Neither form of the row was read: name the cells of both, whichever the report prints.
        keys = [f"applications.{r.key}.{c}" for split in (True, False) for r in application_rows(split)
                if r.key in OTHER_ROW_KEYS for c in r.columns]
        issues.append(Issue(code="applications.other_unread", severity="warning", cells=keys,
                            message="row (六)其他处理 was not read (printed as one row or as three); its cells are unknown"))
    return issues


def implausible_cells(tv: TableValues, printed: dict[str, str]) -> list[Issue]:
    """Relation 5 for cells printed with digits but no plausible value (left unknown by the reader).

    Called on the values as read, before repair: a cell the relations later restore keeps this
    error beside its ``*.repaired`` note, since what was printed there was not a count.
    """
    issues = []
    for key, raw in printed.items():
        if tv.values.get(key) is None and implausible(raw):
            shown = raw if len(raw) <= 24 else f"{raw[:12]}…{raw[-4:]} ({len(raw)} characters)"
            issues.append(Issue(code=f"{key.split('.', 1)[0]}.invalid_value", severity="error", cells=[key],
                                message=f"printed as {shown}: not a plausible value (a count has at most "
                                        f"{MAX_COUNT_DIGITS} digits); left unknown"))
    return issues


def _fmt(v: float | int) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return f"{v:g}" if isinstance(v, float) else str(v)
