"""Paragraph alignment of two years: which paragraph became which, wherever it went.

Exact copies are matched first (by normalised text), then the rest by character-bigram Dice
similarity, greedily from the most similar pair, one to one. A paragraph split in two (or two
merged into one) is found by containment: an unmatched piece lies mostly inside a paragraph of the
other year and, with that paragraph's match, covers it. A matched paragraph is *moved* when it changed section or falls
outside the longest run of matches that keep their order.
"""

from __future__ import annotations

import difflib
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from gongkai.inference.yoy.paragraphs import Para

CHANGED = 0.5  # Dice similarity from which two paragraphs are one paragraph edited
PIECE = 0.7  # containment from which an unmatched paragraph is a piece of a split or merge


@dataclass
class Entry:
    kind: Literal["unchanged", "changed", "added", "removed"]
    old: int | None
    new: int | None
    similarity: float
    moved: bool = False
    split: bool = False  # one side is a piece of a paragraph split or merged
    edits: list[tuple[str, str]] = field(default_factory=list)  # (equal|insert|delete, text)


def bigrams(key: str) -> frozenset[str]:
    return frozenset(key[i : i + 2] for i in range(len(key) - 1)) or frozenset([key])


def lis_members(seq: list[int]) -> set[int]:
    """Positions of one longest increasing subsequence of ``seq``."""
    tails: list[int] = []
    tail_pos: list[int] = []
    prev = [-1] * len(seq)
    for i, v in enumerate(seq):
        j = bisect_left(tails, v)
        if j == len(tails):
            tails.append(v)
            tail_pos.append(i)
        else:
            tails[j], tail_pos[j] = v, i
        prev[i] = tail_pos[j - 1] if j else -1
    out, i = set(), tail_pos[-1] if tail_pos else -1
    while i >= 0:
        out.add(i)
        i = prev[i]
    return out


def _groups(rest_new, rest_old, match, used, inside, old_grams, new_grams, entries, merged) -> None:
    """Paragraphs merged into one (or one split into several) that no pair matched: each piece lies
    mostly inside the whole, and together they cover at least half of it."""
    for p in rest_new:  # several of last year's paragraphs in one of this year's
        if p.index in match:
            continue
        qs = [q.index for q in rest_old if q.index not in used and inside.get((p.index, q.index), (0, 0))[0] >= PIECE]
        if len(qs) < 2:
            continue
        a = new_grams[p.index]
        cover = len(a & frozenset().union(*(old_grams[j] for j in qs))) / len(a)
        if cover >= 0.5:
            main = max(qs, key=lambda j: (len(old_grams[j]), -j))
            match[p.index] = (main, cover)
            used.update(qs)
            merged.extend(Entry("changed", j, p.index, round(inside[(p.index, j)][0], 4), split=True)
                          for j in qs if j != main)
    for q in rest_old:  # one of last year's paragraphs in several of this year's
        if q.index in used:
            continue
        ns = [p.index for p in rest_new if p.index not in match and p.index not in entries
              and inside.get((p.index, q.index), (0, 0))[1] >= PIECE]
        if len(ns) < 2:
            continue
        b = old_grams[q.index]
        cover = len(b & frozenset().union(*(new_grams[i] for i in ns))) / len(b)
        if cover >= 0.5:
            main = max(ns, key=lambda i: (len(new_grams[i]), -i))
            match[main] = (q.index, cover)
            used.add(q.index)
            for i in ns:
                if i != main:
                    entries[i] = Entry("changed", q.index, i, round(inside[(i, q.index)][1], 4), split=True)


def _piece(whole: frozenset[str], piece: frozenset[str], mate: frozenset[str] | None) -> float:
    """How well ``piece`` completes ``whole``'s matched paragraph ``mate`` into ``whole`` (split or merge).

    The piece must lie mostly inside ``whole`` and the mate must leave part of ``whole`` uncovered that
    the piece covers; a paragraph matched whole (or a new paragraph that only resembles one) is no piece.
    """
    inside = len(piece & whole) / len(piece)
    if inside < PIECE:
        return 0.0
    if mate is None:
        return 0.0
    before = len(whole & mate) / len(whole)
    after = len(whole & (mate | piece)) / len(whole)
    return inside if before < 0.9 and after >= 0.9 and after - before >= 0.2 else 0.0


