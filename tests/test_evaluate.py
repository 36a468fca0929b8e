"""``evaluate`` and ``gongkai evaluate`` on a small generated set, with stored and broken predictions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from gongkai.data.record import Record
from gongkai.data.synth.corpus import write_corpus
from gongkai.evaluation.dashboard import render_dashboard
from gongkai.evaluation.evaluate import evaluate, find_tasks
from gongkai.inference.cli import main

FORMATS = ("txt", "md", "html", "docx")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gold")
    write_corpus(out, 12, formats=FORMATS, seed=5)
    return out


@pytest.fixture(scope="module")
def serial(corpus):
    return evaluate(corpus, workers=1)


@pytest.fixture(scope="module")
def preds(corpus, tmp_path_factory) -> Path:
    """Records stored the way ``gongkai parse -o`` writes them."""
    out = tmp_path_factory.mktemp("pred")
    for task in find_tasks(corpus):
        assert main(["parse", str(task.report), "-o", str(out / f"{task.name}.json")]) == 0
    return out


def test_json_keys_and_per_format_figures(serial):
    d = json.loads(serial.to_json())
    assert {"n_reports", "n_crashed", "crashes", "seconds", "reports_per_second", "headline", "cells",
            "reports_fully_exact", "meta", "issues", "narrative", "reports"} <= set(d)
    assert d["n_reports"] == 12 and d["n_crashed"] == 0
    assert set(d["cells"]["by_format"]) == set(FORMATS)
    assert all(d["cells"]["by_format"][f]["total"] > 0 for f in FORMATS)
    assert {"by_table", "by_row", "by_cell", "by_layout"} <= set(d["cells"])
    assert set(d["meta"]) == {"year", "organization", "template"}
    assert set(d["issues"]) == {"detection", "repair"}
    n = d["narrative"]
    assert {"topics", "macro_f1", "confusion", "pk", "window_diff", "categories"} <= set(n)
    assert {"micro", "macro_f1", "per_category"} <= set(n["categories"])
    assert n["confusion"]["labels"][-1] == "none"
    assert len(n["confusion"]["matrix"]) == len(n["confusion"]["labels"])
    assert 0 <= n["pk"] <= 1 and n["segments_located"]["accuracy"] > 0.9
    assert d["headline"]["cell-accuracy"] == d["cells"]["accuracy"] > 0.8
    assert all("cells" in r and "segments" in r for r in d["reports"])


def test_parallel_equals_serial(corpus, serial):
    par = evaluate(corpus, workers=3)
    assert par.headline() == serial.headline()
    assert [r.name for r in par.reports] == [r.name for r in serial.reports]


def test_stored_predictions_match_parsing(corpus, preds, serial):
    stored = evaluate(corpus, pred_dir=preds, workers=1)
    assert stored.n_reports == 12 and not stored.crashes
    assert stored.cells.overall == serial.cells.overall
    assert stored.narrative.macro_f1 == pytest.approx(serial.narrative.macro_f1)


def test_broken_predictions_lower_accuracy_and_missing_ones_count(corpus, preds, serial, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(preds, broken)
    files = sorted(broken.glob("*.json"))
    for path in files[:6]:
        rec = Record.model_validate_json(path.read_text(encoding="utf-8"))
        for row in rec.tables.get("applications", {}).values():
            if isinstance(row, dict) and isinstance(row.get("total"), int):
                row["total"] += 1
        rec.meta.year = 1999
        path.write_text(rec.to_json(), encoding="utf-8")
    files[-1].unlink()  # one prediction is missing: a crash, not the end of the run
    result = evaluate(corpus, pred_dir=broken, workers=2)
    assert result.n_reports == 12
    assert [c.file for c in result.crashes] == [str(files[-1])]
    assert result.cells.overall.value < serial.cells.overall.value - 0.02
    assert result.meta["year"].correct <= serial.meta["year"].correct - 6
    assert result.reports[0].error and "FileNotFoundError" in result.reports[0].error  # worst first


def test_unreadable_report_is_recorded(corpus, tmp_path):
    bad = tmp_path / "set"
    shutil.copytree(corpus, bad)
    docx = sorted(bad.glob("*.docx"))[0]
    docx.write_bytes(b"not a zip file")
    result = evaluate(bad, workers=2)
    assert result.n_reports == 12 and len(result.crashes) == 1
    assert result.crashes[0].file == str(docx)
    assert result.cells.by_format["docx"].value < 1.0


def test_cli_writes_json_and_dashboard(corpus, tmp_path, capsys):
    out_json, out_html = tmp_path / "r.json", tmp_path / "r.html"
    rc = main(["evaluate", str(corpus), "--json", str(out_json), "--html", str(out_html), "--workers", "1"])
    assert rc == 0
    printed = capsys.readouterr().out
    assert "cell accuracy" in printed and "cells by format" in printed and "reports/s" in printed
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["n_reports"] == 12
    page = out_html.read_text(encoding="utf-8")
    assert "<script src" not in page and "<link" not in page  # nothing fetched at view time
    assert page.count("plotly.js v") == 1


def test_cli_rejects_empty_folder(tmp_path, capsys):
    assert main(["evaluate", str(tmp_path)]) == 2
    assert "no *.gold.json" in capsys.readouterr().err


def test_report_text_is_escaped_in_the_page(serial):
    hostile = "<script>window.__pwned=1</script>&amp;"
    meta = serial.reports[0].gold_meta
    original = meta["organization"]
    meta["organization"] = hostile
    try:
        page = render_dashboard(serial)
    finally:
        meta["organization"] = original
    assert hostile not in page and "window.__pwned" in page
    block = page.split('<script type="application/json" id="gk-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block and "&" not in block
    assert json.loads(block)["result"]["reports"][0]["gold_meta"]["organization"] == hostile
