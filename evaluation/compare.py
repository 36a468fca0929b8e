"""Compare a predicted record with gold: cells, meta and issue flags, as typed results."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongkai.data.record import Record, TableValues

TABLES = ("active_disclosure", "applications", "review_litigation")

# A cell key as gold files and issues write it: table.row[.sub].col
_CELL_KEY = re.compile(r"(?:active_disclosure|applications|review_litigation)(?:\.[A-Za-z_]+)+")
# published_inconsistencies name relations by their number in report-schema.md.
_RELATION_CODES = {1: "row_total", 2: "column_total", 3: "balance", 4: "group_total"}


@dataclass(frozen=True)
class GoldSegment:
    """One gold narrative segment: its topic, source text and problem categories."""

    topic: str
    text: str
    categories: tuple[str, ...] = ()


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
    noise: list[Any] = field(default_factory=list)  # strings or objects naming the cells touched
    # Cells whose printed form does not decide their value (glued digits more than one reading
    # fits): right only by luck, so they are scored apart as well.
    undecidable: set[str] = field(default_factory=set)
    published_inconsistencies: list[dict[str, Any]] = field(default_factory=list)
    segments: list[GoldSegment] = field(default_factory=list)
    text: str = ""  # the generated full text, where the gold file has it

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
            undecidable=set(g.get("undecidable") or []),
            published_inconsistencies=list(g.get("published_inconsistencies") or []),
            segments=[
                GoldSegment(str(x.get("topic") or ""), str(x.get("text") or ""), tuple(x.get("categories") or ()))
                for x in g.get("segments") or []
                if isinstance(x, dict)
            ],
            text=g.get("text") or "",
        )

    def noise_cells(self) -> set[str]:
        """Cells the gold's ``noise`` names (any string inside it that is one of this gold's cell keys)."""
        known = set(self.tables.all_keys())
        return {k for k in _strings(self.noise) for k in _CELL_KEY.findall(k) if k in known}

    def inconsistent_cells(self) -> set[str]:
        """Cells of the relations the published table itself breaks (``published_inconsistencies``)."""
        if not self.published_inconsistencies:
            return set()
        # Imported here: the relations live with the checker, and only this method needs them.
        from gongkai.inference.checks import violations

        broken = violations(self.tables)
        out: set[str] = set()
        for inc in self.published_inconsistencies:
            code = _RELATION_CODES.get(inc.get("relation")) if isinstance(inc, dict) else None
            where = [str(inc.get(k)) for k in ("group", "column", "row") if isinstance(inc, dict) and inc.get(k)]
            for rel in broken:
                if code and not rel.code.endswith(code):
                    continue
                # a relation's label names its row/column/group; keep the ones the entry points at
                if where and not any(w in rel.label.split(":")[0].split() for w in where):
                    continue
                out.update(rel.cells)
        return out

    def should_flag(self) -> set[str]:
        """Cells a good parser flags: noisy and undecidable cells, cells the document does not give
        (gold ``null``: a blank the relations do not restore), and cells of published inconsistencies."""
        unknown = {k for k in self.tables.all_keys() if self.tables.get(k) is None}
        return self.noise_cells() | self.undecidable | unknown | self.inconsistent_cells()


@dataclass
class CellResult:
    key: str
    gold: float | int | None
    pred: float | int | None
    flagged: bool  # an issue (error/warning, or a repair) names this cell
    warned: bool = False  # an error or warning issue names this cell (a repair alone does not)

    @property
    def exact(self) -> bool:
        return _same(self.gold, self.pred)

    @property
    def silent_wrong(self) -> bool:
        """Read (not null), wrong, and named by no warning or error: the worst outcome.

        A value set by a repair counts as read: it is right only if it equals the gold.
        """
        return self.pred is not None and not self.exact and not self.warned


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

    @property
    def silent_wrong(self) -> list[CellResult]:
        return [c for c in self.cells if c.silent_wrong]


def _strings(x: Any) -> list[str]:
    """Every string inside a JSON value (keys and values), depth first."""
    if isinstance(x, str):
        return [x]
    if isinstance(x, dict):
        return [s for k, v in x.items() for s in _strings(k) + _strings(v)]
    if isinstance(x, list | tuple):
        return [s for v in x for s in _strings(v)]
    return []


def _same(a: float | int | None, b: float | int | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-6)


def compare(record: Record, gold: Gold) -> Comparison:
    """Cell-by-cell comparison over the gold's cells (a cell missing from the record is wrong)."""
    pred = TableValues.from_nested(record.tables, record.template if record.template != "unknown" else "2021")
    flagged: set[str] = set()
    warned: set[str] = set()
    for issue in record.issues:
        if issue.severity in ("error", "warning"):
            warned.update(issue.cells)
        if issue.severity in ("error", "warning") or issue.code.endswith(".repaired"):
            flagged.update(issue.cells)
    cells = [
        CellResult(k, gold.tables.values.get(k), pred.values.get(k) if k in pred.values else None,
                   k in flagged, k in warned)
        for k in gold.tables.all_keys()
    ]
    return Comparison(
        cells=cells,
        year_ok=gold.year is None or record.meta.year == gold.year,
        org_ok=gold.organization is None or record.meta.organization == gold.organization,
        template_ok=record.template == gold.template,
    )
