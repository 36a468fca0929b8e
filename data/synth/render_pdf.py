"""Render a synthetic report as a text PDF (A4, embedded CJK font, real ruled tables).

The layout follows the printed national form: title, section headings, first-line-indented
paragraphs, the three tables as GRID-ruled reportlab tables with the form's merged cells,
header rows repeated when a table continues on the next page, and the unit's name and date
at the end. Text and structure come from :func:`gongkai.data.synth.document.build_document`,
so a PDF says exactly what the TXT/HTML/DOCX renderings of the same document say.
"""

from __future__ import annotations

import io
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from gongkai.data.synth.content import SyntheticReport
from gongkai.data.synth.document import Block, Doc, build_document
from gongkai.data.synth.fonts import find_cjk_font
from gongkai.data.synth.grids import Grid
from gongkai.data.synth.narrative import restyle

FONT_NAME = "GongkaiCJK"
# Header rows repeated on a continuation page, per table (the active table has none: its
# sub-tables carry their own heads).
_REPEAT_ROWS = {"active_disclosure": 0, "applications": 3, "review_litigation": 3}
_PAGE_NUMBERS = ("— {n} —", "- {n} -", "{n}", "第{n}页", "")


@cache
def register_cjk_font() -> str:
    """Register the CJK font with reportlab once per process; returns its reportlab name."""
    path = find_cjk_font()
    # subfontIndex picks the first face of a .ttc collection (the proportional one in WenQuanYi).
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
    return FONT_NAME


@dataclass
class PdfStyle:
    """Page and type choices for one PDF (drawn per report, as units' templates differ)."""

    body_size: float
    leading: float  # multiple of body_size
    title_size: float
    table_size: float
    margins: tuple[float, float, float, float]  # left, right, top, bottom in points
    split_title: bool  # title on two lines: unit / year+report
    page_number: str
    rule_width: float
    heavy_box: bool

    @classmethod
    def draw(cls, rng: random.Random) -> PdfStyle:
        body = rng.choice([12.0, 14.0, 15.0, 16.0, 16.0])
        return cls(
            body_size=body,
            leading=rng.uniform(1.45, 1.8),
            title_size=rng.choice([18.0, 20.0, 22.0, 22.0]),
            table_size=rng.choice([9.0, 9.0, 10.0, 10.5]),
            margins=(
                rng.uniform(24, 30) * mm,
                rng.uniform(22, 28) * mm,
                rng.uniform(25, 37) * mm,
                rng.uniform(22, 35) * mm,
            ),
            split_title=rng.random() < 0.5,
            page_number=rng.choice(_PAGE_NUMBERS),
            rule_width=rng.choice([0.5, 0.6, 0.75, 1.0]),
            heavy_box=rng.random() < 0.3,
        )


# ---- paragraph styles ------------------------------------------------------------------


def _styles(ps: PdfStyle) -> dict[str, ParagraphStyle]:
    font = register_cjk_font()
    b, lead = ps.body_size, ps.body_size * ps.leading
    base = ParagraphStyle(
        "body", fontName=font, fontSize=b, leading=lead, wordWrap="CJK", alignment=TA_JUSTIFY
    )
    t = ps.table_size
    cell = ParagraphStyle(
        "cell", fontName=font, fontSize=t, leading=t * 1.25, wordWrap="CJK", alignment=TA_CENTER
    )
    return {
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontSize=ps.title_size,
            leading=ps.title_size * 1.5,
            alignment=TA_CENTER,
            spaceAfter=lead * 0.8,
        ),
        "heading": ParagraphStyle("heading", parent=base, firstLineIndent=2 * b, spaceBefore=lead * 0.25),
        "subheading": ParagraphStyle("subheading", parent=base, firstLineIndent=2 * b),
        "para": ParagraphStyle("para", parent=base, firstLineIndent=2 * b),
        "signature": ParagraphStyle("signature", parent=base, alignment=TA_RIGHT, rightIndent=2 * b),
        "cell": cell,
        "label": ParagraphStyle("label", parent=cell, alignment=TA_LEFT),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


class BoldParagraph(Paragraph):
    """A paragraph drawn fill+stroke: a faux bold, since the one embedded CJK face has no bold.

    Text render mode 2 changes only the glyphs' look; the text layer is the same.
    """

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.setStrokeColor(colors.black)
        canv.setLineWidth(self.style.fontSize * 0.035)
        canv._code.append("2 Tr")  # text state may be set outside BT/ET; restoreState undoes it
        super().draw()
        canv.restoreState()


