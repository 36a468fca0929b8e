"""gongkai export and the Python API (gongkai.open_db) over an ingested database."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

import gongkai
from gongkai.data.form import cell_keys
from gongkai.data.store.export import wide_columns
from gongkai.data.store.run import IngestOptions, ingest
from gongkai.data.store.writer import StoreError
from gongkai.data.synth.corpus import iter_corpus
from gongkai.inference.cli import main


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("export")
    src = d / "in"
    src.mkdir()
    for i, _rep, r in iter_corpus(10, seed=21):
        (src / f"r{i}.{r.format}").write_bytes(r.data)
    (src / "bad.txt").write_text("not a report", encoding="utf-8")
    ingest([src], d / "r.duckdb", IngestOptions(workers=2, progress=False))
    return d / "r.duckdb"


def test_python_api_gives_relations_frames_and_records(db):
    with gongkai.open_db(db) as rdb:
        assert rdb.reports.filter("status = 'parsed'").count("*").fetchall()[0][0] == 10
        frame = rdb.df("cells")
        assert set(frame.columns) == {"report", "table_key", "row_key", "column_key", "value", "repaired"}
        assert len(frame) == rdb.sql("SELECT count(*) FROM cells").fetchall()[0][0]
        wide = rdb.wide("applications").df()
        assert len(wide) == 10 and "denied.state_secret.natural_person" in wide.columns
        path = rdb.sql("SELECT path FROM reports WHERE status = 'parsed' ORDER BY path LIMIT 1").fetchall()[0][0]
        record = rdb.record(path)
        assert record.source.path == path and record.tables
        row = wide[wide.path == path].iloc[0]
        assert row["total.total"] == record.tables["applications"]["total"]["total"]
        with pytest.raises(KeyError, match="failed to parse"):
            rdb.record(str(Path(path).with_name("bad.txt")))
        with pytest.raises(KeyError):
            rdb.record("/no/such/file")
        with pytest.raises(ValueError, match="unknown table"):
            rdb.table("nope")
    with pytest.raises(StoreError, match="no database"):
        gongkai.open_db(db.with_name("missing.duckdb"))


def test_polars_frames(db):
    pytest.importorskip("polars")
    with gongkai.open_db(db) as rdb:
        assert rdb.pl("reports").height == 11


def test_wide_columns_cover_both_templates_in_form_order():
    cols = [f"{r}.{c}" for r, c in wide_columns("active_disclosure")]
    assert cols[:3] == ["rules.issued", "rules.repealed", "rules.in_force"]
    assert "rules.newly_made" in cols  # the 2019 form's columns as well
    apps = [f"applications.{r}.{c}" for r, c in wide_columns("applications")]
    assert set(cell_keys("applications", "2021", True)) | set(cell_keys("applications", "2019", False)) == set(apps)


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_export_writes_every_table_and_the_wide_ones(db, tmp_path, fmt, capsys):
    out = tmp_path / fmt
    assert main(["export", "--db", str(db), "--to", fmt, str(out)]) == 0
    printed = capsys.readouterr().out.split()
    ext = "jsonl" if fmt == "jsonl" else fmt
    names = {"reports", "files", "cells", "segments", "issues", "failures", "year_links",
             "active_disclosure_wide", "applications_wide", "review_litigation_wide"}
    assert {Path(p).name for p in printed} == {f"{n}.{ext}" for n in names}
    with duckdb.connect(str(db), read_only=True) as con:
        for name in ("reports", "cells", "failures"):
            want = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            reader = {"parquet": "read_parquet", "csv": "read_csv_auto", "jsonl": "read_json_auto"}[fmt]
            got = duckdb.sql(f"SELECT count(*) FROM {reader}('{out / f'{name}.{ext}'}')").fetchall()[0][0]
            assert got == want, name
    if fmt == "jsonl":
        first = json.loads((out / "reports.jsonl").read_text(encoding="utf-8").splitlines()[0])
        assert {"sha256", "path", "status", "record"} <= set(first)
