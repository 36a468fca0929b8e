"""The corpus-level evaluation result: aggregation of per-report scores, and its JSON form."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from gongkai.evaluation.metrics import (
    NONE,
    PRF,
    CellAccuracy,
    Ratio,
    cell_accuracy,
    confusion_matrix,
    detection_prf,
    macro_f1,
    mean,
    micro_macro,
    repair_prf,
    sum_prf,
    topic_prf,
)
from gongkai.evaluation.scoring import ReportScore

TOPICS = ("preamble", "proactive_disclosure", "request_disclosure", "information_management", "platforms",
          "supervision", "problems", "improvements", "other_matters")

# (id, label, format, group, hint) of the headline figures, in display order.
DEFAULT_DETAILS = 200  # worst reports that keep their cells and text (JSON and dashboard)

HEADLINE = (
    ("cell-accuracy", "cell accuracy", "pct", "cells", "table cells equal to gold, all reports"),
    ("reports-exact", "reports fully exact", "pct", "cells", "reports with every cell, the year and the organization right"),
    ("silent-wrong", "silent wrong cells", "int", "cells",
     "cells read with a wrong value that no warning or error names (a repaired value counts as read); 0 is the promise"),
    ("year-accuracy", "year", "pct", "meta", "meta.year equal to gold"),
    ("organization-accuracy", "organization", "pct", "meta", "meta.organization equal to gold"),
    ("template-accuracy", "template", "pct", "meta", "template equal to gold"),
    ("detection-precision", "issue detection precision", "pct", "issues", "flagged cells that needed a flag"),
    ("detection-recall", "issue detection recall", "pct", "issues", "cells needing a flag that were flagged"),
    ("repair-precision", "repair precision", "pct", "issues", "repaired cells whose value equals gold"),
    ("repair-recall", "repair recall", "pct", "issues", "noisy cells repaired to the gold value"),
    ("topic-macro-f1", "topic macro-F1", "pct", "narrative", "per-character topic F1, mean over topics"),
    ("pk", "Pk", "dec", "narrative", "segment boundary error (lower is better)"),
    ("window-diff", "WindowDiff", "dec", "narrative", "segment boundary error (lower is better)"),
    ("category-micro-f1", "category micro-F1", "pct", "narrative", "problem categories over segments"),
    ("category-macro-f1", "category macro-F1", "pct", "narrative", "problem categories, mean over categories"),
    ("report-count", "reports", "int", "run", "reports evaluated"),
    ("crash-count", "crashed", "int", "run", "files that could not be read or parsed"),
)


@dataclass
class Crash:
    file: str
    error: str


@dataclass
class NarrativeResult:
    topics: dict[str, PRF] = field(default_factory=dict)
    macro_f1: float | None = None
    labels: list[str] = field(default_factory=list)
    confusion: list[list[int]] = field(default_factory=list)  # rows gold, columns predicted, by character
    pk: float | None = None  # mean over reports
    window_diff: float | None = None
    segments_located: Ratio = field(default_factory=Ratio)
    categories: dict[str, PRF] = field(default_factory=dict)
    categories_micro: PRF = field(default_factory=PRF)
    categories_macro_f1: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "topics": {k: v.to_dict() for k, v in self.topics.items()},
            "macro_f1": self.macro_f1,
            "confusion": {"labels": self.labels, "matrix": self.confusion},
            "pk": self.pk,
            "window_diff": self.window_diff,
            "segments_located": self.segments_located.to_dict(),
            "categories": {
                "micro": self.categories_micro.to_dict(),
                "macro_f1": self.categories_macro_f1,
                "per_category": {k: v.to_dict() for k, v in sorted(self.categories.items())},
            },
        }


@dataclass
class EvaluationResult:
    """What ``gongkai evaluate`` reports; :meth:`to_json` is the contract the dashboard reads."""

    gold_dir: str
    pred_dir: str | None
    seconds: float
    workers: int
    n_reports: int
    crashes: list[Crash]
    cells: CellAccuracy
    fully_exact: Ratio  # reports with every cell exact and year and organization right
    meta: dict[str, Ratio]
    detection: PRF
    repair: PRF
    narrative: NarrativeResult
    reports: list[ReportScore]  # worst first

    @property
    def silent_wrong(self) -> int:
        """Cells read with a wrong value and named by no warning or error, over all reports."""
        return sum(r.n_silent_wrong for r in self.reports)

    @property
    def reports_per_second(self) -> float | None:
        return self.n_reports / self.seconds if self.seconds > 0 else None

    def headline(self) -> dict[str, float | int | None]:
        """The figures a reader looks at first, keyed by the ids of :data:`HEADLINE`."""
        n = self.narrative
        return {
            "cell-accuracy": self.cells.overall.value,
            "reports-exact": self.fully_exact.value,
            "silent-wrong": self.silent_wrong,
            "year-accuracy": self.meta["year"].value,
            "organization-accuracy": self.meta["organization"].value,
            "template-accuracy": self.meta["template"].value,
            "detection-precision": self.detection.precision,
            "detection-recall": self.detection.recall,
            "repair-precision": self.repair.precision,
            "repair-recall": self.repair.recall,
            "topic-macro-f1": n.macro_f1,
            "pk": n.pk,
            "window-diff": n.window_diff,
            "category-micro-f1": n.categories_micro.f1,
            "category-macro-f1": n.categories_macro_f1,
            "report-count": self.n_reports,
            "crash-count": len(self.crashes),
        }

    def to_dict(self, details: int | None = None) -> dict[str, Any]:
        """JSON-ready dict; ``details`` limits how many of the worst reports keep their cells and text."""
        return {
            "gold_dir": self.gold_dir,
            "pred_dir": self.pred_dir,
            "n_reports": self.n_reports,
            "n_crashed": len(self.crashes),
            "crashes": [{"file": c.file, "error": c.error} for c in self.crashes],
            "seconds": self.seconds,
            "workers": self.workers,
            "reports_per_second": self.reports_per_second,
            "headline": self.headline(),
            "cells": self.cells.to_dict(),
            "reports_fully_exact": self.fully_exact.to_dict(),
            "meta": {k: v.to_dict() for k, v in self.meta.items()},
            "issues": {"detection": self.detection.to_dict(), "repair": self.repair.to_dict()},
            "narrative": self.narrative.to_dict(),
            "reports": [report_dict(r, detail=details is None or i < details) for i, r in enumerate(self.reports)],
        }

    def to_json(self, details: int | None = None, indent: int | None = 1) -> str:
        return json.dumps(self.to_dict(details), ensure_ascii=False, indent=indent)


def report_dict(r: ReportScore, detail: bool = True) -> dict[str, Any]:
    """One report's summary and, with ``detail``, its cells, segments and issues."""
    seg = r.segmentation
    out: dict[str, Any] = {
        "name": r.name, "file": r.file, "format": r.format, "layout": r.layout, "template": r.template,
        "error": r.error, "seconds": r.seconds,
        "cells_correct": r.n_exact, "cells_total": len(r.cells), "cell_accuracy": r.cell_accuracy,
        "fully_exact": r.fully_exact, "silent_wrong": r.n_silent_wrong, "year_ok": r.year_ok, "organization_ok": r.org_ok,
        "template_ok": r.template_ok, "gold_meta": r.gold_meta, "pred_meta": r.pred_meta,
        "topic_macro_f1": r.topic_macro_f1, "pk": seg.pk if seg else None,
        "window_diff": seg.window_diff if seg else None,
    }
    if detail:
        out["cells"] = [[c.key, c.gold, c.pred, c.exact, c.flagged, c.silent_wrong] for c in r.cells]
        out["should_flag"] = sorted(r.should_flag)
        out["segments"] = [
            {"topic": s.topic, "pred_topic": s.pred_topic, "categories": list(s.categories),
             "pred_categories": list(s.pred_categories), "located": s.located, "text": s.text}
            for s in r.segments
        ]
        out["issues"] = r.issues
    return out


