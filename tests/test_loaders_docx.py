"""DOCX backend: body order, merged cells (gridSpan, vMerge), numbering, damaged files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from gongkai.data.form import SECTION_TITLES
from gongkai.data.loaders import LoadError, load
from gongkai.data.loaders.docx import load_docx
from gongkai.data.loaders.numbering import format_number

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real"
TITLE = "某某局2022年政府信息公开工作年度报告"
NARRATIVE = "2022年，本局认真贯彻落实《中华人民共和国政府信息公开条例》，全年主动公开政府信息88条。"


def _save(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def build_report(title_property: str = "") -> bytes:
    """A small report: paragraphs, a grouped-header table with merges, a closing paragraph."""
    d = docx.Document()
    d.core_properties.title = title_property
    d.add_paragraph(TITLE)
    d.add_paragraph("一、总体情况")
    d.add_paragraph(NARRATIVE)
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    t = d.add_table(rows=5, cols=5)
    t.cell(0, 0).merge(t.cell(1, 1)).text = "申请人情况"  # 2x2 block
    t.cell(0, 2).merge(t.cell(1, 2)).text = "自然人"  # vertical
    t.cell(0, 3).merge(t.cell(0, 4)).text = "法人或其他组织"  # horizontal group header
    t.cell(1, 3).text = "商业企业"
    t.cell(1, 4).text = "科研机构"
    t.cell(2, 0).merge(t.cell(2, 1)).text = "一、本年新收政府信息公开申请数量"
    number = t.cell(2, 2).paragraphs[0]
    number.add_run("1")
    number.add_run("66")  # Word splits numbers over runs
    t.cell(2, 3).text = "2"
    t.cell(2, 4).text = "\u3000"  # a blank cell padded with an ideographic space
    t.cell(3, 0).merge(t.cell(4, 0)).text = "三、本年度办理结果"
    t.cell(3, 1).text = "（一）予以公开"
    t.cell(3, 2).text = "9"
    t.cell(4, 1).text = "（二）部分公开"
    label = t.cell(4, 2)
    label.text = "1"
    label.add_paragraph("0")  # two paragraphs of digits in one cell stay apart
    d.add_paragraph("五、存在的主要问题及改进情况")
    return _save(d)


@pytest.fixture(scope="module")
def doc():
    return load_docx(build_report())


def test_body_order_and_title(doc) -> None:
    lines = doc.text.split("\n")
    assert lines[:4] == [TITLE, "一、总体情况", NARRATIVE, "三、收到和处理政府信息公开申请情况"]
    assert lines[-1] == "五、存在的主要问题及改进情况"
    assert doc.title_hint == TITLE
    assert doc.format == "docx"


def test_merged_cells_expanded(doc) -> None:
    assert len(doc.tables) == 1
    grid = doc.tables[0]
    assert (grid.n_rows, grid.n_cols) == (5, 5)
    assert grid.cells[0] == ["申请人情况", "申请人情况", "自然人", "法人或其他组织", "法人或其他组织"]
    assert grid.origin[0] == [True, False, True, True, False]
    assert grid.cells[1] == ["申请人情况", "申请人情况", "自然人", "商业企业", "科研机构"]
    assert grid.origin[1] == [False, False, False, True, True]
    assert grid.cells[2] == ["一、本年新收政府信息公开申请数量"] * 2 + ["166", "2", ""]
    assert [row[0] for row in grid.cells[3:]] == ["三、本年度办理结果"] * 2
    assert [row[0] for row in grid.origin[3:]] == [True, False]
    assert grid.cells[4][2] == "1 0"


def test_table_rendered_between_paragraphs(doc) -> None:
    lines = doc.text.split("\n")
    start = lines.index("三、收到和处理政府信息公开申请情况") + 1
    assert lines[start : start + 5] == [
        "申请人情况\t\t自然人\t法人或其他组织",
        "\t\t\t商业企业\t科研机构",
        "一、本年新收政府信息公开申请数量\t\t166\t2",
        "三、本年度办理结果\t（一）予以公开\t9",
        "\t（二）部分公开\t1 0",
    ]


def test_core_properties_title_preferred() -> None:
    assert load_docx(build_report(title_property="年度报告（正式稿）")).title_hint == "年度报告（正式稿）"


def test_nested_table_flattened_into_cell() -> None:
    d = docx.Document()
    d.add_paragraph(NARRATIVE)
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "信息内容", "本年处理决定数量"
    t.cell(1, 0).text = "行政许可"
    inner = t.cell(1, 0).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "（含", "备案）"
    t.cell(1, 1).text = "12"
    doc = load_docx(_save(d))
    assert len(doc.tables) == 1
    assert doc.tables[0].cells[1] == ["行政许可（含 备案）", "12"]


def _numbered(document, text: str, num_id: int, ilvl: int) -> None:
    p = document.add_paragraph(text)
    numpr = p._p.get_or_add_pPr().get_or_add_numPr()
    numpr.get_or_add_ilvl().val = ilvl
    numpr.get_or_add_numId().val = num_id


def test_automatic_numbering_rendered() -> None:
    d = docx.Document()
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    numbering = d.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {w} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>'
        "</w:abstractNum>"
    ))  # fmt: skip
    numbering.append(parse_xml(f'<w:num {w} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    _numbered(d, "总体情况", 90, 0)
    _numbered(d, "主动公开", 90, 1)
    _numbered(d, "依申请公开", 90, 1)
    _numbered(d, "属于国家秘密", 90, 2)
    _numbered(d, "主动公开政府信息情况", 90, 0)
    _numbered(d, "规章", 90, 1)
    assert load_docx(_save(d)).text.split("\n") == [
        "一、总体情况", "（一）主动公开", "（二）依申请公开", "1.属于国家秘密", "二、主动公开政府信息情况", "（一）规章",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("n", "fmt", "expected"),
    [(1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (21, "chineseCounting", "二十一"),
     (105, "chineseCounting", "一百零五"), (3, "decimalEnclosedCircle", "③"), (4, "upperRoman", "IV"),
     (2, "lowerLetter", "b"), (12, "decimal", "12")],
)  # fmt: skip
def test_format_number(n: int, fmt: str, expected: str) -> None:
    assert format_number(n, fmt) == expected


def test_truncated_docx(tmp_path: Path) -> None:
    raw = build_report()
    cut = raw[: len(raw) // 2]
    with pytest.raises(LoadError, match="damaged"):
        load_docx(cut)
    path = tmp_path / "cut.docx"
    path.write_bytes(cut)
    with pytest.raises(LoadError, match="damaged") as info:
        load(path)
    assert "\n" not in str(info.value)


def test_docx_without_document_xml(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(LoadError, match="damaged"):
        load_docx(buf.getvalue())
    path = tmp_path / "hollow.docx"
    path.write_bytes(buf.getvalue())
    with pytest.raises(LoadError, match="not a Word"):
        load(path)


def test_empty_docx() -> None:
    with pytest.raises(LoadError, match="no text"):
        load_docx(_save(docx.Document()))


def test_real_blank_template() -> None:
    path = REAL / "blank-template-2021.docx"
    if not path.is_file():
        pytest.skip(f"{path} is not present")
    doc = load(path)
    lines = doc.text.split("\n")
    heads = [lines.index(f"{'一二三四五六'[n - 1]}、{SECTION_TITLES[n]}") for n in range(1, 7)]
    assert heads == sorted(heads)
    assert [(g.n_rows, g.n_cols) for g in doc.tables] == [(14, 4), (28, 10), (4, 15)]
    apps = doc.tables[1]
    # Grouped header: 法人或其他组织 over five columns, 自然人/总计 merged over two rows.
    assert apps.cells[1][4:9] == ["法人或其他组织"] * 5
    assert apps.origin[1][4:9] == [True, False, False, False, False]
    assert apps.cells[2][3] == apps.cells[1][3] == "自然人" and not apps.origin[2][3]
    assert apps.cells[2][4:9] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    # 三、本年度办理结果 is one vertically merged cell down the whole outcome block.
    column = [row[0] for row in apps.cells]
    first = column.index("三、本年度办理结果")
    span = column.count("三、本年度办理结果")
    assert span >= 20 and column[first : first + span] == ["三、本年度办理结果"] * span
    assert [row[0] for row in apps.origin[first : first + span]] == [True] + [False] * (span - 1)
    review = doc.tables[2]
    assert review.cells[0][:6] == ["行政复议"] * 5 + ["行政诉讼"]


def _spans_match(doc) -> None:
    """Every printed grid cell is found at its span in the document text (merged: at its origin)."""
    for g in doc.tables:
        assert g.spans is not None and g.anchor is not None
        for r, row in enumerate(g.cells):
            for c, text in enumerate(row):
                printed = " ".join(text.split())
                span = g.spans[r][c]
                assert (doc.text[span[0] : span[1]] if span else "") == printed, (r, c)
                r0, c0 = g.anchor[r][c]
                assert g.origin[r0][c0] and g.cells[r0][c0] == text


def test_grid_cells_located_in_text(doc) -> None:
    _spans_match(doc)


def test_report_table_inside_layout_table_is_a_grid() -> None:
    d = docx.Document()
    d.add_paragraph(NARRATIVE)
    frame = d.add_table(rows=1, cols=1)
    inner = frame.cell(0, 0).add_table(rows=2, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "信息内容", "本年处理决定数量"
    inner.cell(1, 0).text, inner.cell(1, 1).text = "行政许可", "12"
    doc = load_docx(_save(d))
    assert [t.cells for t in doc.tables] == [[["信息内容", "本年处理决定数量"], ["行政许可", "12"]]]
    _spans_match(doc)


def test_real_blank_template_read_by_column() -> None:
    """The real blank form: every cell printed empty, so every cell null and reported missing."""
    path = REAL / "blank-template-2021.docx"
    if not path.is_file():
        pytest.skip(f"{path} is not present")
    from gongkai.data.normalize import normalize
    from gongkai.data.record import TableValues
    from gongkai.inference.pipeline import parse_document
    from gongkai.inference.tables.grid import read_grid_tables, record_grids
    from gongkai.inference.tables.rows import ReadState

    doc = load(path)
    _spans_match(doc)
    norm = normalize(doc.text)
    state = ReadState(tables=TableValues())
    assert read_grid_tables(state, record_grids(doc.tables, norm), norm.text) == {
        "active_disclosure", "applications", "review_litigation"}
    rec = parse_document(doc, require_report=False)
    values = TableValues.from_nested(rec.tables, rec.template).values
    assert len(values) == 200 and set(values.values()) == {None}
    missing = {k for i in rec.issues if i.code.endswith(".missing") for k in i.cells}
    assert missing == set(values)
