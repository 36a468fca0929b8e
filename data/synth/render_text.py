"""Render a document as plain text in one of the table layouts real TXT/MD reports show.

Layouts (how the three tables are printed; the narrative is the same in all):

``tab``       TAB-separated cells, merged label columns as empty cells (like most seeds).
``pipe``      one cell per line ending in `` |``, row ends padded with pipes (`` | ||||``).
``lines``     one cell per line, no separators.
``markdown``  markdown pipe tables and ``#`` headings.
``flat``      each row as its labels followed by space-separated numbers on one line.
``broken``    tab layout with some rows broken across two lines (numbers on the next line,
              or a label split mid-word with its tail on the next line).
``ocr``       tab layout with labels broken by spaces and line breaks, rowspan labels spread
              over the rows they span, full/half-width parentheses mixed.
``glued``     each table on one line with no cell separators, as text scraped from a web
              page gives it: labels against numbers, numbers against each other.
``runon``     flat text with the rows run together: labels and numbers separated by spaces,
              several rows (or the whole table) on one line; half of these reports open with a
              page-metadata block (索引号 / 发布机构 / 名称 / 发布日期, labels sometimes without
              their colon) before the title.
``sitetext``  a site's own text version of the report page: a header block (标题 / 发布时间 /
              文号 / 发布机构 / 栏目 / 原文链接), a ``正文`` marker, site chrome words (当前位置,
              来源, 微信 微博 …), then the whole report as running text with every table glued.

Any layout can drop cells (``dropped``: value cells of ``applications`` left out of the
rendering entirely). :func:`render_text` returns the text and the gold segments located in it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from gongkai.data.loaders.base import TableGrid
from gongkai.data.synth.document import Doc
from gongkai.data.synth.grids import Cell, Grid
from gongkai.data.synth.narrative import Paragraph

TEXT_LAYOUTS = ("tab", "pipe", "lines", "markdown", "flat", "broken", "ocr", "glued", "runon", "sitetext")


@dataclass
class TextOptions:
    """Print choices for one text rendering (drawn by :func:`draw_options`)."""

    layout: str
    blank_lines: bool = True  # a blank line between blocks
    indent: str = ""  # paragraph first-line indent, outside any segment
    wrap: int | None = None  # hard line breaks inside paragraphs every ``wrap`` characters
    md_headings: bool = False
    compact: bool = False  # tab: leave out the empty cells a colspan leaves in its own row
    trailing_tabs: bool = True
    leading_blank: int = 0
    dropped: frozenset[str] = field(default_factory=frozenset)
    # Filled by the glued layouts: cells whose glued digits more than one reading fits (the
    # row's own sums included), so that no parser can know them from the print.
    undecidable: set[str] = field(default_factory=set)


def draw_options(
    layout: str, rng: random.Random, dropped: frozenset[str] = frozenset(), markdown: bool = False
) -> TextOptions:
    wrap_p = {"ocr": 0.6, "broken": 0.4, "markdown": 0.0}.get(layout, 0.1)
    return TextOptions(
        layout=layout,
        blank_lines=rng.random() < 0.7,
        indent=rng.choice(["", "", "", "　　", "  "]) if layout != "markdown" else "",
        wrap=rng.randint(28, 48) if rng.random() < wrap_p else None,
        md_headings=markdown or layout == "markdown" or rng.random() < 0.08,
        compact=rng.random() < 0.35,
        trailing_tabs=rng.random() < 0.5,
        leading_blank=rng.choice([0, 0, 1, 2]),
        dropped=dropped,
    )


class _Out:
    """Accumulates text and the offsets of segment parts written into it."""

    def __init__(self) -> None:
        self.chunks: list[str] = []
        self.pos = 0
        self.segments: list[dict] = []

    def write(self, s: str) -> None:
        self.chunks.append(s)
        self.pos += len(s)

    def segment(self, s: str, topic: str | None, categories: tuple[str, ...]) -> None:
        if topic:
            self.segments.append(
                {
                    "topic": topic,
                    "text": s,
                    "categories": list(categories),
                    "start": self.pos,
                    "end": self.pos + len(s),
                }
            )
        self.write(s)

    def text(self) -> str:
        return "".join(self.chunks)


_NO_LINE_START = set("，。、；：？！）”’》,.;:)")


def emit_paragraph(out: _Out, para: Paragraph, indent: str = "", wrap: int | None = None) -> None:
    """Write one paragraph; hard wraps inside a part stay in its segment text."""
    out.write(indent)
    full = para.text
    breaks = []
    if wrap:
        for b in range(wrap, len(full), wrap):
            # Typesetting keeps closing punctuation off the start of a line.
            while b < len(full) and full[b] in _NO_LINE_START:
                b += 1
            if b < len(full) and (not breaks or b > breaks[-1]):
                breaks.append(b)
    pos = 0
    for part in para.parts:
        s, e = pos, pos + len(part.text)
        if s in breaks:
            out.write("\n")  # a break exactly between parts belongs to neither
        pieces, last = [], s
        for b in breaks:
            if s < b < e:
                pieces += [full[last:b], "\n"]
                last = b
        pieces.append(full[last:e])
        out.segment("".join(pieces), part.topic, part.categories)
        pos = e


# ---- table layouts ---------------------------------------------------------------------


@dataclass
class _Pos:
    text: str  # what is shown at this position ("" for merged continuations)
    cell: Cell
    origin: bool
    same_row: bool  # continuation of a colspan whose origin is in this row
    dropped: bool


def _matrix(grid: Grid, dropped: frozenset[str]) -> list[list[_Pos]]:
    out = []
    for row in grid.expand():
        seen: set[int] = set()
        cells = []
        for cell, origin in row:
            same = not origin and id(cell) in seen
            seen.add(id(cell))
            cells.append(_Pos(cell.text if origin else "", cell, origin, same, cell.key in dropped))
        out.append(cells)
    return out


def _tab_row(row: list[_Pos], compact: bool) -> list[str]:
    return [p.text for p in row if not p.dropped and not (compact and p.same_row)]


def _join_tab(cells: list[str], trailing: bool) -> str:
    line = "\t".join(cells)
    return line if trailing else line.rstrip("\t")


def _tab(grid: Grid, o: TextOptions, rng: random.Random) -> list[str]:
    return [_join_tab(_tab_row(r, o.compact), o.trailing_tabs) for r in _matrix(grid, o.dropped)]


def _pipe(grid: Grid, o: TextOptions, rng: random.Random) -> list[str]:
    lines = []
    for row in _matrix(grid, o.dropped):
        items = [p.text for p in row if p.origin and not p.dropped]
        merged = sum(1 for p in row if not p.origin)
        row_lines = [f"{t} |".lstrip() for t in items]
        if row_lines:
            row_lines[-1] += " " + "|" * max(merged, 1)
        lines += row_lines
    return lines


def _lines(grid: Grid, o: TextOptions, rng: random.Random) -> list[str]:
    return [p.text for row in _matrix(grid, o.dropped) for p in row if p.origin and not p.dropped and p.text]


def _markdown(grid: Grid, o: TextOptions, rng: random.Random) -> list[str]:
    lines = []
    for i, row in enumerate(_matrix(grid, o.dropped)):
        cells = [p.text for p in row if not p.dropped]
        lines.append("| " + " | ".join(cells) + " |")
        if i == 0:
            lines.append("|" + "|".join(["---"] * len(cells)) + "|")
    return lines


def _flat(grid: Grid, o: TextOptions, rng: random.Random) -> list[str]:
    lines = []
    for row in _matrix(grid, o.dropped):
        labels = [p.text for p in row if p.origin and p.cell.key is None and p.text]
        nums = [p.text for p in row if p.origin and p.cell.key is not None and not p.dropped and p.text]
        if labels or nums:
            lines.append(" ".join(labels + nums))
    return lines


def _digit_readings(chunks: list[str], parts: int, limit: int = 2):
    """Up to ``limit`` ways to cut digit ``chunks`` into ``parts`` numbers (no leading zeros)."""
    found: list[list[int]] = []

    def cut(ci: int, pos: int, acc: list[int]) -> None:
        if len(found) >= limit:
            return
        if ci == len(chunks):
            if len(acc) == parts:
                found.append(list(acc))
            return
        chunk = chunks[ci]
        if pos == len(chunk):
            if pos:  # a chunk ends only after at least one number
                cut(ci + 1, 0, acc)
            return
        left = parts - len(acc)
        if left <= 0:
            return
        ends = [pos + 1] if chunk[pos] == "0" else range(pos + 1, len(chunk) + 1)
        for e in ends:
            acc.append(int(chunk[pos:e]))
            cut(ci, e, acc)
            acc.pop()

    cut(0, 0, [])
    return found


def _row_sums_hold(keys: list[str], values: list[int]) -> bool:
    """The row's own relations: an applications row's parts sum to its 总计; each review
    group's four results sum to its 总计."""
    if len(keys) == 7 and keys[0].startswith("applications."):
        return sum(values[:6]) == values[6]
    if len(keys) == 15 and keys[0].startswith("review_litigation."):
        return all(sum(values[i : i + 4]) == values[i + 4] for i in range(0, 15, 5))
    return True