def inline_edits(a: str, b: str) -> list[tuple[str, str]]:
    """Character-level edit of ``a`` into ``b``: runs of equal, deleted and inserted text.

    An equal run of one or two characters between two edits is folded into them, so a reworded
    phrase reads as one deletion and one insertion (全年 → 本年度), not as a scatter of letters.
    """
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    groups: list[list[str]] = []  # [tag, deleted, inserted]
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        short = tag == "equal" and i2 - i1 <= 2 and 0 < k < len(ops) - 1
        if tag == "equal" and not short:
            groups.append(["equal", a[i1:i2], ""])
            continue
        if not groups or groups[-1][0] == "equal":
            groups.append(["edit", "", ""])
        groups[-1][1] += a[i1:i2] if tag != "insert" else ""
        groups[-1][2] += b[j1:j2] if tag != "delete" else ""
    out: list[tuple[str, str]] = []
    for tag, x, y in groups:
        if tag == "equal":
            out.append(("equal", x))
            continue
        if x:
            out.append(("delete", x))
        if y:
            out.append(("insert", y))
    return out


def align(old: list[Para], new: list[Para], *, edits: bool = True,
          grams: tuple[Sequence[frozenset[str]], Sequence[frozenset[str]]] | None = None) -> list[Entry]:
    """One entry per new paragraph (and per split piece), one per removed old paragraph.

    ``grams``: the paragraphs' character bigrams when already computed (old, new)."""
    match: dict[int, tuple[int, float]] = {}  # new -> (old, similarity)
    used: set[int] = set()
    by_key: dict[str, list[int]] = {}
    for p in old:
        by_key.setdefault(p.key, []).append(p.index)
    for p in new:
        for j in by_key.get(p.key, []):
            if j not in used:
                match[p.index] = (j, 1.0)
                used.add(j)
                break
    rest_new = [p for p in new if p.index not in match]
    rest_old = [p for p in old if p.index not in used]
    old_grams, new_grams = grams or ([bigrams(q.key) for q in old], [bigrams(p.key) for p in new])
    cands = []
    inside: dict[tuple[int, int], tuple[float, float]] = {}  # (new, old) -> (old in new, new in old)
    for p in rest_new:
        a = new_grams[p.index]
        for q in rest_old:
            b = old_grams[q.index]
            inter = len(a & b)
            if inter:
                dice = 2 * inter / (len(a) + len(b))
                if dice >= CHANGED:
                    cands.append((dice, p.index, q.index))
                inside[(p.index, q.index)] = (inter / len(b), inter / len(a))
    for dice, i, j in sorted(cands, reverse=True):
        if i not in match and j not in used:
            match[i] = (j, dice)
            used.add(j)
    entries: dict[int, Entry] = {}
    merged: list[Entry] = []
    _groups(rest_new, rest_old, match, used, inside, old_grams, new_grams, entries, merged)
    for p in new:
        if p.index in match:
            j, sim = match[p.index]
            entries[p.index] = Entry("unchanged" if sim == 1.0 else "changed", j, p.index, round(sim, 4))
    # pieces: an unmatched paragraph mostly contained in a matched paragraph of the other year
    pieces: list[Entry] = []
    # only a paragraph matched with edits can have lost a piece (an exact copy covers itself)
    mate = {j: i for i, (j, sim) in match.items() if sim < 1.0}  # old -> its edited new paragraph
    for p in new:
        if p.index in match or p.index in entries:
            continue
        a = new_grams[p.index]
        best = max(((_piece(old_grams[j], a, new_grams[i]), j) for j, i in mate.items()), default=(0.0, -1))
        if best[0] >= PIECE:
            entries[p.index] = Entry("changed", best[1], p.index, round(best[0], 4), split=True)
        else:
            entries[p.index] = Entry("added", None, p.index, 0.0)
    new_mate = {i: j for i, (j, sim) in match.items() if sim < 1.0}
    pieces.extend(merged)
    for q in old:
        if q.index in used or any(e.old == q.index for e in entries.values()):
            continue
        b = old_grams[q.index]
        best = max(((_piece(new_grams[i], b, old_grams[j]), i) for i, j in new_mate.items()), default=(0.0, -1))
        if best[0] >= PIECE:
            pieces.append(Entry("changed", q.index, best[1], round(best[0], 4), split=True))
        else:
            pieces.append(Entry("removed", q.index, None, 0.0))
    ordered = [entries[p.index] for p in new]
    matched = [e for e in ordered if e.old is not None and not e.split]
    keep = lis_members([e.old for e in matched])  # type: ignore[misc]
    for k, e in enumerate(matched):
        e.moved = k not in keep or old[e.old].section != new[e.new].section  # type: ignore[index]
    if edits:
        for e in ordered + pieces:
            if e.kind == "changed":
                e.edits = inline_edits(old[e.old].text, new[e.new].text)  # type: ignore[index]
    # removed paragraphs go after the entry of the paragraph that preceded them last year
    out = list(ordered)
    for e in sorted(pieces, key=lambda e: e.old or 0):
        pos = next((k + 1 for k in range(len(out) - 1, -1, -1)
                    if out[k].old is not None and out[k].old < e.old), 0)  # type: ignore[operator]
        out.insert(pos, e)
    return out
