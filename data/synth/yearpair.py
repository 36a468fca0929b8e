"""A unit's next-year report written by editing this year's, with the exact gold diff.

Real units write next year's report from last year's file: most paragraphs are kept (with the
year moved on), some reworded, removed, added or moved, the problems often repeated word for
word, and the tables filled with new numbers. :func:`make_pair` does the same to a synthetic
report, tracking for every character of the new narrative whether it came from last year's, so
the gold gives the paragraph correspondence, the table deltas and the reuse share exactly.
"""

from __future__ import annotations

import copy
import dataclasses
import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from gongkai.data.synth.content import AdminLevel, SyntheticReport, make_tables
from gongkai.data.synth.corpus import Rendered, _render_pages, generate, gold
from gongkai.data.synth.document import Block, Doc, build_document
from gongkai.data.synth.grids import build_grids
from gongkai.data.synth.narrative import Narrative, Paragraph, Part, make_narrative
from gongkai.data.synth.render_docx import render_docx
from gongkai.data.synth.render_html import render_html
from gongkai.data.synth.render_text import draw_options, plain_text, render_text

# Operation weights per paragraph: problems are repeated word for word more often.
OPS = ("keep", "reword", "remove", "move")
_WEIGHTS = {"default": (55, 22, 12, 11), "problems": (75, 12, 6, 7)}
ADD_P = 0.35  # chance a run of paragraphs gains a new paragraph
NEW_MAX = 0.2
_SENT = re.compile(r"(?<=[。；;])")


@dataclass
class GoldPara:
    text: str
    topic: str | None
    section: int
    reused: list[bool] = field(default_factory=list)  # per character: came from last year's text


@dataclass
class Pair:
    old: SyntheticReport
    new: SyntheticReport
    old_doc: Doc
    new_doc: Doc
    diff: dict[str, Any]  # the gold diff (see :func:`_gold_diff`)


def _topic(p: Paragraph) -> str | None:
    return next((x.topic for x in p.parts if x.topic), None)


def _fresh(report: SyntheticReport, like: Narrative, rng: random.Random) -> Narrative:
    """New narrative for ``report`` printed in ``like``'s style (spacing, punctuation)."""
    for _ in range(50):
        n = make_narrative(report, rng)
        if (n.spaced_numbers, n.ascii_punct) == (like.spaced_numbers, like.ascii_punct):
            return n
    return n


def _year_on(text: str, mask: list[bool], old: int, new: int) -> tuple[str, list[bool]]:
    """``text`` with the reported year moved on; the changed year characters are not reused."""
    out, m, i, y0, y1 = [], [], 0, str(old), str(new)
    while i < len(text):
        if text.startswith(y0, i):
            out.append(y1)
            m.extend([False] * len(y1))
            i += len(y0)
        else:
            out.append(text[i])
            m.append(mask[i])
            i += 1
    return "".join(out), m


def _reword(p: Paragraph, bank: list[str], rng: random.Random) -> tuple[Paragraph, list[bool]]:
    """Replace a third of the sentences of a long paragraph, or the last clause of a short one."""
    parts, mask = [], []
    for part in p.parts:
        if not part.topic:
            parts.append(part)
            mask += [True] * len(part.text)
            continue
        sents = [s for s in _SENT.split(part.text) if s]
        k = len(sents) // 3
        pick = set(rng.sample(range(len(sents)), k)) if k else set()
        text = ""
        for i, s in enumerate(sents):
            if i in pick and bank:
                new = bank.pop(rng.randrange(len(bank)))
                text += new
                mask += [False] * len(new)
            elif k == 0 and i == len(sents) - 1:  # a short paragraph: rewrite its last clause
                cut = s.rfind("，", 0, len(s) - 2)
                tail = bank.pop(rng.randrange(len(bank))) if bank else "。"
                tail = tail.split("，")[-1] if "，" in tail else tail
                text += s[: cut + 1] + tail if cut > 0 else s + tail
                mask += [True] * (cut + 1 if cut > 0 else len(s)) + [False] * len(tail)
            else:
                text += s
                mask += [True] * len(s)
        parts.append(Part(text, part.topic, part.categories))
    return Paragraph(parts), mask


def _new_text(old: Narrative) -> Callable[[str], bool]:
    """Whether a text is new against ``old``: under :data:`NEW_MAX` of its runs of
    ``reuse.N`` characters occur in last year's narrative (the generator's templates share set
    phrases, and text drawn from them is "new" only when it does not repeat last year's)."""
    from gongkai.inference.yoy import reuse as R

    vocab = R.vocabulary([_norm(p.text) for p in old.all_paragraphs()])

    def is_new(text: str) -> bool:
        c = R.codes(_norm(text))
        return len(c) >= R.N and float(R.covered(c, vocab).mean()) < NEW_MAX

    return is_new


