"""``gongkai synth``: every format, gold beside every file, deterministic, relations exact."""

from __future__ import annotations

import json

import pytest

from gongkai.data.form import APP_PARTS, REVIEW_COLS, REVIEW_GROUPS, application_rows, outcome_rows
from gongkai.data.record import TableValues
from gongkai.data.synth.fonts import has_cjk_font
from gongkai.inference.checks import violations
from gongkai.inference.cli import main

TEXT = "txt,md,html,docx"
PAGES = "pdf,scan,image"


def _relations_hold(tv: TableValues) -> bool:
    v = tv.values
    rows = application_rows(tv.other_split)
    for r in rows:
        if v[f"applications.{r.key}.total"] != sum(v[f"applications.{r.key}.{c}"] for c in APP_PARTS):
            return False
    for c in (*APP_PARTS, "total"):
        col = {r.key: v[f"applications.{r.key}.{c}"] for r in rows}
        if col["total"] != sum(col[k] for k in outcome_rows(tv.other_split)):
            return False
        if col["new_received"] + col["carried_over"] != col["total"] + col["carried_forward"]:
            return False
    for g in REVIEW_GROUPS:
        parts = [v[f"review_litigation.{g}.{c}"] for c in REVIEW_COLS]
        if parts[-1] != sum(parts[:-1]):
            return False
    return True


@pytest.mark.parametrize("formats", [TEXT, PAGES])
def test_synth_writes_every_format_with_exact_gold(tmp_path, capsys, formats):
    if formats == PAGES and not has_cjk_font():
        pytest.skip("no CJK font installed (Debian: fonts-wqy-zenhei)")
    n = len(formats.split(",")) * 2
    assert main(["synth", str(tmp_path), "--n", str(n), "--formats", formats, "--seed", "5", "--workers", "1"]) == 0
    golds = sorted(tmp_path.glob("*.gold.json"))
    assert len(golds) == n
    seen = set()
    for g in golds:
        gold = json.loads(g.read_text(encoding="utf-8"))
        seen.add(gold["corpus_format"])
        report = [p for p in tmp_path.glob(g.name.replace(".gold.json", ".*")) if not p.name.endswith(".json")]
        assert len(report) == 1 and report[0].stat().st_size > 0
        tv = TableValues.from_nested(gold["tables"], gold["template"])
        if gold.get("blank"):  # cells printed blank are null in the gold where no relation gives them
            assert set(gold["blank"]) >= {k for k, v in tv.values.items() if v is None and "fees" not in k}
            assert not violations(tv)
        else:
            assert _relations_hold(tv)
        assert gold["meta"]["year"] and gold["meta"]["organization"]
        assert gold["segments"] and all(s["text"] in gold["text"] for s in gold["segments"])
    assert seen == set(formats.split(","))


def test_synth_is_deterministic(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        assert main(["synth", str(out), "--n", "8", "--seed", "11", "--workers", "1"]) == 0
    for p in a.iterdir():
        assert (b / p.name).read_bytes() == p.read_bytes()


def test_synth_rejects_unknown_format(tmp_path, capsys):
    assert main(["synth", str(tmp_path), "--formats", "txt,xls"]) == 2
    assert "xls" in capsys.readouterr().err
