"""The narrative paragraphs of a record: wrapped lines joined, headings and table rows left out."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any

# Sentence-final marks: a line ending in one closes its paragraph (a wrapped line does not).
_CLOSE = tuple("。！？；：;:!?”」")
_HEADING = re.compile(
    r"^\s*(?:#+\s*|第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．])"
)
# A paragraph is narrative when it holds a sentence; table rows and cell labels never do.
_SENTENCE = re.compile(r"[。！？；;!?]")
_SPACE = re.compile(r"\s+")
# A short line with no punctuation at all is a heading (存在问题, 改进措施), not the start of a paragraph.
_PUNCT = re.compile(r"[，,、。；;：:！？!?（）()“”]")


@dataclass(frozen=True)
class Para:
    """One narrative paragraph as printed (wrapped lines joined) and its place in the report."""

    index: int  # order in the report
    section: int  # contract section number; 0 before section 1 or when no section was found
    start: int  # offset into the record's text
    text: str
    key: str  # NFKC, no whitespace: what "unchanged" compares
    topic: str | None  # the topic segment covering most of it


def norm(text: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def _spans(rec: dict[str, Any]) -> list[tuple[int, int, int]]:
    """``(section, start, end)`` over the whole text: the part before section 1 is section 0."""
    text = rec.get("text") or ""
    secs = sorted((s["start"], s["end"], s["number"]) for s in rec.get("sections") or [])
    out, pos = [], 0
    for start, end, number in secs:
        if start > pos:
            out.append((0 if not out else out[-1][0], pos, start))
        out.append((number, start, end))
        pos = max(pos, end)
    if pos < len(text):
        out.append((out[-1][0] if out else 0, pos, len(text)))
    return out


def _topic(segments: list[tuple[int, int, str]], start: int, end: int) -> str | None:
    best, topic = 0, None
    for s, e, t in segments:
        if e <= start:
            continue
        if s >= end:
            break
        ov = min(e, end) - max(s, start)
        if ov > best:
            best, topic = ov, t
    return topic


# Run-in text (a site's text version prints a whole report on one line): long lines are cut at
# sub-heading ordinals, and what is still long at sentence ends, so units stay paragraph-sized.
LONG = 400
_RUN_IN = re.compile(r"(?=[（(][一二三四五六七八九十]{1,3}[)）]|(?<![一二三四五六七八九十])[一二三四五六七八九十]{1,2}是|"
                     r"(?<=[。；])[一二三四五六七八九十]{1,2}、)")
_SENT_END = re.compile(r"(?<=[。！？])")
# In any line, a sub-heading ordinal right after a full stop starts a paragraph: 。(二)改进措施
_SUB_AFTER_STOP = re.compile(r"(?<=[。！？])(?=[（(][一二三四五六七八九十]{1,3}[)）])")


def _lines(text: str, start: int, end: int, run_in: bool) -> list[tuple[int, str]]:
    """``(offset, line)`` of ``text[start:end]``, long lines cut into paragraph-sized pieces; in a
    run-in text (``run_in``: it has lost its paragraph breaks) also at sub-headings after a stop."""
    out, pos = [], start
    for line in text[start:end].split("\n"):
        if len(line) <= LONG and not run_in:
            out.append((pos, line))
        elif len(line) <= LONG:
            off = pos
            pieces = _SUB_AFTER_STOP.split(line)
            for k, piece in enumerate(pieces):
                out.append((off, piece))
                if k < len(pieces) - 1:  # the last piece may go on in the next (wrapped) line
                    out.append((off + len(piece), ""))
                off += len(piece)
        else:
            off = pos
            for piece in _RUN_IN.split(line):
                chunks = [piece] if len(piece) <= LONG else _SENT_END.split(piece)
                for ch in chunks:
                    if ch:
                        out.append((off, ch))
                        out.append((off + len(ch), ""))  # a piece is a paragraph of its own
                        off += len(ch)
        pos += len(line) + 1
    return out


def _wrap_width(text: str) -> int | None:
    """The width a text was hard-wrapped at: a length far more long lines share than any other."""
    counts = Counter(len(x.strip()) for x in text.split("\n") if len(x.strip()) >= 20).most_common(2)
    if not counts or counts[0][1] < 5:
        return None
    return counts[0][0] if len(counts) == 1 or counts[0][1] >= 2 * counts[1][1] else None


def _skip_heading(text: str, start: int, end: int, title: str | None) -> int:
    """Offset after a section's printed heading (the ordinal and the title) at ``start``."""
    head = text[start : min(end, start + 60)]
    k = head.find(title) if title else -1
    if k >= 0:
        return start + k + len(title)  # type: ignore[arg-type]
    nl = head.find("\n")
    return start + (nl if nl >= 0 else 0)


def paragraphs(rec: dict[str, Any]) -> list[Para]:
    """Narrative paragraphs of ``rec`` (a record dict) in report order."""
    text = rec.get("text") or ""
    titles = {s["start"]: s.get("title") for s in rec.get("sections") or []}
    width = _wrap_width(text)
    run_in = any(len(x) > LONG for x in text.split("\n"))
    found: list[tuple[int, int, str]] = []  # section, start, text
    for section, start, end in _spans(rec):
        buf: list[tuple[int, str]] = []
        if start in titles:
            start = _skip_heading(text, start, end, titles[start])
        for lstart, line in _lines(text, start, end, run_in):
            s = line.strip()
            if not s or "\t" in s or "|" in s or (len(s) < 30 and not _SENTENCE.search(s) and (
                    _HEADING.match(s) or (len(s) != width and not _PUNCT.search(s)))):
                if buf:  # a break, a heading or a table row ends the paragraph
                    _flush(buf, section, found)
                continue
            buf.append((lstart + line.find(s[0]), s))
            if s.endswith(_CLOSE) and len(s) != width:
                _flush(buf, section, found)
        if buf:
            _flush(buf, section, found)
    # one normalisation for the whole report (NFKC keeps the separator)
    keys = _SPACE.sub("", unicodedata.normalize("NFKC", "\x00".join(t for _, _, t in found))).split("\x00")
    segments = sorted((s["start"], s["end"], s["topic"]) for s in rec.get("segments") or [])
    return [Para(i, sec, p0, body, key, _topic(segments, p0, p0 + len(body)))
            for i, ((sec, p0, body), key) in enumerate(zip(found, keys, strict=True))] if found else []


def _flush(buf: list[tuple[int, str]], section: int, out: list[tuple[int, int, str]]) -> None:
    """Close the paragraph in ``buf`` (kept when it holds a sentence)."""
    body = "".join(t for _, t in buf)
    if _SENTENCE.search(body):
        out.append((section, buf[0][0], body))
    buf.clear()
