"""A PDF page's text layer: glyphs with boxes, and whether the layer can be trusted.

Glyphs come from pdfium with their loose boxes (font ascent/descent and advance), mapped to
top-down display coordinates in points, so rotated pages read upright. :func:`assess`
decides per page whether the text layer is usable or the page must be OCR'd: no text at all
on a page that shows something, glyphs without a Unicode mapping (mojibake from fonts
lacking a ToUnicode map), or a large image that the text layer does not cover (a scan with
only a stamp or a header in text).
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import Literal

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from .page_layout import Word

Route = Literal["text", "ocr", "blank"]

_MIN_CHARS = 12  # fewer real glyphs than this is no text layer
_MAX_BAD_SHARE = 0.08  # glyphs without a Unicode mapping, private-use or control characters
_IMAGE_SHARE = 0.3  # an image covering this much of the page must be explained by text over it
_GLYPHS_PER_AREA = 1 / 2500  # glyphs per square point over an image (a 50pt square per glyph)


@dataclass
class PageText:
    """Glyphs of one page in content order and the page's display size in points."""

    glyphs: list[Word]
    width: float
    height: float
    bad: int  # glyphs pdfium could not map to Unicode, or mapped to junk
    image_boxes: list[tuple[float, float, float, float]]
    n_paths: int  # path segments drawn (rules, boxes, outlined glyphs)


def display_transform(page: pdfium.PdfPage, width: float, height: float):
    """Affine map from PDF user space to top-down display points (handles /Rotate and boxes)."""
    dx, dy = ctypes.c_int(), ctypes.c_int()
    scale = 64.0  # device pixels are integers: map to a 64× canvas for sub-point precision
    pts = []
    for x, y in ((0.0, 0.0), (1000.0, 0.0), (0.0, 1000.0)):
        raw.FPDF_PageToDevice(page.raw, 0, 0, round(width * scale), round(height * scale), 0, x, y, dx, dy)
        pts.append((dx.value / scale, dy.value / scale))
    (ox, oy), (ax, ay), (bx, by) = pts
    a, b = (ax - ox) / 1000, (bx - ox) / 1000
    c, d = (ay - oy) / 1000, (by - oy) / 1000

    def apply(x: float, y: float) -> tuple[float, float]:
        return ox + a * x + b * y, oy + c * x + d * y

    return apply


def _display_box(box: tuple[float, float, float, float], to_display) -> tuple[float, float, float, float]:
    x0, y0 = to_display(box[0], box[1])
    x1, y1 = to_display(box[2], box[3])
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _sane_boxes(found):
    """Loose boxes (font metrics), except where they are absurd (vertical writing modes give
    boxes many lines tall): there the tight glyph box, grown to the usual glyph size."""
    heights = sorted(abs(lo[1] - lo[3]) for _, lo, _ in found)
    typical = heights[len(heights) // 2] if heights else 10.0
    for ch, lo, ti in found:
        w, h = abs(lo[2] - lo[0]), abs(lo[1] - lo[3])
        cx, cy = (ti[0] + ti[2]) / 2, (ti[1] + ti[3]) / 2
        inside = min(lo[0], lo[2]) <= cx <= max(lo[0], lo[2]) and min(lo[1], lo[3]) <= cy <= max(lo[1], lo[3])
        if inside and w <= 4 * typical and h <= 4 * typical:
            yield ch, lo
            continue
        half = max(abs(ti[2] - ti[0]), abs(ti[1] - ti[3]), 0.8 * typical) / 2
        yield ch, (cx - half, cy + half, cx + half, cy - half)


def _is_bad(ch: str) -> bool:
    o = ord(ch)
    return o < 0x20 or 0xE000 <= o <= 0xF8FF or o == 0xFFFD or o >= 0xF0000


def read_page(page: pdfium.PdfPage) -> PageText:
    """Glyphs (one :class:`Word` per character, whitespace skipped) and what else the page holds."""
    width, height = page.get_size()
    to_display = display_transform(page, width, height)
    textpage = page.get_textpage()
    tp = textpage.raw
    rect = raw.FS_RECTF()
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    found: list[tuple[str, tuple[float, float, float, float], tuple[float, float, float, float]]] = []
    bad = 0
    try:
        for i in range(raw.FPDFText_CountChars(tp)):
            if raw.FPDFText_IsGenerated(tp, i):
                continue
            code = raw.FPDFText_GetUnicode(tp, i)
            ch = chr(code) if 0 <= code < 0x110000 else "\ufffd"
            if ch.isspace() and code >= 0x20:
                continue
            if raw.FPDFText_HasUnicodeMapError(tp, i) == 1 or _is_bad(ch):
                bad += 1
                continue
            raw.FPDFText_GetLooseCharBox(tp, i, rect)
            raw.FPDFText_GetCharBox(tp, i, left, right, bottom, top)
            found.append((ch, (rect.left, rect.top, rect.right, rect.bottom),
                          (left.value, top.value, right.value, bottom.value)))
    finally:
        textpage.close()
    glyphs = [Word(ch, *_display_box(box, to_display)) for ch, box in _sane_boxes(found)]
    images: list[tuple[float, float, float, float]] = []
    n_paths = 0
    for obj in page.get_objects(max_depth=2):
        if obj.type == raw.FPDF_PAGEOBJ_IMAGE:
            left, bottom, right, top = obj.get_bounds()
            x0, y0 = to_display(left, top)
            x1, y1 = to_display(right, bottom)
            images.append((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
        elif obj.type == raw.FPDF_PAGEOBJ_PATH:
            n_paths += max(1, raw.FPDFPath_CountSegments(obj.raw))
    return PageText(glyphs, width, height, bad, images, n_paths)


def assess(pt: PageText) -> Route:
    """Route a page: ``text`` when its text layer is usable, ``ocr`` when it must be read from pixels."""
    n = len(pt.glyphs)
    shown = n + pt.bad
    if shown and pt.bad / shown > _MAX_BAD_SHARE:
        return "ocr"
    page_area = max(pt.width * pt.height, 1.0)
    if n < _MIN_CHARS:
        # Nothing to read in text: a scan or outlined glyphs, unless the page is blank.
        return "ocr" if pt.image_boxes or pt.n_paths > 300 or pt.bad else ("text" if n else "blank")
    for x0, y0, x1, y1 in pt.image_boxes:
        area = max(x1 - x0, 0) * max(y1 - y0, 0)
        if area < _IMAGE_SHARE * page_area:
            continue
        over = sum(1 for g in pt.glyphs if x0 <= g.cx <= x1 and y0 <= g.cy <= y1)
        if over < area * _GLYPHS_PER_AREA:
            return "ocr"  # a large picture of something the text layer does not say
    return "text"
