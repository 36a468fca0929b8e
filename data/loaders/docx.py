"""DOCX backend: paragraphs and tables of a Word document in body order.

python-docx opens the package; the body is then walked as XML, because python-docx's
object model hides merged cells behind repeated cell objects and is slow on big tables.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator

import docx
from lxml import etree

from .base import Document, LoadError, TableGrid, join_located
from .numbering import Numbering
from .source import Source, read_source
from .textutil import collapse_ws, join_pieces

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_P, _TBL, _TR, _TC = f"{{{W}}}p", f"{{{W}}}tbl", f"{{{W}}}tr", f"{{{W}}}tc"
_T, _TAB, _BR, _CR = f"{{{W}}}t", f"{{{W}}}tab", f"{{{W}}}br", f"{{{W}}}cr"
_NB_HYPHEN = f"{{{W}}}noBreakHyphen"
_VAL = f"{{{W}}}val"
# Containers whose children belong to the enclosing level (content controls, custom XML,
# inserted/moved revisions).
_TRANSPARENT = {f"{{{W}}}{n}" for n in ("sdt", "sdtContent", "customXml", "smartTag", "ins", "moveTo")}
# Subtrees whose text is not part of the visible document: a second rendering of drawings
# (mc:Fallback), deleted or moved-away revisions, properties.
_SKIP = {f"{{{MC}}}Fallback"} | {
    f"{{{W}}}{n}" for n in ("del", "moveFrom", "pPr", "rPr", "tblPr", "trPr", "tcPr", "sectPr")
}
_TITLE_MAX = 100


def _children(el: etree._Element) -> Iterator[etree._Element]:
    """Children with transparent wrappers (content controls etc.) flattened away."""
    for child in el:
        if child.tag in _TRANSPARENT:
            yield from _children(child)
        elif child.tag not in _SKIP:
            yield child


def _w(el: etree._Element | None, name: str) -> etree._Element | None:
    return None if el is None else el.find(f"{{{W}}}{name}")


def _int_val(el: etree._Element | None, default: int) -> int:
    try:
        return int(el.get(_VAL)) if el is not None and el.get(_VAL) is not None else default
    except ValueError:
        return default


class _Writer:
    """Walks body XML, producing lines in document order and collecting tables."""

    def __init__(self, numbering: Numbering | None, in_cell: bool = False) -> None:
        self.numbering = numbering
        self.in_cell = in_cell
        self.lines: list[str] = []
        self.tables: list[TableGrid] = []
        self.table_rows: dict[int, tuple[TableGrid, int]] = {}  # line index -> (grid, row) it prints

    def block(self, el: etree._Element) -> None:
        for child in _children(el):
            if child.tag == _P:
                self.paragraph(child)
            elif child.tag == _TBL:
                self.table(child)

    def paragraph(self, p: etree._Element) -> None:
        label = self.numbering.label(p) if self.numbering is not None else ""
        text = label + self._runs_text(p)
        for line in text.split("\n"):
            line = collapse_ws(line).strip() if self.in_cell else line.strip(" \t\u3000\xa0")
            self.lines.append(line)

    def _runs_text(self, p: etree._Element) -> str:
        out: list[str] = []
        stack = [p]
        while stack:
            el = stack.pop()
            tag = el.tag
            if tag == _T:
                out.append(el.text or "")
            elif tag == _TAB:
                out.append(" " if self.in_cell else "\t")
            elif tag in (_BR, _CR):
                out.append("\n")
            elif tag == _NB_HYPHEN:
                out.append("-")
            elif tag == _P and el is not p:
                # A paragraph inside a text box: its own line.
                out.append("\n" + self._runs_text(el) + "\n")
            elif tag not in _SKIP and isinstance(tag, str):
                stack.extend(reversed(el))
        return "".join(out)

    def table(self, tbl: etree._Element) -> None:
        if not self.in_cell and _is_layout_table(tbl):
            # A table that boxes the report table (a one-cell frame): its cells are the body.
            for tr in (el for el in _children(tbl) if el.tag == _TR):
                for tc in (el for el in _children(tr) if el.tag == _TC):
                    self.block(tc)
            return
        grid = read_table(tbl, self.numbering)
        if not any(t for row in grid.cells for t in row):
            return
        if self.in_cell:
            # A table nested in a cell: its rows become lines of the cell's text.
            self.lines.extend(" ".join(t for t in row if t) for row in grid.cells)
            return
        self.tables.append(grid)
        for r, line in enumerate(grid.render_lines()):
            if line.strip():
                self.table_rows[len(self.lines)] = (grid, r)
                self.lines.append(line)


def _is_layout_table(tbl: etree._Element) -> bool:
    """A table holding a data table (two rows or more) in one of its cells lays the page out."""
    for inner in tbl.iter(_TBL):
        if inner is not tbl and sum(1 for el in _children(inner) if el.tag == _TR) >= 2:
            return True
    return False


def _cell_text(tc: etree._Element, numbering: Numbering | None) -> str:
    writer = _Writer(numbering, in_cell=True)
    writer.block(tc)
    return join_pieces(writer.lines)


def read_table(tbl: etree._Element, numbering: Numbering | None = None) -> TableGrid:
    """A ``w:tbl`` as a grid: gridSpan, vMerge (restart/continue) and hMerge expanded."""
    rows = [tr for tr in _children(tbl) if tr.tag == _TR]
    cover: dict[tuple[int, int], tuple[str, bool]] = {}
    # Where each merged region started, so that vMerge continuations copy its text.
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    width = 0
    for r, tr in enumerate(rows):
        tr_pr = _w(tr, "trPr")
        c = max(0, min(_int_val(_w(tr_pr, "gridBefore"), 0), 200))  # an absurd offset is not a grid
        for tc in (el for el in _children(tr) if el.tag == _TC):
            tc_pr = _w(tc, "tcPr")
            span = max(1, min(_int_val(_w(tc_pr, "gridSpan"), 1), 200))
            vmerge = _w(tc_pr, "vMerge")
            hmerge = _w(tc_pr, "hMerge")
            start: tuple[int, int] | None = None
            if vmerge is not None and vmerge.get(_VAL, "continue") == "continue" and (r - 1, c) in owner:
                start = owner[(r - 1, c)]
            elif hmerge is not None and hmerge.get(_VAL, "continue") == "continue" and (r, c - 1) in owner:
                start = owner[(r, c - 1)]
            if start is None:
                text = _cell_text(tc, numbering)
                start = (r, c)
            else:
                text = cover[start][0]
            for dc in range(span):
                cover[(r, c + dc)] = (text, (r, c + dc) == start)
                owner[(r, c + dc)] = start
            c += span
        width = max(width, c)
    cells = [[cover.get((r, c), ("", False))[0] for c in range(width)] for r in range(len(rows))]
    origin = [[cover.get((r, c), ("", False))[1] for c in range(width)] for r in range(len(rows))]
    anchors = [[owner.get((r, c), (r, c)) for c in range(width)] for r in range(len(rows))]
    return TableGrid(cells=cells, origin=origin, anchor=anchors)


# A Word report unpacks to a few MB; more is a damaged file or a zip bomb (refused unread).
_MAX_UNPACKED = 256 * 1024 * 1024


def _safe_package(data: bytes) -> bytes:
    """The package re-stored uncompressed after reading every member in bounded chunks.

    python-docx inflates a member in one call, past its declared size if the archive lies about
    it; here each member is read at most 1 MB at a time (zipfile stops at the declared size and
    checks the CRC), and the whole may not exceed :data:`_MAX_UNPACKED`.
    """
    total = 0
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as w:
            if sum(i.file_size for i in z.infolist()) > _MAX_UNPACKED:
                raise LoadError(f"the .docx file would unpack to more than {_MAX_UNPACKED // 2**20} MB: "
                                "a damaged file or a zip bomb")
            for info in z.infolist():
                parts = []
                with z.open(info) as f:
                    while chunk := f.read(1 << 20):
                        total += len(chunk)
                        if total > _MAX_UNPACKED:
                            raise LoadError(f"the .docx file unpacks to more than {_MAX_UNPACKED // 2**20} MB: "
                                            "a damaged file or a zip bomb")
                        parts.append(chunk)
                w.writestr(info.filename, b"".join(parts))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError,
            RuntimeError, zlib.error) as e:
        raise LoadError("the .docx file is damaged or is not a Word document") from e
    return out.getvalue()


def _open(data: bytes) -> docx.document.Document:
    data = _safe_package(data)
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises zip, KeyError, XML and package errors alike
        raise LoadError("the .docx file is damaged or is not a Word document") from e


def load_docx(path_or_bytes: Source) -> Document:
    """Load a .docx report: paragraphs and tables in body order, merged cells expanded.

    ``title_hint`` is the core-properties title, else the first non-empty paragraph.
    Raises :class:`LoadError` for a damaged package or a document without text.
    """
    document = _open(read_source(path_or_bytes))
    writer = _Writer(Numbering.from_document(document))
    writer.block(document.element.body)
    text = join_located(writer.lines, writer.table_rows, writer.tables, lambda _i, line: bool(line.strip()))
    if not text.strip():
        raise LoadError("the Word document contains no text")
    title = (document.core_properties.title or "").strip()
    if not title:
        first = next((line for line in writer.lines if line.strip()), "")
        title = first if len(first) <= _TITLE_MAX and "\t" not in first else ""
    return Document(text=text, format="docx", title_hint=title or None, tables=writer.tables)
