"""Plain-text and Markdown backend: decode the bytes reliably, reject what is not text."""

from __future__ import annotations

import re

from .base import Document, LoadError
from .charset import decode, detect_encoding, mostly_utf8, sniff_bom, sniff_utf16
from .source import Source, read_source

# C0/C1 controls other than TAB, LF, VT, FF, CR and Ctrl-Z (an old DOS end-of-file mark), plus
# U+FFFD left by undecodable bytes.
_BAD_CHARS = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f-\x9f\ufffd]")
_MAX_BAD_RATIO = 0.02
_TITLE_MAX = 80


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a text file's bytes; returns ``(text, encoding)`` or raises :class:`LoadError`.

    Order: BOM, BOM-less UTF-16 (NUL pattern), strict UTF-8, UTF-8 with a few bad bytes, then
    charset-normalizer on a bounded prefix, confirmed by decoding the whole file.
    """
    if not data:
        raise LoadError("the file is empty")
    bom = sniff_bom(data)
    if bom is not None:
        encoding, size = bom
        text, _ = decode(data[size:], encoding.removesuffix("-sig"))
        return text, encoding
    if b"\x00" in data:
        encoding = sniff_utf16(data)
        if encoding is None:
            raise LoadError("the file contains binary data, not text")
        return decode(data, encoding)[0], encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        # A file cut inside its last character is still UTF-8; anything else is not.
        if e.reason == "unexpected end of data" and e.start >= len(data) - 3:
            return data[: e.start].decode("utf-8"), "utf-8"
    nearly = mostly_utf8(data)
    if nearly is not None:
        return nearly, "utf-8"
    encoding = detect_encoding(data)
    if encoding is None:
        raise LoadError("cannot tell the file's character encoding; it is probably not text")
    return decode(data, encoding)[0], encoding


def check_text(text: str) -> None:
    """Raise :class:`LoadError` if decoded text is blank or mostly control/undecodable characters."""
    if not text.strip():
        raise LoadError("the file contains only whitespace")
    bad = len(_BAD_CHARS.findall(text))
    if bad > 0 and bad > _MAX_BAD_RATIO * len(text):
        raise LoadError("the file does not look like text: too many control or undecodable characters")


def _title(text: str) -> str | None:
    for line in text.split("\n", 20)[:20]:
        line = line.strip().lstrip("#").strip()
        if line:
            return line if len(line) <= _TITLE_MAX else None
    return None


def load_text(path_or_bytes: Source, fmt: str = "txt") -> Document:
    """Load a .txt/.md report: decoded text with line ends unified to ``\\n``.

    ``fmt`` is the Document's format ("txt" or "md"). Raises :class:`LoadError` for empty,
    whitespace-only or binary input.
    """
    text, encoding = decode_text(read_source(path_or_bytes))
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    check_text(text)
    return Document(text=text, format=fmt, encoding=encoding, title_hint=_title(text))
