"""HTML backend: a report page saved from a government site, reduced to the report itself.

Steps: decode by the declared charset (checked against the bytes), parse with lxml, drop code
and site chrome, find the article body, then write the body out line by line in document
order with every data table read into a :class:`TableGrid` and rendered in place.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from lxml import etree

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


# ---- the tree -----------------------------------------------------------------------------
#
# The page is parsed by lxml into its own tree (no bs4 objects: building those cost most of a
# page's time). A string is an element's ``text`` (inside it) or a child's ``tail`` (inside the
# parent). A removed element is swapped for a placeholder that keeps its tail, so the strings on
# either side stay separate strings, exactly as the page had them.

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
_GONE = "gongkai-removed"  # the placeholder of a removed element (a tag no page uses)
_ASCII_SPACES = " \n\t\x0c\r"
_KEEP_SPACE = {"pre", "textarea"}  # their whitespace-only strings are kept as written
# Strings under these are not text of the element holding them (bs4's string containers).
_NOT_TEXT = {"script", "style", "template", "rt", "rp"}


def _parse(markup: str) -> etree._Element | None:
    parser = etree.HTMLParser(recover=True)
    try:
        parser.feed(markup)
        return parser.close()
    except etree.LxmlError:
        return None


def _squeeze_blank(root: etree._Element) -> None:
    """A whitespace-only string becomes one newline (if it held one) or one space, outside <pre>.

    The rule the text writer was tuned with: a newline-only string between tags is source
    formatting and is dropped, a space is kept.
    """
    stack = [(root, root.tag in _KEEP_SPACE)]
    while stack:
        el, keep = stack.pop()
        for c in el:
            if not isinstance(c.tag, str):
                if not keep and c.tail and not c.tail.strip(_ASCII_SPACES):
                    c.tail = "\n" if "\n" in c.tail else " "
                continue
            stack.append((c, keep or c.tag in _KEEP_SPACE))
            if not keep and c.tail and not c.tail.strip(_ASCII_SPACES):
                c.tail = "\n" if "\n" in c.tail else " "
        if not keep and el.text and not el.text.strip(_ASCII_SPACES):
            el.text = "\n" if "\n" in el.text else " "


def _tags(el: etree._Element) -> list[etree._Element]:
    """Child elements (no comments, no removed placeholders)."""
    return [c for c in el if isinstance(c.tag, str) and c.tag != _GONE]


def _remove(el: etree._Element) -> None:
    gone = etree.Element(_GONE)
    gone.tail = el.tail
    el.getparent().replace(el, gone)


def _prune(root: etree._Element, drop: Callable[[etree._Element], bool]) -> None:
    """Remove every node under ``root`` for which ``drop`` holds, not looking inside removed ones."""
    stack = [c for c in root if c.tag != _GONE]
    while stack:
        node = stack.pop()
        if drop(node):
            _remove(node)
        elif isinstance(node.tag, str):
            stack.extend(c for c in node if c.tag != _GONE)


def _drop_junk(root: etree._Element) -> None:
    """Remove code, media, form controls, comments and processing instructions under ``root``."""
    # Found by lxml's own iterator; one inside an already removed element is removed from the
    # detached subtree, which leaves the page as a walk that skips removed elements would.
    for el in list(root.iter(*_JUNK_TAGS, etree.Comment, etree.PI, etree.Entity)):
        if el is not root:
            _remove(el)


def _text(el: etree._Element, strip: bool = False, sep: str = "") -> str:
    """The element's text: its strings in order, comments and script/style/ruby strings left out."""
    out: list[str] = []

    def add(s: str | None) -> None:
        if s:
            if strip:
                s = s.strip()
                if not s:
                    return
            out.append(s)

    stack: list[object] = [el]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            add(item)
            continue
        if isinstance(item.tag, str) and (item.tag not in _NOT_TEXT or item is el):
            add(item.text)
            for c in reversed(item):
                if c.tail:
                    stack.append(c.tail)
                stack.append(c)
    return sep.join(out)


def _weights(root: etree._Element) -> dict[etree._Element, int]:
    """Chinese characters of non-link text under each element, in one pass (links count for nothing)."""
    weights: dict[etree._Element, int] = {}
    order: list[etree._Element] = []
    stack = [root]
    while stack:
        el = stack.pop()
        order.append(el)
        stack.extend(c for c in el if isinstance(c.tag, str))
    for el in reversed(order):  # children before parents
        if el.tag == "a":
            continue  # menus and link lists are links; report text is not
        n = len(_CJK.findall(el.text)) if el.text else 0
        for c in el:
            if c.tail:
                n += len(_CJK.findall(c.tail))
            n += weights.get(c, 0)
        if n:
            weights[el] = n
    return weights