def _sentences(n: Narrative, is_new: Callable[[str], bool]) -> dict[str | None, list[str]]:
    bank: dict[str | None, list[str]] = {}
    for p in n.all_paragraphs():
        for part in p.parts:
            if part.topic:
                bank.setdefault(part.topic, []).extend(s for s in _SENT.split(part.text) if s and is_new(s))
    return bank


def _next_report(a: SyntheticReport, rng: random.Random) -> SyntheticReport:
    level, tv = a.admin_level, a.tables
    tables = make_tables(rng, level, a.template, tv.other_split, zero=rng.random() < 0.15)
    if rng.random() < 0.3:  # the documents table printed again unchanged
        tables.values.update({k: v for k, v in tv.values.items() if k.startswith("active_disclosure.")})
    return dataclasses.replace(
        a, year=a.year + 1, title=a.title.replace(str(a.year), str(a.year + 1)),
        published=date(a.year + 2, a.published.month, min(a.published.day, 28)), tables=tables, narrative=None,
    )


def make_pair(rng: random.Random, *, admin_level: AdminLevel | None = None) -> Pair:
    """Last year's report, this year's made from it by known edits, and the gold diff."""
    a = generate(rng, template="2021", admin_level=admin_level)
    old_doc = build_document(a, rng)
    b = _next_report(a, rng)
    is_new = _new_text(a.narrative)  # type: ignore[arg-type]
    fresh = _fresh(b, a.narrative, rng)  # type: ignore[arg-type]  # paragraphs to add
    bank = _sentences(_fresh(b, a.narrative, rng), is_new)  # type: ignore[arg-type]  # sentences to reword with
    # runs of consecutive paragraph blocks (a section, or a sub-heading's paragraphs) are edited
    # as a unit; headings, tables and the signature stay where they are
    section, runs, layout = 0, [], []
    for k, blk in enumerate(old_doc.blocks):
        section += blk.kind == "heading"
        if blk.kind != "para":
            layout.append(blk)
        elif layout and isinstance(layout[-1], int) and runs[layout[-1]][0] == section:
            runs[layout[-1]][1].append(k)
        else:
            layout.append(len(runs))
            runs.append((section, [k]))
    number = {k: n for n, k in enumerate(k for _, ks in runs for k in ks)}
    old_paras = [GoldPara(old_doc.blocks[k].para.text, _topic(old_doc.blocks[k].para), sec,  # type: ignore[union-attr]
                          [True] * len(old_doc.blocks[k].para.text))  # type: ignore[union-attr]
                 for sec, ks in runs for k in ks]
    new_blocks: list[Block] = []
    new_paras: list[GoldPara] = []
    entries: list[dict[str, Any]] = []
    for item in layout:
        if not isinstance(item, int):
            blk = copy.copy(item)
            if blk.kind in ("title", "signature"):
                blk.text = blk.text.replace(str(a.year + 1), str(b.year + 1)).replace(str(a.year), str(b.year))
            new_blocks.append(blk)
            continue
        sec, ks = runs[item]
        kept: list[tuple[Paragraph, list[bool], int | None, bool]] = []  # para, mask, old number, moved
        moved: list[tuple[Paragraph, list[bool], int | None, bool]] = []
        for k in ks:
            p = old_doc.blocks[k].para
            assert p is not None
            topic = _topic(p)
            op = rng.choices(OPS, weights=_WEIGHTS["problems" if topic == "problems" else "default"])[0]
            if op == "remove":
                continue
            if op == "reword" and topic and bank.get(topic):
                q, mask = _reword(p, bank.get(topic, []), rng)
            else:
                q, mask = copy.deepcopy(p), [True] * len(p.text)
            (moved if op == "move" and len(ks) > 2 else kept).append((q, mask, number[k], False))
        for m in moved:
            kept.insert(rng.randrange(len(kept) + 1), m)
        if rng.random() < ADD_P:
            topic = rng.choice([t for t in (_topic(old_doc.blocks[k].para) for k in ks) if t] or [None])  # type: ignore[arg-type]
            cands = [p for p in fresh.all_paragraphs() if _topic(p) == topic and is_new(p.text)]
            if cands:  # beside a paragraph of its topic, as a writer adds a point
                p = rng.choice(cands)
                at = [i + 1 for i, x in enumerate(kept) if _topic(x[0]) == topic] or [len(kept)]
                kept.insert(rng.choice(at), (copy.deepcopy(p), [False] * len(p.text), None, False))
        for q, mask, n, was_moved in kept:
            text, mask = _year_on(q.text, mask, a.year, b.year)
            topic = _topic(q)
            cats = next((x.categories for x in q.parts if x.topic), ())
            new_blocks.append(Block("para", para=Paragraph([Part(text, topic, cats)])))
            new_paras.append(GoldPara(text, topic, sec, mask))
            entries.append({"old": n, "new": len(new_paras) - 1, "moved": was_moved})
    b.narrative = dataclasses.replace(a.narrative, stated={})  # type: ignore[arg-type]
    new_doc = Doc(b, new_blocks, build_grids(b, old_doc.style), old_doc.style, old_doc.heading_style,
                  dict(old_doc.choices))
    return Pair(a, b, old_doc, new_doc, _gold_diff(a, b, old_paras, new_paras, entries))


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def _reuse(paras: list[GoldPara], topic: str | tuple[str, ...] | None) -> float | None:
    topics = (topic,) if isinstance(topic, str) else topic
    chosen = [p for p in paras if topics is None or p.topic in topics]
    total = reused = 0
    for p in chosen:
        for ch, r in zip(p.text, p.reused, strict=True):
            if not ch.isspace():
                n = len(unicodedata.normalize("NFKC", ch))
                total += n
                reused += n * r
    return None if not total else round(reused / total, 4)


