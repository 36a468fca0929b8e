"""Tables: find the three standard tables' regions and read them (thin front, camelot-style)."""

from __future__ import annotations

import re

from gongkai.data.record import Section, TableValues
from gongkai.inference.tables.grid import RecordGrid, read_grid_tables
from gongkai.inference.tables.readers import (
    detect_active_template,
    read_active,
    read_applications,
    read_review,
)
from gongkai.inference.tables.rows import ReadState, place_ambiguous

__all__ = ["ReadState", "read_tables", "table_regions"]

# Anchors that start each table when its section heading is missing or misplaced.
_ACTIVE_START = re.compile(r"第二十条第\s*\(\s*[一1]\s*\)\s*项|信息内容\s*\t?\s*本年(?:制发|新制作)")
_APP_START = re.compile(r"勾稽关系|申请人情况|本年新收政府信息公开申请")
_REVIEW_START = re.compile(r"行政复议[\s|]*\t?[\s|]*(?:行政诉讼|结果)")
_APP_END = re.compile(r"结转下年度继续办理[\s\d|\t]*")
# What each national table prints besides its row labels (which prose also uses: 行政许可类
# 信息33条): its column headers. A region without them holds no such table (the old outline
# before 2019 prints other statistics), and nothing is read from it.
_PRINTED = {
    # Several headers each, so that one word OCR misreads does not hide a printed table.
    "active_disclosure": re.compile(
        r"第二十条|信息内容|本年(?:制发|新制作|新公开|处理决定|收费金额)|制发件数|废止件数|现行有效|处理决定数量"
    ),
    "applications": re.compile(r"申请人情况|自然人|法人或其他组织|商业企业|科研机构|本年新收政府信息公开申请|上年结转"),
    "review_litigation": re.compile(r"结果维持|结果纠正|其他结果|尚未审结|未经复议|复议后起诉"),
}
_SPACE = re.compile(r"\s+")
# No printed table is longer than this (one cell per line included); a larger region means
# the section end was not found, and reading on would only pick up unrelated numbers.
_MAX_REGION = 60_000


def _section(sections: list[Section], n: int) -> Section | None:
    return next((s for s in sections if s.number == n), None)


def table_regions(text: str, sections: list[Section]) -> dict[str, tuple[int, int]]:
    """Character ranges holding each table, from the sections or, failing them, anchors."""
    regions: dict[str, tuple[int, int]] = {}
    s2, s3, s4, s5 = (_section(sections, n) for n in (2, 3, 4, 5))
    app_anchor = _APP_START.search(text)
    review_anchor = None
    if app_anchor:
        app_end = _APP_END.search(text, app_anchor.start())
        review_anchor = _REVIEW_START.search(text, app_end.end() if app_end else app_anchor.end())
    # Active disclosure.
    if s2 is not None:
        end = s3.start if s3 is not None else (app_anchor.start() if app_anchor else s2.end)
        regions["active_disclosure"] = (s2.start, min(s2.end, end) if s3 is None else end)
    else:
        m = _ACTIVE_START.search(text)
        if m:
            stop = app_anchor.start() if app_anchor and app_anchor.start() > m.start() else len(text)
            regions["active_disclosure"] = (m.start(), stop)
    # Applications.
    if s3 is not None:
        start = s3.start
        end = s4.start if s4 is not None else s3.end
        if app_anchor and app_anchor.start() < start and (s2 is None or app_anchor.start() > s2.start):
            start = app_anchor.start()  # the heading came after the table (merged or misplaced)
        regions["applications"] = (start, end)
    elif app_anchor:
        end = review_anchor.start() if review_anchor else (s4.start if s4 else len(text))
        regions["applications"] = (app_anchor.start(), end)
    # Review and litigation.
    if s4 is not None:
        end = s5.start if s5 is not None else s4.end
        regions["review_litigation"] = (s4.start, end)
    elif review_anchor:
        end = s5.start if s5 is not None and s5.start > review_anchor.start() else len(text)
        regions["review_litigation"] = (review_anchor.start(), end)
    # A region never runs into long narrative after the table: cut at the first long line
    # that follows the last number-bearing line (narrative numbers must not be read as cells).
    for name, (a, b) in list(regions.items()):
        b = _trim_narrative(text, a, min(b, a + _MAX_REGION))
        if _PRINTED[name].search(_SPACE.sub("", text[a:b])):
            regions[name] = (a, b)
        else:
            del regions[name]
    return regions


def _is_prose(line: str) -> bool:
    """A sentence-like line: long, punctuated, untabulated and with few digits."""
    if len(line) < 40 or "\t" in line or "。" not in line:
        return False
    return sum(ch.isdigit() for ch in line) < 0.1 * len(line)


def _trim_narrative(text: str, a: int, b: int) -> int:
    """End of the table part of ``text[a:b]``: before trailing paragraphs of prose."""
    pos = b
    # Walk back over trailing prose lines (long lines with sentence punctuation).
    while pos > a:
        line_start = text.rfind("\n", a, pos - 1) + 1
        line = text[line_start:pos].strip()
        if not line:
            pos = line_start - 1 if line_start > a else a
            continue
        if line_start > a and _is_prose(line):
            pos = line_start - 1 if line_start > a else a
            continue
        break
    return max(pos, a)


def read_tables(
    text: str, sections: list[Section], template_hint: str | None = None, grids: list[RecordGrid] | None = None
) -> ReadState:
    """Read all three tables from the record text; unknown cells are None, placements done.

    ``grids`` (HTML/DOCX tables located in ``text``) are read by column first; a table they do
    not give is read from the text.
    """
    regions = table_regions(text, sections)
    tv = TableValues()
    if "active_disclosure" in regions:
        a, b = regions["active_disclosure"]
        template = detect_active_template(text[a:b])
    else:
        template = None
    if template is None:
        template = "2019" if template_hint == "2019" else "2021"
    tv.template = template
    state = ReadState(tables=tv)
    by_grid = read_grid_tables(state, grids, text) if grids else set()
    if "active_disclosure" in regions and "active_disclosure" not in by_grid:
        read_active(state, text, *regions["active_disclosure"])
    if "applications" in regions and "applications" not in by_grid:
        read_applications(state, text, *regions["applications"])
    if "review_litigation" in regions and "review_litigation" not in by_grid:
        read_review(state, text, *regions["review_litigation"])
    if state.ambiguous:
        place_ambiguous(state)
    return state
