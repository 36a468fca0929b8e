"""Assign label/number groups to a table's printed rows.

Rows are matched by their printed labels — first by containment (fast and exact on clean
text), then by fuzzy matching (rapidfuzz) for labels broken or misread by OCR — and the
assignment keeps the printed order (a monotone alignment solved by dynamic programming), so
that a group whose label is unreadable still lands on the row its position implies.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from gongkai.inference.layout import Group

_ENUM = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|\d+[.、]|[①-⑩])")
_PAREN_NOTE = re.compile(r"\([^)]*\)")
_TRAILING_ENUM = re.compile(r"(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)?|\d+[.、]|[①-⑩])\s*$")
_ANY_NOTE = re.compile(r"[(（][^)）]*[)）]")
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)

_UNLABELLED_SCORE = 58.0  # a group with no readable label may still fill a row by position
_MIN_SCORE = 55.0


@lru_cache(maxsize=8192)
def core_label(label: str) -> str:
    """The distinctive words of a printed row label: no enumerator, note or punctuation."""
    s = _ENUM.sub("", label.strip())
    s = _PAREN_NOTE.sub("", s) or s
    return _PUNCT.sub("", s)


@lru_cache(maxsize=8192)
def squash(text: str) -> str:
    """Text with spaces and punctuation removed, for containment tests."""
    return _PUNCT.sub("", text)


@dataclass(frozen=True)
class RowTarget:
    """A printed row to match: its key, the words of its label and other printed forms."""

    key: str
    core: str
    alts: tuple[str, ...] = ()
    forms: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "forms", (self.core, *self.alts))


def _contained_score(label: str, target: RowTarget) -> float:
    """Score of a row whose label is printed whole in the group's label text, else 0."""
    best = 0.0
    for core in target.forms:
        idx = label.rfind(core)
        if idx < 0:
            continue
        # Closer to the end (the numbers) and longer is better: "其他" inside
        # "其他法律行政法规禁止公开" loses to the longer row label.
        tail = len(label) - (idx + len(core))
        best = max(best, 100.0 + min(len(core), 20) - min(tail, 40) * 0.5)
    return best


def _fuzzy_score(label: str, target: RowTarget) -> float:
    """Fuzzy similarity of the label text nearest the numbers to a row label (OCR damage)."""
    best = 0.0
    for core in target.forms:
        if len(core) > 2:
            best = max(best, float(fuzz.partial_ratio(core, label[-(len(core) + 12) :])))
    return best


def _split_score(label: str, after: str, target: RowTarget, bare: bool) -> float:
    """Score of a row whose label is broken around the numbers: head before, tail after them.

    ``bare`` means the text before the numbers is only an enumerator ("二、"), so the whole
    label may stand after them.
    """
    last = label[-1:]
    for core in target.forms:
        if bare and after.startswith(core):
            return 99.0 + min(len(core), 20)
        if not last:
            continue
        # Only cuts right after a character equal to the label's last one can work.
        k = core.find(last)
        while k >= 0:
            cut = k + 1
            if 2 <= cut < len(core) and label.endswith(core[:cut]) and after.startswith(core[cut:]):
                return 99.0 + min(len(core), 20)
            k = core.find(last, cut)
    return 0.0


def _group_scores(label: str, after: str, bare: bool, targets: Sequence[RowTarget]) -> list[float]:
    """Scores of one group against every row; fuzzy matching only when nothing is contained.

    ``after`` is the label text printed right after the group's numbers (the next group's
    label), where the tail of a label broken around its numbers ends up.
    """
    if not label and not after:
        return [_UNLABELLED_SCORE] * len(targets)
    contained = [_contained_score(label, t) for t in targets]
    if bare and after and any(contained):
        # "本机关不掌握…信息 2." before the numbers: a row label followed by this row's own
        # enumerator is the previous row's label printed after its numbers; this row's label
        # follows the numbers too, when the text after them starts with one.
        split = [_split_score("", after, t, True) for t in targets]
        if any(s > 0 and len(t.core) >= 4 for s, t in zip(split, targets, strict=True)):
            return [max(c - 15.0, s) for c, s in zip(contained, split, strict=True)]
    # A long row label printed whole settles it; a short one ("其他", "总计") also occurs
    # inside other labels and headers, so fuzzy evidence is weighed beside it.
    if any(s > 0 and len(t.core) >= 4 for s, t in zip(contained, targets, strict=True)):
        return contained
    if after:
        contained = [max(c, _split_score(label, after, t, bare)) for c, t in zip(contained, targets, strict=True)]
        if any(s > 0 and len(t.core) >= 4 for s, t in zip(contained, targets, strict=True)):
            return contained
    if not label:
        return [max(c, _UNLABELLED_SCORE) for c in contained]
    return [max(c, _fuzzy_score(label, t)) for c, t in zip(contained, targets, strict=True)]


class RowMatcher:
    """A table's row targets with a memory of group scores: row labels repeat from report to
    report, so each (label, following label) pair is scored once per process."""

    def __init__(self, targets: Sequence[RowTarget]) -> None:
        self.targets = tuple(targets)
        self._cache: dict[tuple[str, str], list[float]] = {}

    def scores(self, label: str, after: str) -> list[float]:
        key = (label, after)
        hit = self._cache.get(key)
        if hit is None:
            hit = _group_scores(
                squash(label),
                squash(_ENUM.sub("", after.lstrip())),
                not core_label(label) or _TRAILING_ENUM.search(label) is not None,
                self.targets,
            )
            if len(self._cache) < 50_000:
                self._cache[key] = hit
        return hit


