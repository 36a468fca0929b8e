"""Units whose name spells no division (综合实验区, 高新区, 管委会 …) still get a key and a region."""

from __future__ import annotations

import dataclasses
import random
from datetime import date

import pytest

import gongkai
from gongkai.data.record import Meta, Region
from gongkai.data.store.run import IngestOptions, ingest
from gongkai.data.store.units import unit_of
from gongkai.data.synth.content import make_report
from gongkai.data.synth.corpus import render_report
from gongkai.data.synth.narrative import make_narrative
from gongkai.inference.gazetteer import places, region_from_table

pytestmark = pytest.mark.skipif(places() is None, reason="cpca (the division table) not installed")


def _unique_stems(rng: random.Random, k: int) -> list[tuple[str, str]]:
    """``k`` (stem, county code) pairs whose stem names one division only."""
    table = places()
    assert table is not None
    stems = sorted(s for s, codes in table.stems.items() if len(codes) == 1 and len(next(iter(codes))) == 6
                   and len(s) == 2 and s not in table.county_codes and s not in table.city_codes)
    return [(s, next(iter(table.stems[s]))) for s in rng.sample(stems, k)]


@pytest.mark.parametrize("zone", ["综合实验区", "高新技术产业开发区管委会", "经济开发区管理委员会", "新区"])
def test_a_zone_named_after_a_place_lies_in_its_province_and_city(zone):
    table = places()
    assert table is not None
    for stem, code in _unique_stems(random.Random(zone), 5):
        reg = region_from_table(stem + zone, Region())
        assert reg.province == table.provinces[code[:2]]
        assert reg.county is None
    # nothing is guessed for an ambiguous stem or a name without a zone word
    assert region_from_table("鼓楼高新区", Region()) == Region()
    assert region_from_table("平潭财政局", Region()) == Region()
    assert region_from_table("平潭综合实验区", Region(province="江苏省")) == Region(province="江苏省")


@pytest.mark.parametrize(("org", "region"), [
    ("宾县人民政府", Region(province="黑龙江省", city="哈尔滨市", county="宾县")),  # two-character county names
    ("沛县人民政府", Region(province="江苏省", city="徐州市", county="沛县")),
    ("鼓楼区人民政府", Region()),  # several places share the name: nothing is guessed
    ("县人民政府", Region()),
])
def test_a_short_division_name_is_found_in_the_table(org, region):
    assert region_from_table(org, Region()) == region


def test_zone_keys_fold_the_administration_into_the_zone():
    reg = region_from_table("平潭综合实验区", Region())
    assert (reg.province, reg.city) == ("福建省", "福州市")
    keys = {unit_of(Meta(organization=o, region=reg)).key  # type: ignore[union-attr]
            for o in ("平潭综合实验区", "平潭综合实验区管委会", "平潭综合实验区管理委员会", "平潭 综合实验区")}
    assert len(keys) == 1
    # without any region the zone's own name is the key; a bare department name is none
    bare = unit_of(Meta(organization="某某高新区管委会"))
    assert bare is not None and bare.key == "|某某高新区"
    assert unit_of(Meta(organization="财政局")) is None
    assert unit_of(Meta(organization="高新区管委会")) is None  # no name before the zone word


def test_a_generated_series_of_a_zone_is_linked_year_to_year(tmp_path):
    rng = random.Random(16)
    (stem, _), = _unique_stems(rng, 1)
    src = tmp_path / "in"
    src.mkdir()
    base = make_report(rng, template="2021", admin_level="县区", year=2020)
    names = {2020: f"{stem}综合实验区", 2021: f"{stem}综合实验区管委会", 2022: f"{stem}综合实验区"}
    for year, org in names.items():
        rep = dataclasses.replace(base, organization=org, year=year, title=f"{org}{year}年政府信息公开工作年度报告",
                                  region={"province": None, "city": None, "county": None},
                                  published=date(year + 1, 1, 20), narrative=None)
        rep.narrative = make_narrative(rep, rng)
        (src / f"z-{year}.txt").write_bytes(render_report(rep, "txt", "tab", rng).data)
    ingest([src], tmp_path / "db.duckdb", IngestOptions(workers=1, progress=False))
    with gongkai.open_db(tmp_path / "db.duckdb") as db:
        sha = dict(db.sql("SELECT year, sha256 FROM reports").fetchall())
        rows = db.sql("SELECT DISTINCT unit_key, province FROM reports").fetchall()
        assert len(rows) == 1 and rows[0][0] and rows[0][1]
        links = dict(db.sql("SELECT report, previous FROM year_links").fetchall())
        assert links == {sha[2021]: sha[2020], sha[2022]: sha[2021]}


def test_the_real_pingtan_series_is_linked(shared_dir, tmp_path):
    paths = sorted((shared_dir / "real-text").glob("*-syq.txt"))
    if len(paths) < 10:
        pytest.skip("real-text series not present")
    ingest(paths, tmp_path / "db.duckdb", IngestOptions(workers=1, progress=False))
    with gongkai.open_db(tmp_path / "db.duckdb") as db:
        years = dict(db.sql("SELECT sha256, year FROM reports").fetchall())
        assert db.sql("SELECT count(DISTINCT unit_key), count(*) FILTER (province = '福建省') FROM reports"
                      ).fetchall() == [(1, len(paths))]
        linked = sorted((years[r], years[p]) for r, p in db.sql("SELECT report, previous FROM year_links").fetchall())
        present = sorted(years.values())
        expected = [(y, y - 1) for y in present if y - 1 in present]
        assert linked == expected and len(expected) >= 8
