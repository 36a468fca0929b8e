"""Positioned text → reading-order lines and page text, shared by the PDF text layer and OCR.

Coordinates are top-down (y grows downwards, as in images) in whatever unit the source uses
(PDF points, pixels); thresholds are relative to the text height, so both work alike.
A page is a list of :class:`Block` s — runs of text lines and rendered tables — ordered by
their top edge; :func:`assemble` joins them into the page text and, for OCR, a confidence
for every character of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .base import TableGrid

# Gaps between glyphs on one line, in units of the text height.
SPACE_GAP = 0.3  # wider than this is a word space
TAB_GAP = 1.8  # wider than this separates table columns printed without rules
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’]")
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*[/共]\s*\d{1,4}\s*页?)?[-—–\s]*$")


@dataclass
class Word:
    """A run of text with its box; ``conf`` is the reading confidence (1.0 for a text layer)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float = 1.0

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1e-6)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class Line:
    words: list[Word] = field(default_factory=list)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)


def group_lines(words: list[Word]) -> list[Line]:
    """Cluster words into lines by vertical overlap, top to bottom, each line left to right."""
    lines: list[Line] = []
    for w in sorted(words, key=lambda w: (w.cy, w.x0)):
        if lines:
            last = lines[-1]
            top, bottom = last.top, last.bottom
            # Same line when the word's centre lies inside the line's band (small tolerance).
            if top - 0.2 * w.height <= w.cy <= bottom + 0.2 * w.height and w.cy - top < 1.2 * w.height:
                last.words.append(w)
                continue
        lines.append(Line([w]))
    for ln in lines:
        ln.words.sort(key=lambda w: w.x0)
    return lines


def line_text(line: Line, *, tabs: bool = False) -> tuple[str, list[float]]:
    """The line's text (spaces at word gaps, TABs at column gaps if ``tabs``) and per-char confidence."""
    parts: list[str] = []
    conf: list[float] = []
    prev: Word | None = None
    for w in line.words:
        if prev is not None:
            h = min(prev.height, w.height)
            gap = w.x0 - prev.x1
            if tabs and gap > TAB_GAP * h:
                parts.append("\t")
                conf.append(1.0)
            elif gap > SPACE_GAP * h:
                parts.append(" ")
                conf.append(1.0)
        parts.append(w.text)
        conf.extend([w.conf] * len(w.text))
        prev = w
    return "".join(parts), conf


def join_cell_lines(lines: list[str]) -> str:
    """Text of a multi-line cell on one line: no space where a Chinese word wrapped."""
    out = ""
    for s in (ln.strip() for ln in lines):
        if not s:
            continue
        if out and not (_CJK.match(out[-1]) and _CJK.match(s[0])):
            out += " "
        out += s
    return out


def is_page_number(text: str) -> bool:
    """A running page number such as ``- 3 -``, ``3``, ``第3页 共5页``."""
    return bool(_PAGE_NUMBER.match(text)) and any(c.isdigit() for c in text)


@dataclass
class Block:
    """Lines of running text, or one table, with the top edge that orders it on the page."""

    top: float
    lines: list[str] = field(default_factory=list)
    conf: list[list[float]] | None = None  # per char of each line, None when all 1.0
    table: TableGrid | None = None
    xs: list[float] | None = None  # a table's column edges as fractions of the page width


def render_table(grid: TableGrid) -> tuple[list[str], list[list[float]]]:
    """``grid.render_lines()`` with a confidence for each of its characters."""
    lines: list[str] = []
    confs: list[list[float]] = []
    for r, (row, orow) in enumerate(zip(grid.cells, grid.origin, strict=False)):
        texts: list[str] = []
        conf: list[float] = []
        for c, (t, o) in enumerate(zip(row, orow, strict=False)):
            if c:
                texts.append("\t")
                conf.append(1.0)
            s = " ".join(t.split()) if o else ""
            texts.append(s)
            p = grid.confidence[r][c] if grid.confidence is not None else 1.0
            conf.extend([p] * len(s))
        line = "".join(texts).rstrip("\t")
        lines.append(line)
        confs.append(conf[: len(line)])
    return lines, confs


def table_block(top: float, grid: TableGrid, xs: list[float] | None = None) -> Block:
    lines, confs = render_table(grid)
    return Block(top=top, lines=lines, conf=confs if grid.confidence is not None else None, table=grid, xs=xs)


def assemble(blocks: list[Block]) -> tuple[str, list[float] | None]:
    """Text of blocks given in reading order, and per-char confidence if any block has one."""
    ordered = blocks
    lines: list[str] = []
    confs: list[list[float]] = []
    any_conf = False
    for b in ordered:
        lines.extend(b.lines)
        if b.conf is not None:
            any_conf = True
            confs.extend(b.conf)
        else:
            confs.extend([1.0] * len(ln) for ln in b.lines)
    text = "\n".join(lines)
    if not any_conf:
        return text, None
    flat: list[float] = []
    for i, c in enumerate(confs):
        if i:
            flat.append(1.0)
        flat.extend(c)
    return text, flat
