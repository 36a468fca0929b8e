"""Cross-year checks: unit identity across years, and differences stored on the later report."""

from __future__ import annotations

import copy
import dataclasses
import random
from datetime import date
from pathlib import Path

import pytest

import gongkai
from gongkai.data.form import APP_PARTS, outcome_rows
from gongkai.data.record import Meta, Region
from gongkai.data.store.crossyear import check_pair
from gongkai.data.store.run import IngestOptions, ingest
from gongkai.data.store.units import unit_of
from gongkai.data.synth.content import SyntheticReport, make_report
from gongkai.data.synth.corpus import render_report
from gongkai.data.synth.narrative import make_narrative


def _meta(org: str, **region) -> Meta:
    return Meta(organization=org, region=Region(**region))


def test_unit_identity_survives_how_the_name_is_printed():
    a = unit_of(_meta("洪泽区人民政府", county="洪泽区"))
    b = unit_of(_meta("淮安市洪泽区人民政府", city="淮安市", county="洪泽区"))
    c = unit_of(_meta("淮安市 洪泽区 政府", city="淮安市", county="洪泽区"))
    assert a and b and c and a.key == b.key == c.key and a.compatible(b) and b.compatible(c)
    nanjing = unit_of(_meta("南京市鼓楼区人民政府", city="南京市", county="鼓楼区"))
    fuzhou = unit_of(_meta("福州市鼓楼区人民政府", city="福州市", county="鼓楼区"))
    assert nanjing and fuzhou and nanjing.key == fuzhou.key and not nanjing.compatible(fuzhou)
    assert unit_of(_meta("财政局")) is None  # no region: no identity to match on


def test_check_pair_names_the_cells_that_do_not_carry_over():
    prev = {"applications.carried_forward.natural_person": 3.0, "applications.carried_forward.total": 3.0,
            "active_disclosure.rules.in_force": 10.0}
    cur = {"applications.carried_over.natural_person": 5.0, "applications.carried_over.total": 5.0,
           "active_disclosure.rules.issued": 2.0, "active_disclosure.rules.repealed": 1.0,
           "active_disclosure.rules.in_force": 11.0}
    found = check_pair(prev, cur, 2022, "a.txt", both_2021=True)
    assert [f[0] for f in found] == ["crossyear.carried_over"]
    assert found[0][1] == ("applications.carried_over.natural_person", "applications.carried_over.total")
    cur["active_disclosure.rules.in_force"] = 15.0
    codes = [f[0] for f in check_pair(prev, cur, 2022, "a.txt", both_2021=True)]
    assert codes == ["crossyear.carried_over", "crossyear.in_force"]
    assert [f[0] for f in check_pair(prev, cur, 2022, "a.txt", both_2021=False)] == ["crossyear.carried_over"]


def _next_year(a: SyntheticReport, rng: random.Random, *, carry_delta: int, in_force_delta: int) -> SyntheticReport:
    """The same unit's report a year later: last year's open applications carried over (plus
    ``carry_delta`` on natural persons), none new, and documents in force continued (plus
    ``in_force_delta``). Relations 1–5 hold within the report."""
    tv = copy.deepcopy(a.tables)
    v = tv.values
    for col in (*APP_PARTS, "total"):
        extra = carry_delta if col in ("natural_person", "total") else 0
        v[f"applications.carried_over.{col}"] = a.tables.values[f"applications.carried_forward.{col}"] + extra
        v[f"applications.carried_forward.{col}"] = v[f"applications.carried_over.{col}"]
        v[f"applications.new_received.{col}"] = 0
        for row in (*outcome_rows(tv.other_split), "total"):
            v[f"applications.{row}.{col}"] = 0
    for row, (issued, repealed) in {"rules": (1, 0), "normative_documents": (3, 1)}.items():
        last = a.tables.values[f"active_disclosure.{row}.in_force"]
        v[f"active_disclosure.{row}.issued"] = issued
        v[f"active_disclosure.{row}.repealed"] = repealed
        v[f"active_disclosure.{row}.in_force"] = last + issued - repealed + (in_force_delta if row == "rules" else 0)
    b = dataclasses.replace(a, year=a.year + 1, title=a.title.replace(str(a.year), str(a.year + 1)),
                            published=date(a.year + 2, 1, 20), tables=tv, narrative=None)
    b.narrative = make_narrative(b, rng)
    return b


