"""The real saved web pages in ../shared/real: every cell as printed, meta right, errors reported."""

from __future__ import annotations

import pytest

from gongkai.evaluation.compare import Gold, compare
from gongkai.inference.pipeline import parse_file


@pytest.mark.parametrize("name", ["pingtan-2020", "pingtan-2024"])
def test_real_page_cells_and_meta(shared_dir, name):
    real = shared_dir / "real"
    gold = Gold.read(real / f"{name}.gold.json")
    rec = parse_file(real / f"{name}.html")
    cmp = compare(rec, gold)
    assert [(c.key, c.gold, c.pred) for c in cmp.wrong] == []
    assert cmp.year_ok and cmp.org_ok and cmp.template_ok
    assert rec.source.format == "html"


def test_published_inconsistency_is_reported_not_altered(shared_dir):
    real = shared_dir / "real"
    gold = Gold.read(real / "pingtan-2020.gold.json")
    rec = parse_file(real / "pingtan-2020.html")
    errors = [i for i in rec.issues if i.severity == "error"]
    for inc in gold.published_inconsistencies:
        assert inc["relation"] == 2
        cell = f"applications.total.{inc['column']}"
        assert any(i.code == "applications.column_total" and cell in i.cells for i in errors)
        assert rec.tables["applications"]["total"][inc["column"]] == inc["printed_total"]
    assert not [i for i in rec.issues if i.code.endswith(".repaired")]
