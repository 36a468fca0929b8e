"""Layout: turn a stretch of report text into labelled groups of numeric cells.

Tables arrive as TAB cells, one cell per line (with or without ``|``), markdown pipes,
label-then-numbers runs, or grids rendered by the HTML/DOCX backends. All of them reduce
to one token stream — label text, numbers and explicit empty cells — which is then cut
into :class:`Group` s: the label text printed before a run of numbers, and that run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NUM_RE = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
# A cell printed as a dash or slash is an explicit blank.
_BLANK_RE = re.compile(r"^[-—–/／−]+$")
_CJK_START = re.compile(r"^[\u3400-\u9fff(（“]")
_MD_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_SPLIT_WS = re.compile(r"\s+")
_MULTI_SPACE = re.compile(r" {2,}")


@dataclass
class Cell:
    """One numeric cell as printed: its text, value and offsets into the record text."""

    raw: str
    value: int | float
    start: int
    end: int


@dataclass
class Group:
    """A run of numeric (or explicitly empty) cells and the label text printed before it.

    ``cells`` holds None for an explicit empty cell (an empty TAB or grid cell between or
    before numbers); ``lead_empty`` counts empty cells between the label and the first number.
    """

    label: str
    cells: list[Cell | None] = field(default_factory=list)
    start: int = 0
    end: int = 0
    lead_empty: int = 0

    @property
    def numbers(self) -> list[Cell]:
        return [c for c in self.cells if c is not None]


def _parse_number(raw: str) -> int | float:
    s = raw.replace(",", "").replace("−", "-")
    if "." in s:
        return float(s)
    return int(s)


def _line_cells(line: str) -> list[tuple[str, int]]:
    """Split one line into (cell text, offset in line); explicit empty cells are kept."""
    stripped = line.rstrip()
    if "|" in stripped:
        if _MD_RULE.match(stripped):
            return []
        body = stripped.rstrip("|").rstrip()
        lead = len(body) - len(body.lstrip())
        body_l = body.lstrip()
        if body_l.startswith("|"):
            body_l = body_l[1:]
            lead += 1
        sep = "|"
        text, base = body_l, lead
    elif "\t" in stripped:
        sep, text, base = "\t", stripped, 0
    else:
        return [(stripped, 0)] if stripped.strip() else []
    out = []
    pos = 0
    for part in text.split(sep):
        out.append((part, base + pos))
        pos += len(part) + 1
    return out


def tokenize_groups(text: str, start: int = 0, end: int | None = None) -> list[Group]:
    """Cut ``text[start:end]`` into label/number groups (see module docstring)."""
    end = len(text) if end is None else end
    groups: list[Group] = []
    label_parts: list[str] = []
    current: Group | None = None
    pending_empty = 0  # explicit empty cells seen since the last number or label
    pos = start
    for line in text[start:end].split("\n"):
        line_start = pos
        pos += len(line) + 1
        for cell_text, off in _line_cells(line):
            s = cell_text.strip()
            if not s or _BLANK_RE.match(s):
                pending_empty += 1
                continue
            cell_start = line_start + off + (len(cell_text) - len(cell_text.lstrip()))
            # A cell may hold label words and numbers separated by spaces ("行政许可 12").
            pieces = _SPLIT_WS.split(s) if (" " in s or "\u3000" in s) else [s]
            p_off = cell_start
            for i, piece in enumerate(pieces):
                p_start = text.find(piece, p_off, cell_start + len(s) + 1)
                p_start = p_start if p_start >= 0 else p_off
                p_off = p_start + len(piece)
                is_num = bool(_NUM_RE.match(piece))
                # An enumerator such as "1 属于国家秘密" (OCR lost the dot) is label text.
                if is_num and i + 1 < len(pieces) and _CJK_START.match(pieces[i + 1]):
                    is_num = False
                if is_num:
                    if current is None:
                        current = Group(label="".join(label_parts), start=p_start, lead_empty=pending_empty)
                        current.cells.extend([None] * pending_empty)
                        label_parts = []
                        groups.append(current)
                    else:
                        current.cells.extend([None] * pending_empty)
                    pending_empty = 0
                    current.cells.append(Cell(piece, _parse_number(piece), p_start, p_off))
                    current.end = p_off
                else:
                    current = None
                    pending_empty = 0
                    label_parts.append(piece)
        # Empty cells only count inside one delimited line.
        pending_empty = 0
    return groups
