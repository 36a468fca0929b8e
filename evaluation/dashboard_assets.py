"""Stylesheet and script of the evaluation dashboard (kept as strings so a wheel needs no data files).

The script reads all figures and report text from the JSON block ``#gk-data`` and builds
every element with ``createElement``/``textContent``: report text never reaches an HTML
parser. Chart labels that come from data are entity-escaped, because plotly reads a small
set of HTML tags in labels.
"""

CSS = r"""
:root { --fg:#1d2430; --muted:#5b6575; --line:#dde2ea; --bg:#f5f7fa; --card:#fff;
        --bad:#c62828; --badbg:#fde4e4; --ok:#2e7d32; --accent:#1f5fbf; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC",
       "Microsoft YaHei","WenQuanYi Zen Hei",sans-serif; color:var(--fg); background:var(--bg); }
header { padding:18px 28px 8px; }
header h1 { margin:0; font-size:22px; }
header p { margin:4px 0 0; color:var(--muted); }
main { padding:0 28px 40px; }
section { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:14px 18px; margin:14px 0; }
section h2 { font-size:16px; margin:0 0 10px; }
.cards { display:grid; grid-template-columns:repeat(auto-fill,minmax(148px,1fr)); gap:10px; }
.card { border:1px solid var(--line); border-radius:6px; padding:10px 12px; background:#fbfcfe; }
.card .value { font-size:22px; font-weight:600; font-variant-numeric:tabular-nums; }
.card .label { color:var(--muted); font-size:12px; }
.card.group-cells { border-top:3px solid #1f5fbf; } .card.group-meta { border-top:3px solid #6a3fbf; }
.card.group-issues { border-top:3px solid #bf6a1f; } .card.group-narrative { border-top:3px solid #1f8f6a; }
.card.group-run { border-top:3px solid #8a94a6; }
.grid2 { display:grid; grid-template-columns:1fr 1fr; gap:14px; }
.grid2.wide-left { grid-template-columns:3fr 2fr; }
.grid2 > * { min-width:0; }  /* let a chart shrink to its column instead of overlapping the next */
@media (max-width:1100px) { .grid2, .grid2.wide-left { grid-template-columns:1fr; } }
.scroll { max-height:75vh; overflow:auto; border:1px solid var(--line); border-radius:6px; }
.scroll thead th { position:sticky; top:0; z-index:1; }
.chart { width:100%; min-height:320px; overflow:hidden; }
table { border-collapse:collapse; font-variant-numeric:tabular-nums; }
th, td { border-bottom:1px solid var(--line); padding:4px 8px; text-align:left; vertical-align:top; }
th { background:#f0f3f8; font-weight:600; white-space:nowrap; }
td.num, th.num { text-align:right; }
table.metrics td, table.metrics th { font-size:13px; }
#reports { width:100%; }
#reports th { cursor:pointer; user-select:none; }
#reports th[aria-sort="ascending"]::after { content:" ▲"; color:var(--accent); }
#reports th[aria-sort="descending"]::after { content:" ▼"; color:var(--accent); }
#reports tr.report-row { cursor:pointer; }
#reports tr.report-row:hover { background:#f3f7ff; }
#reports tr.report-row.open { background:#eaf1ff; }
#reports td.err { color:var(--bad); max-width:320px; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
.toolbar { display:flex; gap:12px; align-items:center; margin-bottom:8px; }
#filter { padding:6px 10px; width:340px; border:1px solid var(--line); border-radius:6px; font:inherit; }
.muted { color:var(--muted); }
.bad { color:var(--bad); font-weight:600; } .good { color:var(--ok); }
.detail { padding:8px 4px 14px; }
.detail h3 { font-size:14px; margin:12px 0 6px; }
.side { display:flex; gap:16px; flex-wrap:wrap; align-items:flex-start; }
.side > div { overflow-x:auto; }
table.cells td, table.cells th { font-size:12px; padding:2px 5px; }
table.cells td.v { text-align:right; min-width:34px; }
table.cells td.wrong { background:var(--badbg); color:var(--bad); font-weight:700; }
table.cells td.flagged { outline:2px dashed #bf6a1f; outline-offset:-2px; }
table.cells td.silent { outline:3px solid #7a0000; outline-offset:-3px; font-weight:bold; }
table.cells th.rowlabel { font-weight:400; background:#fafbfd; }
.seg { border-left:3px solid var(--line); padding:4px 10px; margin:6px 0; }
.seg.mismatch { border-left-color:var(--bad); }
.seg .head { font-size:12px; color:var(--muted); }
.seg .text { white-space:pre-wrap; margin-top:2px; }
.pill { display:inline-block; padding:0 6px; border-radius:9px; background:#eef2f8; font-size:11px; margin-right:3px; }
.pill.wrong { background:var(--badbg); color:var(--bad); }
.legend { font-size:12px; color:var(--muted); }
"""

