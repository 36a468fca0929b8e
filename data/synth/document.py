"""The printed structure of a synthetic report: title, section headings, paragraphs, tables.

:func:`build_document` arranges a report's narrative and tables into :class:`Block` s and
draws the choices every output format shares (heading numbering, sub-headings, label style),
so TXT, Markdown, HTML and DOCX renderings of one document say the same thing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Literal

from gongkai.data.form import SECTION_TITLES
from gongkai.data.synth import phrases as P
from gongkai.data.synth.content import SyntheticReport
from gongkai.data.synth.grids import Grid, LabelStyle, build_grids
from gongkai.data.synth.narrative import SECTION1_TOPICS, Paragraph, Part, make_narrative, restyle

BlockKind = Literal["title", "heading", "subheading", "para", "table", "signature"]
HeadingStyle = Literal["cn", "part", "md", "bare"]
HEADING_STYLES: tuple[HeadingStyle, ...] = ("cn", "part", "md", "bare")
_CN = "〇一二三四五六七八九"


@dataclass
class Block:
    kind: BlockKind
    text: str = ""
    para: Paragraph | None = None
    table: str | None = None
    level: int = 1  # 1 title, 2 section heading, 3 sub-heading


@dataclass
class Doc:
    """One report ready to print: blocks in order, and the grids and style they use."""

    report: SyntheticReport
    blocks: list[Block]
    grids: dict[str, Grid]
    style: LabelStyle
    heading_style: HeadingStyle
    choices: dict[str, str] = field(default_factory=dict)  # recorded in the gold as ``style``


def _sub_ordinal(i: int, full: bool, space: bool) -> str:
    o = f"（{_CN[i + 1]}）" if full else f"({_CN[i + 1]})"
    return o + (" " if space else "")


def section_heading(n: int, style: HeadingStyle, rng: random.Random) -> str:
    title = SECTION_TITLES[n]
    if style == "part":
        return f"第{_CN[n]}部分{rng.choice([' ', '　', ''])}{title}"
    if style == "bare":
        return title
    return f"{_CN[n]}、{rng.choice(['', '', ' '])}{title}"


def _section1(doc: list[Block], report: SyntheticReport, rng: random.Random, choices: dict) -> None:
    n = report.narrative
    assert n is not None
    mode = rng.choices(["sub", "inline", "thematic", "none"], weights=[45, 25, 15, 15])[0]
    choices["section1"] = mode
    full, space = rng.random() < 0.6, rng.random() < 0.3
    colon = rng.choice(["：", "。", "", "："])
    for i, topic in enumerate(SECTION1_TOPICS):
        paras = n.topics.get(topic, [])
        if not paras:
            continue
        if mode == "sub":
            head = rng.choice(P.TOPIC_HEADINGS[topic])
            doc.append(
                Block(
                    "subheading", restyle(_sub_ordinal(i, full, space) + head, False, n.ascii_punct), level=3
                )
            )
        elif mode == "thematic":
            head = rng.choice(P.THEMATIC_HEADINGS[topic])
            doc.append(
                Block(
                    "subheading", restyle(_sub_ordinal(i, full, space) + head, False, n.ascii_punct), level=3
                )
            )
        elif mode == "inline":
            head = restyle(
                _sub_ordinal(i, full, space) + P.TOPIC_HEADINGS[topic][0] + colon, False, n.ascii_punct
            )
            first = paras[0]
            paras = [Paragraph([Part(head)] + first.parts)] + paras[1:]
        doc.extend(Block("para", para=p) for p in paras)


def _section5(doc: list[Block], report: SyntheticReport, rng: random.Random, choices: dict) -> None:
    n = report.narrative
    assert n is not None
    mode = rng.choices(["sub", "bare", "none"], weights=[50, 25, 25])[0]
    choices["section5"] = mode
    full = rng.random() < 0.6
    heads = (
        rng.choice(["存在的主要问题", "存在的问题", "存在问题", "主要问题"]),
        rng.choice(["改进情况", "改进措施", "改进措施及下一步工作打算", "下一步改进措施"]),
    )
    for i, (head, paras) in enumerate(zip(heads, (n.problems, n.improvements), strict=True)):
        if mode == "sub":
            doc.append(
                Block(
                    "subheading", restyle(_sub_ordinal(i, full, False) + head, False, n.ascii_punct), level=3
                )
            )
        elif mode == "bare":
            doc.append(Block("subheading", head, level=3))
        doc.extend(Block("para", para=p) for p in paras)


def _date_text(report: SyntheticReport, rng: random.Random) -> str:
    d = report.published
    return rng.choice(
        [f"{d.year}年{d.month}月{d.day}日", f"{d.year}年{d.month:02d}月{d.day:02d}日", d.isoformat()]
    )


def build_document(
    report: SyntheticReport, rng: random.Random, heading_style: HeadingStyle | None = None
) -> Doc:
    """Blocks of ``report`` (its narrative is made here if missing)."""
    if report.narrative is None:
        report.narrative = make_narrative(report, rng)
    n = report.narrative
    style = LabelStyle.draw(rng, report)
    hs: HeadingStyle = heading_style or rng.choices(HEADING_STYLES, weights=[60, 12, 13, 15])[0]
    choices: dict[str, str] = {"heading_style": hs}
    blocks: list[Block] = [Block("title", restyle(report.title, n.spaced_numbers, False), level=1)]
    blocks.extend(Block("para", para=p) for p in n.preamble)
    for sec in range(1, 7):
        blocks.append(Block("heading", restyle(section_heading(sec, hs, rng), False, n.ascii_punct), level=2))
        if sec == 1:
            blocks.extend(Block("para", para=p) for p in n.overview)
            _section1(blocks, report, rng, choices)
        elif sec in (2, 3, 4):
            blocks.append(
                Block("table", table=("active_disclosure", "applications", "review_litigation")[sec - 2])
            )
        elif sec == 5:
            _section5(blocks, report, rng, choices)
        else:
            blocks.extend(Block("para", para=p) for p in n.other_matters)
    if rng.random() < 0.7:
        blocks.append(Block("signature", report.organization))
        blocks.append(Block("signature", restyle(_date_text(report, rng), n.spaced_numbers, False)))
    return Doc(report, blocks, build_grids(report, style), style, hs, choices)