def _undecidable(chunks: list[str], keys: list[str]) -> bool:
    """More than one reading of the glued ``chunks`` fits the row (a parser cannot know)."""
    if not all(c.isdigit() for c in chunks):
        return False  # amounts and signed numbers keep their own separators
    total = sum(len(c) for c in chunks)
    if total == len(keys):
        return False
    fits = 0
    for reading in _digit_readings(chunks, len(keys), limit=5000):
        fits += _row_sums_hold(keys, reading)
        if fits > 1:
            return True
    return False


def _glued(grid: Grid, o: TextOptions, rng: random.Random) -> list[str]:
    """The whole table on one line, cells run together as text scraped from a page gives it:
    labels against numbers, numbers against each other ("一、本年新收…申请数量 713000074二、…")."""
    parts = []
    for row in _matrix(grid, o.dropped):
        labels = "".join(p.text for p in row if p.origin and p.cell.key is None and p.text)
        cells = [p for p in row if p.origin and p.cell.key is not None and not p.dropped and p.text]
        nums = [p.text for p in cells]
        if len(nums) > 1 and rng.random() < 0.2:  # now and then one space survives
            k = rng.randint(1, len(nums) - 1)
            chunks = ["".join(nums[:k]), "".join(nums[k:])]
        else:
            chunks = ["".join(nums)] if nums else []
        run = " ".join(chunks)
        if len(nums) > 1 and _undecidable(chunks, [p.cell.key for p in cells]):
            o.undecidable.update(p.cell.key for p in cells)
        if labels or run:
            parts.append(labels + (" " if labels and rng.random() < 0.5 else "") + run)
    return [rng.choice(["", " "]).join(parts)]


