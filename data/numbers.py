"""Printed numbers → values: exact integers for counts, floats only where a decimal is printed.

Text reaches here after normalisation (full-width digits are ASCII by then). Only ASCII digits
count as digits: ``str.isdigit`` also accepts superscripts and other scripts' digits (``³``,
``①``), which ``int`` then refuses. A count longer than :data:`MAX_COUNT_DIGITS` digits is
not a plausible count of the national form: it is read as no value, and the checks report
the cell (``*.invalid_value``) instead of carrying a 40-digit number into the arithmetic.
"""

from __future__ import annotations

import re

# No count of the national form comes near 10^12 (a province publishes well under 10^8 items).
MAX_COUNT_DIGITS = 12
_UNIT = re.compile(r"(?:件|个|次|万元|元)$")
_OCR_DIGITS = str.maketrans({"O": "0", "o": "0", "〇": "0", "l": "1", ",": None, "−": "-"})
_PLAIN = re.compile(r"-?(\d+)(?:\.(\d+))?", re.ASCII)


def is_digits(s: str) -> bool:
    """True for a non-empty run of ASCII digits only (unlike ``str.isdigit``)."""
    return s.isascii() and s.isdigit()


def parse_number(raw: str) -> int | float | None:
    """The value of a printed numeric cell (unit words and OCR letter-digits allowed).

    An int unless a decimal point is printed; None when the text is not a number or its whole
    part is longer than :data:`MAX_COUNT_DIGITS` digits (see :func:`implausible`).
    """
    s = raw if is_digits(raw) else _UNIT.sub("", raw).translate(_OCR_DIGITS)
    m = _PLAIN.fullmatch(s)
    if m is None or len(m.group(1)) > MAX_COUNT_DIGITS:
        return None
    if m.group(2) is not None:
        return float(s[: m.start(2) + MAX_COUNT_DIGITS])  # ignore absurd decimal tails
    return int(s)


def implausible(raw: str) -> bool:
    """True when ``raw`` holds digits but no plausible value (e.g. a 40-digit run)."""
    return any(ch.isdigit() for ch in raw) and parse_number(raw) is None
