"""Evaluation metrics as pure functions over typed values.

Cells: accuracy overall and grouped (table, row, cell, layout, format). Issues: detection and
repair precision/recall over cell keys. Narrative, by character: per-topic precision/recall/F1,
macro-F1 and the topic confusion matrix; Pk and WindowDiff over segment boundaries; problem
categories micro/macro F1 over segments. Nothing here reads files or records.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate

NONE = "none"  # label of a character outside every segment


# ---- counting types ----------------------------------------------------------------------


@dataclass
class Ratio:
    """``correct`` out of ``total``; ``value`` is None when nothing was counted."""

    correct: int = 0
    total: int = 0

    @property
    def value(self) -> float | None:
        return self.correct / self.total if self.total else None

    def add(self, ok: bool | int, n: int = 1) -> None:
        """Count ``n`` items of which ``ok`` (a bool or a count) are correct."""
        self.correct += int(ok)
        self.total += n

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.correct + other.correct, self.total + other.total)

    def to_dict(self) -> dict:
        return {"accuracy": self.value, "correct": self.correct, "total": self.total}


@dataclass
class PRF:
    """Precision and recall with their own numerators.

    They differ for repair (a right repair of a cell the gold did not list still counts for
    precision); for plain set matching ``hit_pred == hit_gold``.
    """

    hit_pred: int = 0  # predicted items that are right
    n_pred: int = 0
    hit_gold: int = 0  # gold items that were found
    n_gold: int = 0

    @property
    def precision(self) -> float | None:
        return self.hit_pred / self.n_pred if self.n_pred else None

    @property
    def recall(self) -> float | None:
        return self.hit_gold / self.n_gold if self.n_gold else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None and r is None:
            return None
        p, r = p or 0.0, r or 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.hit_pred + other.hit_pred, self.n_pred + other.n_pred,
                   self.hit_gold + other.hit_gold, self.n_gold + other.n_gold)

    def to_dict(self) -> dict:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1,
                "hit_pred": self.hit_pred, "n_pred": self.n_pred, "hit_gold": self.hit_gold, "n_gold": self.n_gold}


def set_prf(gold: Iterable[str], pred: Iterable[str]) -> PRF:
    """Precision/recall of a predicted set against a gold set."""
    g, p = set(gold), set(pred)
    hit = len(g & p)
    return PRF(hit, len(p), hit, len(g))


def sum_prf(items: Iterable[PRF]) -> PRF:
    return sum(items, PRF())


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the values that are defined, None when none is."""
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


# ---- cells -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellOutcome:
    key: str  # table.row.col
    exact: bool


@dataclass(frozen=True)
class ReportCells:
    """One report's cell outcomes and what it is grouped by."""

    format: str
    layout: str
    cells: tuple[CellOutcome, ...]


@dataclass
class CellAccuracy:
    overall: Ratio = field(default_factory=Ratio)
    by_table: dict[str, Ratio] = field(default_factory=dict)
    by_row: dict[str, Ratio] = field(default_factory=dict)  # "table.row"
    by_cell: dict[str, Ratio] = field(default_factory=dict)
    by_layout: dict[str, Ratio] = field(default_factory=dict)
    by_format: dict[str, Ratio] = field(default_factory=dict)
    reports_exact: Ratio = field(default_factory=Ratio)  # every cell of the report exact

    def to_dict(self) -> dict:
        def group(d: dict[str, Ratio]) -> dict:
            return {k: d[k].to_dict() for k in sorted(d)}

        return {**self.overall.to_dict(), "by_table": group(self.by_table), "by_row": group(self.by_row),
                "by_cell": group(self.by_cell), "by_layout": group(self.by_layout),
                "by_format": group(self.by_format), "reports_exact": self.reports_exact.to_dict()}


def split_cell_key(key: str) -> tuple[str, str, str]:
    """``applications.denied.state_secret.total`` → (applications, denied.state_secret, total)."""
    table, rest = key.split(".", 1)
    row, _, col = rest.rpartition(".")
    return table, row, col