# Shared with the researchers' page (gongkai.data.analysis): element building and plot-label escaping.
JS_HELPERS = r"""
  // ---- helpers: every string goes in as a text node ----------------------------------
  function el(tag, attrs) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "class") e.className = v; else e.setAttribute(k, String(v));
    });
    for (var i = 2; i < arguments.length; i++) {
      var kid = arguments[i];
      if (kid === null || kid === undefined) continue;
      if (Array.isArray(kid)) kid.forEach(function (k) { if (k !== null && k !== undefined) e.append(k instanceof Node ? k : String(k)); });
      else e.append(kid instanceof Node ? kid : String(kid));
    }
    return e;
  }
  function pct(v) { return v === null || v === undefined ? "—" : (v * 100).toFixed(2) + "%"; }
  function dec(v) { return v === null || v === undefined ? "—" : v.toFixed(3); }
  function int(v) { return v === null || v === undefined ? "—" : String(v); }
  // plotly reads <b>, <br>, <a …> in labels; entities show as the characters themselves.
  function plotSafe(s) { return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"); }
  var PLOT_CONFIG = { displayModeBar: false, responsive: true };
  var FONT = { family: "system-ui, 'Noto Sans CJK SC', 'WenQuanYi Zen Hei', sans-serif", size: 12 };

"""

