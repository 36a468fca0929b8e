"""The document model every input backend produces, and the error it raises on bad input.

A backend (text, html, docx, pdf, image) reads one file and returns a :class:`Document`:
the report's text in reading order, with real tables rendered as one line per grid row and
cells separated by TAB, so that every later stage works on one kind of input whatever the
format. Grids are also kept as :class:`TableGrid` for stages that want geometry.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class LoadError(Exception):
    """The file cannot be read as a report. The message is one plain sentence for the user."""


@dataclass
class TableGrid:
    """A table as a rectangular grid after expanding rowspan/colspan.

    ``cells[r][c]`` is the text of the cell covering (r, c); ``origin[r][c]`` is True only
    at a merged cell's top-left position, so renderers can print each value once.
    ``confidence`` optionally holds a 0..1 reading confidence per cell (OCR).
    """

    cells: list[list[str]]
    origin: list[list[bool]]
    confidence: list[list[float]] | None = None

    @property
    def n_rows(self) -> int:
        return len(self.cells)

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.cells), default=0)

    def render_lines(self) -> list[str]:
        """One TAB-separated line per row, each merged value printed once (at its origin)."""
        lines = []
        for row, orow in zip(self.cells, self.origin, strict=False):
            cells = [
                " ".join(t.split()) if o else ""
                for t, o in zip(row, orow, strict=False)
            ]
            lines.append("\t".join(cells).rstrip("\t"))
        return lines


@dataclass
class Document:
    """One loaded input: its text (report only, site chrome removed) and what the loader knows.

    ``text`` is raw (not yet normalised); :func:`gongkai.data.normalize.normalize` maps it to
    the record text and keeps offsets back to it.
    """

    text: str
    format: str
    path: str = ""
    sha256: str = ""
    encoding: str | None = None
    pages: int | None = None
    title_hint: str | None = None  # e.g. HTML <title> or docx core properties title
    tables: list[TableGrid] = field(default_factory=list)
    from_ocr: bool = False
    # Per-character OCR confidence of ``text`` where known (same length as text), else None.
    char_confidence: list[float] | None = None