def _badness(r: ReportScore) -> tuple:
    """Sort key, worst first: crashes, then silent wrong cells, cell accuracy, meta, narrative."""
    acc = r.cell_accuracy if r.cell_accuracy is not None else -1.0
    meta_wrong = 3 - (r.year_ok + r.org_ok + r.template_ok)
    f1 = r.topic_macro_f1 if r.topic_macro_f1 is not None else 1.0
    return (r.error is None, -r.n_silent_wrong, acc, -meta_wrong, f1, r.name)


def aggregate(scores: list[ReportScore], *, gold_dir: str, pred_dir: str | None, seconds: float,
              workers: int, crashes: list[Crash] | None = None) -> EvaluationResult:
    """Corpus metrics from per-report scores. ``crashes`` adds files that have no score at all."""
    scores = sorted(scores, key=lambda r: r.name)  # completion order varies; sums of floats must not
    unscored = list(crashes or [])
    crashes = unscored + [Crash(r.file, r.error) for r in scores if r.error]
    meta = {"year": Ratio(), "organization": Ratio(), "template": Ratio()}
    confusion: Counter[tuple[str, str]] = Counter()
    categories: dict[str, PRF] = {}
    located = Ratio()
    for r in scores:
        meta["year"].add(r.year_ok)
        meta["organization"].add(r.org_ok)
        meta["template"].add(r.template_ok)
        confusion.update(r.confusion)
        for k, v in r.categories.items():
            categories[k] = categories.get(k, PRF()) + v
        located.add(sum(s.located for s in r.segments), len(r.segments))
    topics = topic_prf(confusion)
    extra = sorted({t for pair in confusion for t in pair} - set(TOPICS) - {NONE})
    labels = [t for t in TOPICS if t in topics] + extra + [NONE]
    micro, cat_macro = micro_macro(categories)
    segs = [r.segmentation for r in scores if r.segmentation is not None]
    narrative = NarrativeResult(
        topics={t: topics[t] for t in labels if t in topics},
        macro_f1=macro_f1(topics),
        labels=labels,
        confusion=confusion_matrix(confusion, labels),
        pk=mean(s.pk for s in segs),
        window_diff=mean(s.window_diff for s in segs),
        segments_located=located,
        categories=categories,
        categories_micro=micro,
        categories_macro_f1=cat_macro,
    )
    return EvaluationResult(
        gold_dir=gold_dir,
        pred_dir=pred_dir,
        seconds=seconds,
        workers=workers,
        n_reports=len(scores) + len(unscored),
        crashes=crashes,
        cells=cell_accuracy([r.report_cells() for r in scores]),
        fully_exact=Ratio(sum(r.fully_exact for r in scores), len(scores) + len(unscored)),
        meta=meta,
        detection=sum_prf(detection_prf(r.should_flag, r.flagged) for r in scores),
        repair=sum_prf(repair_prf(r.repaired, r.damaged) for r in scores),
        narrative=narrative,
        reports=sorted(scores, key=_badness),
    )
