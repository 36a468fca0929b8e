"""The document model every input backend produces, and the error it raises on bad input.

A backend (text, html, docx, pdf, image) reads one file and returns a :class:`Document`:
the report's text in reading order, with real tables rendered as one line per grid row and
cells separated by TAB, so that every later stage works on one kind of input whatever the
format. Grids are also kept as :class:`TableGrid`; HTML and DOCX grids know where each cell
is printed in the text, and the table reader places their numbers by column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.data.errors import GongkaiError
from gongkai.data.record import SourceFormat


class LoadError(GongkaiError):
    """The file cannot be read as a report. The message is one plain sentence for the user."""


@dataclass
class TableGrid:
    """A table as a rectangular grid after expanding rowspan/colspan.

    ``cells[r][c]`` is the text of the cell covering (r, c); ``origin[r][c]`` is True only
    at a merged cell's top-left position, so renderers can print each value once.
    ``confidence`` optionally holds a 0..1 reading confidence per cell (OCR).
    ``spans[r][c]``, where the backend knows it (HTML, DOCX), is the ``(start, end)`` in
    ``Document.text`` where the cell covering (r, c) is printed (at its origin), None for a
    cell printed empty: with it, the table reader places every number by its column.
    """

    cells: list[list[str]]
    origin: list[list[bool]]
    confidence: list[list[float]] | None = None
    spans: list[list[tuple[int, int] | None]] | None = None
    # anchor[r][c]: the top-left (r0, c0) of the merged cell covering (r, c), where known.
    anchor: list[list[tuple[int, int]]] | None = None

    @property
    def n_rows(self) -> int:
        return len(self.cells)

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.cells), default=0)

    def render_lines(self) -> list[str]:
        """One TAB-separated line per row, each merged value printed once (at its origin)."""
        return [line for line, _ in self.render_rows()]

    def render_rows(self) -> list[tuple[str, list[tuple[int, int] | None]]]:
        """:meth:`render_lines` with, per row, where each origin cell's text sits in its line."""
        out = []
        for row, orow in zip(self.cells, self.origin, strict=False):
            cells = [" ".join(t.split()) if o else "" for t, o in zip(row, orow, strict=False)]
            at: list[tuple[int, int] | None] = []
            pos = 0
            for t in cells:
                at.append((pos, pos + len(t)) if t else None)
                pos += len(t) + 1
            out.append(("\t".join(cells).rstrip("\t"), at))
        return out

    def locate(self, row_starts: dict[int, int]) -> None:
        """Set :attr:`spans` from where each rendered row begins in the document text.

        ``row_starts`` maps a row index to the offset of its line; rows not printed (empty)
        are absent. With :attr:`anchor`, a merged cell's span is its origin's at every position.
        """
        rendered = self.render_rows()
        spans: list[list[tuple[int, int] | None]] = [[None] * len(r) for r in self.cells]
        for r, (_line, at) in enumerate(rendered):
            if r not in row_starts:
                continue
            for c, a in enumerate(at):
                if a is not None:
                    spans[r][c] = (row_starts[r] + a[0], row_starts[r] + a[1])
        if self.anchor is not None:  # a covered position is printed at its cell's origin
            for r, row in enumerate(self.anchor):
                for c, (r0, c0) in enumerate(row):
                    spans[r][c] = spans[r0][c0]
        self.spans = spans



def join_located(
    lines: list[str], table_rows: dict[int, tuple[TableGrid, int]], tables: list[TableGrid], keep
) -> str:
    """The document text from a backend's lines, each grid located in it (:meth:`TableGrid.locate`).

    ``table_rows`` maps a line index to the (grid, row) it prints; ``keep(i, line)`` says which
    lines stay (a backend drops blank lines, site chrome …).
    """
    kept: list[str] = []
    starts: dict[int, dict[int, int]] = {}  # id(grid) -> {row: offset of its line}
    pos = 0
    for i, line in enumerate(lines):
        if not keep(i, line):
            continue
        if i in table_rows:
            grid, r = table_rows[i]
            starts.setdefault(id(grid), {})[r] = pos
        kept.append(line)
        pos += len(line) + 1
    for grid in tables:
        grid.locate(starts.get(id(grid), {}))
    return "\n".join(kept)


@dataclass
class Document:
    """One loaded input: its text (report only, site chrome removed) and what the loader knows.

    ``text`` is raw (not yet normalised); :func:`gongkai.data.normalize.normalize` maps it to
    the record text and keeps offsets back to it.
    """

    text: str
    format: SourceFormat
    path: str = ""
    sha256: str = ""
    encoding: str | None = None
    pages: int | None = None
    title_hint: str | None = None  # e.g. HTML <title> or docx core properties title
    tables: list[TableGrid] = field(default_factory=list)
    from_ocr: bool = False
    # Per-character OCR confidence of ``text`` where known (same length as text), else None.
    char_confidence: list[float] | None = None
