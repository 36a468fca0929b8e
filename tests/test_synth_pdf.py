"""Synthetic text PDFs (render_pdf) and scans (render_scan): text layer, ruled tables, determinism."""

from __future__ import annotations

import io
import random
import re

import pytest

pytest.importorskip("reportlab", reason="reportlab not installed (pip install reportlab)")
pdfium = pytest.importorskip("pypdfium2", reason="pypdfium2 not installed (pip install pypdfium2)")
np = pytest.importorskip("numpy", reason="numpy not installed (pip install numpy)")
PIL_Image = pytest.importorskip("PIL.Image", reason="Pillow not installed (pip install Pillow)")

from gongkai.data.form import APP_COLS, REVIEW_COLS, REVIEW_GROUPS, application_rows  # noqa: E402
from gongkai.data.synth import fonts  # noqa: E402
from gongkai.data.synth.content import SyntheticReport, make_report  # noqa: E402

needs_font = pytest.mark.skipif(
    not fonts.has_cjk_font(),
    reason=f"no CJK TrueType font installed (apt-get install -y {fonts.FONT_PACKAGE})",
)

SCAN_DPI = 100  # low resolution keeps the scan tests fast; the default range is 150–300


def _make(seed: int, **kw) -> tuple[SyntheticReport, bytes]:
    from gongkai.data.synth.render_pdf import render_pdf

    rng = random.Random(seed)
    report = make_report(rng, **kw)
    return report, render_pdf(report, rng)


@pytest.fixture(scope="module")
def county() -> tuple[SyntheticReport, bytes]:
    # Seed 6: a county whose applications table continues on the next page.
    return _make(6, admin_level="县区", template="2021")


@pytest.fixture(scope="module")
def scan(county: tuple[SyntheticReport, bytes]) -> bytes:
    from gongkai.data.synth.render_scan import render_scan

    out = render_scan(county[1], random.Random(1), dpi=SCAN_DPI)
    assert isinstance(out, bytes)
    return out


