"""Layout: turn a stretch of report text into labelled groups of numeric cells.

Tables arrive as TAB cells, one cell per line (with or without ``|``), markdown pipes,
label-then-numbers runs, or grids rendered by the HTML/DOCX backends. All of them reduce
to one token stream — label text, numbers and explicit empty cells — which is then cut
into :class:`Group` s: the label text printed before a run of numbers, and that run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gongkai.data.form import application_rows
from gongkai.data.numbers import is_digits, parse_number

# A numeric cell: optional sign, thousands commas, decimals, a unit word some tables print
# in every cell, and the letters OCR reads for digits (O for 0, l/I for 1) when mixed with
# digits or standing alone as 〇/O. ASCII digits only; linear time on any token (a nested
# ``[\dOol]*\d[\dOol]*`` backtracks quadratically on a long digit run that does not match).
_NUM_RE = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|(?=[Ool]*\d)[\dOol]+|[〇O])(?:\.\d+)?(?:件|个|次|万元|元)?$", re.ASCII)
# A cell printed as a dash or slash is an explicit blank.
_BLANK_RE = re.compile(r"^[-—–/／−]+$")
# How the numbered sub-rows' labels begin (属于…, 本机关…): a small number printed just
# before one of these is the row's enumerator with its dot lost, not a value.
_SUB_ROW_STARTS = frozenset(
    r.label.split(".", 1)[1][:2] for r in application_rows(True) if re.match(r"^\d\.", r.label)
)
_MD_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_TOKEN = re.compile(r"\S+")
# Separators some reports use inside one cell: "予以公开：1，0，0" (same length, so offsets hold).
_LIST_SEP_CHARS = frozenset("，、;；:：")
_LIST_SEP = re.compile(r"(?<=\d)[，、;；](?=\d)|[:：](?=\d)")
_HAS_DIGIT = re.compile(r"\d")
# A digit next to a Chinese character: numbers printed against their labels.
_GLUED = re.compile(r"\d[\u3400-\u9fff(“]|[\u3400-\u9fff)”]\d")
_RUN = re.compile(r"\d+(?:\.\d+)?")
_ENUM_AFTER = re.compile(r"[.、](?=[\u3400-\u9fff“(]|$)")
_WORD_SUFFIX = re.compile(r"[年月日号条项部期届次批季度件个人家篇万%]")


@dataclass
class Cell:
    """One numeric cell as printed: its text, value and offsets into the record text."""

    raw: str
    value: int | float | None  # None: digits printed, but no plausible value (numbers.parse_number)
    start: int
    end: int
    glued: bool = False  # printed against words or other digits: may hold several cells


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
    after: str = ""  # label text printed right after the numbers (a broken label's tail)

    @property
    def numbers(self) -> list[Cell]:
        return [c for c in self.cells if c is not None]


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


# A run of 5+ digits against words: table cells glued together, not a prose figure.
_CELL_RUN = re.compile(r"\d{5,}(?![\d.])")


def _last_cell_end(text: str) -> int:
    """End of the last long digit run in ``text`` (0 if none): where glued table cells stop."""
    ends = [m.end() for m in _CELL_RUN.finditer(text)]
    return ends[-1] if ends else 0


def _split_glued(piece: str, start: int) -> list[tuple[str, int]]:
    """Cut numbers out of words they are printed against ("规章000行政规范性文件88").

    Text scraped from a table without cell separators glues labels and numbers together;
    a digit run is a number unless it is part of the words (第2条, 2022年) or the row
    enumerator of the next label ("00000002.其他…": the last 2 numbers the next row).
    """
    if _NUM_RE.match(piece):
        return [(piece, start)]
    if "。" in piece:
        # Prose: only the words before its first sentence may still be a table glued to it
        # (a site's text version runs the table into the next section's opening sentence).
        cut = piece.rfind("。", 0, piece.find("。") + 1)
        head_end = _last_cell_end(piece[:cut])
        lead = _RUN.match(piece)  # digits opening the piece: the end of a row split by a space
        if lead and not _WORD_SUFFIX.match(piece, lead.end()):
            head_end = max(head_end, lead.end())
        if head_end == 0:
            return [(piece, start)]
        return [*_split_glued(piece[:head_end], start), (piece[head_end:], start + head_end)]
    out: list[tuple[str, int]] = []
    pos = 0
    for m in _RUN.finditer(piece):
        a, b = m.start(), m.end()
        if piece[a - 1 : a] == "第" or _WORD_SUFFIX.match(piece, b):
            continue
        if _ENUM_AFTER.match(piece, b):
            b -= 1  # the run's last digit is the next row's enumerator
            if b == a:
                continue
        if a > pos:
            out.append((piece[pos:a], start + pos))
        out.append((piece[a:b], start + a))
        pos = b
    if pos < len(piece):
        out.append((piece[pos:], start + pos))
    return out


def tokenize_groups(text: str, start: int = 0, end: int | None = None) -> list[Group]:
    """Cut ``text[start:end]`` into label/number groups (see module docstring)."""
    end = len(text) if end is None else end
    groups: list[Group] = []
    label_parts: list[str] = []
    current: Group | None = None
    pending_empty = 0  # explicit empty cells seen since the last number or label
    glued_at: set[int] = set()  # starts of pieces cut out of glued text
    pos = start
    for line in text[start:end].split("\n"):
        line_start = pos
        pos += len(line) + 1
        if not _HAS_DIGIT.search(line) and "\t" not in line and "|" not in line:
            # A line of words only (labels, headers, prose): no cells to place.
            if line.strip():
                current = None
                label_parts.append(line.strip())
            pending_empty = 0
            continue
        for cell_text, off in _line_cells(line):
            s = cell_text.strip()
            if not s or _BLANK_RE.match(s):
                pending_empty += 1
                continue
            cell_start = line_start + off + (len(cell_text) - len(cell_text.lstrip()))
            if _LIST_SEP_CHARS.intersection(s):
                s = _LIST_SEP.sub(" ", s)  # "予以公开：1，0，0" lists numbers in one cell
            if " " not in s:  # the common case: one token per cell
                pieces = [(s, cell_start)]
            else:  # label words and numbers separated by spaces ("行政许可 12")
                pieces = [(m.group(), cell_start + m.start()) for m in _TOKEN.finditer(s)]
            if not is_digits(s) and _GLUED.search(s):
                split = [sub for pc in pieces for sub in _split_glued(*pc)]
                if len(split) != len(pieces):
                    glued_at.update(st for _t, st in split)
                pieces = split
            for i, (piece, p_start) in enumerate(pieces):
                is_num = is_digits(piece) or _NUM_RE.match(piece) is not None
                # An enumerator such as "1 属于国家秘密" (OCR lost the dot) is label text;
                # a number glued to the next word ("规章000行政…") is not.
                if (
                    is_num
                    and i + 1 < len(pieces)
                    and len(piece) <= 2
                    and piece[0] != "0"
                    and (i == 0 or pieces[i - 1][1] + len(pieces[i - 1][0]) < p_start)
                    and pieces[i + 1][1] > p_start + len(piece)
                    and pieces[i + 1][0][:2] in _SUB_ROW_STARTS
                ):
                    is_num = False
                if not is_num:
                    current = None
                    pending_empty = 0
                    label_parts.append(piece)
                    continue
                if current is None:
                    current = Group(label="".join(label_parts), start=p_start, lead_empty=pending_empty)
                    label_parts = []
                    groups.append(current)
                if pending_empty:
                    current.cells.extend([None] * pending_empty)
                    pending_empty = 0
                p_end = p_start + len(piece)
                glued = p_start in glued_at or (len(piece) > 1 and piece[0] == "0" and is_digits(piece))
                current.cells.append(Cell(piece, parse_number(piece), p_start, p_end, glued))
                current.end = p_end
        # Empty cells only count inside one delimited line.
        pending_empty = 0
    for g, nxt in zip(groups, groups[1:], strict=False):
        g.after = nxt.label
    if groups:
        groups[-1].after = "".join(label_parts)
    return groups