def _flat_rows(grid: Grid, o: TextOptions) -> list[tuple[list[str], list[str]]]:
    """(labels, numbers) of every printed row, as :func:`_flat` prints them."""
    out = []
    for row in _matrix(grid, o.dropped):
        labels = [p.text for p in row if p.origin and p.cell.key is None and p.text]
        nums = [p.text for p in row if p.origin and p.cell.key is not None and not p.dropped and p.text]
        if labels or nums:
            out.append((labels, nums))
    return out


def _runon(grid: Grid, o: TextOptions, rng: random.Random) -> list[str]:
    """Flat rows run together: 1–6 rows per line (sometimes the whole table), cells spaced.

    In a third of the tables, runs of consecutive data rows print their labels first and
    then all their numbers (a page whose label column and value columns were flattened one
    after the other): "行政处罚 行政强制 246 3".
    """
    rows = _flat_rows(grid, o)
    labels_first = rng.random() < 0.35
    parts: list[str] = []
    i = 0
    while i < len(rows):
        labels, nums = rows[i]
        k = 1
        if labels_first and nums:
            while i + k < len(rows) and rows[i + k][1] and k < rng.randint(2, 4):
                k += 1
        if k > 1:
            block = rows[i : i + k]
            parts.append(" ".join([lb for ls, _n in block for lb in ls] + [n for _l, ns in block for n in ns]))
        else:
            parts.append(" ".join(labels + nums))
        i += k
    if rng.random() < 0.3:
        return [" ".join(parts)]
    lines, i = [], 0
    while i < len(parts):
        k = rng.randint(1, 6)
        lines.append(" ".join(parts[i : i + k]))
        i += k
    return lines


def _broken(grid: Grid, o: TextOptions, rng: random.Random) -> list[str]:
    matrix = _matrix(grid, o.dropped)
    body = [i for i, r in enumerate(matrix) if any(p.cell.key for p in r)]
    chosen = (
        set(rng.sample(body, min(len(body), rng.randint(2, 5))))
        if grid.name != "review_litigation"
        else set()
    )
    lines = []
    for i, row in enumerate(matrix):
        cells = _tab_row(row, o.compact)
        if i not in chosen:
            lines.append(_join_tab(cells, o.trailing_tabs))
            continue
        kept = [p for p in row if not p.dropped and not (o.compact and p.same_row)]
        first_value = next((k for k, p in enumerate(kept) if p.cell.key), len(kept))
        label_idx = [k for k in range(first_value) if len(cells[k]) >= 6]
        if label_idx and rng.random() < 0.5:  # label split mid-word, tail on the next line
            j = label_idx[-1]
            cut = rng.randint(2, len(cells[j]) - 2)
            head, tail = cells[j][:cut], cells[j][cut:]
            cells[j] = head
            lines += [_join_tab(cells, o.trailing_tabs), "\t" * j + tail]
        else:  # labels on one line, the numbers on the next
            lines += ["\t".join(cells[:first_value]).rstrip("\t"), "\t".join(cells[first_value:])]
    return lines


