"""Two reports of one unit side by side: paragraphs, sections, tables and a summary."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from gongkai.data.form import SECTION_TITLES
from gongkai.inference.yoy import reuse as R
from gongkai.inference.yoy.align import Entry, align, bigrams
from gongkai.inference.yoy.paragraphs import Para, paragraphs
from gongkai.inference.yoy.tables import CellDelta, Relation, deltas, relations

REUSE_TOPICS = ("problems", "improvements")
_SEP = "\x00"
_PROBLEMS_SECTION = 5  # 存在的主要问题及改进情况: the topics' text when no topic segments were found


@dataclass
class Prepared:
    """What a comparison needs of one report, computed once (a report is in two pairs)."""

    rec: dict[str, Any]
    paras: list[Para]
    vocab: np.ndarray  # run hashes of the narrative (for others' reuse against it)
    codes: np.ndarray  # code points of all paragraphs, each followed by a separator (no run spans two)
    bounds: np.ndarray  # start of each paragraph in ``codes``, and the end
    _grams: list[frozenset[str] | None] = field(default_factory=list)

    @property
    def grams(self) -> _Grams:
        """Character bigrams per paragraph, made when first asked for (exact copies never need them)."""
        return _Grams(self)


class _Grams:
    def __init__(self, prep: Prepared) -> None:
        self.prep = prep

    def __getitem__(self, i: int) -> frozenset[str]:
        g = self.prep._grams
        if g[i] is None:
            g[i] = bigrams(self.prep.paras[i].key)
        return g[i]  # type: ignore[return-value]


def prepare(rec: dict[str, Any]) -> Prepared:
    paras = paragraphs(rec)
    codes = R.codes("".join(p.key + _SEP for p in paras))
    bounds = np.cumsum([0] + [len(p.key) + 1 for p in paras])
    h = R.ngram_hashes(codes)
    # runs that take in a separator are no text: drop them from the vocabulary
    clean = np.convolve((codes == ord(_SEP)).astype(np.int32), np.ones(R.N, np.int32), "valid")[: len(h)] == 0
    vocab = np.sort(h[clean]) if len(h) else np.empty(0, np.uint64)  # sorted, for searchsorted
    return Prepared(rec, paras, vocab, codes, bounds, [None] * len(paras))


@dataclass
class SectionDiff:
    number: int
    title: str
    added: int = 0
    removed: int = 0
    changed: int = 0
    unchanged: int = 0
    moved: int = 0
    similarity: float | None = None  # paragraph similarity weighted by characters, last year and this
    reuse: float | None = None  # share of this year's section text that is last year's (see reuse)
    chars: int = 0  # this year's narrative characters


@dataclass
class Comparison:
    old: dict[str, Any]  # path, sha256, organization, year, template
    new: dict[str, Any]
    sections: list[SectionDiff]
    paragraphs: list[dict[str, Any]]  # entries with their texts
    cells: list[CellDelta]
    relations: list[Relation]
    summary: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)


def _about(rec: dict[str, Any]) -> dict[str, Any]:
    src, meta = rec.get("source") or {}, rec.get("meta") or {}
    return {"path": src.get("path"), "sha256": src.get("sha256"), "organization": meta.get("organization"),
            "year": meta.get("year"), "template": rec.get("template")}


def _titles(*recs: dict[str, Any]) -> dict[int, str]:
    out = {0: "标题与前言"} | dict(SECTION_TITLES)
    for rec in recs:
        for s in rec.get("sections") or []:
            out.setdefault(s["number"], s.get("title") or "")
    return out


def _share(cov: tuple[np.ndarray, np.ndarray], idx: list[int]) -> float | None:
    """Reused characters over all characters of the paragraphs ``idx`` (per-paragraph counts ``cov``)."""
    hit, size = cov
    total = int(size[idx].sum()) if idx else 0
    return None if not total else round(float(hit[idx].sum()) / total, 4)


_MEASURES = re.compile(r"改进|措施|下一步|打算|计划")


def topic_paragraphs(paras: list[Para], topic: str) -> list[int]:
    """Paragraphs of ``problems``, ``improvements`` or both (``problems_and_improvements``).

    Where the report's section 5 (存在的主要问题及改进情况) was found, both topics are its
    paragraphs: problems those the topic classifier calls problems, improvements the rest; when it
    calls none problems, the section is cut where a paragraph opens on the measures (改进措施,
    下一步 …). Without section 5, the topic segments decide.
    """
    sec = [p for p in paras if p.section == _PROBLEMS_SECTION]
    if not sec:
        want = REUSE_TOPICS if topic == "problems_and_improvements" else (topic,)
        return [p.index for p in paras if p.topic in want]
    if topic == "problems_and_improvements":
        return [p.index for p in sec]
    if any(p.topic == "problems" for p in sec):
        return [p.index for p in sec if (p.topic == "problems") == (topic == "problems")]
    cut = next((k for k, p in enumerate(sec) if k and _MEASURES.search(p.text[:20])), len(sec))
    if cut == len(sec):  # no paragraph opens on the measures: the section counts for both
        return [p.index for p in sec]
    return [p.index for p in (sec[:cut] if topic == "problems" else sec[cut:])]


def reuse_chars(new: Prepared) -> dict[str, int]:
    """Characters of this year's text behind each reuse share."""
    n = {t: sum(len(new.paras[i].key) for i in topic_paragraphs(new.paras, t))
         for t in (*REUSE_TOPICS, "problems_and_improvements")}
    n["all"] = sum(len(p.key) for p in new.paras)
    return n


