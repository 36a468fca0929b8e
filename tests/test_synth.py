"""Tests of the synthetic report generator (gongkai.data.synth)."""

from __future__ import annotations

import io
import json
import random
import re
from pathlib import Path

import docx
import pytest
from bs4 import BeautifulSoup

from gongkai.data.form import (
    ACTIVE_COLS_2019,
    ACTIVE_COLS_2021,
    APP_COLS,
    APP_PARTS,
    REVIEW_COLS,
    REVIEW_GROUPS,
    application_rows,
    outcome_rows,
)
from gongkai.data.record import TableValues
from gongkai.data.synth.content import make_report
from gongkai.data.synth.corpus import (
    FORMATS,
    LAYOUTS,
    generate,
    gold,
    iter_corpus,
    plan,
    render_report,
    report_rng,
    write_corpus,
)
from gongkai.data.synth.noise import choose_dropped
from gongkai.data.synth.render_text import TEXT_LAYOUTS

TAXONOMY = {
    "staffing",
    "timeliness",
    "completeness",
    "quality",
    "interpretation",
    "channels",
    "platform",
    "mechanism",
    "awareness",
    "interaction",
    "requests",
    "coordination",
    "publicity",
}


@pytest.fixture(scope="module")
def sample() -> list[tuple[dict, bytes]]:
    """60 reports over all formats; TXT cycles through every text layout."""
    return [(gold(rep, r), r.data) for _, rep, r in iter_corpus(60, seed=11)]


def _node(table: dict, dotted: str) -> dict:
    node = table
    for p in dotted.split("."):
        node = node[p]
    return node


def _other_split(apps: dict) -> bool:
    return "no_correction" in apps["other"]


def test_gold_satisfies_relations(sample):
    for g, _ in sample:
        if g.get("blank"):
            continue  # cells printed blank: their gold follows the contract (tests/test_grid_tables.py)
        t = g["tables"]
        apps = t["applications"]
        split = _other_split(apps)
        rows = application_rows(split)
        for r in rows:  # relation 1 and 5
            row = _node(apps, r.key)
            assert set(row) == set(APP_COLS)
            assert all(isinstance(v, int) and v >= 0 for v in row.values()), (r.key, row)
            assert row["total"] == sum(row[c] for c in APP_PARTS), r.key
        for c in APP_COLS:  # relations 2 and 3
            assert _node(apps, "total")[c] == sum(_node(apps, k)[c] for k in outcome_rows(split))
            assert (
                apps["new_received"][c] + apps["carried_over"][c]
                == apps["total"][c] + apps["carried_forward"][c]
            )
        rl = t["review_litigation"]
        for grp in REVIEW_GROUPS:  # relation 4
            assert set(rl[grp]) == set(REVIEW_COLS)
            assert all(isinstance(v, int) and v >= 0 for v in rl[grp].values())
            assert rl[grp]["total"] == sum(rl[grp][c] for c in REVIEW_COLS[:4])
        ad = t["active_disclosure"]
        fee = ad["fees"]["amount"]
        assert fee is None or (isinstance(fee, float) and fee >= 0 and round(fee, 4) == fee)
        for k in ("licensing", "punishment", "coercion"):
            assert isinstance(ad[k]["decisions"], int) and ad[k]["decisions"] >= 0
        cols = ACTIVE_COLS_2019 if g["template"] == "2019" else ACTIVE_COLS_2021
        for k in ("rules", "normative_documents"):
            assert set(ad[k]) == set(cols)
        if g["template"] == "2019":
            assert set(apps["other"]) == {"total"}
        assert g["meta"]["published"][:4] == str(g["meta"]["year"] + 1)
        assert g["meta"]["admin_level"] in {"街道", "乡镇", "县区", "地市", "省级", "部门"}


def test_gold_round_trips_and_narrative_agrees(sample):
    for g, _ in sample:
        tv = TableValues.from_nested(g["tables"], g["template"])
        assert tv.to_nested() == g["tables"]
        for key, value in g["stated"].items():  # relation 6 holds in generated text
            if tv.values[key] is None and key in g.get("blank"):
                continue  # printed blank in the table: the table does not give it
            assert tv.values[key] == value, key


def test_text_files_decode_to_gold_text_and_segments_are_verbatim(sample):
    for g, data in sample:
        if g["format"] not in ("txt", "md"):
            continue
        text = data.decode(g["encoding"]).lstrip("\ufeff").replace("\r\n", "\n")
        assert text == g["text"]
        for s in g["segments"]:
            assert s["text"] and s["text"] in text
            assert text[s["start"] : s["end"]] == s["text"]


def test_segments_cover_topics_and_categories(sample):
    for g, _ in sample:
        segs = g["segments"]
        starts = [s["start"] for s in segs]
        assert starts == sorted(starts)
        topics = {s["topic"] for s in segs}
        assert {
            "proactive_disclosure",
            "request_disclosure",
            "problems",
            "improvements",
            "other_matters",
        } <= topics
        labelled = [s for s in segs if s["categories"]]
        assert labelled and all(s["topic"] in ("problems", "improvements") for s in labelled)
        assert all(set(s["categories"]) <= TAXONOMY for s in segs)
        for s in segs:
            assert g["text"][s["start"] : s["end"]] == s["text"]