def _title(text: str, ps: PdfStyle, style: ParagraphStyle, width: float) -> Paragraph:
    """The title; broken before the year (as typesetters do) when drawn so or too long for a line."""
    too_long = pdfmetrics.stringWidth(text, style.fontName, style.fontSize) > width
    m = re.search(r"(关于)?\d{4}\s*年", text) if ps.split_title or too_long else None
    if not m or m.start() == 0:
        return BoldParagraph(escape(text), style)
    return BoldParagraph(escape(text[: m.start()]) + "<br/>" + escape(text[m.start() :]), style)


# ---- tables ----------------------------------------------------------------------------


@dataclass
class _TCell:
    """A printed cell at its top-left position; positions it covers hold None."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    align: str = "cell"  # paragraph style: "cell" (centred) or "label" (left)
    head: bool = False


def _cells(grid: Grid) -> list[list[_TCell | None]]:
    out: list[list[_TCell | None]] = []
    n_rows = len(grid.rows)
    for r, row in enumerate(grid.expand()):
        line: list[_TCell | None] = []
        for c, (cell, origin) in enumerate(row):
            if not origin:
                line.append(None)
                continue
            # Row labels read left-aligned; heads, numbers and tall group labels are centred.
            left = cell.key is None and not cell.header and cell.rowspan == 1
            rs = min(cell.rowspan, n_rows - r)
            cs = min(cell.colspan, grid.n_cols - c)
            line.append(_TCell(cell.text, rs, cs, "label" if left else "cell", cell.header))
        out.append(line)
    return out


def _col_widths(grid: Grid, width: float, rng: random.Random) -> list[float]:
    if grid.name == "applications":
        labels = [
            0.085 + rng.uniform(-0.01, 0.01),
            0.11 + rng.uniform(-0.01, 0.015),
            0.27 + rng.uniform(-0.03, 0.03),
        ]
        rest = (1 - sum(labels)) / 7
        return [f * width for f in labels + [rest] * 7]
    if grid.name == "active_disclosure":
        first = rng.uniform(0.3, 0.4)
        return [first * width] + [(1 - first) / 3 * width] * 3
    return [width / grid.n_cols] * grid.n_cols


class GridTable(Flowable):
    """A ruled table with merged cells that, unlike reportlab's ``Table``, splits inside row spans.

    reportlab refuses to break a table inside a rowspan, and 三、本年度办理结果 spans almost
    the whole applications table, so it would always jump to a new page. Real reports break
    it like Word does: the merged cell is cut, its text stays in the upper part, and the
    header rows are repeated on the next page.
    """

    def __init__(
        self,
        cells: list[list[_TCell | None]],
        widths: list[float],
        header: int,
        st: dict[str, ParagraphStyle],
        ps: PdfStyle,
    ) -> None:
        super().__init__()
        self.cells, self.widths, self.header, self.st, self.ps = cells, widths, header, st, ps
        self.hAlign = "CENTER"
        self._table = self._build()

    def _build(self) -> Table:
        ps = self.ps
        cmds: list[tuple] = [
            ("GRID", (0, 0), (-1, -1), ps.rule_width, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]
        if ps.heavy_box:
            cmds.append(("BOX", (0, 0), (-1, -1), ps.rule_width * 2, colors.black))
        data: list[list[object]] = []
        for r, row in enumerate(self.cells):
            out: list[object] = []
            for c, cell in enumerate(row):
                out.append(_p(cell.text, self.st[cell.align]) if cell and cell.text else "")
                if cell and (cell.rowspan > 1 or cell.colspan > 1):
                    cmds.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
            data.append(out)
        return Table(data, colWidths=self.widths, style=TableStyle(cmds))

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = self._table.wrap(availWidth, availHeight)
        return self.width, self.height

    def draw(self) -> None:
        self._table.drawOn(self.canv, 0, 0)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self._table.wrap(availWidth, availHeight)
        heights = self._table._rowHeights
        n, used = 0, 0.0
        while n < len(heights) and used + heights[n] <= availHeight:
            used += heights[n]
            n += 1
        if n >= len(heights):
            return [self]
        # A cut span's text may need more room than the rows left above the cut; then move
        # the text below the cut, or cut a row earlier.
        for cut in range(n, self.header, -1):
            if all(c is None or c.head for c in self.cells[cut - 1]):
                continue  # a sub-table's head row stays with its first row
            for text_below in (False, True):
                top, bottom = self._cut(cut, text_below)
                first = GridTable(top, self.widths, self.header, self.st, self.ps)
                if first.wrap(availWidth, availHeight)[1] <= availHeight:
                    rest = GridTable(
                        self.cells[: self.header] + bottom, self.widths, self.header, self.st, self.ps
                    )
                    return [first, rest]
        return []  # not even one body row fits: start on the next page

    def _cut(self, n: int, text_below: bool) -> tuple[list[list[_TCell | None]], list[list[_TCell | None]]]:
        """Rows above and from ``n``; a row span across the cut is shortened and continued."""
        top = [[replace(c) if c else None for c in row] for row in self.cells[:n]]
        bottom = [list(row) for row in self.cells[n:]]
        for r, row in enumerate(top):
            for c, cell in enumerate(row):
                if cell and r + cell.rowspan > n:
                    rest = _TCell(
                        cell.text if text_below else "",
                        r + cell.rowspan - n,
                        cell.colspan,
                        cell.align,
                        cell.head,
                    )
                    bottom[0][c] = rest
                    cell.rowspan = n - r
                    if text_below:
                        cell.text = ""
        return top, bottom


# ---- the document ----------------------------------------------------------------------


def _signature(doc: Doc) -> list[str]:
    """Signature lines: the document's own, or the unit and publication date if it has none."""
    lines = [b.text for b in doc.blocks if b.kind == "signature"]
    if lines:
        return lines
    d = doc.report.published
    spaced = bool(doc.report.narrative and doc.report.narrative.spaced_numbers)
    return [doc.report.organization, restyle(f"{d.year}年{d.month}月{d.day}日", spaced, False)]


