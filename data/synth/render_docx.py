"""Render a document as a .docx: paragraphs, and real tables with merged cells.

Layout ``docx-blank`` prints zero cells as empty Word cells (the corpus chooses the cells),
sometimes puts each table inside a one-cell layout table, and prints the applications
table's header rows again part-way down or cuts that table in two with the header repeated.

Bytes are deterministic for a seed: core properties are fixed to the report's publication
date and the zip entries get a fixed timestamp (python-docx would stamp the current time).
"""

from __future__ import annotations

import random
import zipfile
from datetime import datetime
from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from docx.table import _Cell

from gongkai.data.synth.document import Doc
from gongkai.data.synth.grids import Grid, repeat_header

_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def _add_table(d, grid: Grid, rng: random.Random, nested: bool = False) -> None:
    """Add ``grid`` as a Word table, spans written as ``gridSpan``/``vMerge`` as Word itself does.

    Writing the span properties directly is what ``_Cell.merge`` ends up doing, at a fraction
    of its cost (it re-derives the grid geometry on every call).
    """
    if nested:  # a one-cell layout table holding the report table
        outer = d.add_table(rows=1, cols=1)
        table = outer.cell(0, 0).add_table(len(grid.rows), grid.n_cols)
    else:
        table = d.add_table(rows=len(grid.rows), cols=grid.n_cols)
    table.style = "Table Grid"
    for tr, row in zip(table._tbl.tr_lst, grid.expand(), strict=True):
        seen: set[int] = set()
        for tc, (cell, origin) in zip(list(tr.tc_lst), row, strict=True):
            if id(cell) in seen:  # covered by a colspan that starts further left in this row
                tr.remove(tc)
                continue
            seen.add(id(cell))
            if cell.colspan > 1:
                if tc.width is not None:
                    tc.width = tc.width * cell.colspan
                tc.grid_span = cell.colspan
            if cell.rowspan > 1:
                tc.vMerge = "restart" if origin else "continue"
            if not origin:
                continue
            para = _Cell(tc, table).paragraphs[0]
            if cell.key is None:
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            text = cell.text
            if cell.key is not None and len(text) > 1 and rng.random() < 0.3:
                cut = rng.randint(1, len(text) - 1)  # digits in two runs, as edited documents have
                para.add_run(text[:cut])
                para.add_run(text[cut:])
            elif text:
                para.add_run(text)


def _stable_zip(data: bytes) -> bytes:
    src = zipfile.ZipFile(BytesIO(data))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, src.read(info.filename))
    return out.getvalue()


def render_docx(doc: Doc, rng: random.Random, layout: str = "docx", force: dict | None = None) -> bytes:
    """The document as .docx bytes; ``force`` fixes the layout's choices (``nested``, ``repeat``: tests)."""
    nested, repeat = False, "none"
    if layout == "docx-blank":
        nested = rng.random() < 0.3
        repeat = rng.choice(["none", "none", "inside", "split", "split-bare"])
        nested, repeat = (force or {}).get("nested", nested), (force or {}).get("repeat", repeat)
        doc.choices.update(docx_nested=str(nested), docx_repeat=repeat)
    r = doc.report
    d = Document()
    cp = d.core_properties
    stamp = datetime(r.published.year, r.published.month, r.published.day, 9, 0, 0)
    cp.title, cp.author, cp.last_modified_by = r.title, r.organization, r.organization
    cp.created = cp.modified = stamp
    cp.revision = 1
    headings_builtin = rng.random() < 0.3
    for b in doc.blocks:
        if b.kind == "title":
            p = d.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(b.text)
            run.bold = True
            run.font.size = Pt(22)
        elif b.kind in ("heading", "subheading"):
            if headings_builtin:
                d.add_heading(b.text, level=1 if b.kind == "heading" else 2)
            else:
                p = d.add_paragraph()
                p.paragraph_format.first_line_indent = Pt(32)
                p.add_run(b.text).bold = True
        elif b.kind == "para":
            assert b.para is not None
            p = d.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(32)
            for part in b.para.parts:
                run = p.add_run(part.text)
                if part.topic is None:
                    run.bold = True
        elif b.kind == "table":
            assert b.table is not None
            grid = doc.grids[b.table]
            parts = [grid] if repeat == "none" or b.table != "applications" else repeat_header(
                grid, rng, split=repeat.startswith("split"), again=repeat != "split-bare")
            for i, g in enumerate(parts):
                if i:
                    d.add_paragraph()  # a split table's parts are separate tables
                _add_table(d, g, rng, nested)
        else:
            p = d.add_paragraph(b.text)
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buf = BytesIO()
    d.save(buf)
    return _stable_zip(buf.getvalue())
