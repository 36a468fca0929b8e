"""Sections: find the six headings of the national format, whatever their numbering style.

A heading is a line (or the start of a line, when the heading is merged into the text)
that reads as one of the six section titles, numbered 一、/ 第一部分 / 1. / markdown ``#``
/ bold ``**`` or not numbered at all. Titles are recognised by their key words, so a wrong
number (二、 on the applications section) still gives the right section.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from gongkai.data.record import Section

_NUMERALS = "一二三四五六七八九十"
_PREFIX = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:\*\*|__)?\s*"
    r"(?P<num>[一二三四五六七八九十]{1,2}\s*[、.．,，]|第[一二三四五六七八九十]{1,2}部分\s*[、:：.]?|"
    r"[1-6]\s*[、.．](?!\d)|[(（]?[一二三四五六][)）])?\s*"
)
_MAX_TITLE = 30
# Cheap pre-filter: a heading line holds one of these words near its start.
_KEYWORDS = re.compile(r"总体|概述|概况|基本情况|主动公开|申请|复议|诉讼|问题|其他")

# Key words of each section's title, in the order tried; (required, forbidden) regexes.
_TITLE_RULES: dict[int, tuple[re.Pattern[str], re.Pattern[str] | None]] = {
    1: (re.compile(r"^(?:总体情况|总体概况|概述|基本情况|工作概况|总体工作情况)"), None),
    2: (re.compile(r"^主动公开(?:政府)?信息(?:的)?(?:情况|工作)?$|^主动公开情况$"), None),
    3: (re.compile(r"(?:收到和处理|收到与处理|依申请公开).{0,12}(?:申请)?.{0,4}情况$"), None),
    4: (re.compile(r"行政复议.{0,6}行政诉讼|复议.{0,3}诉讼情况"), None),
    5: (re.compile(r"(?:存在的?(?:主要)?问题|主要问题).{0,8}(?:改进|整改|措施|情况)|^存在的?(?:主要)?问题$"), None),
    6: (re.compile(r"^其他需要报告的?(?:事项|情况)|^其他事项$|^其他需要说明的事项"), None),
}


@dataclass
class HeadingHit:
    number: int
    title: str
    start: int  # offset of the heading line
    body_start: int  # first character after the heading


def _numeral(num: str | None) -> int | None:
    if not num:
        return None
    for i, ch in enumerate(_NUMERALS, start=1):
        if ch in num:
            return i
    digits = re.search(r"\d", num)
    return int(digits.group()) if digits else None


def _match_title(candidate: str) -> int | None:
    c = re.sub(r"[\s*_#:：。]+$", "", candidate).strip("*_ ")
    c = re.sub(r"\s+", "", c)
    for n, (req, _forbid) in _TITLE_RULES.items():
        if req.search(c):
            return n
    return None


def _heading_in_line(line: str) -> tuple[int, str, int] | None:
    """(section number, title, length of the heading part) when ``line`` starts with a heading."""
    m = _PREFIX.match(line)
    num_text = m.group("num") if m else None
    rest_start = m.end() if m else 0
    rest = line[rest_start:]
    if num_text and num_text.startswith(("(", "（")):
        return None  # (一) is a sub-heading inside a section, never one of the six
    arabic = bool(num_text and num_text[0].isdigit())
    merged = _merged_heading(rest, rest_start) if num_text and not arabic else None
    if merged is not None and merged[2] < len(line.rstrip()):
        return merged  # a numbered title with the body following on the same line
    # Whole line is the title (bare heading or numbered heading). Whitespace inside it
    # means text follows the title on the same line.
    title_text = rest.strip()
    if 0 < len(title_text) <= _MAX_TITLE and not re.search(r"[。，,；;\s]|[:：].", title_text):
        n = _match_title(title_text)
        # Arabic numbering is common for sub-items ("1、主动公开情况"): trust it only when it
        # agrees with the title.
        if n is not None and arabic and _numeral(num_text) != n:
            return None
        if n is not None and (num_text or len(title_text) <= 20):
            return n, title_text.strip("*_ #"), len(line)
    return merged


def _merged_heading(rest: str, rest_start: int) -> tuple[int, str, int] | None:
    """A title at the start of ``rest`` cut where the body begins (punctuation, space, 情况/事项)."""
    # the body begins at punctuation, a space, after 情况/事项, or at a sub-heading or a year
    # glued to the title (概述2015年… / 主要问题和改进措施(一)…)
    for cut in re.finditer(r"[。，,：:；\s]|(?<=情况|事项|措施|概述)|(?=[(（\d])", rest[: _MAX_TITLE + 2]):
        n = _match_title(rest[: cut.start()])
        if n is not None:
            return n, rest[: cut.start()].strip("*_ #"), rest_start + cut.start()
    return None


_INLINE_NUM = re.compile(r"(?<![(（一二三四五六七八九十第])[一二三四五六]\s*[、.．]")


def _inline_hits(text: str) -> list[HeadingHit]:
    hits: list[HeadingHit] = []
    last = 0
    for m in _INLINE_NUM.finditer(text):
        window = text[m.start() : m.start() + 60].split("\n", 1)[0]
        found = _heading_in_line(window)
        if found is None or found[0] <= last:
            continue
        n, title, head_len = found
        hits.append(HeadingHit(n, title, m.start(), m.start() + head_len))
        last = n
    return hits


def find_sections(text: str) -> list[Section]:
    """The six sections (those found) with offsets, in ascending order of their number."""
    hits: list[HeadingHit] = []
    pos = 0
    last = 0
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        if not line.strip() or "\t" in line or not _KEYWORDS.search(line, 0, 48):
            continue
        found = _heading_in_line(line)
        if found is None:
            continue
        n, title, head_len = found
        if n <= last:
            continue  # a section appears once, in order; a later repeat is a mention
        hits.append(HeadingHit(n, title, line_start, line_start + head_len))
        last = n
    if len(hits) < 4:
        # Text flattened into long lines (scraped pages): headings stand mid-line.
        inline = _inline_hits(text)
        if len(inline) > len(hits):
            hits = inline
    sections: list[Section] = []
    for i, h in enumerate(hits):
        end = hits[i + 1].start if i + 1 < len(hits) else len(text)
        sections.append(Section(number=h.number, title=h.title, start=h.start, end=max(end, h.start)))
    return sections


def heading_end(text: str, section: Section) -> int:
    """End of a section's heading: its line, or the title part when the body follows on the same line."""
    line_end = text.find("\n", section.start, section.end)
    line = text[section.start : section.end if line_end < 0 else line_end]
    window = line[: _MAX_TITLE + 40]
    found = _heading_in_line(window) if line.strip() else None
    if found is None or found[2] >= len(window):
        return section.start + (len(line) if len(line) <= len(window) else 0)
    return section.start + found[2]


