"""Real reports as a site publishes their text (../shared/real-text): glued digits, a header
block, site chrome. National-form reports are scored against gold numbers in
tests/gold/real-text (no report text in the repository); old-outline ones print no national
table, so none is read."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from gongkai.data.synth.content import make_report
from gongkai.data.synth.document import Block, build_document
from gongkai.data.synth.render_text import draw_options, page_meta_block, render_text
from gongkai.evaluation.compare import Gold, compare
from gongkai.inference.pipeline import parse_file, parse_text

GOLD = Path(__file__).resolve().parent / "gold" / "real-text"
NATIONAL = sorted(p.stem for p in GOLD.glob("*.json"))
OLD_OUTLINE = ["2011-syq", "2011-xian", "2012-syq", "2012-xian", "2013-dishui", "2013-syq", "2013-xian",
               "2014-syq", "2015-syq", "2016-syq", "2017-syq", "2018-syq"]


@pytest.mark.parametrize("name", NATIONAL)
def test_national_form_cells_right_or_reported(shared_dir, name):
    """Every cell exact, or null and named by a warning (a glued row no sum settles, e.g.
    行政规范性文件693665 for three columns); never a wrong value no issue names."""
    rec = parse_file(shared_dir / "real-text" / f"{name}.txt")
    gold = Gold.read(GOLD / f"{name}.json")
    cmp = compare(rec, gold)
    assert cmp.year_ok and cmp.org_ok, (rec.meta.year, rec.meta.organization)
    assert rec.template == gold.template
    assert cmp.silent_wrong == []
    for c in cmp.wrong:
        assert c.pred is None and c.warned, (c.key, c.gold, c.pred)
    # The reported cells are the active-disclosure rows glued past one reading; every
    # applications and review cell is decided by its digits and sums.
    assert {c.key.split(".", 1)[0] for c in cmp.wrong} <= {"active_disclosure"}
    assert len(cmp.wrong) <= 6


@pytest.mark.parametrize("name", NATIONAL)
def test_gold_is_the_published_grid(shared_dir, name):
    """The gold's digits, row by row, are what the text prints glued (same report, same numbers)."""
    g = json.loads((GOLD / f"{name}.json").read_text(encoding="utf-8"))
    text = "".join((shared_dir / "real-text" / f"{name}.txt").read_text(encoding="utf-8").split())
    for row, cols in g["tables"]["applications"].items():
        rows = cols.values() if "natural_person" not in cols else [cols]
        for r in rows:
            assert "".join(str(v) for v in r.values()) in text, row


@pytest.mark.parametrize("name", OLD_OUTLINE)
def test_old_outline_reads_no_table(shared_dir, name):
    """Before 2019 the outline prints other statistics: template unknown, no cells built from
    prose, no arithmetic errors; the unit and year still come out of the header and title."""
    rec = parse_file(shared_dir / "real-text" / f"{name}.txt")
    assert rec.template == "unknown"
    assert rec.tables == {}
    assert not [i for i in rec.issues if i.severity == "error"]
    assert rec.meta.year == int(name[:4])
    assert rec.meta.organization and rec.meta.organization.startswith("平潭")


def _report(i: int):
    rng = random.Random(f"real-text-{i}")
    rep = make_report(rng)
    return rep, build_document(rep, rng), rng


def test_page_metadata_labels_are_not_part_of_the_unit():
    """索引号 / 发布机构 / 名称 / 发布日期 before the title, with or without colons, on one line
    or several (issue 12: 名称沭阳县发展和改革局)."""
    for i in range(40):
        rep, doc, rng = _report(i)
        text, _ = render_text(doc, draw_options("tab", rng), rng)
        rec = parse_text(page_meta_block(doc, rng) + "\n" + text)
        assert rec.meta.organization == rep.title_organization, rec.meta.organization
        assert rec.meta.year == rep.year


# Rows of the statistics table reports printed before the national form (label, unit, this
# year, all years): numbers enough to fill a national table, but none of its headers.
_OLD_STATS = ("行政复议数", "行政诉讼数", "申诉数", "主动公开政府信息数", "受理信息公开申请数", "当面申请数",
              "网络申请数", "信函申请数", "同意公开答复数")


def test_old_statistics_make_no_national_table():
    """A report whose table sections print the old statistics (no national headers): no
    table is read from their numbers, the template is unknown and nothing is an error."""
    for i in range(10):
        rep, doc, rng = _report(100 + i)
        blocks = []
        for b in doc.blocks:
            if b.kind == "table":
                rows = ["指标名称\t计量单位\t本年度\t历年累计"] + [
                    f"{lab}\t件\t{rng.randint(0, 300)}\t{rng.randint(0, 3000)}" for lab in _OLD_STATS]
                b = Block("signature", text="\n".join(rows))
            blocks.append(b)
        doc.blocks = blocks
        text, _ = render_text(doc, draw_options("tab", rng), rng)
        rec = parse_text(text)
        assert rec.template == "unknown" and rec.tables == {}
        assert not [iss for iss in rec.issues if iss.severity == "error"]
        assert rec.meta.organization == rep.title_organization