def _gold_diff(a: SyntheticReport, b: SyntheticReport, old: list[GoldPara], new: list[GoldPara],
               entries: list[dict[str, Any]]) -> dict[str, Any]:
    from gongkai.inference.yoy.align import lis_members
    from gongkai.inference.yoy.tables import deltas

    matched = {e["old"] for e in entries if e["old"] is not None}
    seq = [e for e in entries if e["old"] is not None]
    keep = lis_members([e["old"] for e in seq])
    for k, e in enumerate(seq):  # moved: out of the longest run kept in order, or into another section
        e["moved"] = k not in keep or old[e["old"]].section != new[e["new"]].section
    out = []
    for e in entries:
        if e["old"] is None:
            kind = "added"
        else:
            kind = "unchanged" if _norm(old[e["old"]].text) == _norm(new[e["new"]].text) else "changed"
        out.append({**e, "kind": kind})
    out += [{"old": i, "new": None, "moved": False, "kind": "removed"} for i in range(len(old)) if i not in matched]
    cells = [dataclasses.asdict(c) for c in deltas(a.tables.to_nested(), b.tables.to_nested())]
    return {
        "old_paragraphs": [{"text": p.text, "topic": p.topic, "section": p.section} for p in old],
        "new_paragraphs": [{"text": p.text, "topic": p.topic, "section": p.section} for p in new],
        "entries": out,
        "reuse": {"problems": _reuse(new, "problems"), "improvements": _reuse(new, "improvements"),
                  "problems_and_improvements": _reuse(new, ("problems", "improvements")), "all": _reuse(new, None)},
        "cells": cells,
    }


def render_pair(pair: Pair, fmt: str, layout: str, rng: random.Random) -> tuple[Rendered, Rendered]:
    """Both years rendered alike (one unit keeps its file's look from year to year)."""
    out = []
    if fmt in ("txt", "md"):
        opts = draw_options(layout, rng, markdown=fmt == "md")
        for doc in (pair.old_doc, pair.new_doc):
            text, segments = render_text(doc, opts, random.Random(rng.random()))
            out.append(Rendered(text.encode("utf-8"), fmt, layout, "utf-8", text, segments))
        return out[0], out[1]
    state = rng.random()
    for doc in (pair.old_doc, pair.new_doc):
        r = random.Random(state)
        text, segments = plain_text(doc)
        if fmt == "html":
            data, enc = render_html(doc, layout, r)
        elif fmt == "docx":
            data, enc = render_docx(doc, r), "zip"
        elif fmt in ("pdf", "scan", "image"):
            data, enc = _render_pages(doc, fmt, r), "binary"
        else:
            raise ValueError(f"unknown format {fmt!r}")
        out.append(Rendered(data, fmt, layout, enc, text, segments))
    return out[0], out[1]


def pair_gold(pair: Pair, old: Rendered, new: Rendered) -> dict[str, Any]:
    """Both reports' gold records and the gold diff."""
    return {"old": gold(pair.old, old), "new": gold(pair.new, new), "diff": pair.diff}
