"""The five real seed reports in ../shared/seeds: meta and every table cell exact."""

from __future__ import annotations

import pytest

from gongkai.data.form import cell_keys
from gongkai.data.record import TableValues
from gongkai.inference.pipeline import parse_file

# What the seeds print, read by a person: organization, year, template, (六) printed as one
# row or not, the non-zero cells, and the cells printed blank. Every other cell is 0.
SEEDS = {
    "000_": ("卫东区北环路街道办事处", 2024, "2021", True, {}, []),
    "001_": (
        "彭后街道办事处",
        2024,
        "2019",
        False,
        {
            "active_disclosure.licensing.decisions": 1782,
            "active_disclosure.punishment.decisions": 55,
            "active_disclosure.fees.amount": 12.39205,
        },
        [],
    ),
    "002_": ("七一路街道办事处", 2022, "2021", True, {}, []),
    "003_": (
        "临清市先锋路街道办事处",
        2021,
        "2021",
        True,
        {},
        [f"review_litigation.review.{c}" for c in ("upheld", "corrected", "other", "pending", "total")],
    ),
    "004_": ("孟津区西霞院街道办事处", 2023, "2021", True, {}, []),
}


@pytest.mark.parametrize("prefix", sorted(SEEDS))
def test_seed_exact(shared_dir, prefix):
    org, year, template, other_split, nonzero, blank = SEEDS[prefix]
    path = next((shared_dir / "seeds").glob(prefix + "*.txt"))
    rec = parse_file(path)
    assert rec.meta.organization == org
    assert rec.meta.year == year
    assert rec.template == template
    got = TableValues.from_nested(rec.tables, rec.template)
    assert got.other_split == other_split
    keys = [k for t in ("active_disclosure", "applications", "review_litigation") for k in cell_keys(t, template, other_split)]
    assert set(got.all_keys()) == set(keys)
    for key in keys:
        expected = None if key in blank else nonzero.get(key, 0)
        assert got.values[key] == expected, key
    assert [s.number for s in rec.sections] == [1, 2, 3, 4, 5, 6]
    assert not [i for i in rec.issues if i.severity == "error"]
