"""The evaluation dashboard: one self-contained HTML file (plotly inlined, no network at view time).

Figures and report text travel as one JSON block inside ``<script type="application/json">``
with ``<``, ``>`` and ``&`` written as ``\\u003c`` … so no report text can close the block or
open a tag; the page script renders it with ``textContent`` only.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from gongkai.data.form import (
    ACTIVE_COL_LABELS,
    APP_COL_LABELS,
    APP_COLS,
    REVIEW_COL_LABELS,
    application_rows,
    table_rows,
)
from gongkai.evaluation.dashboard_assets import CSS, JS
from gongkai.evaluation.result import DEFAULT_DETAILS, HEADLINE, EvaluationResult


def _form_info() -> dict[str, Any]:
    """What the page needs to know about the form: row order and printed labels."""
    split, single = application_rows(True), application_rows(False)
    rows = [r.key for r in split]
    rows.insert(rows.index("other.other") + 1, "other.total")  # either form of (六)其他处理
    labels: dict[str, str] = {}
    for table in ("active_disclosure", "applications", "review_litigation"):
        for template in ("2021", "2019"):
            for r in table_rows(table, template, True) + table_rows(table, template, False):  # type: ignore[arg-type]
                labels[f"{table}.{r.key}"] = (r.group_label + " " + r.label).strip()
    return {
        "app_rows": rows,
        "app_cols": list(APP_COLS),
        "app_row_labels": {r.key: r.label for r in split + single},
        "row_labels": labels,
        "col_labels": {**ACTIVE_COL_LABELS, **APP_COL_LABELS, **REVIEW_COL_LABELS,
                       "decisions": "处理决定数量", "amount": "收费金额(万元)"},
        "headline": [{"id": i, "label": lab, "kind": k, "group": g, "hint": h} for i, lab, k, g, h in HEADLINE],
    }


def script_json(obj: Any) -> str:
    """JSON safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` survives literally."""
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    # An inline script ends at the first "</script"; the bundle has none today, keep it that way.
    return re.sub(r"</(script)", r"<\\/\1", get_plotlyjs(), flags=re.IGNORECASE)


def html_page(title: str, lang: str, css: str, body: str, data: Any, js: str) -> str:
    """One self-contained page: inline CSS, the plotly bundle, ``body``, ``data`` as JSON, ``js``.

    ``title`` is escaped here; ``body`` is trusted markup; report text reaches the page only
    through ``data``.
    """
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{css}</style>
<script>{plotly_js()}</script>
</head>
<body>
{body}<script type="application/json" id="gk-data">{script_json(data)}</script>
<script>{js}</script>
</body>
</html>
"""


def render_dashboard(result: EvaluationResult, details: int = DEFAULT_DETAILS) -> str:
    """The dashboard page as a string."""
    data = {"result": result.to_dict(details), "form": _form_info()}
    return html_page(f"gongkai evaluation · {Path(result.gold_dir).name}", "en", CSS, _BODY, data, JS)


_BODY = """<header><h1>gongkai evaluation</h1><p id="run-info"></p></header>
<main>
<section id="headline"><h2>Headline</h2><div class="cards" id="headline-cards"></div></section>
<section><h2>Cell error rate · applications table (rows × columns)</h2><div id="heatmap" class="chart"></div></section>
<section class="grid2"><div id="by-format" class="chart"></div><div id="by-layout" class="chart"></div></section>
<section class="grid2">
  <div><h2>Accuracy by table</h2><div id="tables-table"></div>
       <h2 style="margin-top:16px">Crashes</h2><div id="crash-list"></div></div>
  <div><h2>Problem categories</h2><div id="categories-table"></div></div>
</section>
<section class="grid2 wide-left">
  <div><h2>Topic confusion (characters; gold rows, predicted columns)</h2><div id="confusion" class="chart"></div></div>
  <div><h2>Topics by character</h2><div id="topics-table"></div></div>
</section>
<section id="worst"><h2>Worst reports</h2>
  <div class="toolbar"><input id="filter" type="search" placeholder="filter by name, format, layout, organization, error…"
    aria-label="filter reports"><span id="filter-count" class="muted"></span></div>
  <p class="legend">Click a header to sort, a row to open gold and predicted cells side by side.</p>
  <div class="scroll"><table id="reports"><thead><tr></tr></thead><tbody></tbody></table></div>
</section>
</main>
"""


def write_dashboard(result: EvaluationResult, path: str | Path, details: int = DEFAULT_DETAILS) -> Path:
    """Write the dashboard for ``result`` to ``path``; ``details`` worst reports keep cells and text."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_dashboard(result, details), encoding="utf-8")
    return path
