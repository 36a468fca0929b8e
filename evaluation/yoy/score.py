"""A comparison scored against a generated pair's gold diff (``gongkai.data.synth.yearpair``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gongkai.inference.yoy.align import bigrams
from gongkai.inference.yoy.paragraphs import norm

MAP_MIN = 0.8  # Dice from which a parsed paragraph is taken for a gold paragraph


@dataclass
class PairScore:
    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0
    moved_tp: int = 0
    moved_pred: int = 0
    moved_gold: int = 0
    cells_wrong: int = 0
    cells: int = 0
    reuse_error: dict[str, float] = field(default_factory=dict)  # topic -> |predicted − gold|

    def add(self, other: PairScore) -> None:
        for f in ("tp", "n_pred", "n_gold", "moved_tp", "moved_pred", "moved_gold", "cells_wrong", "cells"):
            setattr(self, f, getattr(self, f) + getattr(other, f))

    @property
    def precision(self) -> float:
        return self.tp / self.n_pred if self.n_pred else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _mapping(pred: list[str], gold: list[str]) -> dict[int, int]:
    """Parsed paragraph -> gold paragraph: equal normalised text first, then the most similar."""
    gk = [norm(t) for t in gold]
    by = {}
    for j, k in enumerate(gk):
        by.setdefault(k, []).append(j)
    out, used = {}, set()
    for i, t in enumerate(pred):
        for j in by.get(norm(t), []):
            if j not in used:
                out[i] = j
                used.add(j)
                break
    gg = [bigrams(k) for k in gk]
    for i, t in enumerate(pred):
        if i in out:
            continue
        a = bigrams(norm(t))
        best = max(((2 * len(a & gg[j]) / (len(a) + len(gg[j])), j) for j in range(len(gold)) if j not in used),
                   default=(0.0, -1))
        if best[0] >= MAP_MIN:
            out[i] = best[1]
            used.add(best[1])
    return out


def score_pair(comparison: dict[str, Any], old_texts: list[str], new_texts: list[str], gold: dict[str, Any]) -> PairScore:
    """Score a comparison (``Comparison.to_dict()``) whose paragraphs are ``old_texts``/``new_texts``."""
    mo = _mapping(old_texts, [p["text"] for p in gold["old_paragraphs"]])
    mn = _mapping(new_texts, [p["text"] for p in gold["new_paragraphs"]])
    g = {(e["kind"], e["old"], e["new"]) for e in gold["entries"]}
    p = {(e["kind"], None if e["old"] is None else mo.get(e["old"], -1 - e["old"]),
          None if e["new"] is None else mn.get(e["new"], -1 - e["new"])) for e in comparison["paragraphs"]}
    s = PairScore(tp=len(g & p), n_pred=len(p), n_gold=len(g))
    gm = {e["new"] for e in gold["entries"] if e["moved"]}
    pm = {mn.get(e["new"], -1) for e in comparison["paragraphs"] if e["moved"]}
    s.moved_tp, s.moved_pred, s.moved_gold = len(gm & pm), len(pm), len(gm)
    pc = {c["key"]: (c["old"], c["new"], c["delta"]) for c in comparison["cells"]}
    for c in gold["cells"]:
        s.cells += 1
        s.cells_wrong += pc.get(c["key"]) != (c["old"], c["new"], c["delta"])
    for topic, gv in gold["reuse"].items():
        pv = comparison["summary"]["reuse"].get(topic)
        if gv is not None:
            s.reuse_error[topic] = abs((pv if pv is not None else 0.0) - gv)
    return s