def cell_accuracy(reports: Sequence[ReportCells]) -> CellAccuracy:
    """Cell accuracy overall and grouped; a report with no cells never counts as exact."""
    acc = CellAccuracy()
    for rep in reports:
        ok = sum(c.exact for c in rep.cells)
        n = len(rep.cells)
        for name, groups in ((rep.layout, acc.by_layout), (rep.format, acc.by_format)):
            groups.setdefault(name, Ratio()).add(ok, n)
        acc.overall.add(ok, n)
        acc.reports_exact.add(n > 0 and ok == n)
        for c in rep.cells:
            table, row, _ = split_cell_key(c.key)
            for key, groups in ((table, acc.by_table), (f"{table}.{row}", acc.by_row), (c.key, acc.by_cell)):
                groups.setdefault(key, Ratio()).add(c.exact)
    return acc


# ---- issues ------------------------------------------------------------------------------


def detection_prf(should_flag: Iterable[str], flagged: Iterable[str]) -> PRF:
    """Issue detection: cells the gold says need a flag vs cells the record's issues name."""
    return set_prf(should_flag, flagged)


def repair_prf(repaired: Mapping[str, bool], damaged: Iterable[str]) -> PRF:
    """Repair: ``repaired`` maps each cell a ``*.repaired`` issue names to whether its value now
    equals gold; ``damaged`` are the cells the gold says were printed wrong or not at all."""
    damaged = set(damaged)
    right = {k for k, ok in repaired.items() if ok}
    return PRF(len(right), len(repaired), len(right & damaged), len(damaged))


# ---- narrative by character ----------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A segment placed in the record text: ``text[start:end]``."""

    start: int
    end: int
    topic: str
    categories: tuple[str, ...] = ()


def char_labels(n: int, spans: Sequence[Span]) -> list[int]:
    """For each of ``n`` characters, the index of the span covering it, or -1 (later spans win)."""
    labels = [-1] * n
    for i, s in enumerate(spans):
        a, b = max(0, s.start), min(n, s.end)
        if b > a:
            labels[a:b] = [i] * (b - a)
    return labels


def topic_confusion(text: str, gold: Sequence[Span], pred: Sequence[Span],
                    missed: Iterable[tuple[str, int]] = ()) -> Counter[tuple[str, str]]:
    """Character counts per (gold topic, predicted topic) over non-space characters.

    Characters outside both gold and predicted segments are not counted; ``missed`` adds
    (topic, characters) of gold segments that could not be located in the text at all.
    """
    g_lab, p_lab = char_labels(len(text), gold), char_labels(len(text), pred)
    conf: Counter[tuple[str, str]] = Counter()
    for ch, gi, pi in zip(text, g_lab, p_lab, strict=True):
        if (gi < 0 and pi < 0) or ch.isspace():
            continue
        conf[(gold[gi].topic if gi >= 0 else NONE, pred[pi].topic if pi >= 0 else NONE)] += 1
    for topic, n in missed:
        conf[(topic, NONE)] += n
    return conf


def topic_prf(confusion: Mapping[tuple[str, str], int]) -> dict[str, PRF]:
    """Per-topic precision/recall/F1 by character, from a confusion count."""
    out: dict[str, PRF] = {}
    for (g, p), n in confusion.items():
        if g != NONE:
            out.setdefault(g, PRF()).n_gold += n
        if p != NONE:
            out.setdefault(p, PRF()).n_pred += n
        if g == p and g != NONE:
            out[g].hit_pred += n
            out[g].hit_gold += n
    return out


def macro_f1(prfs: Mapping[str, PRF]) -> float | None:
    """Mean F1 over the labels present in gold or prediction."""
    return mean(p.f1 for p in prfs.values())


def confusion_matrix(confusion: Mapping[tuple[str, str], int], labels: Sequence[str]) -> list[list[int]]:
    """Rows gold, columns predicted, in ``labels`` order."""
    return [[int(confusion.get((g, p), 0)) for p in labels] for g in labels]


# ---- segmentation: Pk and WindowDiff ---------------------------------------------------------


def boundaries(labels: Sequence[object]) -> list[int]:
    """Boundary indicators between consecutive items: ``b[j] = 1`` when item j and j+1 differ."""
    return [int(a != b) for a, b in zip(labels, labels[1:], strict=False)]


