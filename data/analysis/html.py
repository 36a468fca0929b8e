"""The researchers' page: one self-contained HTML file (plotly inlined, no network at view time).

The facts travel as one JSON block (``script_json``: no ``<``, ``>`` or ``&`` survives
literally, so report text can neither close the block nor open a tag); the page script
filters and aggregates them and writes text only through ``textContent``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from gongkai.data.analysis.assets import CSS, JS
from gongkai.data.analysis.filters import Filters
from gongkai.data.analysis.payload import DEFAULT_QUOTES, build_payload
from gongkai.data.analysis.queries import Db, connection
from gongkai.evaluation.dashboard import html_page

BODY = """
<header><h1>gongkai · problems and statistics in disclosure reports</h1><p id="run-info"></p></header>
<main>
<div class="filters" role="group" aria-label="filters">
  <label>year from <select id="f-year-from"></select></label>
  <label>to <select id="f-year-to"></select></label>
  <label>level <select id="f-level"></select></label>
  <label>province <select id="f-province"></select></label>
  <label>city <select id="f-city"></select></label>
  <button id="f-reset" type="button">reset</button>
  <strong id="n-shown"></strong>
</div>
<section class="grid2 wide-left">
  <div><h2>How often each problem category is named</h2><div id="cat-bars" class="chart"></div></div>
  <div><h2>Reports naming each category</h2>
    <p class="note">A report names a category when one of its narrative segments does; share: of the reports selected.</p>
    <div id="cat-table"></div></div>
</section>
<section><h2>Trends: share of reports naming each category, by year</h2>
  <p class="note">Click a legend entry to hide a category, double-click to show it alone.</p>
  <div id="cat-trend" class="chart"></div></section>
<section class="grid2">
  <div><h2>By admin level</h2><p class="note" id="cat-level-note"></p><div id="cat-level" class="chart"></div></div>
  <div><h2>By region <select id="region-by" aria-label="region level">
      <option value="province">province</option><option value="city" selected>city</option>
      <option value="county">county</option></select></h2>
    <p class="note" id="cat-region-note"></p><div id="cat-region" class="chart"></div></div>
</section>
<section class="grid2">
  <div><h2>Categories named together (reports naming both)</h2><div id="cat-cooc" class="chart"></div></div>
  <div><h2>Units that report the same problem year after year</h2>
    <p class="note" id="recurring-count"></p><div class="scroll"><div id="recurring"></div></div></div>
</section>
<section id="quotes-section"><h2>What the reports say: segments that name a category</h2>
  <div class="toolbar"><select id="quote-category" aria-label="category"></select>
    <input id="quote-search" type="search" placeholder="search unit, year, path, text…" aria-label="search quotes">
  </div>
  <p class="note" id="quote-count"></p>
  <div class="scroll"><div id="quotes"></div></div>
</section>
<section id="yoy-section"><h2>Year over year: how much of this year's text is last year's</h2>
  <p class="note">Reuse share: the characters of a report's text that lie in a run of 8 characters also found in the
    same unit's report of the year before (character n-gram containment), weighted by characters. Only reports with a
    linked previous year count.</p>
  <div class="grid2">
    <div><h3>Reuse of problems and improvements, by year</h3><div id="reuse-trend" class="chart"></div></div>
    <div><h3>By admin level</h3><div id="reuse-level" class="chart"></div></div>
  </div>
  <h3>Units that repeat the most (problems and improvements)</h3><p class="note" id="reusers-note"></p>
  <div class="scroll"><div id="reusers"></div></div>
</section>
<section><h2>Table statistics</h2>
  <div class="grid2">
    <div><h3>Applications received per report, by admin level</h3><div id="apps-chart" class="chart"></div><div id="apps-table"></div></div>
    <div><h3>How applications ended (grant and refusal rates), by admin level</h3><div id="outcomes-chart" class="chart"></div>
      <p class="note">Shares of the applications handled ((七)总计); hover a cell for the count.</p>
      <div class="scroll"><div id="outcomes-table"></div></div></div>
  </div>
  <div class="grid2">
    <div><h3>Most used refusal reasons (applications)</h3><div id="reasons-chart" class="chart"></div>
      <div class="scroll"><div id="reasons-table"></div></div></div>
    <div><h3>Administrative review and litigation outcomes</h3><div id="review-chart" class="chart"></div><div id="review-table"></div></div>
  </div>
</section>
<section><h2>Data quality</h2>
  <div class="cards" id="quality-cards"></div>
  <div class="grid2">
    <div><h3>Unresolved issues (errors and warnings) by code</h3><div class="scroll"><div id="issues-table"></div></div></div>
    <div><h3>Reports with unresolved issues</h3><p class="note" id="issue-reports-note"></p>
      <div class="scroll"><div id="issue-reports"></div></div></div>
  </div>
  <h3>Inputs that failed (not filtered: a failed input has no year, level or region)</h3>
  <div class="scroll"><div id="failures"></div></div>
</section>
</main>
"""


def _write_comparisons(con, payload: dict[str, Any], out: Path) -> None:
    """Each embedded year link's comparison page, named by the later report's sha256."""
    import json

    from gongkai.evaluation.yoy.page import write_html as write_comparison
    from gongkai.inference.yoy import compare_records

    folder = out.with_name(out.stem + "-compare")
    reports = payload["reports"]
    for row in payload["yoy"]["rows"]:
        new, old = reports[row[0]][0], reports[row[1]][0]
        recs = dict(con.execute("SELECT sha256, record FROM reports WHERE sha256 IN (?, ?)", [new, old]).fetchall())
        if new in recs and old in recs:
            write_comparison(compare_records(json.loads(recs[old]), json.loads(recs[new])), folder / f"{new[:16]}.html")
            row[-1] = f"{folder.name}/{new[:16]}.html"


def render_page(payload: dict[str, Any]) -> str:
    """The page for a payload of :func:`build_payload`, as a string."""
    return html_page(f"gongkai analyze · {payload['meta']['db']}", "zh-Hans", CSS, BODY, payload, JS)


def write_html(db: Db, out: str | os.PathLike[str], *, max_quotes: int = DEFAULT_QUOTES,
               name: str | os.PathLike[str] | None = None, compare_pages: bool = False, **filters) -> Path:
    """Write the page for ``db`` to ``out``; at most ``max_quotes`` quotes per category are embedded.
    ``name``: the database shown in the page (default: ``db`` when it is a path); ``year``, ``level``,
    ``province``, ``city`` as in the rest of the API: only the reports they keep are embedded (the
    page's own filters then narrow further)."""
    if name is None:
        name = db if isinstance(db, (str, os.PathLike)) else getattr(db, "path", None)
    with connection(db) as con:
        payload = build_payload(con, name, max_quotes, Filters.of(**filters))
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        if compare_pages:
            _write_comparisons(con, payload, path)
    path.write_text(render_page(payload), encoding="utf-8")
    return path
