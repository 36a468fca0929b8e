"""The shipped topic model: in the package, small, with its card, used by ``gongkai parse`` and ``evaluate``."""

from __future__ import annotations

import json

import pytest

from gongkai.models.loading import SHIPPED_DIR, shipped_available

pytest.importorskip("sklearn")


def test_shipped_model_is_in_the_package_small_and_documented():
    assert shipped_available(), f"no shipped model in {SHIPPED_DIR}: run gongkai train training/configs/shipped.cfg"
    size = sum(p.stat().st_size for p in SHIPPED_DIR.rglob("*") if p.is_file())
    assert size <= 30e6
    metrics = json.loads((SHIPPED_DIR / "metrics.json").read_text(encoding="utf-8"))
    info = json.loads((SHIPPED_DIR / "model.json").read_text(encoding="utf-8"))
    assert info["kind"] == metrics["shipped"]
    assert {"baseline", "transformer"} <= set(metrics["models"]), "both models must be compared"
    for m in metrics["models"].values():
        assert m["synth_test"]["macro_f1"] is not None and m["synth_test"]["reports"] > 0
    card = (SHIPPED_DIR / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "## Figures" in card and "## Data" in card


def test_parse_uses_the_classifier_by_default(tmp_path):
    from gongkai.data.record import Record
    from gongkai.inference.cli import main

    sample = SHIPPED_DIR.parents[1] / "data" / "samples" / "sample_0_tab.txt"
    outs = {}
    for flag in ([], ["--no-topics"]):
        out = tmp_path / f"rec{len(flag)}.json"
        assert main(["parse", str(sample), "-o", str(out), *flag]) == 0
        outs[bool(flag)] = Record.model_validate_json(out.read_text(encoding="utf-8"))
    rec = outs[False]
    assert rec.segments and all(s.score is not None for s in rec.segments)
    titles = {s.title for s in rec.sections}
    assert not any(s.text.strip() in titles for s in rec.segments), "section headings are not narrative"
    assert [s.model_dump() for s in rec.segments] != [s.model_dump() for s in outs[True].segments]
    # Topics follow the report's order: each topic is one contiguous run here.
    order = [s.topic for s in rec.segments]
    runs = [t for i, t in enumerate(order) if i == 0 or order[i - 1] != t]
    assert len(runs) == len(set(runs))


def test_evaluate_scores_the_classifier_segments(tmp_path):
    from gongkai.data.synth.corpus import write_corpus
    from gongkai.evaluation.evaluate import evaluate

    write_corpus(tmp_path, 4, formats=("txt", "html"), seed=77)
    clf = evaluate(tmp_path, workers=1, topics=True).narrative
    heads = evaluate(tmp_path, workers=1, topics=False).narrative
    assert clf.macro_f1 is not None and clf.macro_f1 >= 0.9
    assert clf.categories_micro.f1 >= 0.8  # heading-based segments carry no categories at all
    assert not heads.categories_micro.f1
