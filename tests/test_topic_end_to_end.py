"""Topics through ``parse_text``: every stretch of prose is segmented, whichever headings are lost.

Generated reports (exact gold) with the headings of sections 五/六 removed, with every section
heading removed, and run together into one line like a site's text version (tables glued to
their labels): the narrative after the tables must still get segments.
"""

from __future__ import annotations

import re

import pytest

pytest.importorskip("sklearn")

import gongkai  # noqa: E402
from gongkai.evaluation.metrics import Span  # noqa: E402
from gongkai.models import topic_segmenter  # noqa: E402
from gongkai.training.documents import heading_ranges, normalized, remove_ranges  # noqa: E402
from gongkai.training.scoring import score_segments  # noqa: E402
from gongkai.training.synth_data import synth_docs  # noqa: E402


def _glued(doc):
    return remove_ranges(doc, [(m.start(), m.end()) for m in re.finditer(r"[\n\t|]+", doc.text)])


def _bare(s):
    return re.sub(r"[\s|]", "", s)


VARIANTS = {
    "no 5/6 headings": lambda d: remove_ranges(d, heading_ranges(d.text, (5, 6)), "\n"),
    "no headings": lambda d: remove_ranges(d, heading_ranges(d.text), "\n"),
    "one line, no headings": lambda d: _glued(remove_ranges(d, heading_ranges(d.text), "\n")),
}


@pytest.fixture(scope="module")
def docs():
    return [normalized(d) for d in synth_docs(8, seed=4141, formats=("txt",))]


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_narrative_after_the_tables_is_segmented(docs, variant):
    seg = topic_segmenter()
    reports = []
    for d in docs:
        e = normalized(VARIANTS[variant](d))
        assert all(_bare(e.text[s.start : s.end]) == _bare(d.text[t.start : t.end])
                   for s, t in zip(e.spans, d.spans, strict=True))
        rec = gongkai.parse_text(e.text, segmenter=seg)
        assert rec.text == e.text
        reports.append((e.text, [Span(s.start, s.end, s.topic, s.categories) for s in e.spans],
                        [Span(s.start, s.end, s.topic, tuple(s.categories)) for s in rec.segments]))
    s = score_segments(reports)
    tails = score_segments([(t, [g for g in gs if g.topic in ("problems", "improvements", "other_matters")], p)
                            for t, gs, p in reports])
    assert tails.unsegmented < 0.05, f"{variant}: {tails.unsegmented:.1%} of sections 五/六 in no segment"
    assert s.unsegmented < 0.05
    assert s.macro_f1 > (0.9 if "line" not in variant else 0.75)