def _page_texts(pdf_bytes: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        return [re.sub(r"\s+", " ", page.get_textpage().get_text_range()) for page in pdf]
    finally:
        pdf.close()


def _row(report: SyntheticReport, table: str, row: str, cols: tuple[str, ...]) -> str:
    return " ".join(str(int(report.tables.values[f"{table}.{row}.{c}"] or 0)) for c in cols)


# ---- font lookup (no rendering: runs without the font) --------------------------------


def test_missing_font_error_names_debian_package(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("GONGKAI_CJK_FONT", raising=False)
    monkeypatch.setattr(fonts, "FONT_DIRS", (str(tmp_path),))
    with pytest.raises(fonts.FontNotFoundError, match=fonts.FONT_PACKAGE):
        fonts.find_cjk_font()
    assert not fonts.has_cjk_font()


def test_font_env_override(monkeypatch, tmp_path) -> None:
    font = tmp_path / "my.ttf"
    font.write_bytes(b"")
    monkeypatch.setenv("GONGKAI_CJK_FONT", str(font))
    assert fonts.find_cjk_font() == font


# ---- text PDF --------------------------------------------------------------------------


@needs_font
def test_pdf_text_layer_has_title_and_table_numbers(county: tuple[SyntheticReport, bytes]) -> None:
    report, pdf_bytes = county
    texts = _page_texts(pdf_bytes)
    assert len(texts) >= 2
    full = " ".join(texts)
    assert report.title.replace(" ", "") in full.replace(" ", "")  # the title may wrap
    # Cells are drawn row by row, so each row's numbers come out in order.
    for spec in application_rows(report.other_split):
        assert _row(report, "applications", spec.key, APP_COLS) in full, spec.key
    review = " ".join(_row(report, "review_litigation", g, REVIEW_COLS) for g in REVIEW_GROUPS)
    assert review in full
    for key in ("licensing", "punishment", "coercion"):
        assert str(int(report.tables.values[f"active_disclosure.{key}.decisions"] or 0)) in full
    assert report.organization in full  # signature


@needs_font
def test_applications_header_repeats_on_continuation(county: tuple[SyntheticReport, bytes]) -> None:
    report, pdf_bytes = county
    texts = _page_texts(pdf_bytes)
    first = min(i for i, t in enumerate(texts) if _row(report, "applications", "new_received", APP_COLS) in t)
    last = max(
        i for i, t in enumerate(texts) if _row(report, "applications", "carried_forward", APP_COLS) in t
    )
    assert last > first, "seed no longer splits the table; pick another"
    for i in range(first, last + 1):
        assert "申请人情况" in texts[i]


@needs_font
def test_pdf_2019_template_and_single_other_row() -> None:
    report, pdf_bytes = _make(7, admin_level="县区", template="2019")
    assert not report.other_split
    full = " ".join(_page_texts(pdf_bytes))
    assert "本年新制作数量" in full and "本年制发件数" not in full
    assert _row(report, "applications", "other.total", APP_COLS) in full
    assert "3.其他" not in full.replace("、", ".").replace(" ", "")


@needs_font
def test_pdf_ruled_tables_found_by_pdfplumber(county: tuple[SyntheticReport, bytes]) -> None:
    pdfplumber = pytest.importorskip("pdfplumber", reason="pdfplumber not installed")
    with pdfplumber.open(io.BytesIO(county[1])) as pdf:
        widths = {max(len(r) for r in t.extract()) for page in pdf.pages for t in page.find_tables()}
    # active_disclosure 4 columns, applications 10 (3 label + 7), review_litigation 15.
    assert {4, 10, 15} <= widths


@needs_font
def test_pdf_deterministic() -> None:
    assert _make(3)[1] == _make(3)[1]
    assert _make(3)[1] != _make(4)[1]


# ---- scans -----------------------------------------------------------------------------


@needs_font
def test_scan_is_image_only_at_dpi(county: tuple[SyntheticReport, bytes], scan: bytes) -> None:
    n_pages = len(_page_texts(county[1]))
    pdf = pdfium.PdfDocument(scan)
    try:
        assert len(pdf) == n_pages
        for page in pdf:
            assert page.get_textpage().count_chars() == 0
            images = list(page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE]))
            assert len(images) == 1
            w_px, h_px = images[0].get_px_size()
            w_pt, h_pt = page.get_size()
            assert abs(w_px / (w_pt / 72) - SCAN_DPI) < 1 and abs(h_px / (h_pt / 72) - SCAN_DPI) < 1
            assert abs(w_pt - 595.3) < 2 and abs(h_pt - 841.9) < 2  # still A4
    finally:
        pdf.close()


@needs_font
def test_scan_images_and_red_seal_over_signature(county: tuple[SyntheticReport, bytes]) -> None:
    from gongkai.data.synth.render_scan import _signature_box, render_scan

    report, pdf_bytes = county
    pages = render_scan(pdf_bytes, random.Random(2), dpi=SCAN_DPI, as_pdf=False)
    assert isinstance(pages, list) and len(pages) == len(_page_texts(pdf_bytes))

    def red(data: bytes):
        img = PIL_Image.open(io.BytesIO(data))
        assert img.format == "JPEG" and round(img.info["dpi"][0]) == SCAN_DPI
        rgb = np.asarray(img.convert("RGB"), dtype=np.int16)
        return np.nonzero((rgb[..., 0] - rgb[..., 1]) > 80)

    assert len(red(pages[0])[0]) < 50
    ys, xs = red(pages[-1])
    assert len(xs) > 300  # the seal
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        last = pdf[len(pdf) - 1]
        box = _signature_box(last)
        page_h = last.get_size()[1]
    finally:
        pdf.close()
    assert box is not None and box[4] == report.organization
    k = SCAN_DPI / 72
    cx, cy = (box[0] + box[2]) / 2 * k, (page_h - (box[1] + box[3]) / 2) * k
    # Off by at most the hand's nudge plus the page skew (±1.5° over a page).
    assert abs(xs.mean() - cx) < 60 and abs(ys.mean() - cy) < 60


@needs_font
def test_scan_deterministic_and_dpi_range(county: tuple[SyntheticReport, bytes], scan: bytes) -> None:
    from gongkai.data.synth.render_scan import ScanStyle, render_scan

    assert render_scan(county[1], random.Random(1), dpi=SCAN_DPI) == scan
    assert all(150 <= ScanStyle.draw(random.Random(s), None).dpi <= 300 for s in range(50))
