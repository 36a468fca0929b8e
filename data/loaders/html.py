"""HTML backend: a report page saved from a government site, reduced to the report itself.

Steps: decode by the declared charset (checked against the bytes), parse with lxml, drop code
and site chrome, find the article body, then write the body out line by line in document
order with every data table read into a :class:`TableGrid` and rendered in place.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bs4 import (
    BeautifulSoup,
    Comment,
    Declaration,
    Doctype,
    NavigableString,
    PageElement,
    ProcessingInstruction,
    Tag,
)

from .base import Document, LoadError, TableGrid, join_located
from .charset import canonical_encoding, decode, detect_encoding, mostly_utf8, sniff_bom, sniff_utf16
from .source import Source, read_source
from .textutil import collapse_ws, join_pieces

# ---- decoding -----------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_XML_ENCODING = re.compile(rb"<\?xml[^>]+encoding\s*=\s*[\"']([\w.:-]+)", re.I)
_CHARSET_SCAN = 32 * 1024  # saved pages can carry long <head>s before the meta tag
_WESTERN = {"ascii", "latin-1", "iso8859-1", "cp1252"}


def declared_charset(data: bytes) -> str | None:
    """Charset named by <meta charset>/http-equiv or an XML declaration (GB family → gb18030)."""
    head = data[:_CHARSET_SCAN]
    m = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return canonical_encoding(m.group(1).decode("ascii", "replace")) if m else None


def decode_html(data: bytes) -> tuple[str, str]:
    """Decode a page; returns ``(markup, encoding)``.

    BOM first; then strict UTF-8 if the bytes are valid UTF-8 with non-ASCII content, since
    saved pages often keep a stale gb2312 meta after being re-encoded; then the declared
    charset; then charset-normalizer; then UTF-8 with a few bad bytes replaced.
    """
    bom = sniff_bom(data)
    if bom is not None:
        return decode(data[bom[1] :], bom[0].removesuffix("-sig"))[0], bom[0]
    if b"\x00" in data:
        utf16 = sniff_utf16(data)
        if utf16 is None:
            raise LoadError("the file contains binary data, not an HTML page")
        return decode(data, utf16)[0], utf16
    declared = declared_charset(data)
    if declared in _WESTERN:
        # Latin-1 "decodes" any bytes, so a CMS default left in a Chinese page would win
        # over detection and turn the whole report into mojibake.
        declared = None
    if declared in (None, "utf-8") or not data.isascii():
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    candidates = [e for e in (declared, detect_encoding(data)) if e and e != "utf-8"]
    for encoding in candidates:
        text, ok = decode(data, encoding)
        if ok:
            return text, encoding
    nearly = mostly_utf8(data)
    if nearly is not None:
        return nearly, "utf-8"
    # Nothing decodes cleanly: keep the best guess with the bad bytes replaced.
    encoding = candidates[0] if candidates else "gb18030"
    return decode(data, encoding)[0], encoding


# ---- pruning ------------------------------------------------------------------------------

_JUNK_TAGS = {
    "script", "style", "noscript", "template", "iframe", "frame", "object", "embed", "applet",
    "svg", "canvas", "audio", "video", "map", "button", "input", "select", "textarea", "link",
    "meta", "head", "title",
}  # fmt: skip
_CHROME_TAGS = {"nav", "header", "footer", "aside", "form"}
# Words of id/class values that name site furniture ("header_line", "navBar", "footer-wrap",
# "bdsharebuttonbox"). Whole words only, so utility classes such as "border-bottom" or
# "position-relative" never hit. Pinyin: dqwz = 当前位置, weizhi = 位置, xgwj = 相关文件.
_CHROME_WORD = re.compile(
    r"(nav\w*|\w*nav|menu\w*|\w*menu|breadcrumbs?|crumbs?|foot\w*|header\w*|sidebar|side|"
    r"share\w*|bdshare\w*|copyright|location|weizhi|dqwz|toolbar|tools?|qrcode|erweima|ewm|"
    r"search\w*|login|friendlinks?|links|related|xgwj|xgxx|banner|skip|gotop)"
)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# An element that holds this share of the body's text is content, whatever its class says:
# some CMSes wrap the article in id="printContent" or hide the text-version tab.
_PROTECT_SHARE = 0.3
_DESCEND_SHARE = 0.75  # the article body holds at least this share of the page's text

_CJK = re.compile(r"[\u4e00-\u9fff\U00020000-\U0003ffff]")
_BLOCK_TAGS = {
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "tr", "td", "th", "table", "thead", "tbody", "tfoot", "caption", "section", "article",
    "main", "blockquote", "pre", "address", "center", "hr", "figure", "figcaption", "header",
    "footer", "nav", "aside", "form", "fieldset", "legend", "details", "summary", "body", "html",
}  # fmt: skip
_SKIP_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)


def _prune(root: Tag, drop: Callable[[PageElement], bool]) -> None:
    """Remove every node under ``root`` for which ``drop`` holds, not looking inside removed ones."""
    # One hand-rolled walk: bs4's find_all filters are slow on big Word pages.
    stack: list[PageElement] = list(root.children)
    while stack:
        node = stack.pop()
        if drop(node):
            node.extract()
        elif isinstance(node, Tag):
            stack.extend(node.children)


def _drop_junk(soup: BeautifulSoup) -> None:
    _prune(soup, lambda n: isinstance(n, _SKIP_STRINGS) or (isinstance(n, Tag) and n.name in _JUNK_TAGS))


def _weights(root: Tag) -> dict[int, int]:
    """Chinese characters of non-link text under each element (keyed by id), in one pass."""
    weights: dict[int, int] = {}
    for s in root.find_all(string=True):
        n = len(_CJK.findall(s))
        if not n:
            continue
        chain: list[int] = []
        for parent in s.parents:
            if parent.name == "a":
                break  # menus and link lists are links; report text is not
            chain.append(id(parent))
            if parent is root:
                for key in chain:
                    weights[key] = weights.get(key, 0) + n
                break
    return weights


_TABLE_WORDS = re.compile(r"公开|申请|行政|复议|诉讼|许可|处罚|规范性文件")


def _report_tables(tag: Tag) -> int:
    """Data tables under ``tag`` that look like the report's (not calendars or widgets)."""
    return sum(
        1
        for t in tag.find_all("table")
        if not _is_layout_table(t) and len(_rows(t)) >= 2 and _TABLE_WORDS.search(t.get_text())
    )


