"""Word's automatic list numbers (一、 （一） 1. ...), which python-docx leaves out of the text.

Section headings of a report are often auto-numbered; without the numbers "一、总体情况" would
load as "总体情况". This renders the label of each numbered paragraph from numbering.xml,
keeping one counter set per list (numId), as Word does for ordinary lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_VAL = f"{{{W}}}val"
_MAX_STYLE_DEPTH = 10


def _q(name: str) -> str:
    return f"{{{W}}}{name}"


def _val(el: etree._Element | None, name: str) -> str | None:
    child = el.find(_q(name)) if el is not None else None
    return child.get(_VAL) if child is not None else None


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"


def _chinese(n: int, digits: str = _CN_DIGITS, units: str = "十百千") -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五 (up to 9999)."""
    if n <= 0 or n >= 10000:
        return str(n)
    parts = [(n // 1000, units[2]), (n // 100 % 10, units[1]), (n // 10 % 10, units[0]), (n % 10, "")]
    out, zero = "", False
    for d, unit in parts:
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += digits[0]
            zero = False
        out += digits[d] + unit
    return out[1:] if out.startswith(digits[1] + units[0]) and 10 <= n < 20 else out


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                       (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):  # fmt: skip
        while n >= value:
            out, n = out + sym, n - value
    return out


def _letters(n: int) -> str:
    # Word repeats the letter past z: aa, bb, ...
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)


def format_number(n: int, fmt: str) -> str:
    """Render a list counter in a Word numFmt."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "japaneseCounting"):
        return _chinese(n)
    if fmt == "chineseLegalSimplified":
        return _chinese(n, _CN_LEGAL, "拾佰仟")
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join("〇一二三四五六七八九"[int(d)] for d in str(n))
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        return _CIRCLED[n - 1] if 1 <= n <= len(_CIRCLED) else str(n)
    if fmt == "ideographTraditional":
        return _HEAVENLY_STEMS[(n - 1) % 10]
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("lowerLetter", "upperLetter"):
        s = _letters(n)
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("lowerRoman", "upperRoman"):
        s = _roman(n)
        return s.lower() if fmt == "lowerRoman" else s
    if fmt == "none":
        return ""
    return str(n)


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    legal: bool = False  # isLgl: show every level's number in decimal


@dataclass
class Numbering:
    """Computes list labels paragraph by paragraph (call :meth:`label` in document order)."""

    abstract: dict[str, dict[int, _Level]]
    nums: dict[str, tuple[str, dict[int, int]]]  # numId → (abstractNumId, start overrides)
    style_numpr: dict[str, tuple[str | None, int | None]]
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def from_document(cls, document: Any) -> Numbering | None:
        """Read numbering.xml and list styles of a python-docx Document; None if it has none."""
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return None
        try:
            styles = document.styles.element
        except (KeyError, NotImplementedError, AttributeError):
            styles = None
        return cls.from_xml(numbering, styles)

    @classmethod
    def from_xml(cls, numbering: etree._Element, styles: etree._Element | None) -> Numbering:
        """Build from the numbering part's and (optionally) the styles part's root elements."""
        abstract: dict[str, dict[int, _Level]] = {}
        for an in numbering.iterfind(_q("abstractNum")):
            levels = {}
            for lvl in an.iterfind(_q("lvl")):
                levels[_int(lvl.get(_q("ilvl")), 0)] = _Level(
                    start=_int(_val(lvl, "start"), 1),
                    fmt=_val(lvl, "numFmt") or "decimal",
                    text=_val(lvl, "lvlText") or "",
                    legal=lvl.find(_q("isLgl")) is not None,
                )
            abstract[an.get(_q("abstractNumId")) or ""] = levels
        nums: dict[str, tuple[str, dict[int, int]]] = {}
        for num in numbering.iterfind(_q("num")):
            overrides = {}
            for ov in num.iterfind(_q("lvlOverride")):
                start = _val(ov, "startOverride")
                if start is not None:
                    overrides[_int(ov.get(_q("ilvl")), 0)] = _int(start, 1)
            nums[num.get(_q("numId")) or ""] = (_val(num, "abstractNumId") or "", overrides)
        return cls(abstract, nums, _style_numbering(styles))

    def _numpr(self, p: etree._Element) -> tuple[str | None, int]:
        ppr = p.find(_q("pPr"))
        numpr = ppr.find(_q("numPr")) if ppr is not None else None
        num_id = _val(numpr, "numId")
        ilvl = _int(_val(numpr, "ilvl"), -1)
        style = _val(ppr, "pStyle")
        if style is not None and (num_id is None or ilvl < 0):
            s_num, s_lvl = self.style_numpr.get(style, (None, None))
            num_id = num_id if num_id is not None else s_num
            ilvl = ilvl if ilvl >= 0 else (s_lvl or 0)
        return num_id, max(ilvl, 0)

    def label(self, p: etree._Element) -> str:
        """The rendered list label of paragraph ``p`` ("" if it is not numbered)."""
        num_id, ilvl = self._numpr(p)
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        abs_id, overrides = self.nums[num_id]
        levels = self.abstract.get(abs_id, {})
        level = levels.get(ilvl)
        if level is None or level.fmt == "bullet":
            return ""
        counters = self.counters.setdefault(num_id, {})
        start = overrides.get(ilvl, level.start)
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        text = level.text
        for k in range(ilvl + 1):
            lv = levels.get(k, _Level())
            n = counters.get(k, overrides.get(k, lv.start))
            text = text.replace(
                f"%{k + 1}", format_number(n, "decimal" if level.legal and k < ilvl else lv.fmt)
            )
        return text + (" " if text[-1:].isascii() and text[-1:].isalnum() else "")


def _style_numbering(styles: etree._Element | None) -> dict[str, tuple[str | None, int | None]]:
    """styleId → (numId, ilvl) for paragraph styles that carry numbering, following basedOn."""
    if styles is None:
        return {}
    direct: dict[str, tuple[str | None, int | None, str | None]] = {}
    for st in styles.iterfind(_q("style")):
        ppr = st.find(_q("pPr"))
        numpr = ppr.find(_q("numPr")) if ppr is not None else None
        ilvl = _val(numpr, "ilvl")
        direct[st.get(_q("styleId")) or ""] = (
            _val(numpr, "numId"),
            None if ilvl is None else _int(ilvl, 0),
            _val(st, "basedOn"),
        )
    resolved: dict[str, tuple[str | None, int | None]] = {}
    for sid in direct:
        num_id, ilvl, base = direct[sid]
        depth = 0
        while base in direct and (num_id is None or ilvl is None) and depth < _MAX_STYLE_DEPTH:
            b_num, b_lvl, base = direct[base]
            num_id = num_id if num_id is not None else b_num
            ilvl = ilvl if ilvl is not None else b_lvl
            depth += 1
        if num_id is not None:
            resolved[sid] = (num_id, ilvl)
    return resolved
