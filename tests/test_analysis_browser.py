"""The ``gongkai analyze`` page opened in headless Chromium, used as a researcher would.

Same requirements as the evaluation dashboard's browser test (``playwright`` without a browser
download, Debian's ``chromium``); skips cleanly when either is missing.
"""

from __future__ import annotations

import duckdb
import pytest
from analysis_fixtures import HOSTILE_ORG, HOSTILE_TEXT, UNIT, UNIT_CATEGORY, build_db
from test_dashboard_browser import ARGS, CHROMIUM, open_watched, sync_api

from gongkai.data.analysis.html import write_html

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def adb(tmp_path_factory):
    adb = build_db(tmp_path_factory.mktemp("analysis_page"))
    write_html(adb.path, adb.path.with_name("analysis.html"))
    return adb


@pytest.fixture(scope="module")
def sql(adb):
    con = duckdb.connect(str(adb.path), read_only=True)
    yield lambda q, p=None: con.execute(q, p or []).fetchall()
    con.close()


@pytest.fixture(scope="module")
def loaded(adb):
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_page(viewport={"width": 1400, "height": 1000})
        yield open_watched(pg, adb.path.with_name("analysis.html"), timeout=30000)
        browser.close()


@pytest.fixture
def page(loaded):
    """The loaded page, filters reset after each test."""
    yield loaded
    loaded.locator("#f-reset").click()


def category_table(pg) -> dict[str, int]:
    rows = pg.locator("#cat-table tr[data-category]")
    return {rows.nth(i).get_attribute("data-category"): int(rows.nth(i).locator("td.count").get_attribute("data-value"))
            for i in range(rows.count())}


CATEGORY_SQL = """SELECT c, count(DISTINCT s.report) FROM segments s JOIN reports r ON r.sha256 = s.report,
    unnest(s.categories) AS t(c) WHERE r.status = 'parsed' AND ({cond}) GROUP BY c"""


def expected_categories(sql, cond="TRUE", params=None) -> dict[str, int]:
    return dict(sql(CATEGORY_SQL.format(cond=cond), params))


def test_loads_without_console_errors_or_network(page):
    for chart in ("cat-bars", "cat-trend", "cat-level", "cat-region", "cat-cooc", "apps-chart", "outcomes-chart",
                  "reasons-chart", "review-chart"):
        assert page.locator(f"#{chart}.js-plotly-plot .main-svg").count() >= 1, chart
    assert page.problems == []


def test_category_counts_equal_sql(page, sql):
    shown = category_table(page)
    expect = expected_categories(sql)
    assert {c: n for c, n in shown.items() if n} == expect and len(expect) >= 5
    n_reports = sql("SELECT count(*) FROM reports WHERE status = 'parsed'")[0][0]
    assert page.locator("#n-shown").get_attribute("data-value") == str(n_reports)


def test_filters_change_the_figures_and_match_sql(page, sql):
    before = page.evaluate("document.getElementById('cat-bars').data[0].x.slice()")
    page.select_option("#f-level", "街道")
    shown = category_table(page)
    assert {c: n for c, n in shown.items() if n} == expected_categories(sql, "r.admin_level = '街道'")
    assert page.evaluate("document.getElementById('cat-bars').data[0].x.slice()") != before
    n = sql("SELECT count(*) FROM reports WHERE status = 'parsed' AND admin_level = '街道'")[0][0]
    assert page.locator("#n-shown").get_attribute("data-value") == str(n)

    page.select_option("#f-year-from", "2021")
    shown = category_table(page)
    assert {c: n for c, n in shown.items() if n} == expected_categories(sql, "r.admin_level = '街道' AND r.year >= 2021")
    page.locator("#f-reset").click()
    page.select_option("#f-province", "测试省")  # the recurring unit's province: its cities only
    assert page.locator("#f-city option").all_inner_texts() == ["all cities", "测试市"]
    assert {c: n for c, n in category_table(page).items() if n} == expected_categories(sql, "r.province = '测试省'")
    assert page.problems == []


def _cells(pg, table_id: str, key: str, cls: str) -> dict[str, float]:
    rows = pg.locator(f"#{table_id} tr[data-{key}]")
    return {rows.nth(i).get_attribute(f"data-{key}"): float(rows.nth(i).locator(f"td.{cls}").get_attribute("data-value") or "nan")
            for i in range(rows.count())}


def test_table_statistics_equal_sql(page, sql):
    apps = _cells(page, "apps-table", "level", "sum")
    expect = dict(sql("""SELECT r.admin_level, sum(c.value) FROM cells c JOIN reports r ON r.sha256 = c.report
        WHERE r.status = 'parsed' AND c.table_key = 'applications' AND c.row_key = 'new_received'
          AND c.column_key = 'total' AND c.value IS NOT NULL GROUP BY 1"""))
    assert apps == pytest.approx({k if k is not None else "(unknown)": v for k, v in expect.items()})
    reasons = _cells(page, "reasons-table", "reason", "sum")
    expect = dict(sql("""SELECT c.row_key, sum(c.value) FROM cells c JOIN reports r ON r.sha256 = c.report
        WHERE r.status = 'parsed' AND c.table_key = 'applications' AND c.column_key = 'total'
          AND split_part(c.row_key, '.', 1) IN ('denied', 'unable', 'not_processed', 'other') AND c.row_key LIKE '%.%'
        GROUP BY 1 HAVING count(c.value) > 0"""))
    assert reasons == pytest.approx(expect)
    review = _cells(page, "review-table", "proceeding", "total")
    expect = dict(sql("""SELECT row_key, sum(value) FROM cells WHERE table_key = 'review_litigation'
        AND column_key = 'total' GROUP BY 1"""))
    assert review == pytest.approx(expect)
    with_issues = sql("SELECT count(DISTINCT report) FROM issues WHERE severity IN ('error', 'warning')")[0][0]
    assert page.locator("#q-with-issues").get_attribute("data-value") == str(with_issues)
    assert page.locator("#q-failed").get_attribute("data-value") == "1"
    assert page.locator("#failures td", has_text="broken<script>.pdf").count() == 1


def test_recurring_unit_is_listed(page):
    row = page.locator(f"#recurring tr[data-unit='{UNIT}'][data-category='{UNIT_CATEGORY}']")
    assert row.count() == 1 and row.locator("td.run").inner_text() == "3"
    assert page.locator("#recurring tr[data-unit='测试市|跳年单位']").count() == 0
    page.select_option("#f-year-to", "2020")  # one year of the unit left: not recurring any more
    assert page.locator(f"#recurring tr[data-unit='{UNIT}']").count() == 0


def test_report_text_with_script_stays_text(page, adb):
    page.select_option("#quote-category", label="staffing 人员力量不足")
    page.locator("#quote-search").fill("__pwned")
    quote = page.locator("#quotes .quote")
    assert quote.count() == 1
    assert quote.locator(".text").inner_text() == HOSTILE_TEXT
    assert quote.get_attribute("data-report") == adb.hostile_report
    assert HOSTILE_ORG in quote.locator(".head").inner_text()  # the unit's name, tags and all, as text
    assert "chars 7000–" in quote.locator(".head").inner_text()
    assert page.locator("#quotes img, #quotes script, #quotes b").count() == 0
    assert page.evaluate("typeof window.__pwned + typeof window.__pwned2") == "undefinedundefined"
    quote.locator("button.unit").click()  # a unit link narrows the quotes to that unit
    assert page.locator("#quote-search").input_value() == HOSTILE_ORG
    assert page.problems == []


def test_screenshot(page, adb):
    path = adb.path.with_name("analysis.png")
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 50_000
