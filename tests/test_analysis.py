"""``gongkai.analysis`` and ``gongkai analyze``: figures against independent computations over the raw rows."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from analysis_fixtures import HOSTILE_TEXT, UNIT, UNIT_CATEGORY, UNIT_YEARS, build_db

from gongkai import analysis
from gongkai.data.analysis.payload import build_payload
from gongkai.data.labels import CATEGORIES
from gongkai.inference.cli import main


@pytest.fixture(scope="module")
def adb(tmp_path_factory):
    return build_db(tmp_path_factory.mktemp("analysis"))


@pytest.fixture(scope="module")
def raw(adb):
    """The raw rows, read with plain SQL: the reference the figures are checked against."""
    con = duckdb.connect(str(adb.path), read_only=True)
    reps = {r[0]: dict(zip(("organization", "unit_key", "year", "admin_level", "province", "city"), r[1:], strict=True))
            for r in con.execute("SELECT sha256, organization, unit_key, year, admin_level, province, city "
                                 "FROM reports WHERE status = 'parsed'").fetchall()}
    named: dict[str, set[str]] = defaultdict(set)
    for report, cats in con.execute("SELECT report, categories FROM segments").fetchall():
        named[report].update(cats or [])
    cells = con.execute("SELECT report, table_key, row_key, column_key, value FROM cells").fetchall()
    con.close()
    return reps, named, cells


def _counts(reps, named, keep=lambda r: True) -> Counter:
    return Counter(c for sha, r in reps.items() if keep(r) for c in named.get(sha, ()))


def test_category_counts_equal_counting_the_raw_rows(adb, raw):
    reps, named, _ = raw
    got = analysis.category_counts(adb.path)
    assert dict(zip(got.category, got.reports, strict=True)) == _counts(reps, named)
    assert set(got.n_reports) == {len(reps)}
    assert got.share.tolist() == pytest.approx((got.reports / len(reps)).tolist())

    by_level = analysis.category_counts(adb.path, by="admin_level")
    for level in set(r["admin_level"] for r in reps.values()):
        part = by_level[by_level.admin_level == level] if level is not None else by_level[by_level.admin_level.isna()]
        assert dict(zip(part.category, part.reports, strict=True)) == _counts(reps, named, lambda r, lv=level: r["admin_level"] == lv)

    filtered = analysis.category_counts(adb.path, year=(2020, 2021), level="街道")
    expect = _counts(reps, named, lambda r: r["admin_level"] == "街道" and r["year"] is not None and 2020 <= r["year"] <= 2021)
    assert dict(zip(filtered.category, filtered.reports, strict=True)) == expect
    assert expect[UNIT_CATEGORY] >= 2  # the recurring unit's 2020 and 2021 reports are in it


def test_cooccurrence_counts_pairs_named_in_the_same_report(adb, raw):
    reps, named, _ = raw
    expect = Counter(pair for sha in reps for pair in combinations(sorted(named.get(sha, ())), 2))
    got = analysis.cooccurrence(adb.path)
    assert {(a, b): n for a, b, n in got.itertuples(index=False)} == expect
    assert len(expect) > 0


def test_recurring_problems_need_consecutive_years(adb):
    got = analysis.recurring_problems(adb.path)
    row = got[(got.unit_key == UNIT) & (got.category == UNIT_CATEGORY)]
    assert len(row) == 1
    assert row.longest_run.iloc[0] == 3 and list(row.years.iloc[0]) == list(UNIT_YEARS)
    assert "测试市|跳年单位" not in set(got.unit_key)  # 2019 and 2021: not year after year
    two_years = analysis.recurring_problems(adb.path, year=(2021, 2022))
    assert two_years[(two_years.unit_key == UNIT) & (two_years.category == UNIT_CATEGORY)].longest_run.tolist() == [2]
    assert analysis.recurring_problems(adb.path, min_run=4).empty


def test_quotes_are_the_stored_segments_with_offsets_and_report(adb):
    got = analysis.quotes(adb.path, category="staffing")
    hostile = got[got.text == HOSTILE_TEXT]
    assert len(hostile) == 1
    h = hostile.iloc[0]
    assert (h.report, h.segment, h.start_char, h.end_char) == (adb.hostile_report, 99, 7000, 7000 + len(HOSTILE_TEXT))
    assert h.path.endswith((".txt", ".html"))
    con = duckdb.connect(str(adb.path), read_only=True)
    n = con.execute("SELECT count(*) FROM segments WHERE list_contains(categories, 'staffing')").fetchall()[0][0]
    con.close()
    assert len(got) == n
    assert set(analysis.quotes(adb.path).category) <= set(CATEGORIES)


def _app_total(cells, row_pred):
    per = defaultdict(float)
    seen = set()
    for report, table, row, col, value in cells:
        if table == "applications" and col == "total" and value is not None and row_pred(row):
            per[report] += value
            seen.add(report)
    return per, seen


def test_table_statistics_equal_sums_over_the_cells(adb, raw):
    reps, _, cells = raw
    new, seen = _app_total(cells, lambda r: r == "new_received")
    apps = analysis.applications_by_level(adb.path)
    for level, part in apps.groupby("admin_level"):
        mine = [new[s] for s, r in reps.items() if r["admin_level"] == level and s in seen]
        assert part.reports.iloc[0] == len(mine) and part.applications.iloc[0] == pytest.approx(sum(mine))
        assert part["median"].iloc[0] == pytest.approx(pd.Series(mine).median())

    handled, _ = _app_total(cells, lambda r: r == "total")
    granted, _ = _app_total(cells, lambda r: r == "granted")
    denied, _ = _app_total(cells, lambda r: r.startswith("denied."))
    rates = analysis.outcome_rates(adb.path, by=None)
    assert rates.handled.iloc[0] == pytest.approx(sum(handled.values()))
    assert rates.granted_rate.iloc[0] == pytest.approx(sum(granted.values()) / sum(handled.values()))
    assert rates.denied.iloc[0] == pytest.approx(sum(denied.values()))

    reasons = analysis.denial_reasons(adb.path)
    for reason, total in zip(reasons.reason, reasons.applications, strict=True):
        by_row, _ = _app_total(cells, lambda r, k=reason: r == k)
        assert total == pytest.approx(sum(by_row.values()))
    assert reasons.applications.is_monotonic_decreasing

    review = analysis.review_outcomes(adb.path).set_index("proceeding")
    for proc in ("review", "litigation_direct", "litigation_after_review"):
        for col in ("upheld", "corrected", "pending", "total"):
            expect = sum(v for _, t, r, c, v in cells if t == "review_litigation" and r == proc and c == col and v is not None)
            assert review.loc[proc, col] == pytest.approx(expect)


def test_data_quality_lists_unresolved_issues_and_failures(adb):
    issues = analysis.issues_summary(adb.path)
    row = issues[issues.code == "applications.balance"]
    assert row.reports.tolist() == [1] and row.severity.tolist() == ["error"]
    with_issues = analysis.reports_with_issues(adb.path)
    assert with_issues[with_issues.errors > 0].report.tolist() == [adb.unit_reports[1]]
    fails = analysis.failures(adb.path)
    assert fails.path.tolist() == ["/nowhere/broken<script>.pdf"] and fails.stage.tolist() == ["parse"]


def test_exports_are_tidy_documented_and_equal_the_api(adb, raw, tmp_path):
    reps, named, cells = raw
    assert main(["analyze", "--db", str(adb.path), "--csv", str(tmp_path / "csv"), "--parquet", str(tmp_path / "pq")]) == 0
    for fmt in ("csv", "pq"):
        read = pd.read_csv if fmt == "csv" else pd.read_parquet
        ext = "csv" if fmt == "csv" else "parquet"
        cats = read(tmp_path / fmt / f"report_categories.{ext}")
        assert len(cats) == len(reps) * len(CATEGORIES)
        assert Counter(cats[cats.named].category) == _counts(reps, named)
        cell_rows = read(tmp_path / fmt / f"report_cells.{ext}")
        assert len(cell_rows) == len(cells)
        for name in ("reports", "report_categories", "report_cells", "report_quotes"):
            frame = read(tmp_path / fmt / f"{name}.{ext}")
            assert list(frame.columns) == list(analysis.DICTIONARY[name][1]), name  # every column documented, in order
            assert {"year", "admin_level", "province", "city"} <= set(frame.columns)
    pq_cells = pd.read_parquet(tmp_path / "pq" / "report_cells.parquet")
    pd.testing.assert_frame_equal(pq_cells, analysis.report_cells(adb.path), check_dtype=False)
    assert "| `named` |" in (tmp_path / "csv" / "DATA_DICTIONARY.md").read_text(encoding="utf-8")


def test_page_data_equal_the_sql(adb, raw):
    reps, named, _ = raw
    con = duckdb.connect(str(adb.path), read_only=True)
    data = build_payload(con, adb.path)
    con.close()
    cats = data["labels"]["categories"]
    assert {r[0] for r in data["reports"]} == set(reps)
    page = {r[0]: {cats[c] for c, _ in per} for r, per in zip(data["reports"], data["categories"], strict=True)}
    assert page == {s: named.get(s, set()) for s in reps}
    fields = data["stat_fields"]
    rates = analysis.outcome_rates(adb.path, by=None)
    total = sum(s[fields.index("handled")] or 0 for s in data["stats"] if s)
    assert total == pytest.approx(rates.handled.iloc[0])
    quoted = [q for q in data["quotes"] if q[5] == HOSTILE_TEXT]
    assert len(quoted) == 1 and quoted[0][3:5] == [7000, 7000 + len(HOSTILE_TEXT)]


def test_html_is_self_contained_and_report_text_cannot_open_a_tag(adb, tmp_path, capsys):
    out = tmp_path / "page.html"
    assert main(["analyze", "--db", str(adb.path), "--html", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "window.__pwned" in page  # the text is there …
    assert "<script>window.__pwned" not in page and "<img src=x" not in page and "<b onmouseover" not in page  # … inert
    assert not re.search(r"<(script|link)\b[^>]*\b(src|href)=", page)  # scripts and styles inline (network: browser test)
    block = re.search(r'<script type="application/json" id="gk-data">(.*?)</script>', page, re.S).group(1)
    assert [q[5] for q in json.loads(block)["quotes"] if "__pwned" in q[5]] == [HOSTILE_TEXT]  # intact once decoded


def test_cli_errors_are_one_line(tmp_path, capsys):
    assert main(["analyze", "--db", str(tmp_path / "missing.duckdb"), "--html", str(tmp_path / "x.html")]) == 2
    assert main(["analyze", "--db", str(tmp_path / "missing.duckdb")]) == 2
    duckdb.connect(str(tmp_path / "empty.duckdb")).close()
    assert main(["analyze", "--db", str(tmp_path / "empty.duckdb"), "--csv", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith("gongkai: ") for line in err)
    assert "no database" in err[0] and "at least one of" in err[1] and "not a gongkai database" in err[2]


# ---- the README example ------------------------------------------------------------------------
README = Path(__file__).resolve().parents[1] / "README.md"
# A copy of the README's example, used until the README carries it (then the README's is run).
EXAMPLE = '''
from gongkai import analysis

db = "reports.duckdb"
counts = analysis.category_counts(db, by="year")           # reports naming each category, per year
top = counts.sort_values("reports", ascending=False).head(3)
print(top[["year", "category", "reports", "share"]])

staffing = analysis.quotes(db, category="staffing", level="街道")   # the sentences themselves
print(staffing[["organization", "year", "start_char", "end_char", "text"]].head())

analysis.recurring_problems(db)                             # same problem, consecutive years
rates = analysis.outcome_rates(db, by="admin_level")        # grant / refusal rates by level
tidy = analysis.report_categories(db, all_categories=True)  # one row per report x category
share = tidy.groupby("admin_level")["named"].mean()         # e.g. for your own models
analysis.write_html(db, "analysis.html")
'''


def readme_example() -> str:
    """The first fenced python block of README.md that uses gongkai.analysis, else the copy above."""
    if README.is_file():
        for block in re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S):
            if "from gongkai import analysis" in block:
                return block
    return EXAMPLE


def test_readme_example_runs(adb, tmp_path, monkeypatch):
    (tmp_path / "reports.duckdb").write_bytes(adb.path.read_bytes())
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(readme_example(), "README example", "exec"), scope)
    assert (tmp_path / "analysis.html").stat().st_size > 100_000
    assert not scope["counts"].empty and not scope["staffing"].empty
    assert set(scope["share"].index) <= set(analysis.LEVELS)


def test_cli_filters_narrow_exports_and_page(adb, raw, tmp_path, capsys):
    reps, named, _ = raw
    keep = {s for s, r in reps.items() if r["admin_level"] == "街道" and r["year"] is not None and r["year"] >= 2020}
    assert keep and len(keep) < len(reps)
    out = tmp_path / "page.html"
    args = ["analyze", "--db", str(adb.path), "--year", "2020-", "--level", "街道", "--csv", str(tmp_path / "c"),
            "--html", str(out)]
    assert main(args) == 0
    exported = pd.read_csv(tmp_path / "c" / "reports.csv")
    assert set(exported.report) == keep
    cats = pd.read_csv(tmp_path / "c" / "report_categories.csv")
    assert Counter(cats[cats.named].category) == _counts(reps, named, lambda r: r["admin_level"] == "街道"
                                                         and r["year"] is not None and r["year"] >= 2020)
    block = re.search(r'<script type="application/json" id="gk-data">(.*?)</script>',
                      out.read_text(encoding="utf-8"), re.S).group(1)
    data = json.loads(block)
    assert {r[0] for r in data["reports"]} == keep
    assert data["meta"]["filters"] == "years 2020–…; level 街道"
    assert all(0 <= q[0] < len(keep) for q in data["quotes"])
    capsys.readouterr()
    for bad in (["--year", "2023-2020"], ["--year", "soon"], ["--level", "村"]):
        assert main(["analyze", "--db", str(adb.path), "--csv", str(tmp_path / "x"), *bad]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("gongkai: ") and ("--year" in err[0] or "--level" in err[0])
    assert not (tmp_path / "x").exists()


def test_write_html_takes_the_api_filters(adb, raw, tmp_path):
    reps, _, _ = raw
    out = analysis.write_html(adb.path, tmp_path / "p.html", year=2021)
    block = re.search(r'<script type="application/json" id="gk-data">(.*?)</script>',
                      out.read_text(encoding="utf-8"), re.S).group(1)
    kept = {r[0] for r in json.loads(block)["reports"]}
    assert kept == {s for s, r in reps.items() if r["year"] == 2021} and kept
