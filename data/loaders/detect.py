"""Deciding a file's format from its content, using the extension only as a tie-breaker.

Government sites routinely publish files whose extension lies: Word "documents" that are
saved HTML, .doc files that are really .docx, and so on.
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

from gongkai.data.record import SourceFormat

from .base import LoadError
from .charset import sniff_bom, sniff_utf16

FORMATS = ("txt", "md", "html", "docx", "pdf", "image")
HEAD_SIZE = 8192  # bytes of the file that content sniffing looks at

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_IMAGE_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"II*\x00",  # TIFF, little-endian
    b"MM\x00*",  # TIFF, big-endian
    b"GIF87a",
    b"GIF89a",
)
_HTML_EXT = {".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php"}
_MD_EXT = {".md", ".markdown", ".mdown"}
# A document that starts as HTML: doctype or root/head/body tag, after an optional XML
# declaration and comments.
_HTML_START = re.compile(
    r"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.S | re.I
)
# Markup anywhere in the head: enough for a file without Markdown's extension.
_HTML_TAGS = re.compile(r"<(table|html|body|meta\s[^>]*charset|p|div|br)\b[^>]*>", re.I)
_MD_HEADING = re.compile(r"^#{1,6}\s+\S", re.M)
_MD_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$", re.M)


def _head_text(head: bytes) -> str:
    # Only markup is looked for, so decoding errors do not matter.
    bom = sniff_bom(head)
    if bom is not None:
        return head[bom[1] :].decode(bom[0].removesuffix("-sig"), errors="replace")
    if b"\x00" in head:
        utf16 = sniff_utf16(head)
        return head.decode(utf16, errors="replace") if utf16 else ""
    return head.decode("utf-8", errors="replace")


def _zip_members(path: Path | None) -> set[str] | None:
    if path is None:
        return None
    try:
        with zipfile.ZipFile(path) as zf:
            return set(zf.namelist())
    except (OSError, zipfile.BadZipFile, ValueError):
        return None


def _is_image(head: bytes) -> bool:
    return (
        head.startswith(_IMAGE_MAGIC)
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
        or (head[:2] == b"BM" and head[6:10] == b"\0\0\0\0")  # BMP: reserved header bytes are zero
    )


def _office_zip_kind(names: set[str]) -> str:
    if any(n.startswith("xl/") for n in names):
        return "an Excel .xlsx workbook"
    if any(n.startswith("ppt/") for n in names):
        return "a PowerPoint .pptx presentation"
    if "mimetype" in names or "content.xml" in names:
        return "an OpenDocument/WPS file"
    return "a zip archive"


def detect_format(path: str | os.PathLike[str] | None, head_bytes: bytes) -> SourceFormat:
    """Return "txt", "md", "html", "docx", "pdf" or "image" for a file, judged by content.

    ``head_bytes`` is the start of the file (a few KB); ``path`` gives the extension and lets a
    zip be opened to look for ``word/document.xml``. Raises :class:`LoadError` for formats that
    are recognised but not supported (old Word .doc, RTF, other zip-based files).
    """
    p = Path(path) if path is not None else None
    ext = p.suffix.lower() if p is not None else ""
    head = head_bytes[:HEAD_SIZE]

    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(_OLE2):
        raise LoadError("old Word .doc format is not supported; save as .docx")
    if head.startswith(_ZIP):
        names = _zip_members(p)
        if names is None:
            # Unreadable zip: a damaged .docx gets the docx backend's specific complaint.
            if ext == ".docx" or b"word/" in head or b"[Content_Types].xml" in head:
                return "docx"
            raise LoadError("the file is a damaged or unsupported zip archive")
        if "word/document.xml" in names:
            return "docx"
        raise LoadError(f"the file is {_office_zip_kind(names)}, not a Word .docx report")
    if head.startswith(b"{\\rtf"):
        raise LoadError("RTF format is not supported; save as .docx")
    if _is_image(head):
        return "image"

    text = _head_text(head)
    if _HTML_START.match(text):
        return "html"
    if ext in _MD_EXT:
        return "md"
    if ext in _HTML_EXT or _HTML_TAGS.search(text):
        return "html"
    if _MD_TABLE_RULE.search(text) or len(_MD_HEADING.findall(text)) >= 2:
        return "md"
    return "txt"
