"""Compare a predicted record with gold: cells, meta and issue flags, as typed results."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongkai.data.record import Record, TableValues

TABLES = ("active_disclosure", "applications", "review_litigation")


@dataclass
class Gold:
    """What a gold file says about one report (the keys evaluation uses)."""

    path: Path
    organization: str | None
    year: int | None
    template: str
    tables: TableValues
    layout: str = ""
    format: str = ""
    noise: list[str] = field(default_factory=list)
    published_inconsistencies: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> Gold:
        g = json.loads(Path(path).read_text(encoding="utf-8"))
        meta = g.get("meta") or {}
        template = g.get("template") or "2021"
        return cls(
            path=Path(path),
            organization=meta.get("organization"),
            year=meta.get("year"),
            template=template,
            tables=TableValues.from_nested(g.get("tables") or {}, template),
            layout=g.get("layout") or "",
            format=g.get("format") or "",
            noise=list(g.get("noise") or []),
            published_inconsistencies=list(g.get("published_inconsistencies") or []),
        )


@dataclass
class CellResult:
    key: str
    gold: float | int | None
    pred: float | int | None
    flagged: bool  # an issue (error/warning, or a repair) names this cell

    @property
    def exact(self) -> bool:
        return _same(self.gold, self.pred)


@dataclass
class Comparison:
    cells: list[CellResult]
    year_ok: bool
    org_ok: bool
    template_ok: bool

    @property
    def n_exact(self) -> int:
        return sum(c.exact for c in self.cells)

    @property
    def fully_exact(self) -> bool:
        return self.n_exact == len(self.cells) and self.year_ok and self.org_ok

    @property
    def wrong(self) -> list[CellResult]:
        return [c for c in self.cells if not c.exact]


def _same(a: float | int | None, b: float | int | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-6)


def compare(record: Record, gold: Gold) -> Comparison:
    """Cell-by-cell comparison over the gold's cells (a cell missing from the record is wrong)."""
    pred = TableValues.from_nested(record.tables, record.template if record.template != "unknown" else "2021")
    flagged: set[str] = set()
    for issue in record.issues:
        if issue.severity in ("error", "warning") or issue.code.endswith(".repaired"):
            flagged.update(issue.cells)
    cells = [
        CellResult(k, gold.tables.values.get(k), pred.values.get(k) if k in pred.values else None, k in flagged)
        for k in gold.tables.all_keys()
    ]
    return Comparison(
        cells=cells,
        year_ok=gold.year is None or record.meta.year == gold.year,
        org_ok=gold.organization is None or record.meta.organization == gold.organization,
        template_ok=record.template == gold.template,
    )
