"""Score one predicted record against its gold: everything the corpus metrics aggregate.

:func:`score_report` is pure (record + gold in, :class:`ReportScore` out) and its result is
plain data, so it crosses process boundaries and the aggregation never sees a record.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from gongkai.data.record import Record, Source
from gongkai.evaluation.align import locate, non_space_len
from gongkai.evaluation.compare import CellResult, Gold, compare
from gongkai.evaluation.metrics import (
    PRF,
    CellOutcome,
    ReportCells,
    SegmentationScore,
    Span,
    best_overlap,
    category_prf,
    macro_f1,
    segmentation_score,
    topic_confusion,
    topic_prf,
)


@dataclass
class SegmentView:
    """A gold segment beside what the record says about the same characters (for display)."""

    topic: str
    text: str
    categories: tuple[str, ...]
    located: bool
    pred_topic: str | None = None
    pred_categories: tuple[str, ...] = ()


@dataclass
class ReportScore:
    """Everything evaluation keeps about one report."""

    name: str
    file: str
    format: str
    layout: str
    template: str
    error: str | None = None
    seconds: float = 0.0
    cells: list[CellResult] = field(default_factory=list)
    year_ok: bool = False
    org_ok: bool = False
    template_ok: bool = False
    gold_meta: dict[str, Any] = field(default_factory=dict)
    pred_meta: dict[str, Any] = field(default_factory=dict)
    should_flag: set[str] = field(default_factory=set)
    flagged: set[str] = field(default_factory=set)
    repaired: dict[str, bool] = field(default_factory=dict)  # cell -> repaired value equals gold
    damaged: set[str] = field(default_factory=set)  # cells the gold's noise names
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    segmentation: SegmentationScore | None = None
    categories: dict[str, PRF] = field(default_factory=dict)
    segments: list[SegmentView] = field(default_factory=list)
    issues: list[dict[str, Any]] = field(default_factory=list)

    @property
    def n_exact(self) -> int:
        return sum(c.exact for c in self.cells)

    @property
    def n_silent_wrong(self) -> int:
        """Cells read with a wrong value that no warning or error names."""
        return sum(c.silent_wrong for c in self.cells)

    @property
    def cell_accuracy(self) -> float | None:
        return self.n_exact / len(self.cells) if self.cells else None

    @property
    def fully_exact(self) -> bool:
        """Every cell exact, and year and organization right (as :attr:`Comparison.fully_exact`)."""
        return bool(self.cells) and self.n_exact == len(self.cells) and self.year_ok and self.org_ok

    @property
    def topic_macro_f1(self) -> float | None:
        return macro_f1(topic_prf(self.confusion))

    def report_cells(self) -> ReportCells:
        return ReportCells(self.format, self.layout, tuple(CellOutcome(c.key, c.exact) for c in self.cells))


def empty_record(path: str, fmt: str) -> Record:
    """A record with nothing read: what a crashed parse is scored as (every cell wrong)."""
    return Record.model_construct(source=Source.model_construct(path=path, sha256="", format=fmt))


def flagged_cells(record: Record) -> set[str]:
    """Cells named by error or warning issues, or by a repair."""
    return {c for i in record.issues if i.severity in ("error", "warning") or i.code.endswith(".repaired")
            for c in i.cells}


def repaired_cells(record: Record, cells: list[CellResult]) -> dict[str, bool]:
    """Each cell a ``*.repaired`` issue names, and whether its value now equals gold
    (a repaired cell the gold does not have cannot be right)."""
    by_key = {c.key: c for c in cells}
    return {key: key in by_key and by_key[key].exact
            for i in record.issues if i.code.endswith(".repaired") for key in i.cells}


def _pred_spans(record: Record) -> list[Span]:
    return [Span(s.start, s.end, s.topic, tuple(s.categories)) for s in record.segments]


def score_report(record: Record, gold: Gold, *, name: str, file: str, error: str | None = None,
                 seconds: float = 0.0) -> ReportScore:
    """Score ``record`` against ``gold`` (an ``error`` marks a record that stands in for a crash)."""
    cmp = compare(record, gold)
    text = record.text or ""
    # No gold narrative (e.g. a real report with tables only): narrative is not scored at all.
    pred_spans = _pred_spans(record) if gold.segments else []
    placed = locate(text, gold.segments)
    gold_spans = [s for s in placed if s is not None]
    missed = [g for g, s in zip(gold.segments, placed, strict=True) if s is None]
    views = []
    for g, s in zip(gold.segments, placed, strict=True):
        j = best_overlap(s, pred_spans) if s is not None else None
        p = pred_spans[j] if j is not None else None
        views.append(SegmentView(g.topic, g.text, tuple(g.categories), s is not None,
                                 p.topic if p else None, p.categories if p else ()))
    return ReportScore(
        name=name,
        file=file,
        format=gold.format or file.rsplit(".", 1)[-1],
        layout=gold.layout or "unknown",
        template=gold.template,
        error=error,
        seconds=seconds,
        cells=cmp.cells,
        year_ok=cmp.year_ok,
        org_ok=cmp.org_ok,
        template_ok=cmp.template_ok,
        gold_meta={"organization": gold.organization, "year": gold.year, "template": gold.template},
        pred_meta={"organization": record.meta.organization, "year": record.meta.year, "template": record.template},
        should_flag=gold.should_flag(),
        flagged=flagged_cells(record),
        repaired=repaired_cells(record, cmp.cells),
        damaged=gold.noise_cells(),
        confusion=topic_confusion(text, gold_spans, pred_spans, [(g.topic, non_space_len(g.text)) for g in missed]),
        segmentation=segmentation_score(text, gold_spans, pred_spans) if gold_spans else None,
        categories=category_prf(gold_spans, pred_spans, [g.categories for g in missed]),
        segments=views,
        issues=[i.model_dump() for i in record.issues],
    )