def _flowables(doc: Doc, ps: PdfStyle, width: float, rng: random.Random) -> list[Flowable]:
    st = _styles(ps)
    lead = ps.body_size * ps.leading
    out: list[Flowable] = []
    blocks: list[Block] = [b for b in doc.blocks if b.kind != "signature"]
    last_heading = 0
    for b in blocks:
        if b.kind == "title":
            out.append(_title(b.text, ps, st["title"], width))
        elif b.kind in ("heading", "subheading"):
            last_heading = len(out)
            out.append(CondPageBreak(lead * 3))  # no heading alone at the foot of a page
            head = BoldParagraph if b.kind == "heading" else Paragraph
            out.append(head(escape(b.text), st[b.kind]))
        elif b.kind == "para":
            assert b.para is not None
            out.append(_p(b.para.text, st["para"]))
        elif b.kind == "table":
            assert b.table is not None
            out.append(Spacer(1, lead * 0.3))
            grid = doc.grids[b.table]
            header = _REPEAT_ROWS.get(grid.name, 0)
            out.append(GridTable(_cells(grid), _col_widths(grid, width, rng), header, st, ps))
            out.append(Spacer(1, lead * 0.3))
    # Name and date stay on the page of the last (short) section, as a signed report never
    # leaves them alone on a page.
    tail = [Spacer(1, lead * rng.uniform(1.0, 2.5))] + [_p(line, st["signature"]) for line in _signature(doc)]
    out.append(KeepTogether(out[last_heading:] + tail))
    return out[:last_heading] + out[-1:]


def _page_number(fmt: str, size: float) -> Callable[[Canvas, SimpleDocTemplate], None]:
    def draw(canvas: Canvas, _doc: SimpleDocTemplate) -> None:
        if not fmt:
            return
        canvas.saveState()
        canvas.setFont(FONT_NAME, size)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, fmt.format(n=canvas.getPageNumber()))
        canvas.restoreState()

    return draw


def render_doc_pdf(doc: Doc, rng: random.Random) -> bytes:
    """PDF bytes of a built :class:`Doc` (identical for identical rng state)."""
    register_cjk_font()
    ps = PdfStyle.draw(rng)
    left, right, top, bottom = ps.margins
    buf = io.BytesIO()
    tmpl = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
        title=doc.report.title,
        author=doc.report.organization,
        invariant=1,  # no timestamps or random document id: same rng, same bytes
    )
    numbers = _page_number(ps.page_number, min(ps.body_size, 12.0))
    avail = tmpl.width - 12  # the frame's default 6 pt padding on each side
    tmpl.build(_flowables(doc, ps, avail, rng), onFirstPage=numbers, onLaterPages=numbers)
    return buf.getvalue()


def render_pdf(report: SyntheticReport, rng: random.Random, doc: Doc | None = None) -> bytes:
    """A realistic A4 text PDF of ``report``; pass ``doc`` to render an already built document."""
    if doc is None:
        doc = build_document(report, rng)
    return render_doc_pdf(doc, rng)
