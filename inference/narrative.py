"""Narrative: figures the prose states (relation 6) and heading-based topic segments.

The heading-based segmenter is used wherever the topic classifier is not (``--no-topics``,
``topics=False``, :func:`parse_text` without a ``segmenter``, no model files): it trusts the
report's own sub-headings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from gongkai.data.numbers import parse_number
from gongkai.data.record import Issue, Section, Segment, TableValues

_RECEIVED = re.compile(
    r"(?:共|累计|全年|本年度?|新)?(?:收到|受理|接收)[^。；;，,\n]{0,16}?(?:政府信息公开|信息公开|公开)?申请[^。；;\d\n]{0,6}?(\d+)\s*(?:件|个|份|次)"
)
_NO_REQUESTS = re.compile(r"(?:未|没有)(?:收到|受理|接收)[^。；\n]{0,20}?申请")
_FEE = re.compile(r"收(?:取)?[^。；\n]{0,10}?费用?\s*(\d+(?:\.\d+)?)\s*万元")

_SUBHEADINGS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"主动公开"), "proactive_disclosure"),
    (re.compile(r"依申请"), "request_disclosure"),
    (re.compile(r"信息管理|管理情况"), "information_management"),
    (re.compile(r"平台|网站|载体"), "platforms"),
    (re.compile(r"监督|保障|组织领导"), "supervision"),
]
_SUB_LINE = re.compile(r"^\s*(?:#{1,6}\s*)?[(（]?[一二三四五六七八九十]{1,2}[)）、.]")
_IMPROVE = re.compile(r"^\s*(?:#{1,6}\s*)?(?:[(（]?[一二三四五六七八九十]{1,2}[)）、.])?\s*(?:改进情况|改进措施|整改措施|下一步|今后)")


def narrative_checks(text: str, sections: list[Section], tv: TableValues) -> list[Issue]:
    """Relation 6: where the prose states a figure the tables also hold, they must agree."""
    issues: list[Issue] = []
    prose = _prose(text, sections)
    total = tv.values.get("applications.new_received.total")
    if total is not None:
        m = _RECEIVED.search(prose)
        stated = parse_number(m.group(1)) if m else (0 if _NO_REQUESTS.search(prose) else None)
        if stated is not None and stated != total:
            issues.append(Issue(code="narrative.requests_mismatch", severity="warning",
                                cells=["applications.new_received.total"],
                                message=f"the text says {stated} application(s) were received; the table says {total}"))
    fee = tv.values.get("active_disclosure.fees.amount")
    if fee is not None:
        m = _FEE.search(prose)
        stated_fee = parse_number(m.group(1)) if m else None
        if stated_fee is not None and abs(stated_fee - fee) > 1e-6:
            issues.append(Issue(code="narrative.fees_mismatch", severity="warning",
                                cells=["active_disclosure.fees.amount"],
                                message=f"the text states fees of {stated_fee} 万元; the table says {fee}"))
    return issues


def _prose(text: str, sections: list[Section]) -> str:
    keep = [s for s in sections if s.number in (1, 5, 6)]
    if not keep:
        return text[:3000]
    return "\n".join(text[s.start : s.end] for s in keep)


def segment_by_headings(text: str, sections: list[Section], regions: Sequence[tuple[int, int]] = ()) -> list[Segment]:
    """Topic segments from the report's own headings (fallback when no classifier is loaded).

    ``regions`` (the table regions) are accepted for the pipeline's segmenter interface; the
    headings alone decide here."""
    segs: list[Segment] = []
    first = sections[0].start if sections else len(text)
    _add(segs, text, 0, first, "preamble")
    for s in sections:
        body_start = text.find("\n", s.start, s.end)
        body_start = s.end if body_start < 0 else body_start + 1
        if s.number == 1:
            _split_overview(segs, text, body_start, s.end)
        elif s.number == 5:
            m = None
            pos = body_start
            for line in text[body_start : s.end].split("\n"):
                if _IMPROVE.match(line):
                    m = pos
                    break
                pos += len(line) + 1
            if m is None:
                _add(segs, text, body_start, s.end, "problems")
            else:
                _add(segs, text, body_start, m, "problems")
                _add(segs, text, m, s.end, "improvements")
        elif s.number == 6:
            _add(segs, text, body_start, s.end, "other_matters")
    return segs


def _split_overview(segs: list[Segment], text: str, a: int, b: int) -> None:
    topic = "preamble"
    seg_start = a
    pos = a
    for line in text[a:b].split("\n"):
        if _SUB_LINE.match(line) and len(line) < 40:
            new = next((t for pat, t in _SUBHEADINGS if pat.search(line)), None)
            if new and new != topic:
                _add(segs, text, seg_start, pos, topic)
                topic, seg_start = new, pos
        pos += len(line) + 1
    _add(segs, text, seg_start, b, topic)


def _add(segs: list[Segment], text: str, a: int, b: int, topic: str) -> None:
    b = min(b, len(text))
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b - a < 2:
        return
    segs.append(Segment(topic=topic, start=a, end=b, text=text[a:b], score=None))
