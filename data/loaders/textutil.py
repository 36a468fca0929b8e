"""Whitespace rules for text pulled out of markup (HTML, DOCX), shared by those backends.

Chinese has no spaces between words, so line breaks that only wrap source markup (Word's HTML
wraps its lines anywhere, even inside 〔2019〕) or that split a table cell's label over several
lines must vanish next to a Chinese character instead of becoming a space, as in CSS Text 3's
segment-break rule. Between Latin letters or digits they stay a single space.
"""

from __future__ import annotations

import re

# Whitespace as browsers collapse it, plus the no-break and ideographic spaces that editors use
# for padding and blank table cells.
_WS = re.compile(r"[ \t\n\r\f\v\xa0\u3000\u2002\u2003\u2009\u200b]+")
_ZERO_WIDTH = str.maketrans("", "", "\u200b\u200c\u200d\u2060\ufeff\xad")


def is_wide(ch: str) -> bool:
    """True for CJK ideographs, kana/hangul, CJK punctuation and full-width forms."""
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF  # radicals, CJK punctuation, kana, ideographs
        or 0xAC00 <= o <= 0xD7AF  # hangul
        or 0xF900 <= o <= 0xFAFF  # compatibility ideographs
        or 0xFE30 <= o <= 0xFE4F  # compatibility forms
        or 0xFF00 <= o <= 0xFFEF  # full-width forms
        or 0x20000 <= o <= 0x3FFFF  # supplementary ideographs
        or ch in "“”‘’—…·"
    )


def collapse_ws(text: str) -> str:
    """Collapse whitespace runs to one space; drop runs holding a line break next to a wide char."""
    text = text.translate(_ZERO_WIDTH)

    def repl(m: re.Match[str]) -> str:
        s, e = m.start(), m.end()
        breaks = "\n" in m.group() or "\r" in m.group()
        if breaks and s > 0 and e < len(text) and (is_wide(text[s - 1]) or is_wide(text[e])):
            return ""
        return " "

    return _WS.sub(repl, text)


def join_pieces(pieces: list[str]) -> str:
    """Join the lines of one cell: nothing next to a wide character, a space between Latin/digits."""
    out = ""
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        if out and not (is_wide(out[-1]) or is_wide(piece[0])):
            out += " "
        out += piece
    return out
