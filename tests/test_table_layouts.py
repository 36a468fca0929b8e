"""Every text layout the generator makes, both templates, with and without dropped cells:
the parser reads every cell exactly (dropped cells restored from the table's arithmetic)."""

from __future__ import annotations

import random

import pytest

from gongkai.data.record import TableValues
from gongkai.data.synth.content import make_report
from gongkai.data.synth.document import build_document
from gongkai.data.synth.noise import choose_dropped
from gongkai.data.synth.render_text import TEXT_LAYOUTS, draw_options, render_text
from gongkai.inference.pipeline import parse_text


def _render(layout: str, template: str, drop: bool, i: int):
    rng = random.Random(f"{layout}-{template}-{drop}-{i}")
    rep = make_report(rng, template=template)
    doc = build_document(rep, rng)
    dropped = frozenset(choose_dropped(rep.tables, rng)) if drop else frozenset()
    text, _segments = render_text(doc, draw_options(layout, rng, dropped=dropped), rng)
    return rep, text, dropped


@pytest.mark.parametrize("layout", [lay for lay in TEXT_LAYOUTS if lay != "glued"])
@pytest.mark.parametrize("template", ["2021", "2019"])
@pytest.mark.parametrize("drop", [False, True])
def test_layout_cells_exact(layout, template, drop):
    for i in range(4):
        rep, text, dropped = _render(layout, template, drop, i)
        rec = parse_text(text)
        got = TableValues.from_nested(rec.tables, rec.template)
        wrong = [(k, v, got.values.get(k)) for k, v in rep.tables.values.items() if got.values.get(k) != v]
        assert wrong == [], text
        assert rec.template == rep.template
        assert rec.meta.year == rep.year
        # Each dropped cell is restored and reported; which of two equal neighbours was the
        # dropped one cannot be told, so count per row.
        repaired = [c for iss in rec.issues if iss.code.endswith(".repaired") for c in iss.cells]
        for key in dropped:
            row = key.rsplit(".", 1)[0]
            assert any(c.rsplit(".", 1)[0] == row for c in repaired), key
        assert not [iss for iss in rec.issues if iss.severity == "error"]


@pytest.mark.parametrize("template", ["2021", "2019"])
def test_glued_numbers_are_split_by_the_sums_or_flagged(template):
    """Scraped text with no cell separators: the applications and review tables come out
    exact (their sums settle the splits); a row no sum constrains (active disclosure, e.g.
    "8855698" for three columns) is left null and flagged, never guessed."""
    for i in range(6):
        rep, text, _dropped = _render("glued", template, False, i)
        rec = parse_text(text)
        got = TableValues.from_nested(rec.tables, rec.template)
        flagged = {c for iss in rec.issues if iss.code.endswith("ambiguous_row") for c in iss.cells}
        for key, truth in rep.tables.values.items():
            if got.values.get(key) != truth:
                assert key.startswith("active_disclosure."), (key, truth, got.values.get(key))
                assert got.values.get(key) is None and key in flagged, key
        assert not [iss for iss in rec.issues if iss.severity == "error"]
