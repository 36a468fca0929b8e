"""Property tests: damaged report text gives a sound record or a documented refusal, quickly.

Text in → a :class:`Record` that serialises, whose every cell is null or a non-negative number
unless an ``*.invalid_value`` error names it (:mod:`gongkai.evaluation.invariants`), or
:class:`NotAReportError`. Nothing else may escape, and no example may take long. The base texts
are generated reports (``gongkai.data.synth``), the damage drawn by Hypothesis.
"""

from __future__ import annotations

import functools
import random
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.data.loaders import LoadError
from gongkai.data.loaders.text import load_text
from gongkai.data.synth.corpus import iter_corpus
from gongkai.data.synth.mutate import TEXT
from gongkai.evaluation.invariants import violations
from gongkai.inference.pipeline import NotAReportError, parse_text

SETTINGS = settings(max_examples=60, deadline=10_000, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
_NUM = re.compile(r"(?<![\d.])\d{1,4}(?![\d.])")


@functools.cache
def bases() -> tuple[str, ...]:
    """Generated report texts in every text layout (tab, pipe, flat, glued, ocr …)."""
    return tuple(r.text for _i, _rep, r in iter_corpus(10, formats=("txt",), seed=4243))


def _sound(text: str, ocr: bool) -> None:
    try:
        record = parse_text(text, ocr=ocr)
    except NotAReportError:
        return
    assert violations(record) == []


# What may replace a printed number: huge runs, superscripts, other scripts, fractions, signs.
CELL = st.one_of(
    st.from_regex(r"[19]{20,140}", fullmatch=True),
    st.integers(0, 10**30).map(str),
    st.text(alphabet="⁰¹²³⁴⁵⁶⁷⁸⁹٠١٢٣①②½", min_size=1, max_size=4),
    st.builds(lambda a, b: f"{a}.{b}", st.integers(0, 999), st.integers(0, 99)),
    st.integers(-999, -1).map(str),
    st.sampled_from(["1e308", "nan", "inf", "−5", "Ol", "〇", "1,234,567", "12件", "0.5万元", "", "-", "/"]),
)
NOISE = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@SETTINGS
@given(st.data())
def test_replaced_cells_never_break_the_record(data):
    text = data.draw(st.sampled_from(bases()))
    spans = [m.span() for m in _NUM.finditer(text)]
    picks = data.draw(st.lists(st.tuples(st.integers(0, len(spans) - 1), CELL), min_size=1, max_size=25))
    chars = list(text)
    for idx, value in sorted(picks, key=lambda p: -spans[p[0]][0]):
        a, b = spans[idx]
        chars[a:b] = value
    _sound("".join(chars), ocr=data.draw(st.booleans()))


@SETTINGS
@given(st.data())
def test_inserted_noise_and_cut_text_never_break_the_record(data):
    text = data.draw(st.sampled_from(bases()))
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(text)))
        if data.draw(st.booleans()):
            text = text[:at] + data.draw(NOISE) + text[at:]
        else:
            text = text[:at] + text[at + data.draw(st.integers(0, 400)):]
    _sound(text, ocr=data.draw(st.booleans()))


@SETTINGS
@given(st.integers(0, len(TEXT) - 1), st.integers(0, 10**6), st.integers(0, 9))
def test_every_text_mutator_gives_a_record_or_a_refusal(which, seed, base):
    """The fuzz benchmark's text mutations, through the text loader (bytes → text → record)."""
    rng = random.Random(seed)
    raw = bases()[base].encode("utf-8")
    blob = TEXT[which](raw, rng)[:400_000]  # the huge mutations are the benchmark's job
    try:
        doc = load_text(blob)
    except LoadError as e:
        assert "\n" not in str(e) and str(e)
        return
    _sound(doc.text, ocr=False)