def find_article(root: Tag, weights: dict[int, int]) -> Tag:
    """The smallest element holding most of the page's non-link Chinese text and all report tables."""
    total = weights.get(id(root), 0)
    tables = _report_tables(root)
    cur = root
    while True:
        children = [c for c in cur.children if isinstance(c, Tag)]
        best = max(children, key=lambda c: weights.get(id(c), 0), default=None)
        if best is None or weights.get(id(best), 0) < _DESCEND_SHARE * total:
            return cur
        if best.name == "table" and not _is_layout_table(best):
            return cur  # a data table is read whole, never entered
        if tables and _report_tables(best) < tables:
            return cur
        cur = best


def _attr_text(tag: Tag) -> str:
    cls = tag.get("class") or []
    return " ".join(cls if isinstance(cls, list) else [cls]) + " " + str(tag.get("id") or "")


def _is_chrome(tag: Tag) -> bool:
    if tag.name in _CHROME_TAGS:
        return True
    if tag.has_attr("hidden") or _HIDDEN_STYLE.search(tag.get("style") or ""):
        return True
    words = re.findall(r"[a-z]+", _CAMEL.sub(" ", _attr_text(tag)).lower())
    return any(_CHROME_WORD.fullmatch(w) for w in words)


def _drop_chrome(body: Tag, weights: dict[int, int]) -> None:
    protect = _PROTECT_SHARE * weights.get(id(body), 0)
    _prune(
        body,
        lambda n: (
            isinstance(n, Tag)
            and _is_chrome(n)
            and weights.get(id(n), 0) <= protect
            and not _has_data_table(n)
        ),
    )


# Lines of site furniture. Strong markers never occur in a report; the others mark a short
# line that starts with them, or a line made only of toolbar words (【打印】【关闭】 大 中 小).
_STRONG_CHROME = re.compile(r"网站标识码|ICP[备证]|公网安备|技术支持[:：]|Copyright|版权所有\s*[:：©(（]")
_LEAD_CHROME = re.compile(
    r"^(版权所有|主办单位|承办单位|主办[:：]|承办[:：]|当前位置|您现在的位置|您的位置|分享到|扫一扫|"
    r"浏览次数|访问量|阅读次数|上一篇|下一篇|字号[:：]|字体[:：])"
)
_TOOLBAR_LINE = re.compile(
    r"^([\s【】\[\]（）()|｜/·:：]*(打印本页|关闭窗口|打印|关闭|返回顶部|收藏本页|加入收藏|设为首页|关于我们|"
    r"联系我们|网站地图|网站声明|隐私声明|我要纠错|无障碍浏览|无障碍|长者模式|字号|字体|大|中|小|默认|分享))+"
    r"[\s【】\[\]（）()|｜/·:：]*$"
)


def is_chrome_line(line: str) -> bool:
    """True for a text line that is site furniture (ICP number, copyright, breadcrumb...)."""
    if _STRONG_CHROME.search(line):
        return len(line) < 300
    if len(line) >= 120:
        return False
    return (bool(_LEAD_CHROME.match(line)) and len(line) < 80) or bool(_TOOLBAR_LINE.match(line))