def diff(old: Prepared, new: Prepared, *, edits: bool = True) -> tuple[list[Entry], list[SectionDiff], dict]:
    """Entries, per-section rows and reuse by topic (no tables): the part a database pass stores."""
    entries = align(old.paras, new.paras, edits=edits, grams=(old.grams, new.grams))
    mask = R.covered(new.codes, old.vocab)
    mask[new.bounds[1:] - 1] = False  # the separators
    run = np.concatenate([[0], np.cumsum(mask)])
    cov = (run[new.bounds[1:] - 1] - run[new.bounds[:-1]], np.diff(new.bounds) - 1)
    titles = _titles(old.rec, new.rec)
    numbers = sorted({p.section for p in old.paras} | {p.section for p in new.paras})
    secs = {n: SectionDiff(n, titles.get(n, "")) for n in numbers}
    weight: dict[int, list[float]] = {n: [0.0, 0.0] for n in secs}  # similar characters, all characters
    for e in entries:
        p = new.paras[e.new] if e.new is not None else old.paras[e.old]  # type: ignore[index]
        s = secs[p.section]
        setattr(s, e.kind, getattr(s, e.kind) + 1)
        s.moved += e.moved
        size = (len(old.paras[e.old].key) if e.old is not None else 0) + (
            len(new.paras[e.new].key) if e.new is not None else 0)
        w = weight[p.section]
        w[0] += e.similarity * size
        w[1] += size
    for n, s in secs.items():
        s.similarity = round(weight[n][0] / weight[n][1], 4) if weight[n][1] else None
        idx = [p.index for p in new.paras if p.section == n]
        s.reuse = _share(cov, idx)
        s.chars = sum(len(new.paras[i].key) for i in idx)
    reuse = {t: _share(cov, topic_paragraphs(new.paras, t)) for t in (*REUSE_TOPICS, "problems_and_improvements")}
    reuse["all"] = _share(cov, [p.index for p in new.paras])
    return entries, list(secs.values()), reuse


def compare(old: Prepared, new: Prepared, *, edits: bool = True, top: int = 10) -> Comparison:
    entries, secs, reuse = diff(old, new, edits=edits)
    paras = []
    for e in entries:
        po = old.paras[e.old] if e.old is not None else None
        pn = new.paras[e.new] if e.new is not None else None
        paras.append({**asdict(e), "section": (pn or po).section,  # type: ignore[union-attr]
                      "topic": (pn or po).topic,  # type: ignore[union-attr]
                      "old_text": po.text if po else None, "new_text": pn.text if pn else None})
    cells = deltas(old.rec.get("tables") or {}, new.rec.get("tables") or {})
    rels = relations(old.rec.get("tables") or {}, new.rec.get("tables") or {},
                     old.rec.get("template") or "unknown", new.rec.get("template") or "unknown")
    counts = {k: sum(e.kind == k for e in entries) for k in ("added", "removed", "changed", "unchanged")}
    counts["moved"] = sum(e.moved for e in entries)
    ranked = sorted((s for s in secs if s.similarity is not None), key=lambda s: (s.similarity, -s.chars))
    moved_cells = sorted((c for c in cells if c.delta), key=lambda c: (-abs(c.delta), c.key))  # type: ignore[arg-type]
    summary = {
        "paragraphs": counts,
        "most_changed_sections": [{"number": s.number, "title": s.title, "similarity": s.similarity,
                                   "changed": s.added + s.removed + s.changed} for s in ranked[:3]],
        "biggest_number_changes": [asdict(c) for c in moved_cells[:top]],
        "cells": {"compared": sum(c.old is not None and c.new is not None for c in cells),
                  "changed": sum(bool(c.delta) for c in cells)},
        "relations": {r: sum(x.result == r for x in rels) for r in ("holds", "differs", "not checked")},
        "reuse": reuse,
    }
    return Comparison(_about(old.rec), _about(new.rec), secs, paras, cells, rels, summary)


def compare_records(old: dict[str, Any], new: dict[str, Any], *, edits: bool = True) -> Comparison:
    """Compare two record dicts (``Record.model_dump()`` or a stored record's JSON)."""
    return compare(prepare(old), prepare(new), edits=edits)
