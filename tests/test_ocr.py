"""OCR path: a small scanned table page read cell by cell, orientation, scanned PDFs and images.

Kept to a few small pages: OCR costs seconds on the 2-core CI machine.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

np = pytest.importorskip("numpy")
cv2 = pytest.importorskip("cv2", reason="opencv not installed")
pytest.importorskip("reportlab", reason="reportlab not installed")
pdfium = pytest.importorskip("pypdfium2", reason="pypdfium2 not installed")

from PIL import Image  # noqa: E402

from gongkai.data.loaders import ocr_engine  # noqa: E402
from gongkai.data.loaders.base import Document, LoadError  # noqa: E402
from gongkai.data.loaders.image import load_image  # noqa: E402
from gongkai.data.loaders.ocr_simulate import degrade, rasterise, scan_pages, to_pdf  # noqa: E402
from gongkai.data.loaders.page_layout import assemble  # noqa: E402
from gongkai.data.loaders.pdf import load_pdf  # noqa: E402
from gongkai.inference.pipeline import parse_document  # noqa: E402

try:
    ENGINE = ocr_engine.get_engine()
except ocr_engine.EngineUnavailable as e:  # the model package is a declared dependency; skip only if absent
    pytest.skip(str(e), allow_module_level=True)

ROWS = [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "0", "7", "105"],
        ["行政规范性文件", "1", "0", "3860"]]


@pytest.fixture(scope="module")
def table_pdf() -> bytes:
    from gongkai.data.synth import fonts

    if not fonts.has_cjk_font():
        pytest.skip("no CJK TrueType font installed")
    from reportlab.pdfgen import canvas

    from gongkai.data.synth.render_pdf import register_cjk_font

    font = register_cjk_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(400, 220))
    c.setFont(font, 12)
    c.drawString(30, 190, "二、主动公开政府信息情况")
    xs = [30, 140, 220, 300, 380]
    top, h = 170, 26
    c.setFont(font, 10)
    for r, row in enumerate(ROWS):
        for k, text in enumerate(row):
            c.drawCentredString((xs[k] + xs[k + 1]) / 2, top - r * h - 17, text)
    for r in range(len(ROWS) + 1):
        c.line(xs[0], top - r * h, xs[-1], top - r * h)
    for x in xs:
        c.line(x, top, x, top - len(ROWS) * h)
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture(scope="module")
def scan_jpeg(table_pdf: bytes) -> bytes:
    return degrade(rasterise(table_pdf, dpi=200)[0], angle=1.5, blur=0.8, quality=60)


def _read(img: Image.Image) -> str:
    from gongkai.data.loaders.ocr_page import read_page

    text, _ = assemble(read_page(np.asarray(img.convert("L")), ENGINE))
    return text


def test_scanned_table_cells_read_one_by_one(scan_jpeg: bytes) -> None:
    text = _read(Image.open(io.BytesIO(scan_jpeg)))
    lines = text.split("\n")
    # Lone digits such as 0 are read: each cell is recognised from its own crop.
    assert "规章\t0\t7\t105" in lines, text
    assert "行政规范性文件\t1\t0\t3860" in lines, text
    assert lines[0].replace(" ", "") == "二、主动公开政府信息情况"


@pytest.mark.parametrize("turns", [1, 2])
def test_turned_pages_are_read_upright(scan_jpeg: bytes, turns: int) -> None:
    img = Image.open(io.BytesIO(scan_jpeg)).rotate(90 * turns, expand=True)
    assert "规章\t0\t7\t105" in _read(img).split("\n")


def test_scanned_pdf_and_image_documents(table_pdf: bytes, scan_jpeg: bytes) -> None:
    doc = load_pdf(to_pdf([scan_jpeg]), workers=1)
    assert doc.format == "pdf-scanned" and doc.pages == 1 and doc.from_ocr
    assert doc.char_confidence is not None and len(doc.char_confidence) == len(doc.text)
    assert doc.tables and doc.tables[0].confidence is not None
    # A two-page TIFF (frames decoded one by one where they are read); the second page is
    # half-size, so the table on it is read at a different scale.
    tif = io.BytesIO()
    page = Image.open(io.BytesIO(scan_jpeg))
    half = page.resize((page.width // 2 + 60, page.height // 2 + 30))
    page.save(tif, "TIFF", save_all=True, append_images=[half])
    img_doc = load_image(tif.getvalue(), workers=1)
    assert img_doc.format == "image" and img_doc.pages == 2
    assert "规章\t0\t7\t105" in img_doc.text.split("\n")


def test_bad_images_are_clear_errors() -> None:
    with pytest.raises(LoadError, match="cannot be decoded"):
        load_image(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    jpeg = io.BytesIO()
    Image.new("L", (600, 800), 200).save(jpeg, "JPEG")
    with pytest.raises(LoadError, match="corrupted or truncated"):
        load_image(jpeg.getvalue()[: len(jpeg.getvalue()) // 2], workers=1)
    big = io.BytesIO()
    Image.new("1", (21000, 20000), 1).save(big, "PNG")  # 420 million pixels, a few kB on disk
    with pytest.raises(LoadError, match="too large"):
        load_image(big.getvalue())
    noise = io.BytesIO()
    Image.fromarray((np.random.default_rng(0).random((300, 400)) * 255).astype(np.uint8)).save(noise, "PNG")
    with pytest.raises(LoadError, match="no text"):
        load_image(noise.getvalue(), workers=1)


def _text_image(lines: list[str]) -> bytes:
    from PIL import ImageDraw, ImageFont

    from gongkai.data.synth import fonts

    if not fonts.has_cjk_font():
        pytest.skip("no CJK TrueType font installed")
    font = ImageFont.truetype(str(fonts.find_cjk_font()), 28)
    img = Image.new("L", (900, 60 + 50 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for k, line in enumerate(lines):
        draw.text((40, 30 + 50 * k), line, font=font, fill=0)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return buf.getvalue()


def _noise_png() -> bytes:
    buf = io.BytesIO()
    Image.fromarray((np.random.default_rng(1).random((200, 300)) * 255).astype(np.uint8)).save(buf, "PNG")
    return buf.getvalue()


@pytest.mark.parametrize(
    "name,make",
    [
        ("menu.jpg", lambda: _text_image(["今日菜单：红烧肉、清蒸鱼、青菜豆腐汤", "营业时间：上午十点至晚上九点"])),
        ("noise.png", _noise_png),
        ("broken.png", lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 40),
    ],
)
def test_cli_image_of_something_else_exits_2_with_one_line(tmp_path: Path, parse_rejects, name: str, make) -> None:
    path = tmp_path / name
    path.write_bytes(make())
    parse_rejects(path)


def test_ocr_confidence_reaches_cells_and_flags_unsure_unchecked_cells() -> None:
    real = Path(__file__).resolve().parents[1].parent / "shared" / "real" / "hongze-2024.pdf"
    if not real.is_file():
        pytest.skip("../shared/real is not present")
    text_doc = load_pdf(real.read_bytes())
    at = text_doc.text.index("行政强制\t84") + len("行政强制\t")
    conf = [0.99] * len(text_doc.text)
    conf[at] = 0.2  # the OCR was unsure of the 8 of 84
    doc = Document(text=text_doc.text, format="pdf-scanned", pages=5, from_ocr=True, char_confidence=conf)
    rec = parse_document(doc)
    low = [i for i in rec.issues if i.code == "active_disclosure.low_confidence"]
    assert [i.cells for i in low] == [["active_disclosure.coercion.decisions"]]
    assert rec.tables["active_disclosure"]["coercion"]["decisions"] == 84


def test_real_table_page_as_scan() -> None:
    real = Path(__file__).resolve().parents[1].parent / "shared" / "real" / "hongze-2023.pdf"
    if not real.is_file():
        pytest.skip("../shared/real is not present")
    jpeg = scan_pages(real, seed=3)[3]  # page 4: end of table 3 and the whole of table 4
    img = Image.open(io.BytesIO(jpeg))
    text = _read(img.crop((0, 0, img.width, int(img.height * 0.6))))  # the tables, not the prose below
    assert "10\t1\t0\t0\t0\t0\t0\t0\t0\t0\t5\t0\t0\t0\t0" in text.split("\n"), text
    assert "\t（七）总计\t\t21\t0\t0\t0\t0\t0\t21" in text.replace("(", "（").split("\n"), text