def _windows(ref: Sequence[int], hyp: Sequence[int], k: int) -> tuple[list[int], list[int], int] | None:
    if len(ref) != len(hyp):
        raise ValueError("segmentations of different lengths")
    n = len(ref) - k + 1
    if k < 1 or n <= 0:
        return None
    cr, ch = [0, *accumulate(ref)], [0, *accumulate(hyp)]
    return [cr[i + k] - cr[i] for i in range(n)], [ch[i + k] - ch[i] for i in range(n)], n


def pk(ref: Sequence[int], hyp: Sequence[int], k: int) -> float | None:
    """Pk (Beeferman et al. 1999) over boundary indicators: the share of windows of ``k`` slots
    where one segmentation has a boundary and the other has none. None if too short."""
    w = _windows(ref, hyp, k)
    if w is None:
        return None
    r, h, n = w
    return sum((a > 0) != (b > 0) for a, b in zip(r, h, strict=True)) / n


def window_diff(ref: Sequence[int], hyp: Sequence[int], k: int) -> float | None:
    """WindowDiff (Pevzner & Hearst 2002): the share of windows of ``k`` slots whose boundary
    counts differ. None if too short."""
    w = _windows(ref, hyp, k)
    if w is None:
        return None
    r, h, n = w
    return sum(a != b for a, b in zip(r, h, strict=True)) / n


@dataclass(frozen=True)
class SegmentationScore:
    pk: float | None
    window_diff: float | None
    k: int
    n_chars: int


def segmentation_score(text: str, gold: Sequence[Span], pred: Sequence[Span]) -> SegmentationScore:
    """Pk and WindowDiff over the narrative's characters: the non-space characters inside gold
    segments, in text order. Gold segments are the reference; each predicted segment (and each
    run of characters no prediction covers) is one hypothesis segment. k is half the mean gold
    segment length in those characters."""
    g_lab, p_lab = char_labels(len(text), gold), char_labels(len(text), pred)
    seq = [(g, p) for ch, g, p in zip(text, g_lab, p_lab, strict=True) if g >= 0 and not ch.isspace()]
    lengths = Counter(g for g, _ in seq)
    if not lengths:
        return SegmentationScore(None, None, 0, 0)
    k = max(1, round(len(seq) / len(lengths) / 2))
    ref = boundaries([g for g, _ in seq])
    hyp = boundaries([p for _, p in seq])
    return SegmentationScore(pk(ref, hyp, k), window_diff(ref, hyp, k), k, len(seq))


# ---- problem categories over segments -------------------------------------------------------


def best_overlap(span: Span, others: Sequence[Span]) -> int | None:
    """Index of the span in ``others`` that shares most characters with ``span`` (None: none)."""
    best, best_n = None, 0
    for i, o in enumerate(others):
        n = min(span.end, o.end) - max(span.start, o.start)
        if n > best_n:
            best, best_n = i, n
    return best


def category_prf(gold: Sequence[Span], pred: Sequence[Span],
                 missed: Iterable[Sequence[str]] = ()) -> dict[str, PRF]:
    """Per-category counts over segments.

    Each gold segment is compared with the predicted segment that overlaps it most (no
    categories if none does). A predicted segment that is no gold segment's match still counts
    its categories as false positives. ``missed`` are category lists of gold segments that could
    not be located (all false negatives).
    """
    out: dict[str, PRF] = {}

    def count(g: Iterable[str], p: Iterable[str]) -> None:
        gs, ps = set(g), set(p)
        for c in gs | ps:
            prf = out.setdefault(c, PRF())
            prf.n_gold += c in gs
            prf.n_pred += c in ps
            prf.hit_gold += c in gs and c in ps
            prf.hit_pred += c in gs and c in ps

    matched: set[int] = set()
    for g in gold:
        j = best_overlap(g, pred)
        if j is not None:
            matched.add(j)
        count(g.categories, pred[j].categories if j is not None else ())
    for j, p in enumerate(pred):
        if j not in matched:
            count((), p.categories)
    for cats in missed:
        count(cats, ())
    return out


def micro_macro(prfs: Mapping[str, PRF]) -> tuple[PRF, float | None]:
    """Micro counts (summed over labels) and macro-F1 (mean of per-label F1)."""
    return sum_prf(prfs.values()), macro_f1(prfs)