# ---- tables -------------------------------------------------------------------------------

_MAX_COLSPAN = 200


def _rows(table: Tag) -> list[Tag]:
    rows = []
    for child in table.children:
        if not isinstance(child, Tag):
            continue
        if child.name == "tr":
            rows.append(child)
        elif child.name in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child.children if isinstance(c, Tag) and c.name == "tr")
    return rows


def _cells(tr: Tag) -> list[Tag]:
    return [c for c in tr.children if isinstance(c, Tag) and c.name in ("td", "th")]


def _span(cell: Tag, attr: str) -> int:
    m = re.match(r"\s*(\d{1,6})", str(cell.get(attr) or ""))  # a 5000-digit span is not an int() input
    return int(m.group(1)) if m else 1


def _has_data_table(tag: Tag) -> bool:
    return any(len(_rows(t)) >= 2 for t in tag.find_all("table"))


def _is_layout_table(table: Tag) -> bool:
    """Tables that lay out a page or box a text (nested data table, one column) are not data."""
    rows = _rows(table)
    if not rows:
        return True
    if all(len(_cells(tr)) <= 1 and all(_span(td, "colspan") <= 1 for td in _cells(tr)) for tr in rows):
        return True
    return any(len(_rows(inner)) >= 2 for inner in table.find_all("table"))


def read_table(table: Tag) -> TableGrid:
    """A ``<table>`` as a grid, rowspan/colspan expanded (origin at each cell's top-left)."""
    rows = _rows(table)
    n_rows = len(rows)
    cover: dict[tuple[int, int], tuple[str, bool]] = {}
    anchor: dict[tuple[int, int], tuple[int, int]] = {}
    width = 0
    for r, tr in enumerate(rows):
        c = 0
        for td in _cells(tr):
            while (r, c) in cover:
                c += 1
            rowspan = _span(td, "rowspan")
            rowspan = n_rows - r if rowspan == 0 else min(max(rowspan, 1), n_rows - r)
            colspan = min(max(_span(td, "colspan"), 1), _MAX_COLSPAN)
            text = cell_text(td)
            for dr in range(rowspan):
                for dc in range(colspan):
                    cover[(r + dr, c + dc)] = (text, dr == 0 and dc == 0)
                    anchor[(r + dr, c + dc)] = (r, c)
            c += colspan
        width = max(width, c)
    width = max([width] + [c + 1 for (_, c) in cover])
    cells = [[cover.get((r, c), ("", False))[0] for c in range(width)] for r in range(n_rows)]
    origin = [[cover.get((r, c), ("", False))[1] for c in range(width)] for r in range(n_rows)]
    anchors = [[anchor.get((r, c), (r, c)) for c in range(width)] for r in range(n_rows)]
    return TableGrid(cells=cells, origin=origin, anchor=anchors)


def cell_text(cell: Tag) -> str:
    """A cell's text: inline pieces glued as written, its lines joined without spaces in Chinese."""
    out = _Writer(in_cell=True)
    out.walk(cell)
    out.flush()
    return join_pieces(out.lines)


# ---- writing text -------------------------------------------------------------------------


class _Writer:
    """Walks a subtree, producing lines in document order and collecting data tables."""

    def __init__(self, in_cell: bool = False) -> None:
        self.in_cell = in_cell
        self.lines: list[str] = []
        self.is_table_line: list[bool] = []
        self.tables: list[TableGrid] = []
        self.table_rows: dict[int, tuple[TableGrid, int]] = {}  # line index -> (grid, row) it prints
        self._buf: list[str] = []

    def flush(self) -> None:
        if self._buf:
            line = collapse_ws("".join(self._buf)).strip()
            self._buf = []
            if line:
                self.lines.append(line)
                self.is_table_line.append(False)

    def walk(self, node: Tag) -> None:
        # Explicit stack: Word pages nest deeply enough to worry about recursion limits.
        stack: list[object] = [node]
        while stack:
            item = stack.pop()
            if item is _FLUSH:
                self.flush()
            elif isinstance(item, NavigableString):
                if isinstance(item, _SKIP_STRINGS):
                    continue
                s = str(item)
                # Whitespace-only text holding a line break is source formatting between tags;
                # kept, it would split numbers that Word writes as <span>1</span>\n<span>66</span>.
                if s.strip() or ("\n" not in s and "\r" not in s):
                    self._buf.append(s)
            elif isinstance(item, Tag):
                if item.name == "table" and item is not node:
                    self._table(item)
                elif item.name in _BLOCK_TAGS:
                    self.flush()
                    stack.append(_FLUSH)
                    stack.extend(reversed(list(item.children)))
                else:
                    stack.extend(reversed(list(item.children)))

    def _table(self, table: Tag) -> None:
        self.flush()
        if _is_layout_table(table) and not self.in_cell:
            for tr in _rows(table):
                for td in _cells(tr):
                    self.walk(td)
                    self.flush()
            return
        grid = read_table(table)
        if not any(t for row in grid.cells for t in row):
            return
        if self.in_cell:
            # A table nested in a data cell: its rows become lines of the cell's text.
            for row in grid.cells:
                self.lines.append(" ".join(t for t in row if t))
                self.is_table_line.append(False)
            return
        self.tables.append(grid)
        for r, line in enumerate(grid.render_lines()):
            if line.strip():
                self.table_rows[len(self.lines)] = (grid, r)
                self.lines.append(line)
                self.is_table_line.append(True)


