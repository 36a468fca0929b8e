"""The dashboard opened in a real headless Chromium, used as a person would.

Needs the ``playwright`` package (its driver only: no browser download) and Debian's
``chromium``; skips cleanly when either is missing.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api")

from gongkai.data.synth.corpus import write_corpus  # noqa: E402
from gongkai.evaluation.dashboard import write_dashboard  # noqa: E402
from gongkai.evaluation.evaluate import evaluate  # noqa: E402
from gongkai.evaluation.result import HEADLINE  # noqa: E402

CHROMIUM = shutil.which("chromium") or next((p for p in ("/usr/bin/chromium",) if Path(p).exists()), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed (apt-get install chromium)")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
HOSTILE = "某某街道办事处<script>window.__pwned=1</script>"
HOSTILE_TEXT = "<img src=x onerror=\"window.__pwned2=1\">本年度无其他事项。"


def open_watched(pg, path: Path, timeout: int, ready: str | None = "body[data-ready='1']"):
    """Open ``path`` in ``pg`` and wait for the page to say it is ready (``ready``: a selector, or
    None for a page without script); console errors, page errors and any network request are
    kept in ``pg.problems``."""
    pg.problems = []  # console errors, page errors, network requests
    pg.on("console", lambda m: pg.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.problems.append(f"page error: {e}"))
    pg.on("request", lambda r: None if r.url.startswith(("file:", "data:", "blob:")) else pg.problems.append(f"network: {r.url}"))
    pg.goto(path.as_uri())
    if ready:
        pg.wait_for_selector(ready, timeout=timeout)
    return pg


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory) -> tuple[Path, dict, str]:
    """A small evaluated set with a hostile organization label and one wrong cell."""
    gold_dir = tmp_path_factory.mktemp("gold")
    write_corpus(gold_dir, 6, formats=("txt", "md", "html"), seed=9)
    golds = sorted(gold_dir.glob("*.gold.json"))
    hostile = json.loads(golds[0].read_text(encoding="utf-8"))
    hostile["meta"]["organization"] = HOSTILE
    hostile["segments"].append({"topic": "other_matters", "text": HOSTILE_TEXT, "categories": []})
    golds[0].write_text(json.dumps(hostile, ensure_ascii=False), encoding="utf-8")
    wrong = json.loads(golds[1].read_text(encoding="utf-8"))
    wrong["tables"]["applications"]["new_received"]["natural_person"] += 1000  # the parser will "miss" it
    golds[1].write_text(json.dumps(wrong, ensure_ascii=False), encoding="utf-8")
    result = evaluate(gold_dir, workers=1)
    path = write_dashboard(result, gold_dir / "dashboard.html")
    return path, json.loads(result.to_json()), golds[1].name.removesuffix(".gold.json")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def loaded(browser, dashboard):
    """The dashboard loaded once from disk (loading plotly takes seconds on a slow machine);
    console errors, page errors and any network request are kept in ``page.problems``."""
    path, _, _ = dashboard
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield open_watched(ctx.new_page(), path, timeout=20000)
    ctx.close()


@pytest.fixture
def page(loaded):
    """The loaded page, put back as a reader finds it after each test: no filter, no row open."""
    yield loaded
    loaded.locator("#filter").fill("")
    while loaded.locator("#reports tr.report-row.open").count():
        loaded.locator("#reports tr.report-row.open").first.click()


def visible_rows(pg) -> int:
    return pg.locator("#reports tr.report-row:visible").count()


def test_loads_without_console_errors_or_network(page):
    assert page.locator(".js-plotly-plot").count() >= 4  # heat map, two bar charts, confusion
    assert page.problems == []


def _shown(value, kind: str) -> str:
    if value is None:
        return "—"
    return {"pct": f"{100 * value:.2f}%", "dec": f"{value:.3f}", "int": str(value)}[kind]


def test_headline_numbers_equal_the_json(page, dashboard):
    _, data, _ = dashboard
    for hid, _label, kind, _group, _hint in HEADLINE:
        node = page.locator(f"#{hid}")
        expected = data["headline"][hid]
        raw = node.get_attribute("data-value")
        assert (None if raw == "null" else float(raw)) == (None if expected is None else pytest.approx(expected)), hid
        assert node.inner_text() == _shown(expected, kind), hid
    assert page.locator("#cell-accuracy").inner_text() == f"{100 * data['cells']['accuracy']:.2f}%"


def test_script_in_a_label_is_shown_not_run(page):
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("#reports td", has_text=HOSTILE).count() == 1
    page.locator("#reports td", has_text=HOSTILE).click()  # open it: label and segment text as text
    assert page.locator(".detail td.meta-gold", has_text=HOSTILE).count() == 1
    assert page.locator(".detail .seg .text", has_text=HOSTILE_TEXT).count() == 1
    assert page.evaluate("typeof window.__pwned + typeof window.__pwned2") == "undefinedundefined"
    assert page.problems == []


def test_filter_hides_rows_that_do_not_match(page, dashboard):
    _, data, wrong_name = dashboard
    total = len(data["reports"])
    assert visible_rows(page) == total
    page.locator("#filter").press_sequentially(wrong_name)
    assert visible_rows(page) == 1
    assert page.locator("#reports tr.report-row:visible td").first.inner_text() == wrong_name
    page.locator("#filter").fill("")
    page.locator("#filter").press_sequentially("no-such-report")
    assert visible_rows(page) == 0
    assert page.locator("#filter-count").inner_text() == f"0 of {total} reports shown"
    page.locator("#filter").fill("html")  # by format
    assert visible_rows(page) == sum(r["format"] == "html" for r in data["reports"])


def test_sort_by_clicking_a_header(page):
    header = page.locator("#reports th[data-key='name']")
    header.click()
    names = page.locator("#reports tr.report-row td:first-child").all_inner_texts()
    assert names == sorted(names) and header.get_attribute("aria-sort") == "ascending"
    header.click()
    assert page.locator("#reports tr.report-row td:first-child").all_inner_texts() == sorted(names, reverse=True)


def test_row_opens_gold_and_predicted_cells_with_the_wrong_one_highlighted(page, dashboard):
    _, data, wrong_name = dashboard
    page.locator(f"#reports tr.report-row[data-name='{wrong_name}']").click()
    detail = page.locator("#reports tr.detail-row")
    assert detail.count() == 1
    gold = detail.locator("table.cells[data-table='applications'][data-side='gold'] td.wrong")
    pred = detail.locator("table.cells[data-table='applications'][data-side='pred'] td.wrong")
    assert gold.count() >= 1 and pred.count() == gold.count()
    report = next(r for r in data["reports"] if r["name"] == wrong_name)
    gold_value = next(c[1] for c in report["cells"] if c[0] == "applications.new_received.natural_person")
    assert str(gold_value) in gold.all_inner_texts()
    assert detail.locator(".seg .text").count() >= 5  # the narrative segments' source text