def test_html_and_docx_carry_the_segments(sample):
    seen = set()
    for g, data in sample:
        if g["format"] == "html":
            html = data.decode(g["encoding"])
            page = BeautifulSoup(html, "lxml").get_text()
        elif g["format"] == "docx":
            d = docx.Document(io.BytesIO(data))
            page = "\n".join(p.text for p in d.paragraphs)
        else:
            continue
        seen.add(g["format"])
        for s in g["segments"]:
            assert s["text"] in page
    assert seen == {"html", "docx"}


def test_html_has_spans_and_chrome(sample):
    htmls = [(g, d) for g, d in sample if g["format"] == "html"]
    assert {g["layout"] for g, _ in htmls} == {"html", "html-word", "html-cms", "html-word-blank"}
    for g, data in htmls:
        if g["layout"] not in ("html", "html-word"):
            continue  # blank layouts nest and split tables (tests/test_grid_tables.py)
        html = data.decode(g["encoding"])
        assert 'rowspan="' in html and 'colspan="5"' in html
        assert "当前位置" in html and "网站标识码" in html and "ICP备" in html and "<script" in html
        soup = BeautifulSoup(html, "lxml")
        assert len(soup.find_all("table")) == 3
        assert soup.find("td", attrs={"colspan": "5"}).get_text(strip=True) in (
            "法人或其他组织",
            "未经复议直接起诉",
        )
        if g["encoding"] == "gb18030":
            assert "charset=gb2312" in html


def test_docx_has_merged_cells(sample):
    docs = [d for g, d in sample if g["format"] == "docx" and g["layout"] == "docx"]
    assert docs
    for data in docs:
        d = docx.Document(io.BytesIO(data))
        assert len(d.tables) == 3
        xml = d.tables[1]._tbl.xml
        assert "w:gridSpan" in xml and "w:vMerge" in xml
        apps = d.tables[1]
        header = [c.text for c in apps.rows[1].cells]
        assert header.count("法人或其他组织") == 5


def test_determinism(tmp_path: Path):
    a = write_corpus(tmp_path / "a", 8, seed=5)
    b = write_corpus(tmp_path / "b", 8, seed=5)
    c = write_corpus(tmp_path / "c", 8, seed=6)
    for pa, pb in zip(a, b, strict=True):
        assert pa.read_bytes() == pb.read_bytes()
        ga, gb = (p.with_name(p.name.rsplit(".", 1)[0] + ".gold.json") for p in (pa, pb))
        assert ga.read_bytes() == gb.read_bytes()
    assert [p.read_bytes() for p in a] != [p.read_bytes() for p in c]
    assert {p.suffix for p in a} == {"." + f for f in FORMATS}
    g = json.loads(a[0].with_name(a[0].stem + ".gold.json").read_text(encoding="utf-8"))
    assert {
        "schema_version",
        "format",
        "layout",
        "noise",
        "encoding",
        "meta",
        "template",
        "tables",
        "segments",
        "text",
    } <= set(g)


def test_every_layout_meets_both_templates():
    counts: dict[str, int] = {}
    pairs = set()
    for i in range(300):
        fmt, layout, template = plan(i, counts, FORMATS, TEXT_LAYOUTS)
        report = generate(report_rng(0, i), template=template)  # type: ignore[arg-type]
        pairs.add((layout, report.template))
    assert pairs >= {(layout, t) for layout in LAYOUTS for t in ("2021", "2019")}


def test_dropped_cells_leave_exactly_one_number_out():
    ints = re.compile(r"(?<![\d.])\d+(?![\d.])")
    # "glued" prints numbers against each other, so a dropped cell is not countable there.
    for k, layout in enumerate(lay for lay in TEXT_LAYOUTS if lay not in ("glued", "sitetext")):
        report = generate(random.Random(100 + k))
        key = choose_dropped(report.tables, random.Random(k), n=1)[0]
        full = render_report(report, "txt", layout, random.Random(7)).text
        cut = render_report(report, "txt", layout, random.Random(7), dropped=[key])
        assert cut.noise == [key]
        assert len(ints.findall(full)) - len(ints.findall(cut.text)) == 1, layout


def test_choose_dropped_one_per_row_and_column():
    for s in range(50):
        rng = random.Random(s)
        report = make_report(rng)
        keys = choose_dropped(report.tables, rng, n=2)
        rows = [k.split(".")[1:-1] for k in keys]
        cols = [k.rsplit(".", 1)[1] for k in keys]
        assert len(set(map(tuple, rows))) == 2 and len(set(cols)) == 2
        assert all(k.startswith("applications.") and k in report.tables.values for k in keys)


def test_fee_printed_with_fixed_decimals_only_where_nothing_is_lost():
    """A style drawn for one report (2 decimals) reused for another fee keeps every printed digit."""
    from gongkai.data.synth.grids import LabelStyle

    st = LabelStyle(fee_digits=2)
    assert st.value(21.66, fee=True) == "21.66"
    assert st.value(21.6557, fee=True) == "21.6557"
    assert st.value(3.0, fee=True) == "3.00"