_FLUSH = object()


# ---- the page -----------------------------------------------------------------------------

_TITLE_SPLIT = re.compile(r"\s*(?:_|\||｜| - | — |--)\s*")
_MIN_CJK = 50


def _in_menu(tag: Tag) -> bool:
    # Titles inside links or lists name other reports in menus, not this one.
    return tag.find_parent(["a", "li", "nav"]) is not None


def title_hint(soup: BeautifulSoup) -> str | None:
    """The report's title: CMS ArticleTitle meta, a heading/title element, else <title>'s first part."""
    candidates: list[str] = []
    page_title = ""
    for tag in soup.find_all(True):
        name = tag.name
        if name == "meta":
            if str(tag.get("name") or "").lower() in ("articletitle", "title") and tag.get("content"):
                candidates.insert(0, str(tag["content"]))
        elif name == "title":
            page_title = page_title or tag.get_text(strip=True)
        elif (name in ("h1", "h2", "h3") or "title" in _attr_text(tag).lower()) and not _in_menu(tag):
            candidates.append(tag.get_text("", strip=True))
    candidates += _TITLE_SPLIT.split(page_title)
    candidates = [collapse_ws(c).strip() for c in candidates]
    candidates = [c for c in candidates if 4 <= len(c) <= 150]
    for c in candidates:
        if "报告" in c:
            return c
    first = _TITLE_SPLIT.split(page_title)[0]
    return first or None


def _is_report(text: str) -> bool:
    return "信息公开" in text and len(_CJK.findall(text)) >= _MIN_CJK


def _render(body: Tag) -> tuple[str, list[TableGrid]]:
    writer = _Writer()
    writer.walk(body)
    writer.flush()
    in_table = writer.is_table_line
    text = join_located(writer.lines, writer.table_rows, writer.tables,
                        lambda i, line: in_table[i] or not is_chrome_line(line))
    return text, writer.tables


# Report pages (CMS templates, Word exports) nest a few dozen elements deep; finding the article
# costs time per level, so a page nested deeper than this is refused as damaged.
_MAX_DEPTH = 400


# Tags authors close (unlike p, td, li): their open count bounds the depth bs4 will build.
_CONTAINER_TAG = re.compile(r"<(/?)(div|span|table|font|b|strong|a|ul|ol|section|article|center|form|em|i)\b",
                            re.IGNORECASE)


def _check_raw_depth(markup: str) -> None:
    """Refuse absurdly nested markup before bs4 builds it (bs4 spends time per level per node)."""
    depth = 0
    for m in _CONTAINER_TAG.finditer(markup):
        depth = max(0, depth - 1) if m.group(1) else depth + 1
        if depth > 2 * _MAX_DEPTH:
            raise LoadError(f"the HTML page nests its elements more than {_MAX_DEPTH} levels deep: damaged markup")


def _check_depth(soup: BeautifulSoup) -> None:
    stack = [(soup, 0)]
    while stack:
        tag, depth = stack.pop()
        if depth > _MAX_DEPTH:
            raise LoadError(f"the HTML page nests its elements more than {_MAX_DEPTH} levels deep: damaged markup")
        stack.extend((c, depth + 1) for c in tag.children if isinstance(c, Tag))


def load_html(path_or_bytes: Source) -> Document:
    """Load a saved report page: article text only, tables as TAB-separated grid rows.

    Raises :class:`LoadError` if the page holds no report text (no 信息公开 and fewer than
    ~50 Chinese characters once site chrome is gone).
    """
    markup, encoding = decode_html(read_source(path_or_bytes))
    _check_raw_depth(markup)
    soup = BeautifulSoup(markup, "lxml")
    _check_depth(soup)
    title = title_hint(soup)
    _drop_junk(soup)
    root = soup.body or soup
    weights = _weights(root)
    article = find_article(root, weights)
    # If the article guess lost the report (odd markup), fall back to the whole page.
    for body in (article, root) if article is not root else (root,):
        _drop_chrome(body, weights)
        text, tables = _render(body)
        if _is_report(text):
            return Document(text=text, format="html", encoding=encoding, title_hint=title, tables=tables)
    raise LoadError("no government information-disclosure report text was found in this HTML page")