_TABLE_WORDS = re.compile(r"公开|申请|行政|复议|诉讼|许可|处罚|规范性文件")


def _report_tables(tag: etree._Element) -> list[etree._Element]:
    """Data tables under ``tag`` that look like the report's (not calendars or widgets)."""
    return [
        t
        for t in _tables_in(tag)
        if not _is_layout_table(t) and len(_rows(t)) >= 2 and _TABLE_WORDS.search(_text(t))
    ]


def find_article(root: etree._Element, weights: dict[etree._Element, int]) -> etree._Element:
    """The smallest element holding most of the page's non-link Chinese text and all report tables."""
    total = weights.get(root, 0)
    report = _report_tables(root)  # judged once: the tree does not change while descending
    tables = len(report)
    cur = root
    while True:
        children = _tags(cur)
        best = max(children, key=lambda c: weights.get(c, 0), default=None)
        if best is None or weights.get(best, 0) < _DESCEND_SHARE * total:
            return cur
        if best.tag == "table" and not _is_layout_table(best):
            return cur  # a data table is read whole, never entered
        if tables and sum(1 for t in report if any(a is best for a in t.iterancestors())) < tables:
            return cur
        cur = best


_WORD = re.compile(r"\S+")


def _attr_text(tag: etree._Element) -> str:
    return " ".join(_WORD.findall(tag.get("class") or "")) + " " + (tag.get("id") or "")


def _is_chrome(tag: etree._Element) -> bool:
    if tag.tag in _CHROME_TAGS:
        return True
    if tag.get("hidden") is not None or _hidden_style(tag.get("style") or ""):
        return True
    return _chrome_attrs(tag.get("class") or "", tag.get("id") or "")


@lru_cache(maxsize=4096)  # pages repeat a few class/style values on every element
def _hidden_style(style: str) -> bool:
    return bool(_HIDDEN_STYLE.search(style))


@lru_cache(maxsize=4096)
def _chrome_attrs(cls: str, id_: str) -> bool:
    text = " ".join(_WORD.findall(cls)) + " " + id_
    words = re.findall(r"[a-z]+", _CAMEL.sub(" ", text).lower())
    return any(_CHROME_WORD.fullmatch(w) for w in words)


