"""PDF backend: per-page routing between the text layer and OCR, tables as TAB lines.

Each page is read by pdfium and routed (:func:`gongkai.data.loaders.pdf_text.assess`): a
usable text layer is read as it is — running text by glyph geometry, ruled tables from the
PDF's vector lines (:mod:`.pdf_tables`) filled with the glyphs inside each cell — and a page
without one (a scan, mojibake fonts, outlined glyphs) is rendered and OCR'd
(:mod:`.ocr_page`), in worker processes. Pages are read in chunks so that
memory stays bounded on long files; tables continued over a page break are joined.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium

from .base import Document, LoadError
from .page_layout import Block, assemble, group_lines, is_page_number, line_text, table_block
from .pdf_tables import find_grids
from .pdf_text import PageText, assess, display_transform, read_page
from .ruled import fill_cells
from .table_join import join_continued

PdfInput = str | bytes  # a path or the file's bytes, as pdfium opens them
_CHUNK = 40  # pages read (glyphs held in memory) at a time
_MIN_RULE_PATHS = 6  # path segments: fewer cannot rule a table of two rows and two columns
_MARGIN = 0.1  # page numbers are dropped only in the top/bottom tenth of the page


def open_pdf(src: PdfInput) -> pdfium.PdfDocument:
    """Open a PDF or raise :class:`LoadError` saying plainly why it cannot be read."""
    try:
        pdf = pdfium.PdfDocument(src)
    except pdfium.PdfiumError as e:
        msg = str(e).lower()
        if "password" in msg:
            raise LoadError("the PDF is encrypted (password-protected) and cannot be read") from None
        if "format" in msg or "file" in msg:
            raise LoadError("the PDF is corrupted or truncated and cannot be read") from None
        raise LoadError(f"the PDF cannot be read: {e}") from None
    if len(pdf) == 0:
        pdf.close()
        raise LoadError("the PDF has no pages")
    return pdf


def text_page_blocks(pt: PageText, grids: list) -> list[Block]:
    """Blocks of a page read from its text layer: ruled tables, then the lines around them."""
    blocks: list[Block] = []
    rest = pt.glyphs
    for g in sorted(grids, key=lambda g: g.ys[0]):
        texts, rest = fill_cells(g, rest)
        if not any(t.strip() for t in texts.values()):
            continue  # a frame with nothing in it (a border, a signature box)
        blocks.append(table_block(g.ys[0], g.to_table(texts), xs=[x / pt.width for x in g.xs]))
    for line in group_lines(rest):
        text, _ = line_text(line, tabs=True)
        if not text.strip():
            continue
        in_margin = line.bottom < _MARGIN * pt.height or line.top > (1 - _MARGIN) * pt.height
        if in_margin and is_page_number(text):
            continue  # a running page number would read as a stray table cell
        blocks.append(Block(top=line.top, lines=[text]))
    return sorted(blocks, key=lambda b: b.top)


def _chunks(n: int) -> Iterator[range]:
    for start in range(0, n, _CHUNK):
        yield range(start, min(start + _CHUNK, n))


def _progress(total: int, desc: str):
    from tqdm import tqdm

    # Shown only on an interactive terminal (disable=None) and only for long work.
    return tqdm(total=total, desc=desc, unit="page", disable=None if total >= 20 else True, leave=False)


def load_pdf(src: str | os.PathLike[str] | bytes, *, workers: int | None = None, dpi: int = 200) -> Document:
    """Read a PDF into a :class:`Document` (format ``pdf``, or ``pdf-scanned`` if any page was OCR'd)."""
    source: PdfInput = src if isinstance(src, bytes) else str(Path(src))
    pdf = open_pdf(source)
    n_pages = len(pdf)
    title = (pdf.get_metadata_dict().get("Title") or "").strip() or None
    page_blocks: list[list[Block]] = [[] for _ in range(n_pages)]
    ocr_pages: list[int] = []
    try:
        with _progress(n_pages, "text layer") as bar:
            for chunk in _chunks(n_pages):
                texts: dict[int, PageText] = {}
                transforms = {}
                for i in chunk:
                    page = pdf[i]
                    try:
                        pt = read_page(page)
                        route = assess(pt)
                        if route == "text":
                            texts[i] = pt
                            transforms[i] = display_transform(page, pt.width, pt.height)
                        elif route == "ocr":
                            ocr_pages.append(i)
                    finally:
                        page.close()
                # Only pages that draw lines can hold a ruled table: camelot is the costly step.
                ruled = sorted(i for i, pt in texts.items() if pt.n_paths >= _MIN_RULE_PATHS)
                grids = find_grids(source, ruled, transforms)
                for i, pt in texts.items():
                    page_blocks[i] = text_page_blocks(pt, grids.get(i, []))
                bar.update(len(chunk))
    finally:
        pdf.close()
    if ocr_pages:
        from .ocr_run import ocr_pdf_pages

        for i, blocks in ocr_pdf_pages(source, ocr_pages, dpi=dpi, workers=workers).items():
            page_blocks[i] = blocks
    page_blocks = join_continued(page_blocks)
    text, char_conf = assemble([b for blocks in page_blocks for b in blocks])
    tables = [b.table for blocks in page_blocks for b in blocks if b.table is not None]
    return Document(
        text=text,
        format="pdf-scanned" if ocr_pages else "pdf",
        pages=n_pages,
        tables=tables,
        from_ocr=bool(ocr_pages),
        char_confidence=char_conf,
        title_hint=title,  # the document properties' title, used when the text shows none
    )


__all__ = ["load_pdf", "open_pdf", "text_page_blocks"]