# A run of prose: at least six characters that are neither digits nor clause punctuation,
# ended by clause punctuation. Table text (row labels glued to their numbers, column heads)
# holds no such run; its notes are short and sit between its cells.
PROSE_RUN = re.compile(r"[^\d，。；！？,;!?\n]{6,}[，。；！？,;!?]")
_SENTENCE_END = re.compile(r"[。；！？;!?]")


def table_regions(text: str, cell_spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Character ranges of the tables: from the last sentence end before a table's first cell to its
    last row, extended over table text that follows (rows the reader left unread) up to the
    first run of prose, whether or not a heading comes next. Neighbouring tables with no
    sentence end between them form one region."""
    spans = sorted((a, b) for a, b in cell_spans if b > a)
    if not spans:
        return []
    # Cells of one table are close together; a gap with prose in it separates two tables.
    groups: list[list[int]] = [[spans[0][0], spans[0][1]]]
    for a, b in spans[1:]:
        if PROSE_RUN.search(text, groups[-1][1], a):
            groups.append([a, b])
        else:
            groups[-1][1] = max(groups[-1][1], b)
    regions: list[tuple[int, int]] = []
    for a, b in groups:
        # the table starts after the last sentence before its first cell (or on its first line)
        start = text.rfind("\n", 0, a) + 1
        for m in _SENTENCE_END.finditer(text, max(start, a - 3000), a):
            start = m.end()
        end = len(text)
        m = PROSE_RUN.search(text, b)
        if m is not None:
            # the prose begins on the line of its run, or after the last digit before the run
            # when table and prose run on in one line (glued digits end the table)
            head = text[b : m.start()]
            if "\n" in head:
                end = b + head.rindex("\n")
            else:
                digits = [i for i, ch in enumerate(head) if ch.isdigit()]
                end = b + (digits[-1] + 1 if digits else 0)
        if regions and not _SENTENCE_END.search(text, regions[-1][1], start):
            regions[-1] = (regions[-1][0], max(regions[-1][1], end))
        else:
            regions.append((start, end))
    return regions
