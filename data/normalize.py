"""One normalisation step from loaded text to record text, keeping a map back to the source.

Full-width digits, Latin letters and ASCII punctuation become half-width (so that ``１２３``
and ``（一）`` read like ``123`` and ``(一)``), NBSP and ideographic spaces become spaces,
spaces between two Chinese characters are dropped (``结果 维持`` → ``结果维持``), CR/LF
become LF, zero-width characters vanish. Chinese punctuation such as ，。、 is kept.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

# Full-width forms U+FF01..U+FF5E map to ASCII by a fixed offset; keep the Chinese-reading
# comma/colon/semicolon/question/exclamation as they are, since narrative text uses them.
_KEEP_FULLWIDTH = set("，：；？！")
_TRANS: dict[int, str] = {}
for _cp in range(0xFF01, 0xFF5F):
    _ch = chr(_cp)
    if _ch not in _KEEP_FULLWIDTH:
        _TRANS[_cp] = chr(_cp - 0xFEE0)
_TRANS.update({0x3000: " ", 0x00A0: " ", 0x2002: " ", 0x2003: " ", 0x2009: " ", 0x202F: " "})
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e“”‘’"


_DELETE = re.compile(rf"[\u200b\u200c\u200d\ufeff\u00ad]|\r(?=\n)|(?<=[{_CJK}]) +(?=[{_CJK}])")


@dataclass
class Normalized:
    """Normalised text and the map back to source offsets.

    The map is stored as runs: ``runs[k] = (norm_start, src_start)`` for each stretch of
    characters kept one-for-one, which keeps it small and the step fast.
    """

    text: str
    runs: list[tuple[int, int]]

    def source_offset(self, i: int) -> int:
        """Source offset of normalised offset ``i``."""
        if not self.runs:
            return i
        k = bisect_right(self.runs, (i, float("inf"))) - 1
        norm_start, src_start = self.runs[max(k, 0)]
        return src_start + (i - norm_start)


def normalize(raw: str) -> Normalized:
    """Normalise ``raw`` and keep the offset map (see module docstring)."""
    # translate() is one-for-one here, so positions in ``mapped`` are positions in ``raw``.
    mapped = raw.translate(_TRANS)
    parts: list[str] = []
    runs: list[tuple[int, int]] = []
    pos = 0
    out_len = 0
    for m in _DELETE.finditer(mapped):
        if m.start() > pos:
            runs.append((out_len, pos))
            parts.append(mapped[pos : m.start()])
            out_len += m.start() - pos
        pos = m.end()
    if pos < len(mapped):
        runs.append((out_len, pos))
        parts.append(mapped[pos:])
    return Normalized(text="".join(parts).replace("\r", "\n"), runs=runs)