def _write(report: SyntheticReport, path: Path, rng: random.Random) -> None:
    if report.narrative is None:
        report.narrative = make_narrative(report, rng)
    path.write_bytes(render_report(report, "txt", "tab", rng).data)


def test_consecutive_years_of_a_unit_are_checked_and_issues_stored_on_the_later(tmp_path):
    rng = random.Random(5)
    src = tmp_path / "in"
    src.mkdir()
    a = make_report(rng, template="2021", admin_level="县区", year=2022)
    b = _next_year(a, rng, carry_delta=2, in_force_delta=4)  # deliberate mismatches
    c = make_report(rng, template="2021", admin_level="县区", year=2022)
    d = _next_year(c, rng, carry_delta=0, in_force_delta=0)  # a consistent pair
    for name, rep in {"a-2022": a, "b-2023": b, "c-2022": c, "d-2023": d}.items():
        _write(rep, src / f"{name}.txt", rng)
    ingest([src], tmp_path / "db.duckdb", IngestOptions(workers=2, progress=False))
    with gongkai.open_db(tmp_path / "db.duckdb") as db:
        sha = dict(db.sql("SELECT regexp_extract(path, '[a-d]-20..'), sha256 FROM reports").fetchall())
        assert db.sql("SELECT count(*) FROM reports WHERE n_errors > 0").fetchall()[0][0] == 0
        links = dict(db.sql("SELECT report, previous FROM year_links").fetchall())
        assert links == {sha["b-2023"]: sha["a-2022"], sha["d-2023"]: sha["c-2022"]}
        got = db.sql("SELECT report, code, cells, other_report FROM issues WHERE origin = 'crossyear' "
                     "ORDER BY report, idx").fetchall()
        assert [(r, code) for r, code, _, _ in got] == [
            (sha["b-2023"], "crossyear.carried_over"), (sha["b-2023"], "crossyear.in_force")]
        assert got[0][2] == ["applications.carried_over.natural_person", "applications.carried_over.total"]
        assert got[1][2] == ["active_disclosure.rules.in_force"] and got[0][3] == sha["a-2022"]
        record = db.record(str(src / "b-2023.txt"))  # the stored record carries them too
        assert {"crossyear.carried_over", "crossyear.in_force"} <= {i.code for i in record.issues}


def test_real_reports_of_two_years_are_linked(shared_dir, tmp_path):
    paths = [shared_dir / "real" / f"hongze-{y}.pdf" for y in (2023, 2024)]
    if not all(p.exists() for p in paths):
        pytest.skip("hongze reports not present")
    try:
        records = [gongkai.parse_file(p) for p in paths]
    except Exception as e:  # the PDF loader may not be there yet
        pytest.skip(f"PDFs do not parse here: {e}")
    if [r.meta.year for r in records] != [2023, 2024]:
        pytest.skip("the PDF loader does not read the years yet")
    ingest(paths, tmp_path / "db.duckdb", IngestOptions(workers=2, progress=False))
    with gongkai.open_db(tmp_path / "db.duckdb") as db:
        sha = dict(db.sql("SELECT year, sha256 FROM reports").fetchall())
        assert db.sql("SELECT report, previous FROM year_links").fetchall() == [(sha[2024], sha[2023])]
        # The 2024 report carries over 0 as 2023 left 0, and 规范性文件 5 + 3 − 0 = 8 in force.
        assert db.sql("SELECT count(*) FROM issues WHERE origin = 'crossyear'").fetchall()[0][0] == 0