JS = r"""
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("gk-data").textContent);
  var R = DATA.result, FORM = DATA.form;
""" + JS_HELPERS + r"""  // ---- headline --------------------------------------------------------------------------
  var FORMATS = { pct: pct, dec: dec, int: int };
  (function headline() {
    var box = document.getElementById("headline-cards");
    FORM.headline.forEach(function (h) {
      var v = R.headline[h.id];
      box.append(el("div", { class: "card group-" + h.group, title: h.hint },
        el("div", { class: "value", id: h.id, "data-value": v === null ? "null" : String(v) }, FORMATS[h.kind](v)),
        el("div", { class: "label" }, h.label)));
    });
    var info = document.getElementById("run-info");
    info.textContent = R.n_reports + " reports from " + R.gold_dir + (R.pred_dir ? " (stored predictions: " + R.pred_dir + ")" : "") +
      " · " + R.n_crashed + " crashed · " + R.seconds.toFixed(1) + " s with " + R.workers + " worker(s)";
  })();

  // ---- charts ------------------------------------------------------------------------------
  function heatmap() {
    var byCell = R.cells.by_cell, cols = FORM.app_cols;
    var rows = FORM.app_rows.filter(function (r) { return cols.some(function (c) { return byCell["applications." + r + "." + c]; }); });
    var target = document.getElementById("heatmap");
    if (!rows.length) { target.append(el("p", { class: "muted" }, "No applications table in the gold files.")); return; }
    var z = [], text = [], zmax = 0;
    rows.forEach(function (r) {
      var zr = [], tr = [];
      cols.forEach(function (c) {
        var x = byCell["applications." + r + "." + c];
        var e = x && x.total ? 1 - x.accuracy : null;
        if (e !== null && e > zmax) zmax = e;
        zr.push(e); tr.push(x ? (x.total - x.correct) + " wrong of " + x.total : "absent");
      });
      z.push(zr); text.push(tr);
    });
    var ylabels = rows.map(function (r) { return plotSafe(r + "  " + (FORM.app_row_labels[r] || "")); });
    Plotly.newPlot(target, [{
      type: "heatmap", z: z, x: cols.map(plotSafe), y: ylabels, text: text, zmin: 0, zmax: Math.max(zmax, 0.05),
      colorscale: [[0, "#f4f8f4"], [0.15, "#fde0c5"], [1, "#b2182b"]], xgap: 1, ygap: 1,
      texttemplate: "%{z:.0%}", hovertemplate: "%{y}<br>%{x}: error rate %{z:.2%} (%{text})<extra></extra>",
      colorbar: { title: { text: "error rate" }, tickformat: ".0%" }
    }], { margin: { l: 330, r: 20, t: 10, b: 40 }, height: 26 * rows.length + 80, font: FONT,
          yaxis: { autorange: "reversed", automargin: true }, xaxis: { side: "bottom" } }, PLOT_CONFIG);
  }

  function bars(id, groups, title) {
    var names = Object.keys(groups);
    var target = document.getElementById(id);
    if (!names.length) { target.append(el("p", { class: "muted" }, "Nothing to show.")); return; }
    var counts = {};
    R.reports.forEach(function (r) { var k = id === "by-format" ? r.format : r.layout; counts[k] = (counts[k] || 0) + 1; });
    var y = names.map(function (n) { return groups[n].accuracy === null ? 0 : groups[n].accuracy; });
    Plotly.newPlot(target, [{
      type: "bar", x: names.map(plotSafe), y: y, marker: { color: y.map(function (v) { return v >= 0.99 ? "#2e7d32" : v >= 0.9 ? "#f9a825" : "#c62828"; }) },
      text: y.map(pct), textposition: "inside", textangle: 0, insidetextanchor: "end", textfont: { size: 10 },
      customdata: names.map(function (n) { return [groups[n].correct, groups[n].total, counts[n] || 0]; }),
      hovertemplate: "%{x}: %{text}<br>%{customdata[0]} of %{customdata[1]} cells, %{customdata[2]} reports<extra></extra>"
    }], { title: { text: title, font: { size: 14 } }, margin: { l: 50, r: 10, t: 40, b: 60 }, height: 320, font: FONT,
          yaxis: { range: [0, 1.05], tickformat: ".0%" } }, PLOT_CONFIG);
  }

  function confusion() {
    var c = R.narrative.confusion, target = document.getElementById("confusion");
    var total = c.matrix.reduce(function (a, row) { return a + row.reduce(function (x, y) { return x + y; }, 0); }, 0);
    if (!total) { target.append(el("p", { class: "muted" }, "No gold narrative segments in these files.")); return; }
    var z = c.matrix.map(function (row) { var s = row.reduce(function (a, b) { return a + b; }, 0); return row.map(function (v) { return s ? v / s : 0; }); });
    var labels = c.labels.map(plotSafe);
    Plotly.newPlot(target, [{
      type: "heatmap", z: z, x: labels, y: labels, text: c.matrix, texttemplate: "%{text}", textfont: { size: 10 },
      colorscale: [[0, "#f7fbff"], [0.5, "#6baed6"], [1, "#08306b"]], zmin: 0, zmax: 1, xgap: 1, ygap: 1,
      hovertemplate: "gold %{y} → predicted %{x}<br>%{text} characters (%{z:.1%} of the row)<extra></extra>",
      colorbar: { title: { text: "share of row" }, tickformat: ".0%" }
    }], { margin: { l: 170, r: 20, t: 10, b: 150 }, height: 560, font: FONT,
          xaxis: { title: { text: "predicted topic" }, tickangle: -35 },
          yaxis: { title: { text: "gold topic" }, autorange: "reversed" } }, PLOT_CONFIG);
  }

  function prfTable(id, prfs) {
    var target = document.getElementById(id), keys = Object.keys(prfs);
    if (!keys.length) { target.append(el("p", { class: "muted" }, "Nothing counted.")); return; }
    target.append(el("table", { class: "metrics" },
      el("thead", null, el("tr", null, el("th", null, ""), el("th", { class: "num" }, "precision"),
        el("th", { class: "num" }, "recall"), el("th", { class: "num" }, "F1"), el("th", { class: "num" }, "gold"), el("th", { class: "num" }, "predicted"))),
      el("tbody", null, keys.map(function (k) {
        var p = prfs[k];
        return el("tr", null, el("td", null, k), el("td", { class: "num" }, pct(p.precision)), el("td", { class: "num" }, pct(p.recall)),
          el("td", { class: "num" }, pct(p.f1)), el("td", { class: "num" }, p.n_gold), el("td", { class: "num" }, p.n_pred));
      }))));
  }

  function ratioTable(id, groups) {
    var target = document.getElementById(id);
    target.append(el("table", { class: "metrics" },
      el("thead", null, el("tr", null, el("th", null, ""), el("th", { class: "num" }, "accuracy"), el("th", { class: "num" }, "correct"), el("th", { class: "num" }, "total"))),
      el("tbody", null, Object.keys(groups).map(function (k) {
        var g = groups[k];
        return el("tr", null, el("td", null, k), el("td", { class: "num" }, pct(g.accuracy)), el("td", { class: "num" }, g.correct), el("td", { class: "num" }, g.total));
      }))));
  }

  function crashes() {
    var target = document.getElementById("crash-list");
    if (!R.crashes.length) { target.append(el("p", { class: "muted" }, "No file crashed.")); return; }
    target.append(el("table", { class: "metrics" }, el("tbody", null, R.crashes.map(function (c) {
      return el("tr", null, el("td", null, c.file), el("td", { class: "bad" }, c.error));
    }))));
  }

  // ---- worst reports -------------------------------------------------------------------
  var COLUMNS = [
    { key: "name", label: "report", get: function (r) { return r.name; } },
    { key: "format", label: "format", get: function (r) { return r.format; } },
    { key: "layout", label: "layout", get: function (r) { return r.layout; } },
    { key: "organization", label: "organization (gold)", get: function (r) { return r.gold_meta.organization; } },
    { key: "cells", label: "cells exact", num: true, fmt: pct, get: function (r) { return r.cell_accuracy; } },
    { key: "wrong", label: "wrong cells", num: true, get: function (r) { return r.cells_total - r.cells_correct; } },
    { key: "silent", label: "silent wrong", num: true, get: function (r) { return r.silent_wrong || 0; } },
    { key: "meta", label: "meta", num: true, fmt: function (v) { return v + "/3"; },
      get: function (r) { return (r.year_ok ? 1 : 0) + (r.organization_ok ? 1 : 0) + (r.template_ok ? 1 : 0); } },
    { key: "topic_f1", label: "topic F1", num: true, fmt: pct, get: function (r) { return r.topic_macro_f1; } },
    { key: "pk", label: "Pk", num: true, fmt: dec, get: function (r) { return r.pk; } },
    { key: "error", label: "error", get: function (r) { return r.error; } }
  ];
  var sortState = { key: null, dir: 1 }, openRows = {};
  var reports = R.reports.slice();

  function haystack(r) {
    return [r.name, r.file, r.format, r.layout, r.template, r.gold_meta.organization, r.pred_meta.organization,
            r.gold_meta.year, r.error].join(" ").toLowerCase();
  }

  function groupCells(cells) {
    // cells: [key, gold, pred, exact, flagged, silent wrong] → {table: {rows, cols, cells}} in the given order
    var tables = {}, order = [];
    cells.forEach(function (c) {
      var key = c[0], dot = key.indexOf("."), last = key.lastIndexOf(".");
      var t = key.slice(0, dot), row = key.slice(dot + 1, last), col = key.slice(last + 1);
      if (!tables[t]) { tables[t] = { name: t, rows: [], cols: [], cells: {} }; order.push(t); }
      var tb = tables[t];
      if (tb.rows.indexOf(row) < 0) tb.rows.push(row);
      if (tb.cols.indexOf(col) < 0) tb.cols.push(col);
      tb.cells[row + "|" + col] = c;
    });
    return order.map(function (t) { return tables[t]; });
  }

  function cellGrid(tb, which) {
    var t = tb.name;
    return el("table", { class: "cells", "data-table": t, "data-side": which },
      el("thead", null, el("tr", null, el("th", null, which === "gold" ? "gold" : "predicted"),
        tb.cols.map(function (c) { return el("th", { class: "num", title: c }, FORM.col_labels[c] || c); }))),
      el("tbody", null, tb.rows.map(function (row) {
        var label = FORM.row_labels[t + "." + row] || "";
        return el("tr", null, el("th", { class: "rowlabel", title: label }, row),
          tb.cols.map(function (col) {
            var c = tb.cells[row + "|" + col];
            if (!c) return el("td", null, "");
            var v = which === "gold" ? c[1] : c[2];
            var cls = "v" + (c[3] ? "" : " wrong") + (which === "pred" && c[4] ? " flagged" : "")
              + (which === "pred" && c[5] ? " silent" : "");
            return el("td", { class: cls, title: c[0] + ": gold " + (c[1] === null ? "null" : c[1]) + ", predicted " + (c[2] === null ? "null" : c[2]) },
              v === null ? "·" : String(v));
          }));
      })));
  }

  function detail(r) {
    var box = el("div", { class: "detail" });
    if (r.error) box.append(el("p", { class: "bad" }, "Crashed: " + r.error));
    box.append(el("table", { class: "metrics" },
      el("thead", null, el("tr", null, el("th", null, ""), el("th", null, "gold"), el("th", null, "predicted"))),
      el("tbody", null, ["organization", "year", "template"].map(function (k) {
        var g = r.gold_meta[k], p = r.pred_meta[k];
        var ok = k === "organization" ? r.organization_ok : k === "year" ? r.year_ok : r.template_ok;
        return el("tr", null, el("th", null, k), el("td", { class: "meta-gold" }, g === null ? "—" : String(g)),
          el("td", { class: ok ? "good" : "bad" }, p === null || p === undefined ? "—" : String(p)));
      }))));
    box.append(el("p", { class: "file muted" }, r.file));
    if (!r.cells) {
      box.append(el("p", { class: "muted" }, "Cells and text are kept for the worst reports only (gongkai evaluate --details N)."));
      return box;
    }
    box.append(el("p", { class: "legend" }, "Wrong cells are red; a dashed outline marks a cell the parser flagged; a solid dark outline a silent wrong cell (wrong, named by no warning or error); · is null."));
    groupCells(r.cells).forEach(function (tb) {
      var wrong = tb.rows.reduce(function (n, row) { return n + tb.cols.filter(function (c) { var x = tb.cells[row + "|" + c]; return x && !x[3]; }).length; }, 0);
      box.append(el("h3", null, tb.name + " · ", el("span", { class: wrong ? "bad" : "good" }, wrong + " wrong")));
      box.append(el("div", { class: "side" }, cellGrid(tb, "gold"), cellGrid(tb, "pred")));
    });
    if (r.segments && r.segments.length) {
      box.append(el("h3", null, "Narrative segments (gold topic → predicted topic)"));
      r.segments.forEach(function (s) {
        var mismatch = s.pred_topic !== s.topic;
        var gc = s.categories || [], pc = s.pred_categories || [];
        box.append(el("div", { class: "seg" + (mismatch ? " mismatch" : "") },
          el("div", { class: "head" }, s.topic + " → ", el("span", { class: mismatch ? "bad" : "good" }, s.pred_topic || (s.located ? "none" : "not found in the record text")),
            gc.length || pc.length ? " · categories: " : "",
            gc.map(function (c) { return el("span", { class: "pill" + (pc.indexOf(c) < 0 ? " wrong" : "") }, c); }),
            pc.filter(function (c) { return gc.indexOf(c) < 0; }).map(function (c) { return el("span", { class: "pill wrong" }, "+" + c); })),
          el("div", { class: "text" }, s.text)));
      });
    }
    if (r.issues && r.issues.length) {
      box.append(el("h3", null, "Issues the parser reported"));
      box.append(el("table", { class: "metrics" }, el("tbody", null, r.issues.map(function (i) {
        return el("tr", null, el("td", null, i.severity), el("td", null, i.code), el("td", null, i.message),
          el("td", { class: "muted" }, (i.cells || []).slice(0, 4).join(", ") + ((i.cells || []).length > 4 ? " …" : "")));
      }))));
    }
    return box;
  }

  function renderReports() {
    var tbody = document.querySelector("#reports tbody");
    tbody.replaceChildren();
    var q = document.getElementById("filter").value.trim().toLowerCase();
    var shown = 0;
    reports.forEach(function (r) {
      var tr = el("tr", { class: "report-row" + (openRows[r.name] ? " open" : ""), "data-name": r.name },
        COLUMNS.map(function (c) {
          var v = c.get(r);
          var txt = v === null || v === undefined ? "—" : c.fmt ? c.fmt(v) : String(v);
          return el("td", { class: (c.num ? "num" : "") + (c.key === "error" && v ? " err" : ""), title: c.key === "error" && v ? v : null }, txt);
        }));
      var hide = q && haystack(r).indexOf(q) < 0;
      tr.hidden = !!hide;
      if (!hide) shown++;
      tr.addEventListener("click", function () { openRows[r.name] = !openRows[r.name]; renderReports(); });
      tbody.append(tr);
      if (openRows[r.name]) {
        var d = el("tr", { class: "detail-row" }, el("td", { colspan: COLUMNS.length }, detail(r)));
        d.hidden = !!hide;
        tbody.append(d);
      }
    });
    document.getElementById("filter-count").textContent = shown + " of " + reports.length + " reports shown";
  }

  function sortBy(col) {
    sortState.dir = sortState.key === col.key ? -sortState.dir : 1;
    sortState.key = col.key;
    reports.sort(function (a, b) {
      var x = col.get(a), y = col.get(b);
      var xn = x === null || x === undefined, yn = y === null || y === undefined;
      if (xn || yn) return xn && yn ? 0 : xn ? 1 : -1;  // missing values last either way
      return (x < y ? -1 : x > y ? 1 : 0) * sortState.dir;
    });
    document.querySelectorAll("#reports th").forEach(function (th) {
      th.setAttribute("aria-sort", th.dataset.key === col.key ? (sortState.dir > 0 ? "ascending" : "descending") : "none");
    });
    renderReports();
  }

  (function reportsTable() {
    var head = document.querySelector("#reports thead tr");
    COLUMNS.forEach(function (c) {
      var th = el("th", { class: c.num ? "num" : "", "data-key": c.key, "aria-sort": "none", title: "sort by " + c.label }, c.label);
      th.addEventListener("click", function () { sortBy(c); });
      head.append(th);
    });
    document.getElementById("filter").addEventListener("input", renderReports);
    renderReports();
  })();

  heatmap();
  bars("by-format", R.cells.by_format, "cell accuracy by format");
  bars("by-layout", R.cells.by_layout, "cell accuracy by layout");
  confusion();
  prfTable("topics-table", R.narrative.topics);
  prfTable("categories-table", R.narrative.categories.per_category);
  ratioTable("tables-table", R.cells.by_table);
  crashes();
  document.body.setAttribute("data-ready", "1");
})();
"""