def _drop_chrome(body: etree._Element, weights: dict[etree._Element, int]) -> None:
    protect = _PROTECT_SHARE * weights.get(body, 0)
    _prune(
        body,
        lambda n: (
            isinstance(n.tag, str)
            and _is_chrome(n)
            and weights.get(n, 0) <= protect
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


def _rows(table: etree._Element) -> list[etree._Element]:
    rows = []
    for child in table:
        tag = child.tag
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child if c.tag == "tr")
    return rows


def _cells(tr: etree._Element) -> list[etree._Element]:
    return [c for c in tr if c.tag in ("td", "th")]


def _span(cell: etree._Element, attr: str) -> int:
    if cell.get(attr) is None:
        return 1
    m = re.match(r"\s*(\d{1,6})", cell.get(attr) or "")  # a 5000-digit span is not an int() input
    return int(m.group(1)) if m else 1


def _tables_in(tag: etree._Element) -> list[etree._Element]:
    """The ``<table>`` elements strictly under ``tag``."""
    return [t for t in tag.iter("table") if t is not tag]


def _has_data_table(tag: etree._Element) -> bool:
    return any(len(_rows(t)) >= 2 for t in _tables_in(tag))


def _is_layout_table(table: etree._Element) -> bool:
    """Tables that lay out a page or box a text (nested data table, one column) are not data."""
    rows = _rows(table)
    if not rows:
        return True
    if all(len(_cells(tr)) <= 1 and all(_span(td, "colspan") <= 1 for td in _cells(tr)) for tr in rows):
        return True
    return any(len(_rows(inner)) >= 2 for inner in _tables_in(table))


def read_table(table: etree._Element) -> TableGrid:
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


def cell_text(cell: etree._Element) -> str:
    """A cell's text: inline pieces glued as written, its lines joined without spaces in Chinese."""
    if not len(cell):  # most cells hold one string: what the walk below makes of it
        t = cell.text
        if not t or not (t.strip() or ("\n" not in t and "\r" not in t)):
            return join_pieces([])
        line = collapse_ws(t).strip()
        return join_pieces([line] if line else [])
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

    def walk(self, node: etree._Element) -> None:
        # Explicit stack: Word pages nest deeply enough to worry about recursion limits.
        stack: list[object] = [node]
        while stack:
            item = stack.pop()
            if item is _FLUSH:
                self.flush()
            elif isinstance(item, str):
                # Whitespace-only text holding a line break is source formatting between tags;
                # kept, it would split numbers that Word writes as <span>1</span>\n<span>66</span>.
                if item.strip() or ("\n" not in item and "\r" not in item):
                    self._buf.append(item)
            else:
                tag = item.tag
                if tag == "table" and item is not node:
                    self._table(item)
                    continue
                if tag in _BLOCK_TAGS:
                    self.flush()
                    stack.append(_FLUSH)
                for c in reversed(item):  # the children, each followed by its tail
                    if c.tail:
                        stack.append(c.tail)
                    if c.tag != _GONE:
                        stack.append(c)
                if item.text:
                    stack.append(item.text)

    def _table(self, table: etree._Element) -> None:
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


def _in_menu(tag: etree._Element) -> bool:
    # Titles inside links or lists name other reports in menus, not this one.
    return any(a.tag in ("a", "li", "nav") for a in tag.iterancestors())


def title_hint(root: etree._Element) -> str | None:
    """The report's title: CMS ArticleTitle meta, a heading/title element, else <title>'s first part."""
    candidates: list[str] = []
    page_title = ""
    for tag in root.iter():
        name = tag.tag
        if not isinstance(name, str):
            continue
        if name == "meta":
            if (tag.get("name") or "").lower() in ("articletitle", "title") and tag.get("content"):
                candidates.insert(0, tag.get("content"))
        elif name == "title":
            page_title = page_title or _text(tag, strip=True)
        elif (name in ("h1", "h2", "h3") or "title" in _attr_text(tag).lower()) and not _in_menu(tag):
            candidates.append(_text(tag, strip=True))
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


def _render(body: etree._Element) -> tuple[str, list[TableGrid]]:
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


# Tags authors close (unlike p, td, li): their open count bounds the depth of the tree built.
_CONTAINER_TAG = re.compile(r"<(/?)(div|span|table|font|b|strong|a|ul|ol|section|article|center|form|em|i)\b",
                            re.IGNORECASE)


def _check_raw_depth(markup: str) -> None:
    """Refuse absurdly nested markup before the tree is built (the walks spend time per level per node)."""
    depth = 0
    for m in _CONTAINER_TAG.finditer(markup):
        depth = max(0, depth - 1) if m.group(1) else depth + 1
        if depth > 2 * _MAX_DEPTH:
            raise LoadError(f"the HTML page nests its elements more than {_MAX_DEPTH} levels deep: damaged markup")


def _check_depth(root: etree._Element) -> None:
    stack = [(root, 1)]
    while stack:
        tag, depth = stack.pop()
        if depth > _MAX_DEPTH:
            raise LoadError(f"the HTML page nests its elements more than {_MAX_DEPTH} levels deep: damaged markup")
        stack.extend((c, depth + 1) for c in tag if isinstance(c.tag, str))


def load_html(path_or_bytes: Source) -> Document:
    """Load a saved report page: article text only, tables as TAB-separated grid rows.

    Raises :class:`LoadError` if the page holds no report text (no 信息公开 and fewer than
    ~50 Chinese characters once site chrome is gone).
    """
    markup, encoding = decode_html(read_source(path_or_bytes))
    _check_raw_depth(markup)
    page = _parse(markup)
    if page is None:
        raise LoadError("no government information-disclosure report text was found in this HTML page")
    _check_depth(page)
    _squeeze_blank(page)
    title = title_hint(page)
    _drop_junk(page)
    root = next(page.iter("body"), None)
    if root is None:
        root = page
    weights = _weights(root)
    article = find_article(root, weights)
    # If the article guess lost the report (odd markup), fall back to the whole page.
    for body in (article, root) if article is not root else (root,):
        _drop_chrome(body, weights)
        text, tables = _render(body)
        if _is_report(text):
            return Document(text=text, format="html", encoding=encoding, title_hint=title, tables=tables)
    raise LoadError("no government information-disclosure report text was found in this HTML page")