_FLIP = str.maketrans({"（": "(", "）": ")", "(": "（", ")": "）"})


def _spaced(text: str, rng: random.Random) -> str:
    """Insert 1–3 spaces between Chinese characters, as OCR/PDF extraction does."""
    slots = [
        i
        for i in range(1, len(text))
        if "\u4e00" <= text[i - 1] <= "\u9fff" and "\u4e00" <= text[i] <= "\u9fff"
    ]
    for i in sorted(rng.sample(slots, min(len(slots), rng.randint(1, 3))), reverse=True):
        text = text[:i] + " " + text[i:]
    return text


def _ocr(grid: Grid, o: TextOptions, rng: random.Random) -> list[str]:
    matrix = _matrix(grid, o.dropped)
    extra: dict[int, list[str]] = {}
    for r, row in enumerate(matrix):
        for c, p in enumerate(row):
            if not p.origin or p.cell.key is not None or not p.text:
                continue
            text = p.text
            if rng.random() < 0.4:
                text = text.translate(_FLIP)
            if len(text) >= 4 and rng.random() < 0.35:
                text = _spaced(text, rng)
            if p.cell.rowspan > 1 and not p.cell.header and len(text) >= 4 and rng.random() < 0.7:
                # A tall merged cell: its text comes out spread over the rows it spans.
                cut = len(text) - rng.randint(1, min(3, len(text) - 2))
                k = rng.randint(1, min(4, p.cell.rowspan - 1))
                text, matrix[r + k][c].text = text[:cut], text[cut:].strip() or text[cut:]
            elif grid.name == "applications" and len(text) > 16 and rng.random() < 0.5:
                cut = rng.randint(8, 14)
                text, tail = text[:cut], text[cut:]
                extra.setdefault(r, []).append("\t" * c + tail)
            p.text = text
    lines = []
    for r, row in enumerate(matrix):
        lines.append(_join_tab(_tab_row(row, False), o.trailing_tabs))
        lines += extra.get(r, [])
    return lines


_LAYOUT_FUNCS = {
    "tab": _tab,
    "pipe": _pipe,
    "lines": _lines,
    "markdown": _markdown,
    "flat": _flat,
    "broken": _broken,
    "ocr": _ocr,
    "glued": _glued,
    "runon": _runon,
    "sitetext": _glued,
}


def table_lines(grid: Grid, o: TextOptions, rng: random.Random) -> list[str]:
    """A table printed in layout ``o.layout``."""
    return _LAYOUT_FUNCS[o.layout](grid, o, rng)


# ---- the whole document ----------------------------------------------------------------


_META_LABELS = ("索引号", "信息分类", "发布机构", "名称", "文号", "发布日期", "主题词")


def _index_number(doc: Doc, rng: random.Random) -> str:
    code = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(18))
    return f"{code}/{doc.report.published.year}-{rng.randint(1, 99999):05d}"


def page_meta_block(doc: Doc, rng: random.Random) -> str:
    """A CMS page's metadata table before the report (索引号 / 发布机构 / 名称 / 发布日期).

    One field per line or all on one line; the label's colon is sometimes lost in scraping
    (名称沭阳县…); 名称 holds the unit or the report title.
    """
    r = doc.report
    fields = {
        "索引号": _index_number(doc, rng),
        "信息分类": rng.choice(["政府信息公开年报", "年度报告", "政务公开"]),
        "发布机构": r.title_organization,
        "名称": rng.choice([r.title_organization, r.title]),
        "文号": "",
        "发布日期": r.published.isoformat() if rng.random() < 0.6 else f"{r.published:%Y年%m月%d日}",
        "主题词": "",
    }
    order = [k for k in _META_LABELS if k in ("索引号", "发布机构", "名称", "发布日期") or rng.random() < 0.5]
    colon = rng.choice(["：", ":", ""])
    parts = [f"{k}{colon}{fields[k]}" for k in order]
    return ("\n" if rng.random() < 0.6 else rng.choice([" ", "　", ""])).join(parts)


