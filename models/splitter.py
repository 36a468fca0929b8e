"""Sentence/clause splitting of Chinese report text.

Units are what the topic classifier labels: sentences ended by 。！？；, clauses opened by an
enumerator (一是 / (一) / 1. / 1、 / ① / 第一，) inside a paragraph, and whole lines that carry
no punctuation at all (headings, "无"). Table rows (TAB or pipe cells, runs of numbers) are
marked ``table`` and never classified. Lines hard-wrapped by PDF extraction are re-joined, so
a sentence broken over lines stays one sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_CHARS = 160  # longer sentences are cut at commas: one unit should be about one thing

_TERMINAL = "。！？!?；;"
_CLOSERS = "”’」』）)】\"'"
_ENUM_CN = "一二三四五六七八九十"
# An enumerator that opens an item: 一是 / 其一， / 第一， / (一) / (1) / 1. / 1、 / ①.
_ENUM = (
    rf"(?:[{_ENUM_CN}]{{1,2}}\s?是|其[{_ENUM_CN}][，,、：:]|第[{_ENUM_CN}]{{1,2}}[，,、是]|[(（][{_ENUM_CN}]{{1,2}}[)）]"
    r"|[(（]\d{1,2}[)）]|\d{1,2}\s?[.．、](?!\d)|[①-⑳])"
)
ENUM_START = re.compile(rf"^\s*(?:#{{1,6}}\s*)?{_ENUM}")
# Split points inside a paragraph: after terminal punctuation (and any closing quote), and
# before an enumerator that follows a colon, comma or semicolon-like pause.
_SPLIT = re.compile(rf"(?<=[{_TERMINAL}])[{re.escape(_CLOSERS)}]*|(?<=[：:，,、])\s*(?={_ENUM})")
_TABLE_LINE = re.compile(r"\t|\|")
_NUMERIC_LINE = re.compile(r"^[\s\d.,，%\-—万元件条个次]*$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_SENTENCE_ENDS = re.compile(r"[\u3400-\u9fff][。！？]")


@dataclass(frozen=True)
class Sentence:
    """One classification unit: ``text == doc[start:end]``."""

    start: int
    end: int
    text: str
    kind: str = "text"  # "text" or "table"
    para_start: bool = False  # first unit of a paragraph (a line break that is not a wrap)
    item_start: bool = False  # opens with an enumerator


def _width(s: str) -> int:
    return sum(2 if ord(c) > 0x2E80 else 1 for c in s)


def is_table_line(line: str) -> bool:
    """A table row; a line that also holds sentences (a table run together with prose) is text."""
    s = line.strip()
    if not s or len(_SENTENCE_ENDS.findall(s)) >= 2:
        return False
    return bool(_TABLE_LINE.search(s)) or (bool(_NUMERIC_LINE.match(s)) and not _CJK.search(s))


def _wrap_width(widths: list[int]) -> int | None:
    """The width lines were hard-wrapped at, if the text looks wrapped (PDF/OCR extraction)."""
    if len(widths) < 4:
        return None
    top = max(widths)
    near = sum(1 for w in widths if w >= 0.85 * top)
    return top if near >= 4 and near >= 0.3 * len(widths) and top <= 120 else None


def _lines(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _paragraphs(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of paragraphs: wrapped lines joined, table lines kept apart."""
    lines = [(a, b) for a, b in _lines(text) if text[a:b].strip()]
    kinds = ["table" if is_table_line(text[a:b]) else "text" for a, b in lines]
    wrap = _wrap_width([_width(text[a:b].strip()) for (a, b), k in zip(lines, kinds, strict=True) if k == "text"])
    paras: list[list] = []
    for (a, b), kind in zip(lines, kinds, strict=True):
        line = text[a:b].strip()
        if paras and kind == "text" and paras[-1][2] == "text" and wrap:
            prev = text[paras[-1][0] : paras[-1][1]].rstrip()
            last_line = prev.rsplit("\n", 1)[-1]
            if (_width(last_line.strip()) >= 0.85 * wrap and prev[-1] not in _TERMINAL
                    and not ENUM_START.match(line)):
                paras[-1][1] = b
                continue
        paras.append([a, b, kind])
    return [(a, b, k) for a, b, k in paras]


def _cut_long(text: str, a: int, b: int) -> list[tuple[int, int]]:
    if b - a <= MAX_CHARS:
        return [(a, b)]
    out, start = [], a
    while b - start > MAX_CHARS:
        window = text[start + MAX_CHARS // 3 : start + MAX_CHARS]
        cut = max(window.rfind("，"), window.rfind(","), window.rfind("、"))
        end = start + MAX_CHARS // 3 + cut + 1 if cut >= 0 else start + MAX_CHARS
        out.append((start, end))
        start = end
    out.append((start, b))
    return out


def split_sentences(text: str) -> list[Sentence]:
    """Units of ``text`` in order, with offsets into ``text``."""
    out: list[Sentence] = []
    for pa, pb, kind in _paragraphs(text):
        if kind == "table":
            for la, lb in _lines(text[pa:pb]):
                if text[pa + la : pa + lb].strip():
                    out.append(_make(text, pa + la, pa + lb, "table", True))
            continue
        bounds = [pa]
        for m in _SPLIT.finditer(text, pa, pb):
            if pa < m.end() < pb:
                bounds.append(m.end())
        bounds.append(pb)
        first = True
        for a, b in zip(bounds, bounds[1:], strict=False):
            for x, y in _cut_long(text, a, b):
                s = _make(text, x, y, "text", first)
                if s is None:
                    continue
                if len(re.sub(r"\W", "", s.text)) < 2 and out and out[-1].kind == "text" and not first:
                    prev = out.pop()  # a stray closing mark: glue it to the sentence before
                    s = _make(text, prev.start, s.end, "text", prev.para_start) or prev
                out.append(s)
                first = False
    return out


def _make(text: str, a: int, b: int, kind: str, para_start: bool) -> Sentence | None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if a >= b:
        return None
    t = text[a:b]
    return Sentence(a, b, t, kind, para_start, bool(ENUM_START.match(t)))
