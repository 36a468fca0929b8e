"""Character-set handling shared by the text and HTML backends.

Chinese government files come as UTF-8, UTF-16 (Windows Notepad "Unicode") or GB2312/GBK/
GB18030. GB2312 and GBK are subsets of GB18030, and mislabelled GB2312 files routinely contain
GBK/GB18030-only characters, so every GB family name is read as gb18030.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_BOMS = (
    # UTF-32 first: its LE BOM starts with the UTF-16 LE one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_GB_NAMES = {"gb2312", "gbk", "gb18030", "cp936", "ms936", "euc_cn", "euccn", "x_gbk", "gb_2312_80"}
# What ordinary report text is made of: ASCII, Latin-1, general and CJK punctuation, CJK
# ideographs, full-width forms.
_PLAIN_CHARS = re.compile(r"[\t\n\r\x20-\x7e\xa0-\xff\u2000-\u206f\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# charset-normalizer reads this many bytes at most: enough to decide, bounded for big files.
DETECT_PREFIX = 64 * 1024


def sniff_bom(data: bytes) -> tuple[str, int] | None:
    """Encoding and BOM length if ``data`` starts with a Unicode byte-order mark."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc, len(bom)
    return None


def canonical_encoding(name: str | None) -> str | None:
    """Python codec name for a declared/detected charset (GB family → gb18030); None if unknown."""
    if not name:
        return None
    key = name.strip().strip("\"'").lower().replace("-", "_")
    if key in _GB_NAMES or key.startswith("gb"):
        return "gb18030"
    try:
        codec = codecs.lookup(key).name
    except LookupError:
        return None
    return "gb18030" if codec.replace("-", "_") in _GB_NAMES else codec


def sniff_utf16(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' for BOM-less UTF-16, recognised by its NUL pattern.

    ASCII characters (digits, newlines) in UTF-16 have a zero high byte, so UTF-16 text shows
    more NULs at odd (LE) or even (BE) offsets. That only picks the byte order: the guess must
    be confirmed by a sample decoding into ordinary Chinese/ASCII characters, which junk never
    does.
    """
    sample = data[: DETECT_PREFIX & ~1]
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if odd == even:
        return None
    encoding = "utf-16-le" if odd > even else "utf-16-be"
    try:
        text = sample.decode(encoding)
    except UnicodeDecodeError as e:
        # Only a surrogate pair cut by the sample boundary is acceptable.
        if e.start < len(sample) - 4:
            return None
        text = sample[: e.start].decode(encoding)
    plain = len(_PLAIN_CHARS.findall(text))
    return encoding if plain >= 0.9 * len(text) else None


def _cut_at_line(prefix: bytes) -> bytes:
    # A newline byte never occurs inside a UTF-8 or GB18030 multi-byte character, so cutting
    # there keeps the detector from seeing a broken trailing character.
    cut = prefix.rfind(b"\n")
    return prefix[: cut + 1] if cut > len(prefix) // 2 else prefix


def detect_encoding(data: bytes) -> str | None:
    """Best encoding for ``data`` by charset-normalizer, run on a bounded prefix only."""
    prefix = data if len(data) <= DETECT_PREFIX else _cut_at_line(data[:DETECT_PREFIX])
    best = from_bytes(prefix).best()
    return canonical_encoding(best.encoding) if best is not None else None


def mostly_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few bad bytes replaced, or None if the bytes are not (nearly) UTF-8.

    One corrupt byte should not turn a UTF-8 file into GB18030 mojibake; text in another
    encoding read as UTF-8 yields a replacement for almost every non-ASCII character instead.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    return text if non_ascii >= 20 and bad <= 0.01 * non_ascii else None


def decode(data: bytes, encoding: str) -> tuple[str, bool]:
    """Decode the whole of ``data``; returns the text and whether it decoded without errors."""
    try:
        return data.decode(encoding), True
    except UnicodeDecodeError:
        return data.decode(encoding, errors="replace"), False
