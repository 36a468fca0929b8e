"""PDF backend: per-page routing, ruled tables from the text layer, bad input, the real hongze PDFs."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

pdfium = pytest.importorskip("pypdfium2", reason="pypdfium2 not installed")
pytest.importorskip("reportlab", reason="reportlab not installed")

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from gongkai.data.loaders import LoadError, load  # noqa: E402
from gongkai.data.loaders.base import TableGrid  # noqa: E402
from gongkai.data.loaders.page_layout import Block, table_block  # noqa: E402
from gongkai.data.loaders.pdf import load_pdf  # noqa: E402
from gongkai.data.loaders.pdf_text import assess, read_page  # noqa: E402
from gongkai.data.loaders.table_join import join_continued  # noqa: E402
from gongkai.evaluation.compare import Gold, compare  # noqa: E402
from gongkai.inference.pipeline import NotAReportError, parse_document  # noqa: E402


def _pdf(draw, **kw) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, **kw)
    draw(c)
    c.showPage()
    c.save()
    return buf.getvalue()


def _hello(c) -> None:
    c.drawString(72, 750, "Quarterly sales figures: 12 34 56")


def _cjk_font() -> str:
    from gongkai.data.synth import fonts

    if not fonts.has_cjk_font():
        pytest.skip("no CJK TrueType font installed")
    from gongkai.data.synth.render_pdf import register_cjk_font

    return register_cjk_font()


# -- bad input: one plain line, no crash, no hang ---------------------------------------------
def test_encrypted_pdf_is_a_clear_error() -> None:
    with pytest.raises(LoadError, match="encrypted"):
        load_pdf(_pdf(_hello, encrypt="secret"))


@pytest.mark.parametrize("cut", [40, 200, 400])
def test_truncated_pdf_is_an_error_or_a_partial_read(cut: int) -> None:
    data = _pdf(_hello)
    try:
        doc = load_pdf(data[:cut])
    except LoadError as e:
        assert "\n" not in str(e)
    else:
        assert doc.pages is not None  # pdfium repaired what was left


def test_zero_page_pdf() -> None:
    empty = pdfium.PdfDocument.new()
    buf = io.BytesIO()
    empty.save(buf)
    # pdfium refuses a page tree with no pages as malformed; either way one plain sentence.
    with pytest.raises(LoadError, match="no pages|corrupted"):
        load_pdf(buf.getvalue())


def test_pdf_that_is_not_a_report(tmp_path: Path) -> None:
    path = tmp_path / "sales.pdf"
    path.write_bytes(_pdf(_hello))
    doc = load(path)
    assert doc.format == "pdf" and doc.pages == 1 and "Quarterly" in doc.text
    with pytest.raises(NotAReportError):
        parse_document(doc)


def test_load_dispatches_pdf_and_reports_garbage(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b"\x00" * 300)
    with pytest.raises(LoadError):
        load(path)


def _empty_pdf() -> bytes:
    buf = io.BytesIO()
    pdfium.PdfDocument.new().save(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    "name,make",
    [
        ("locked.pdf", lambda: _pdf(_hello, encrypt="secret")),
        ("cut.pdf", lambda: _pdf(_hello)[:200]),
        ("empty.pdf", _empty_pdf),
        ("sales.pdf", lambda: _pdf(_hello)),
        ("zeros.pdf", lambda: b"%PDF-1.4\n" + b"\x00" * 300),
    ],
)
def test_cli_bad_pdf_exits_2_with_one_line(tmp_path: Path, parse_rejects, name: str, make) -> None:
    path = tmp_path / name
    path.write_bytes(make())
    parse_rejects(path)


# -- routing ---------------------------------------------------------------------------------
def _cjk_page(c, font: str) -> None:
    c.setFont(font, 12)
    for i in range(20):
        c.drawString(72, 750 - i * 20, f"政府信息公开工作年度报告第{i}行，主动公开政府信息情况")


def test_routing_text_layer_and_mojibake() -> None:
    font = _cjk_font()
    good = _pdf(lambda c: _cjk_page(c, font), pageCompression=0)
    # The same page with its ToUnicode map taken away: pdfium cannot map the glyphs any more.
    bad = good.replace(b"/ToUnicode", b"/XoUnicode")
    assert bad != good
    for data, route in ((good, "text"), (bad, "ocr")):
        pdf = pdfium.PdfDocument(data)
        assert assess(read_page(pdf[0])) == route
        pdf.close()


def test_routing_image_only_page_and_blank_page() -> None:
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    img = Image.new("L", (400, 560), 255)
    img.paste(0, (40, 40, 360, 60))
    scanned = _pdf(lambda c: c.drawImage(ImageReader(img), 0, 0, width=A4[0], height=A4[1]))
    blank = _pdf(lambda c: None)
    for data, route in ((scanned, "ocr"), (blank, "blank")):
        pdf = pdfium.PdfDocument(data)
        assert assess(read_page(pdf[0])) == route
        pdf.close()


# -- tables ----------------------------------------------------------------------------------
def _ruled_table(c, font: str, rows: list[list[str]], top: float, widths: list[float]) -> None:
    c.setFont(font, 10)
    x0, h = 60.0, 22.0
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    for r, row in enumerate(rows):
        y = top - r * h
        for k, text in enumerate(row):
            c.drawString(xs[k] + 3, y - 15, text)
    for r in range(len(rows) + 1):
        c.line(xs[0], top - r * h, xs[-1], top - r * h)
    for x in xs:
        c.line(x, top, x, top - len(rows) * h)


def test_ruled_table_becomes_tab_lines_without_merging_numbers() -> None:
    font = _cjk_font()
    rows = [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "0", "12", "3"],
            ["行政规范性文件", "1000", "7", "45"]]
    # Narrow columns: the numbers sit close to each other across the rules.
    data = _pdf(lambda c: (c.setFont(font, 12), c.drawString(60, 780, "二、主动公开政府信息情况"),
                           _ruled_table(c, font, rows, 760, [110, 70, 70, 70])))
    doc = load_pdf(data)
    lines = doc.text.split("\n")
    assert "规章\t0\t12\t3" in lines
    assert "行政规范性文件\t1000\t7\t45" in lines
    assert lines.index("二、主动公开政府信息情况") < lines.index("规章\t0\t12\t3")
    assert len(doc.tables) == 1 and doc.tables[0].n_cols == 4


def test_continued_table_is_joined_and_repeated_header_dropped() -> None:
    head = ["项目", "甲", "乙"]

    def grid(rows: list[list[str]]) -> TableGrid:
        return TableGrid(cells=rows, origin=[[True] * 3 for _ in rows])

    xs = [0.1, 0.5, 0.7, 0.9]
    page1 = [Block(top=10, lines=["标题"]), table_block(50, grid([head, ["一", "1", "2"]]), xs=xs)]
    page2 = [table_block(5, grid([head, ["二", "3", "4"]]), xs=xs), Block(top=90, lines=["结尾"])]
    joined = join_continued([page1, page2])
    assert [b.lines for b in joined[1]] == [["结尾"]]
    assert joined[0][1].lines == ["项目\t甲\t乙", "一\t1\t2", "二\t3\t4"]


def test_synthetic_text_pdf_every_cell_exact(tmp_path: Path) -> None:
    _cjk_font()
    from gongkai.data.synth.corpus import gold, iter_corpus

    for i, report, r in iter_corpus(2, formats=("pdf",), seed=5):
        path = tmp_path / f"{i}.gold.json"
        path.write_text(json.dumps(gold(report, r), ensure_ascii=False), encoding="utf-8")
        doc = load_pdf(r.data)
        assert doc.format == "pdf" and doc.pages and not doc.from_ocr
        rec = parse_document(doc)
        cmp = compare(rec, Gold.read(path))
        assert cmp.wrong == [], [(w.key, w.gold, w.pred) for w in cmp.wrong]
        assert cmp.year_ok


# -- the real reports ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hongze() -> dict[int, tuple]:
    real = Path(__file__).resolve().parents[1].parent / "shared" / "real"
    if not (real / "hongze-2023.pdf").is_file():
        pytest.skip("../shared/real is not present")
    out = {}
    for year in (2023, 2024):
        path = real / f"hongze-{year}.pdf"
        doc = load(path)
        out[year] = (doc, parse_document(doc), Gold.read(path.with_suffix(".gold.json")))
    return out


@pytest.mark.parametrize("year", [2023, 2024])
def test_hongze_every_gold_cell_exact(hongze, year: int) -> None:
    doc, rec, gold = hongze[year]
    assert rec.source.format == "pdf" and rec.source.pages == 5
    cmp = compare(rec, gold)
    assert cmp.wrong == [], [(w.key, w.gold, w.pred) for w in cmp.wrong]
    assert rec.meta.year == year
    assert rec.template == "2021"
    # Offsets point into the record's text.
    for s in rec.sections:
        assert 0 <= s.start <= s.end <= len(rec.text)


def test_hongze_meta_organization(hongze) -> None:
    # 2023's title prints the unit without its city; the compiler sentence gives the full name.
    for year in (2023, 2024):
        rec, gold = hongze[year][1], hongze[year][2]
        assert rec.meta.organization == gold.organization
        assert rec.meta.region.county == "洪泽区" and rec.meta.admin_level == "县区"


@pytest.mark.parametrize(
    "head,org",
    [
        ("某某区人民政府\n2023年政府信息公开工作年度报告\n本报告由某某市某某区人民政府办公室根据条例编制。",
         "某某市某某区人民政府"),
        # Only place names are added in front; anything else in the sentence is not a prefix.
        ("某某镇人民政府2023年政府信息公开工作年度报告\n本报告由本单位办公室某某镇人民政府编制。",
         "某某镇人民政府"),
        ("某某街道办事处2023年政府信息公开工作年度报告\n本报告由某某街道党政办公室编制。", "某某街道办事处"),
    ],
)
def test_organization_qualified_from_compiler_sentence(head: str, org: str) -> None:
    from gongkai.inference.meta import extract_meta

    assert extract_meta(head + "\n一、总体情况\n正文").organization == org


def test_hongze_2023_published_totals_reported_not_changed(hongze) -> None:
    rec, gold = hongze[2023][1], hongze[2023][2]
    errors = [i for i in rec.issues if i.code == "review_litigation.group_total" and i.severity == "error"]
    named = {c for i in errors for c in i.cells}
    assert {"review_litigation.review.total", "review_litigation.litigation_after_review.total"} <= named
    assert rec.tables["review_litigation"]["review"]["total"] == 0  # as printed
    assert not [i for i in rec.issues if i.code.endswith(".repaired")]
    assert len(gold.published_inconsistencies) == 2
    assert not [i for i in hongze[2024][1].issues if i.severity == "error"]