def _site_header(doc: Doc, rng: random.Random) -> str:
    """The header block and 正文 marker a site's text version of a report page starts with."""
    r = doc.report
    when = f"{r.published.isoformat()} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}"
    path = f"{r.published:%Y%m}/t{r.published:%Y%m%d}_{rng.randint(10000, 99999)}"
    lines = [
        f"标题: {r.title}",
        f"发布时间: {when}",
        "文号: ",
        f"发布机构: {r.title_organization if rng.random() < 0.5 else ''}",
        "栏目: 政府信息公开年报",
        f"原文链接: https://www.example.gov.cn/zwgk/zfxxgk/zfxxgknb/{path}.htm",
    ]
    return "\n".join(lines) + "\n" + "=" * 20 + " 正文 " + "=" * 20 + "\n"


def _site_chrome(doc: Doc, rng: random.Random) -> str:
    r = doc.report
    crumbs = rng.choice(["首页政务公开政府信息公开政府信息公开年报", "首页 > 政务公开 > 政府信息公开年报"])
    return (
        f"当前位置： {crumbs} {r.title} 来源：{r.title_organization} 时间：{r.published.isoformat()} "
        + rng.choice(["微信 微博 QQ空间 全真版 文字版 文件下载 相关链接： --> ", "【字体：大 中 小】 打印 ", ""])
    )


def _render_site(doc: Doc, o: TextOptions, rng: random.Random) -> tuple[str, list[dict]]:
    """A site's text version: header, 正文, chrome, then the report as one run of text."""
    out = _Out()
    out.write(_site_header(doc, rng))
    out.write(_site_chrome(doc, rng))
    joiner = rng.choice(["", " "])
    for i, b in enumerate(doc.blocks):
        if i:
            out.write(joiner if b.kind != "heading" else rng.choice(["", " "]))
        if b.kind == "title":
            if rng.random() < 0.5:
                out.write(b.text)
        elif b.kind == "para":
            assert b.para is not None
            emit_paragraph(out, b.para)
        elif b.kind == "table":
            assert b.table is not None
            out.write(" ".join(table_lines(doc.grids[b.table], o, rng)))
        else:
            out.write(b.text)
    out.write(rng.choice(["", " 【打印本页】 【关闭窗口】"]) + "\n")
    return out.text(), out.segments


def render_text(doc: Doc, o: TextOptions, rng: random.Random) -> tuple[str, list[dict]]:
    """The report as text in ``o.layout``, and its segments with offsets into that text."""
    if o.layout == "sitetext":
        return _render_site(doc, o, rng)
    out = _Out()
    if o.layout == "runon" and rng.random() < 0.5:
        out.write(page_meta_block(doc, rng) + "\n")
    sep = "\n\n" if o.blank_lines else "\n"
    out.write("\n" * o.leading_blank)
    md_level = rng.choice([2, 2, 2, 3])
    for i, b in enumerate(doc.blocks):
        if i:
            out.write(sep if b.kind != "signature" or doc.blocks[i - 1].kind != "signature" else "\n")
        if b.kind == "title":
            out.write(("# " if o.md_headings else "") + b.text)
        elif b.kind == "heading":
            level = md_level if rng.random() < 0.8 else rng.choice([2, 3, 4])
            out.write(("#" * level + " " if o.md_headings else "") + b.text)
        elif b.kind == "subheading":
            out.write(("#" * (md_level + 1) + " " if o.md_headings and rng.random() < 0.5 else "") + b.text)
        elif b.kind == "para":
            assert b.para is not None
            emit_paragraph(out, b.para, o.indent, o.wrap)
        elif b.kind == "table":
            assert b.table is not None
            out.write("\n".join(table_lines(doc.grids[b.table], o, rng)))
        else:
            out.write(b.text)
    out.write("\n")
    return out.text(), out.segments


def plain_text(doc: Doc) -> tuple[str, list[dict]]:
    """Report text as a loader of HTML/DOCX would give it: one line per paragraph, tables as TAB rows."""
    out = _Out()
    for i, b in enumerate(doc.blocks):
        if i:
            out.write("\n")
        if b.kind == "para":
            assert b.para is not None
            emit_paragraph(out, b.para)
        elif b.kind == "table":
            assert b.table is not None
            out.write("\n".join(to_table_grid(doc.grids[b.table]).render_lines()))
        else:
            out.write(b.text)
    out.write("\n")
    return out.text(), out.segments


def to_table_grid(grid: Grid) -> TableGrid:
    """The grid as a loader-side ``TableGrid`` (cells repeated over merges, origins marked)."""
    exp = grid.expand()
    return TableGrid(
        cells=[[c.text for c, _ in row] for row in exp], origin=[[o for _, o in row] for row in exp]
    )
