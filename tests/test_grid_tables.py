"""HTML and Word tables read by column: every pattern built by the generator, gold exact.

Each test renders a generated report in a blank layout with one markup choice pinned, parses
the bytes end to end, and compares with the gold the contract gives (a cell printed blank is
null unless the relations determine it). None of these may leave a silent wrong cell.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from gongkai.data.loaders.docx import load_docx
from gongkai.data.loaders.html import load_html
from gongkai.data.loaders.text import load_text
from gongkai.data.normalize import normalize
from gongkai.data.record import TableValues
from gongkai.data.synth.blanks import choose_blanks, contract_tables
from gongkai.data.synth.corpus import generate, gold, render_report
from gongkai.evaluation.compare import Gold, compare
from gongkai.inference.pipeline import parse_document
from gongkai.inference.sections import find_sections
from gongkai.inference.tables import read_tables
from gongkai.inference.tables.grid import record_grids

_LOADERS = {"html": load_html, "docx": load_docx, "txt": load_text}


def _report(seed: int, template: str | None = None):
    rng = random.Random(f"grid-test:{seed}")
    return generate(rng, template=template), rng  # type: ignore[arg-type]


def _zeros(report) -> list[str]:
    return [k for k in report.tables.all_keys() if report.tables.values[k] == 0 and not k.endswith("fees.amount")]


def _check(report, r, fmt: str, tmp: Path) -> None:
    rec = parse_document(_LOADERS[fmt](r.data))
    (tmp / "g.gold.json").write_text(json.dumps(gold(report, r), ensure_ascii=False), encoding="utf-8")
    g = Gold.read(tmp / "g.gold.json")
    cmp = compare(rec, g)
    assert [(c.key, c.gold, c.pred) for c in cmp.wrong] == []
    named = {k for i in rec.issues if i.severity in ("warning", "error") for k in i.cells}
    # Every cell the page leaves blank and no relation gives is reported missing.
    for key in r.blank:
        if g.tables.values[key] is None:
            assert key in named, key


def test_blank_gold_is_the_contract_reading():
    for seed in range(20):
        report, rng = _report(seed)
        mode, blank = choose_blanks(report.tables, rng)
        assert mode in ("all_zero", "some_zero") and set(blank) <= set(report.tables.all_keys())
        got = contract_tables(report.tables, blank)
        for k in report.tables.all_keys():
            if k not in blank:
                assert got.values[k] == report.tables.values[k]  # printed cells as printed
            else:
                assert got.values[k] in (None, report.tables.values[k])  # derived = true, else null
        # A blank total beside printed parts is the one unknown of its row: derived.
        report.tables.values["applications.new_received.total"] = sum(
            report.tables.values[f"applications.new_received.{c}"]
            for c in ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org"))
        one = contract_tables(report.tables, ["applications.new_received.total"])
        assert one.values["applications.new_received.total"] == report.tables.values["applications.new_received.total"]


@pytest.mark.parametrize(
    "force",
    [
        {"th": True, "thead": True, "wrap": "none", "repeat": "none", "broken": False},
        {"th": True, "thead": False, "wrap": "table", "repeat": "inside", "broken": True},
        {"th": False, "thead": False, "wrap": "article", "repeat": "split", "broken": False},
        {"th": True, "thead": True, "wrap": "article", "repeat": "inside", "broken": True, "caption": True},
        {"th": False, "thead": False, "wrap": "none", "repeat": "split-bare", "broken": False, "caption": True},
    ],
    ids=["th-thead", "per-table-frame+repeated-header", "page-layout-table+split", "all", "title-row+bare-split"],
)
@pytest.mark.parametrize("template", ["2021", "2019"])
def test_cms_page_every_zero_blank(force, template, tmp_path):
    report, rng = _report(1 if template == "2021" else 2, template)
    r = render_report(report, "html", "html-cms", rng, force=dict(force, blank=_zeros(report)))
    html = r.data.decode(r.encoding)
    assert ("<th" in html) == force["th"] and ("<thead>" in html) == force["thead"]
    split = force["repeat"].startswith("split")
    assert html.count("<table") == 3 + split + (3 + split if force["wrap"] == "table" else 0) + (
        force["wrap"] == "article")
    _check(report, r, "html", tmp_path)


@pytest.mark.parametrize("misaligned", [False, True], ids=["aligned", "word-finer-grid"])
@pytest.mark.parametrize("repeat", ["none", "inside", "split", "split-bare"])
def test_word_export_page_some_zeros_blank(misaligned, repeat, tmp_path):
    report, rng = _report(3)
    zeros = _zeros(report)
    blank = zeros[::2]
    r = render_report(report, "html", "html-word-blank", rng,
                      force={"blank": blank, "misaligned": misaligned, "repeat": repeat, "wrap": "table"})
    assert "MsoNormal" in r.data.decode(r.encoding)
    _check(report, r, "html", tmp_path)


@pytest.mark.parametrize("nested", [False, True], ids=["plain", "in-layout-table"])
@pytest.mark.parametrize("repeat", ["none", "inside", "split", "split-bare"])
def test_word_document_blank_cells(nested, repeat, tmp_path):
    report, rng = _report(4)
    r = render_report(report, "docx", "docx-blank", rng,
                      force={"blank": _zeros(report), "nested": nested, "repeat": repeat, "misaligned": True})
    _check(report, r, "docx", tmp_path)


def _apps_row(report, row: str) -> dict[str, int]:
    return {c: report.tables.values[f"applications.{row}.{c}"] for c in
            ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total")}


def test_blank_cells_keep_their_column_before_any_repair():
    """The issue's row ``258 | 12 | ␣ | ␣ | 1 | 1 | ␣``: numbers stay in their columns."""
    for seed in range(40):
        report, rng = _report(seed)
        row = _apps_row(report, "new_received")
        if row["total"] and row["natural_person"] and row["legal_services"]:
            break
    else:
        pytest.skip("no generated report with the row shape")
    blank = ["applications.new_received.research", "applications.new_received.social_welfare",
             "applications.new_received.total"]
    r = render_report(report, "html", "html-cms", rng, force={"blank": blank, "repeat": "none"})
    doc = load_html(r.data)
    norm = normalize(doc.text)
    state = read_tables(norm.text, find_sections(norm.text), None, record_grids(doc.tables, norm))
    got = {c: state.tables.values[f"applications.new_received.{c}"] for c in row}
    want = {c: (None if f"applications.new_received.{c}" in blank else v) for c, v in row.items()}
    assert got == want
    # Through the whole pipeline the blank total is derived from its row, named by a repair.
    rec = parse_document(doc)
    assert rec.tables["applications"]["new_received"]["total"] == row["total"]
    assert any(i.code.endswith(".repaired") and "applications.new_received.total" in i.cells for i in rec.issues)


def test_text_formats_still_read_from_the_text():
    """A TXT rendering has no grid: the text path reads it as before."""
    report, rng = _report(5)
    r = render_report(report, "txt", "tab", rng)
    rec = parse_document(load_text(r.data))
    assert TableValues.from_nested(rec.tables, rec.template).values == report.tables.values
