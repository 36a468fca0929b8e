"""The year-over-year page and the analysis page's reuse section, opened in headless Chromium.

Same requirements as the other browser tests (``playwright`` without a browser download, Debian's
``chromium``); skips cleanly when either is missing.
"""

from __future__ import annotations

import random

import pytest
from test_dashboard_browser import ARGS, CHROMIUM, open_watched, sync_api

import gongkai
from gongkai.data.analysis.html import write_html
from gongkai.data.store.run import IngestOptions, ingest
from gongkai.data.synth.yearpair import make_pair, render_pair
from gongkai.inference.cli import main

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed (apt-get install chromium)")
HOSTILE = "<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned2=1\">"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("yoy_page")
    src = root / "in"
    src.mkdir()
    for k in range(3):
        rng = random.Random(f"browser:{k}")
        pair = make_pair(rng, admin_level="县区")
        ro, rn = render_pair(pair, "txt", "tab", rng)
        text = rn.text
        if k == 0:  # hostile text in this year's report, inside a paragraph
            text = text.replace("。", "。" + HOSTILE + "。", 1)
        (src / f"u{k}-a.txt").write_text(ro.text, encoding="utf-8")
        (src / f"u{k}-b.txt").write_text(text, encoding="utf-8")
    db = root / "db.duckdb"
    ingest([src], db, IngestOptions(workers=1, progress=False))
    page = write_html(db, root / "analysis.html", compare_pages=True)
    assert main(["compare", str(src / "u0-a.txt"), str(src / "u0-b.txt"), "--html", str(root / "c.html")]) == 0
    return root, db, page


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def test_the_comparison_page_renders_labels_navigation_and_escaped_text(built, browser):
    root, _, _ = built
    pg = browser.new_page(viewport={"width": 1200, "height": 900})
    open_watched(pg, root / "c.html", timeout=30000, ready=None)
    assert pg.problems == []
    assert pg.evaluate("window.__pwned === undefined && window.__pwned2 === undefined")
    assert HOSTILE.split(">")[0] in pg.inner_text("main")  # shown as text
    tags = pg.locator(".para .tag").all_inner_texts()
    assert any("未变" in t for t in tags) and all(t.strip() for t in tags)  # a written label on every paragraph
    kinds = set(pg.eval_on_selector_all(".para", "els => els.map(e => e.classList[1])"))
    assert {"unchanged", "changed"} <= kinds
    nav = pg.locator("nav a")
    assert nav.count() >= 5
    target = nav.nth(1).get_attribute("href")
    nav.nth(1).click()
    assert pg.evaluate(f"document.querySelector('{target}').getBoundingClientRect().top") < 120  # scrolled there
    assert pg.locator("#tables td").count() > 100
    pg.close()


def test_the_analysis_page_shows_reuse_and_links_each_unit_to_its_comparison(built, browser):
    root, db, page = built
    pg = browser.new_page(viewport={"width": 1400, "height": 1000})
    open_watched(pg, page, timeout=30000)
    assert pg.problems == []
    for chart in ("reuse-trend", "reuse-level"):
        assert pg.locator(f"#{chart}.js-plotly-plot .main-svg").count() >= 1, chart
    with gongkai.open_db(db) as d:
        n_units = d.sql("SELECT count(DISTINCT r.unit_key) FROM year_links l JOIN reports r ON r.sha256 = l.report"
                        ).fetchall()[0][0]
        shares = dict(d.sql("SELECT report, share FROM year_reuse WHERE topic = 'problems_and_improvements'").fetchall())
    assert pg.locator("#reusers tr[data-unit]").count() == n_units == 3
    shown = pg.evaluate("document.getElementById('reuse-trend').data.map(t => t.y)")
    assert all(v is None or 0 <= v <= 1 for ys in shown for v in ys)
    link = pg.locator("#reusers a.cmp").first
    href = link.get_attribute("href")
    assert href and (page.parent / href).is_file()
    assert any(sha[:16] in href for sha in shares)
    link.click()
    pg.wait_for_load_state()
    assert pg.url.endswith(href) and pg.locator(".para").count() > 0
    pg.close()