def assign_rows(groups: Sequence[Group], matcher: RowMatcher) -> dict[int, int]:
    """Monotone best assignment of groups to rows: returns {group index: target index}."""
    n, m = len(groups), len(matcher.targets)
    if n == 0 or m == 0:
        return {}
    score = [matcher.scores(g.label, g.after) for g in groups]
    neg = float("-inf")
    # dp[i][j]: best total using groups[:i] and targets[:j]
    dp = [[0.0] * (m + 1) for _ in range(n + 1)]
    back = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(0, m + 1):
            best, how = dp[i - 1][j], 1  # skip group i-1
            if j > 0:
                if dp[i][j - 1] > best:
                    best, how = dp[i][j - 1], 2  # skip row j-1
                s = score[i - 1][j - 1]
                if s >= _MIN_SCORE:
                    v = dp[i - 1][j - 1] + s - 50.0
                    if v > best:
                        best, how = v, 3
            dp[i][j] = best if best != neg else 0.0
            back[i][j] = how
    out: dict[int, int] = {}
    i, j = n, m
    while i > 0:
        how = back[i][j] if j > 0 else 1
        if how == 3:
            out[i - 1] = j - 1
            i, j = i - 1, j - 1
        elif how == 2:
            j -= 1
        else:
            i -= 1
    return out


def _labels_in(label: str, targets: Sequence[RowTarget]) -> list[tuple[int, int, int]]:
    """Row labels printed whole in ``label``, left to right: (target index, start, end).

    At each position the longest printed form wins, so "其他" inside "其他法律行政法规禁止公开"
    is not a row of its own; matches never overlap.
    """
    pattern, target_of = _label_pattern(tuple(targets))
    out: list[tuple[int, int, int]] = []
    if pattern is None:
        return out
    pos = 0
    while (m := pattern.search(label, pos)) is not None:
        out.append((target_of[m.group()], m.start(), m.end()))
        pos = m.end()
    return out


@lru_cache(maxsize=64)
def _label_pattern(targets: tuple[RowTarget, ...]) -> tuple[re.Pattern[str] | None, dict[str, int]]:
    """The printed forms as one alternation, longest first (a regex tries alternatives in order, so at
    each position the longest form wins, ties to the earlier row), and the row of each form."""
    forms = sorted(((f, ti) for ti, t in enumerate(targets) for f in t.forms if f), key=lambda x: -len(x[0]))
    target_of: dict[str, int] = {}
    for f, ti in forms:
        target_of.setdefault(f, ti)
    return (re.compile("|".join(re.escape(f) for f, _ in forms)) if forms else None), target_of


@dataclass
class LabelRun:
    """Several row labels printed before one run of numbers ("行政处罚 行政强制 246 3")."""

    targets: list[int]
    exact: bool  # the numbers are exactly the rows' cells, in order
    widths: list[int] = field(default_factory=list)  # printed columns of each row
    cells: list = field(default_factory=list)  # the run's numbers (when not exact)


def split_label_runs(
    groups: Sequence[Group],
    matcher: RowMatcher,
    width: Callable[[int, str], int],
    heading: Callable[[int, int], bool] = lambda _t, _n: False,
) -> tuple[list[Group], list[LabelRun]]:
    """Cut groups whose label names several rows, in table order, before all their numbers.

    A table flattened label column first prints the labels of consecutive rows and then the
    rows' numbers. When the count of numbers is exactly the rows' widths summed
    (``width(target, header text before the labels)``) the numbers are dealt to the rows in
    order; when it is more than the last row takes but not that sum, the reading is not
    certain and the run is returned (not exact) so its rows can be reported, never guessed.
    ``heading(t, next)`` says row ``t`` is only a heading when row ``next`` follows it
    ((六)其他处理 over its three sub-rows).
    """
    out: list[Group] = []
    runs: list[LabelRun] = []
    targets = matcher.targets
    for g in groups:
        nums = g.numbers
        squashed = squash(_ANY_NOTE.sub("", g.label))
        found = _labels_in(squashed, targets) if len(nums) > 1 else []
        # The labels in table order, read back from the numbers; a label out of that order
        # (a word of a header or note) is passed over, the count check below is the guard.
        run: list[tuple[int, int, int]] = []
        for hit in reversed(found):
            if not run or hit[0] < run[0][0]:
                run.insert(0, hit)
        run = [h for h, nxt in zip(run, [*run[1:], None], strict=False) if nxt is None or not heading(h[0], nxt[0])]
        if len(run) < 2 or squashed[run[-1][2] :]:
            out.append(g)
            continue
        header = squashed[: run[0][1]]
        widths = [width(ti, header) for ti, _a, _b in run]
        if len(nums) == sum(widths) and len(g.cells) == len(nums):
            i = 0
            for (_ti, a, b), w in zip(run, widths, strict=True):
                label = (header if i == 0 else "") + squashed[a:b]
                out.append(Group(label=label, cells=list(nums[i : i + w]), start=nums[i].start, end=nums[i + w - 1].end))
                i += w
            out[-1].after = g.after
            runs.append(LabelRun([ti for ti, _a, _b in run], exact=True, widths=widths))
        elif len(nums) > widths[-1]:
            runs.append(LabelRun([ti for ti, _a, _b in run], exact=False, widths=widths, cells=list(nums)))
            out.append(Group(label=g.label, cells=[], start=g.start, end=g.end, after=g.after))
        else:
            out.append(g)
    return out, runs
