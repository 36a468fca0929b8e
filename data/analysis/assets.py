"""Stylesheet and script of the researchers' page (strings, so a wheel needs no data files).

The script reads the facts from the JSON block ``#gk-data``, keeps the reports that pass the
filters and recomputes every figure from them; report text reaches the page only through
``textContent`` and entity-escaped chart labels (the helpers shared with the evaluation
dashboard).
"""

from gongkai.evaluation.dashboard_assets import CSS as BASE_CSS
from gongkai.evaluation.dashboard_assets import JS_HELPERS

CSS = BASE_CSS + r"""
.filters { position:sticky; top:0; z-index:5; display:flex; flex-wrap:wrap; gap:10px 16px; align-items:center;
           background:#fff; border:1px solid var(--line); border-radius:8px; padding:10px 18px; margin:8px 0 0;
           box-shadow:0 2px 6px rgba(20,30,50,.06); }
.filters label { font-size:13px; color:var(--muted); display:flex; gap:6px; align-items:center; }
.filters select, .filters input { font:inherit; padding:3px 6px; border:1px solid var(--line); border-radius:5px; }
.filters button { font:inherit; padding:3px 12px; border:1px solid var(--line); border-radius:5px; background:#f0f3f8; cursor:pointer; }
.grid3 { display:grid; grid-template-columns:1fr 1fr 1fr; gap:14px; }
.grid3 > * { min-width:0; }
@media (max-width:1300px) { .grid3 { grid-template-columns:1fr; } }
.quote { border-left:3px solid #1f8f6a; padding:4px 10px; margin:8px 0; }
.quote .head { font-size:12px; color:var(--muted); }
.quote .head button.unit { font:inherit; border:0; background:none; color:var(--accent); padding:0; cursor:pointer; }
.quote .text { white-space:pre-wrap; margin-top:2px; }
.quote a { color:var(--muted); }
.note { font-size:12px; color:var(--muted); margin:6px 0; }
table.metrics { margin-bottom:6px; }
#issue-reports td.path { word-break:break-all; min-width:220px; }
#issue-reports td.unit, #recurring td:first-child { min-width:110px; }
#quote-search { padding:6px 10px; width:340px; border:1px solid var(--line); border-radius:6px; font:inherit; }
#quote-category { font:inherit; padding:5px 6px; }
section h3 { font-size:14px; margin:10px 0 6px; }
"""

JS = r"""
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("gk-data").textContent);
  var L = DATA.labels, CATS = L.categories, F = {};
  DATA.report_fields.forEach(function (f, i) { F[f] = i; });
  var SF = {};
  DATA.stat_fields.forEach(function (f, i) { SF[f] = i; });
  var UNKNOWN = "(unknown)";
""" + JS_HELPERS + r"""
  function fmtInt(v) { return v === null || v === undefined ? "—" : Math.round(v).toLocaleString("en-US"); }
  function fmtRate(v) { return v === null || v === undefined || !isFinite(v) ? "—" : (v * 100).toFixed(1) + "%"; }
  function fmtDec(v) { return v === null || v === undefined || !isFinite(v) ? "—" : v.toFixed(1); }
  function catName(i) { var c = CATS[i]; return c + " " + (L.category_labels[c] || ""); }
  function keyOf(v) { return v === null || v === undefined || v === "" ? UNKNOWN : String(v); }
  function num(cls, v, text) { return el("td", { class: "num " + (cls || ""), "data-value": v === null || v === undefined ? "" : String(v) }, text); }
  function byCount(counts) { return Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a] || (a < b ? -1 : 1); }); }
  function levelOrder(a, b) {
    var ia = L.levels.indexOf(a), ib = L.levels.indexOf(b);
    ia = ia < 0 ? 99 : ia; ib = ib < 0 ? 99 : ib;
    return ia - ib || (a < b ? -1 : a > b ? 1 : 0);
  }
  function empty(target, text) { target.replaceChildren(el("p", { class: "muted" }, text)); }
  function nothing(id) { var t = document.getElementById(id); Plotly.purge(t); empty(t, "Nothing to show for the selected reports."); }
  function plot(target, traces, layout) {
    if (typeof target === "string") target = document.getElementById(target);
    if (target.querySelector(":scope > p.muted")) target.replaceChildren();  // a "nothing to show" note from before
    Plotly.react(target, traces, Object.assign({ font: FONT, margin: { l: 60, r: 20, t: 10, b: 40 } }, layout), PLOT_CONFIG);
  }
  function table(target, head, rows) {
    target.replaceChildren(el("table", { class: "metrics" },
      el("thead", null, el("tr", null, head.map(function (h) { return el("th", { class: h.num ? "num" : "" }, h.label); }))),
      el("tbody", null, rows)));
  }

  // ---- filters -------------------------------------------------------------------------------
  var REPORTS = DATA.reports, N = REPORTS.length;
  var sel = {
    from: document.getElementById("f-year-from"), to: document.getElementById("f-year-to"),
    level: document.getElementById("f-level"), province: document.getElementById("f-province"),
    city: document.getElementById("f-city")
  };
  function distinct(field, sorter) {
    var seen = {};
    REPORTS.forEach(function (r) { if (r[F[field]] !== null) seen[r[F[field]]] = 1; });
    return Object.keys(seen).sort(sorter);
  }
  function fillSelect(s, values, allLabel) {
    var keep = s.value;
    s.replaceChildren(el("option", { value: "" }, allLabel));
    values.forEach(function (v) { s.append(el("option", { value: v }, v)); });
    s.value = values.indexOf(keep) >= 0 ? keep : "";
  }
  var YEARS = distinct("year", function (a, b) { return a - b; });
  fillSelect(sel.from, YEARS, "earliest");
  fillSelect(sel.to, YEARS, "latest");
  fillSelect(sel.level, distinct("admin_level", levelOrder), "all levels");
  fillSelect(sel.province, distinct("province"), "all provinces");
  function fillCities() {
    var p = sel.province.value, seen = {};
    REPORTS.forEach(function (r) { if (r[F.city] !== null && (!p || r[F.province] === p)) seen[r[F.city]] = 1; });
    fillSelect(sel.city, Object.keys(seen).sort(), "all cities");
  }
  fillCities();

  function kept() {
    var yf = sel.from.value ? +sel.from.value : null, yt = sel.to.value ? +sel.to.value : null;
    var lv = sel.level.value, pr = sel.province.value, ci = sel.city.value, out = [];
    for (var i = 0; i < N; i++) {
      var r = REPORTS[i], y = r[F.year];
      if (yf !== null && (y === null || y < yf)) continue;
      if (yt !== null && (y === null || y > yt)) continue;
      if (lv && r[F.admin_level] !== lv) continue;
      if (pr && r[F.province] !== pr) continue;
      if (ci && r[F.city] !== ci) continue;
      out.push(i);
    }
    return out;
  }

  // ---- problem categories ------------------------------------------------------------------
  function catCounts(ids) {
    var c = CATS.map(function () { return 0; });
    ids.forEach(function (i) { DATA.categories[i].forEach(function (p) { c[p[0]]++; }); });
    return c;
  }
  function categories(ids) {
    var counts = catCounts(ids), n = ids.length;
    var order = CATS.map(function (_, i) { return i; }).sort(function (a, b) { return counts[b] - counts[a] || a - b; });
    var segs = CATS.map(function () { return 0; });
    ids.forEach(function (i) { DATA.categories[i].forEach(function (p) { segs[p[0]] += p[1]; }); });
    if (!n) nothing("cat-bars"); else plot("cat-bars", [{
      type: "bar", orientation: "h", x: order.map(function (i) { return counts[i]; }).reverse(),
      y: order.map(function (i) { return plotSafe(catName(i)); }).reverse(), marker: { color: "#1f5fbf" },
      text: order.map(function (i) { return counts[i] + " (" + fmtRate(n ? counts[i] / n : null) + ")"; }).reverse(),
      textposition: "auto", hovertemplate: "%{y}: %{x} reports<extra></extra>"
    }], { height: 26 * CATS.length + 60, margin: { l: 190, r: 20, t: 10, b: 30 }, xaxis: { title: { text: "reports naming it" } } });
    table(document.getElementById("cat-table"),
      [{ label: "category" }, { label: "reports", num: true }, { label: "share", num: true }, { label: "segments", num: true }],
      order.map(function (i) {
        return el("tr", { "data-category": CATS[i] }, el("td", null, catName(i)), num("count", counts[i], fmtInt(counts[i])),
          num("share", n ? counts[i] / n : null, fmtRate(n ? counts[i] / n : null)), num("segments", segs[i], fmtInt(segs[i])));
      }));
    return order;
  }

  function groupedCounts(ids, keyFn) {
    var groups = {};
    ids.forEach(function (i) {
      var k = keyFn(REPORTS[i]);
      var g = groups[k] || (groups[k] = { n: 0, c: CATS.map(function () { return 0; }) });
      g.n++;
      DATA.categories[i].forEach(function (p) { g.c[p[0]]++; });
    });
    return groups;
  }

  function trends(ids) {
    var groups = groupedCounts(ids, function (r) { return keyOf(r[F.year]); });
    var years = Object.keys(groups).filter(function (y) { return y !== UNKNOWN; }).sort();
    var target = document.getElementById("cat-trend");
    if (!years.length) { Plotly.purge(target); empty(target, "No report with a year in the selection."); return; }
    plot(target, CATS.map(function (c, ci) {
      return { type: "scatter", mode: "lines+markers", name: plotSafe(catName(ci)), x: years,
        y: years.map(function (y) { return groups[y].c[ci] / groups[y].n; }),
        customdata: years.map(function (y) { return [groups[y].c[ci], groups[y].n]; }),
        hovertemplate: plotSafe(catName(ci)) + " · %{x}: %{y:.1%} (%{customdata[0]} of %{customdata[1]} reports)<extra></extra>" };
    }), { height: 420, yaxis: { tickformat: ".0%", title: { text: "share of reports naming it" }, rangemode: "tozero" },
          xaxis: { type: "category", title: { text: "report year" } }, legend: { font: { size: 11 } } });
  }

  function heat(targetId, ids, keyFn, sorter, limit, title, skipUnknown) {
    var groups = groupedCounts(ids, keyFn);
    var unknown = skipUnknown && groups[UNKNOWN] ? groups[UNKNOWN].n : 0;
    if (unknown) delete groups[UNKNOWN];
    var keys = Object.keys(groups).sort(sorter ? sorter : function (a, b) { return groups[b].n - groups[a].n || (a < b ? -1 : 1); });
    var more = limit && keys.length > limit ? keys.length - limit : 0;
    if (limit) keys = keys.slice(0, limit);
    var target = document.getElementById(targetId);
    if (!keys.length) {
      Plotly.purge(target); empty(target, "No reports in the selection" + (unknown ? " with this information." : "."));
      document.getElementById(targetId + "-note").textContent = title;
      return;
    }
    var cols = keys.map(function (k) { return plotSafe(k + " (" + groups[k].n + ")"); });
    plot(target, [{
      type: "heatmap", x: cols, y: CATS.map(function (_, i) { return plotSafe(catName(i)); }),
      z: CATS.map(function (_, ci) { return keys.map(function (k) { return groups[k].c[ci] / groups[k].n; }); }),
      text: CATS.map(function (_, ci) { return keys.map(function (k) { return groups[k].c[ci]; }); }),
      texttemplate: "%{text}", textfont: { size: 10 }, zmin: 0, xgap: 1, ygap: 1,
      colorscale: [[0, "#f7fbff"], [0.5, "#6baed6"], [1, "#08306b"]],
      hovertemplate: "%{y} · %{x}: %{text} reports (%{z:.1%})<extra></extra>", colorbar: { tickformat: ".0%", title: { text: "share" } }
    }], { height: 26 * CATS.length + 130, margin: { l: 190, r: 20, t: 10, b: 110 }, xaxis: { tickangle: -35 },
          yaxis: { autorange: "reversed" } });
    document.getElementById(targetId + "-note").textContent = title + (more ? " · " + more + " smaller groups not shown" : "") +
      (unknown ? " · " + unknown + " reports without one not shown" : "");
  }

  function cooccurrence(ids) {
    var m = CATS.map(function () { return CATS.map(function () { return 0; }); });
    ids.forEach(function (i) {
      var cs = DATA.categories[i];
      for (var a = 0; a < cs.length; a++) for (var b = 0; b < cs.length; b++) m[cs[a][0]][cs[b][0]]++;
    });
    var names = CATS.map(function (_, i) { return plotSafe(catName(i)); });
    // The diagonal (reports naming the category at all) would swamp the colour scale: text only.
    var z = m.map(function (row, a) { return row.map(function (v, b) { return a === b ? null : v; }); });
    if (!ids.length) nothing("cat-cooc"); else plot("cat-cooc", [{
      type: "heatmap", x: names, y: names, z: z, text: m, texttemplate: "%{text}", textfont: { size: 10 }, xgap: 1, ygap: 1,
      colorscale: [[0, "#fbfbf7"], [0.5, "#f4a261"], [1, "#7f2704"]],
      hovertemplate: "%{y} & %{x}: %{text} reports name both<extra></extra>", colorbar: { title: { text: "reports" } }
    }], { height: 26 * CATS.length + 190, margin: { l: 190, r: 20, t: 10, b: 170 }, xaxis: { tickangle: -40 },
          yaxis: { autorange: "reversed" } });
  }

  function recurring(ids) {
    var units = {};
    ids.forEach(function (i) {
      var r = REPORTS[i], u = r[F.unit_key], y = r[F.year];
      if (u === null || y === null) return;
      var e = units[u] || (units[u] = { name: r[F.organization], lastYear: y, years: {} });
      if (y >= e.lastYear) { e.lastYear = y; e.name = r[F.organization]; }
      DATA.categories[i].forEach(function (p) { (e.years[p[0]] || (e.years[p[0]] = {}))[y] = 1; });
    });
    var rows = [];
    Object.keys(units).forEach(function (u) {
      var e = units[u];
      Object.keys(e.years).forEach(function (c) {
        var ys = Object.keys(e.years[c]).map(Number).sort(function (a, b) { return a - b; });
        var best = 1, run = 1;
        for (var k = 1; k < ys.length; k++) { run = ys[k] === ys[k - 1] + 1 ? run + 1 : 1; if (run > best) best = run; }
        if (best >= 2) rows.push({ unit: u, name: e.name, cat: +c, years: ys, run: best });
      });
    });
    rows.sort(function (a, b) { return b.run - a.run || (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : a.cat - b.cat); });
    document.getElementById("recurring-count").textContent = rows.length + " unit × category pairs named in two or more consecutive years" +
      (rows.length > 200 ? " (first 200 shown)" : "");
    table(document.getElementById("recurring"),
      [{ label: "unit" }, { label: "unit key" }, { label: "category" }, { label: "years named" }, { label: "longest run", num: true }],
      rows.slice(0, 200).map(function (r) {
        return el("tr", { "data-unit": r.unit, "data-category": CATS[r.cat] }, el("td", null, r.name || "—"), el("td", { class: "muted" }, r.unit),
          el("td", null, catName(r.cat)), el("td", null, r.years.join(", ")), num("run", r.run, String(r.run)));
      }));
  }

  // ---- quotes ------------------------------------------------------------------------------------
  var quoteCat = document.getElementById("quote-category"), quoteSearch = document.getElementById("quote-search");
  CATS.forEach(function (c, i) { quoteCat.append(el("option", { value: String(i) }, catName(i))); });
  (function () {  // start with the category named most often
    var all = catCounts(REPORTS.map(function (_, i) { return i; })), best = 0;
    all.forEach(function (v, i) { if (v > all[best]) best = i; });
    quoteCat.value = String(best);
  })();
  function fileHref(path) {
    var p = String(path).split("!")[0];
    return p.charAt(0) === "/" ? "file://" + encodeURI(p).replace(/#/g, "%23").replace(/\?/g, "%3F") : null;  // only local absolute paths become links
  }
  function quotes(ids) {
    var keep = {};
    ids.forEach(function (i) { keep[i] = 1; });
    var ci = +quoteCat.value, q = quoteSearch.value.trim().toLowerCase();
    var total = 0;
    ids.forEach(function (i) { DATA.categories[i].forEach(function (p) { if (p[0] === ci) total += p[1]; }); });
    var list = DATA.quotes.filter(function (s) {
      if (!keep[s[0]] || s[6].indexOf(ci) < 0) return false;
      if (!q) return true;
      var r = REPORTS[s[0]];
      return [r[F.organization], r[F.unit_key], r[F.year], r[F.path], s[5]].join(" ").toLowerCase().indexOf(q) >= 0;
    });
    var box = document.getElementById("quotes");
    box.replaceChildren();
    list.slice(0, 100).forEach(function (s) {
      var r = REPORTS[s[0]], href = fileHref(r[F.path]);
      var unit = el("button", { class: "unit", type: "button", title: "show this unit's quotes only" }, r[F.organization] || r[F.unit_key] || "unknown unit");
      unit.addEventListener("click", function () { quoteSearch.value = r[F.organization] || r[F.unit_key] || ""; refresh(); });
      var region = [r[F.province], r[F.city], r[F.county]].filter(function (x) { return x; }).join(" ");
      box.append(el("div", { class: "quote", "data-report": r[F.report], "data-segment": String(s[1]) },
        el("div", { class: "head" }, unit, " · ", keyOf(r[F.year]), " · ", keyOf(r[F.admin_level]), region ? " · " + region : "",
          " · ", s[2], " · chars ", String(s[3]), "–", String(s[4]), " · ",
          href ? el("a", { href: href, title: r[F.report] }, r[F.path]) : el("span", { title: r[F.report] }, r[F.path])),
        el("div", { class: "text", title: "characters " + s[3] + "–" + s[4] + " of the record text" }, String(s[5]).replace(/\n\s*\n/g, "\n"))));
    });
    document.getElementById("quote-count").textContent = total + " segments in the selected reports name " + CATS[ci] +
      "; " + list.length + " kept in this page" + (q ? " match the search" : "") + (list.length > 100 ? " (first 100 shown)" : "") +
      "; the page keeps up to " + DATA.meta.max_quotes + " per category (gongkai analyze --quotes N; all: gongkai.analysis.quotes).";
  }

  // ---- table statistics -------------------------------------------------------------------------
  function stat(i, name) { var s = DATA.stats[i]; return s ? s[SF[name]] : null; }
  function sumOf(ids, name) {
    var t = 0, n = 0;
    ids.forEach(function (i) { var v = stat(i, name); if (v !== null && v !== undefined) { t += v; n++; } });
    return { sum: n ? t : null, n: n };
  }
  function median(xs) {
    if (!xs.length) return null;
    var s = xs.slice().sort(function (a, b) { return a - b; }), m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  }
  function byLevel(ids) {
    var g = {};
    ids.forEach(function (i) { var k = keyOf(REPORTS[i][F.admin_level]); (g[k] || (g[k] = [])).push(i); });
    return g;
  }
  function applications(ids) {
    var g = byLevel(ids), levels = Object.keys(g).sort(levelOrder), rows = [];
    levels.forEach(function (lv) {
      var vals = g[lv].map(function (i) { return stat(i, "new_received"); }).filter(function (v) { return v !== null && v !== undefined; });
      if (!vals.length) return;
      var sum = vals.reduce(function (a, b) { return a + b; }, 0);
      rows.push({ level: lv, n: vals.length, sum: sum, mean: sum / vals.length, median: median(vals), max: Math.max.apply(null, vals) });
    });
    if (!rows.length) nothing("apps-chart"); else plot("apps-chart", [
      { type: "bar", name: "mean", x: rows.map(function (r) { return plotSafe(r.level); }), y: rows.map(function (r) { return r.mean; }), marker: { color: "#1f5fbf" },
        hovertemplate: "%{x}: mean %{y:.1f} per report<extra></extra>" },
      { type: "bar", name: "median", x: rows.map(function (r) { return plotSafe(r.level); }), y: rows.map(function (r) { return r.median; }), marker: { color: "#8fb3e8" },
        hovertemplate: "%{x}: median %{y:.1f}<extra></extra>" }
    ], { height: 300, barmode: "group", yaxis: { title: { text: "applications received per report" } }, legend: { orientation: "h" } });
    table(document.getElementById("apps-table"),
      [{ label: "level" }, { label: "reports", num: true }, { label: "applications", num: true }, { label: "mean", num: true },
       { label: "median", num: true }, { label: "max", num: true }],
      rows.map(function (r) {
        return el("tr", { "data-level": r.level }, el("td", null, r.level), num("reports", r.n, fmtInt(r.n)), num("sum", r.sum, fmtInt(r.sum)),
          num("mean", r.mean, fmtDec(r.mean)), num("median", r.median, fmtDec(r.median)), num("max", r.max, fmtInt(r.max)));
      }));
  }
  function outcomes(ids) {
    var g = byLevel(ids), levels = Object.keys(g).sort(levelOrder), keys = Object.keys(L.outcomes), rows = [];
    levels.forEach(function (lv) {
      var h = sumOf(g[lv], "handled");
      if (!h.n) return;
      rows.push({ level: lv, n: h.n, handled: h.sum, parts: keys.map(function (k) { return sumOf(g[lv], k).sum; }) });
    });
    var colors = ["#2e7d32", "#9ccc65", "#c62828", "#ef6c00", "#8e24aa", "#8a94a6"];
    if (!rows.length) nothing("outcomes-chart"); else plot("outcomes-chart", keys.map(function (k, j) {
      return { type: "bar", name: plotSafe(L.outcomes[k]), x: rows.map(function (r) { return plotSafe(r.level); }),
        y: rows.map(function (r) { return r.handled ? (r.parts[j] || 0) / r.handled : 0; }), marker: { color: colors[j] },
        hovertemplate: "%{x} · " + plotSafe(L.outcomes[k]) + ": %{y:.1%}<extra></extra>" };
    }), { height: 300, barmode: "stack", yaxis: { tickformat: ".0%", title: { text: "share of applications handled" } }, legend: { orientation: "h" } });
    table(document.getElementById("outcomes-table"),
      [{ label: "level" }, { label: "reports", num: true }, { label: "handled", num: true }].concat(keys.map(function (k) { return { label: L.outcomes[k], num: true }; })),
      rows.map(function (r) {
        return el("tr", { "data-level": r.level }, el("td", null, r.level), num("reports", r.n, fmtInt(r.n)), num("handled", r.handled, fmtInt(r.handled)),
          keys.map(function (k, j) {
            var v = r.parts[j], cell = num(k, v, fmtRate(r.handled ? v / r.handled : null));
            cell.title = fmtInt(v) + " applications";
            return cell;
          }));
      }));
  }
  function reasons(ids) {
    var rows = Object.keys(L.reasons).map(function (k) {
      var s = sumOf(ids, "reason:" + k), used = 0;
      ids.forEach(function (i) { if (stat(i, "reason:" + k) > 0) used++; });
      return { key: k, label: L.reasons[k], sum: s.sum, used: used };
    }).filter(function (r) { return r.sum !== null; });
    rows.sort(function (a, b) { return (b.sum || 0) - (a.sum || 0) || (a.key < b.key ? -1 : 1); });
    var top = rows.slice(0, 12).reverse();
    if (!top.length) nothing("reasons-chart"); else plot("reasons-chart", [{
      type: "bar", orientation: "h", x: top.map(function (r) { return r.sum; }), y: top.map(function (r) { return plotSafe(r.label.length > 34 ? r.label.slice(0, 33) + "…" : r.label); }),
      marker: { color: top.map(function (r) { return { denied: "#c62828", unable: "#ef6c00", not_processed: "#8e24aa", other: "#8a94a6" }[r.key.split(".")[0]]; }) },
      customdata: top.map(function (r) { return [r.used]; }), hovertemplate: "%{y}: %{x} applications in %{customdata[0]} reports<extra></extra>"
    }], { height: 24 * top.length + 60, margin: { l: 260, r: 20, t: 10, b: 30 } });
    table(document.getElementById("reasons-table"),
      [{ label: "reason" }, { label: "applications", num: true }, { label: "reports using it", num: true }],
      rows.map(function (r) {
        return el("tr", { "data-reason": r.key }, el("td", { title: r.key }, r.label), num("sum", r.sum, fmtInt(r.sum)), num("used", r.used, fmtInt(r.used)));
      }));
  }
  function review(ids) {
    var procs = Object.keys(L.proceedings), outs = Object.keys(L.proceeding_outcomes);
    var rows = procs.map(function (p) {
      return { key: p, cols: outs.concat(["total"]).map(function (c) { return sumOf(ids, "review:" + p + "." + c).sum; }) };
    });
    if (!rows.some(function (r) { return r.cols[4] !== null; })) nothing("review-chart"); else plot("review-chart", outs.map(function (o, j) {
      return { type: "bar", name: plotSafe(L.proceeding_outcomes[o]), x: procs.map(function (p) { return plotSafe(L.proceedings[p]); }),
        y: rows.map(function (r) { return r.cols[j] || 0; }), hovertemplate: "%{x} · " + plotSafe(L.proceeding_outcomes[o]) + ": %{y}<extra></extra>" };
    }), { height: 300, barmode: "group", yaxis: { title: { text: "cases" } }, legend: { orientation: "h" } });
    table(document.getElementById("review-table"),
      [{ label: "proceeding" }].concat(outs.concat(["total"]).map(function (o) { return { label: L.proceeding_outcomes[o] || "总计", num: true }; }))
        .concat([{ label: "corrected of concluded", num: true }]),
      rows.map(function (r) {
        var concluded = (r.cols[0] || 0) + (r.cols[1] || 0) + (r.cols[2] || 0);
        return el("tr", { "data-proceeding": r.key }, el("td", null, L.proceedings[r.key]),
          r.cols.map(function (v, j) { return num(outs[j] || "total", v, fmtInt(v)); }),
          num("corrected-rate", concluded ? (r.cols[1] || 0) / concluded : null, fmtRate(concluded ? (r.cols[1] || 0) / concluded : null)));
      }));
  }

  // ---- data quality ---------------------------------------------------------------------------------
  function quality(ids) {
    var keep = {};
    ids.forEach(function (i) { keep[i] = 1; });
    var codes = {}, per = {};
    DATA.issues.forEach(function (x) {
      if (!keep[x[0]]) return;
      var k = x[1] + "|" + x[2] + "|" + x[3];
      var c = codes[k] || (codes[k] = { code: x[1], severity: x[2], origin: x[3], issues: 0, reports: {} });
      c.issues++; c.reports[x[0]] = 1;
      var p = per[x[0]] || (per[x[0]] = { errors: 0, warnings: 0, codes: {}, first: x[4] });
      if (x[2] === "error") p.errors++; else p.warnings++;
      p.codes[x[1]] = 1;
    });
    var withIssues = Object.keys(per).length;
    var cards = [["q-reports", "reports in the selection", ids.length], ["q-with-issues", "with unresolved issues", withIssues],
                 ["q-failed", "inputs that failed (all)", DATA.failures.length]];
    document.getElementById("quality-cards").replaceChildren.apply(document.getElementById("quality-cards"), cards.map(function (c) {
      return el("div", { class: "card group-issues" }, el("div", { class: "value", id: c[0], "data-value": String(c[2]) }, fmtInt(c[2])), el("div", { class: "label" }, c[1]));
    }));
    var list = Object.keys(codes).map(function (k) { var c = codes[k]; c.n = Object.keys(c.reports).length; return c; });
    list.sort(function (a, b) { return b.n - a.n || b.issues - a.issues || (a.code < b.code ? -1 : 1); });
    table(document.getElementById("issues-table"),
      [{ label: "code" }, { label: "severity" }, { label: "origin" }, { label: "issues", num: true }, { label: "reports", num: true }],
      list.map(function (c) {
        return el("tr", { "data-code": c.code }, el("td", null, c.code), el("td", { class: c.severity === "error" ? "bad" : "" }, c.severity),
          el("td", null, c.origin), num("issues", c.issues, fmtInt(c.issues)), num("reports", c.n, fmtInt(c.n)));
      }));
    var reps = Object.keys(per).map(Number).sort(function (a, b) { return per[b].errors - per[a].errors || per[b].warnings - per[a].warnings || a - b; });
    table(document.getElementById("issue-reports"),
      [{ label: "report" }, { label: "unit" }, { label: "year" }, { label: "errors", num: true }, { label: "warnings", num: true }, { label: "codes (hover: first message)" }],
      reps.slice(0, 100).map(function (i) {
        var r = REPORTS[i], p = per[i];
        return el("tr", { "data-report": r[F.report] }, el("td", { class: "path" }, r[F.path]), el("td", { class: "unit" }, r[F.organization] || "—"),
          el("td", null, keyOf(r[F.year])), num("errors", p.errors, String(p.errors)), num("warnings", p.warnings, String(p.warnings)),
          el("td", { title: p.first || "" }, Object.keys(p.codes).sort().join(", ")));
      }));
    document.getElementById("issue-reports-note").textContent = withIssues + " reports" + (withIssues > 100 ? " (100 with the most errors shown)" : "");
    var fail = DATA.failures;
    if (!fail.length) { empty(document.getElementById("failures"), "No input failed."); return; }
    table(document.getElementById("failures"), [{ label: "path" }, { label: "stage" }, { label: "format" }, { label: "error" }],
      fail.slice(0, 200).map(function (f) { return el("tr", null, el("td", null, f[0]), el("td", null, f[1]), el("td", null, f[3] || "—"), el("td", { class: "bad" }, f[2])); }));
  }

  // ---- year over year -----------------------------------------------------------------------------------
  var YF = {};
  DATA.yoy.fields.forEach(function (f, i) { YF[f] = i; });
  function reuseRows(ids) {
    var keep = {};
    ids.forEach(function (i) { keep[i] = 1; });
    return DATA.yoy.rows.filter(function (y) { return keep[y[YF.report]]; });
  }
  var REUSE_TOPICS = [["problems", "problems 问题"], ["improvements", "improvements 改进"], ["problems_and_improvements", "problems and improvements"]];
  function weighted(rows, topic) {  // character-weighted share (chars of problems and improvements as weight)
    var s = 0, n = 0;
    rows.forEach(function (y) { var v = y[YF[topic]], w = y[YF.chars_pi] || 1; if (v !== null) { s += v * w; n += w; } });
    return n ? s / n : null;
  }
  function yoy(ids) {
    var rows = reuseRows(ids);
    if (!rows.length) {
      ["reuse-trend", "reuse-level"].forEach(function (t) {
        var x = document.getElementById(t); Plotly.purge(x); empty(x, "No linked year pairs among the selected reports.");
      });
      empty(document.getElementById("reusers"), "No unit with two linked years in the selection.");
      document.getElementById("reusers-note").textContent = "";
      return;
    }
    var byYear = {}, byLevel = {};
    rows.forEach(function (y) {
      var r = REPORTS[y[YF.report]];
      (byYear[keyOf(r[F.year])] = byYear[keyOf(r[F.year])] || []).push(y);
      (byLevel[keyOf(r[F.admin_level])] = byLevel[keyOf(r[F.admin_level])] || []).push(y);
    });
    var years = Object.keys(byYear).sort(), levels = Object.keys(byLevel).sort(levelOrder);
    plot("reuse-trend", REUSE_TOPICS.map(function (t) {
      return { type: "scatter", mode: "lines+markers", name: t[1], x: years, y: years.map(function (k) { return weighted(byYear[k], t[0]); }),
        customdata: years.map(function (k) { return byYear[k].length; }),
        hovertemplate: t[1] + " · %{x}: %{y:.1%} (%{customdata} reports)<extra></extra>" };
    }), { height: 320, yaxis: { tickformat: ".0%", range: [0, 1], title: { text: "reuse share" } }, xaxis: { type: "category", title: { text: "report year" } } });
    plot("reuse-level", REUSE_TOPICS.map(function (t) {
      return { type: "bar", name: t[1], x: levels.map(plotSafe), y: levels.map(function (k) { return weighted(byLevel[k], t[0]); }),
        customdata: levels.map(function (k) { return byLevel[k].length; }),
        hovertemplate: t[1] + " · %{x}: %{y:.1%} (%{customdata} reports)<extra></extra>" };
    }), { height: 320, barmode: "group", yaxis: { tickformat: ".0%", range: [0, 1], title: { text: "reuse share" } } });
    var units = {};
    rows.forEach(function (y) {
      var r = REPORTS[y[YF.report]], u = r[F.unit_key] || r[F.organization] || UNKNOWN;
      var e = units[u] || (units[u] = { unit: u, name: r[F.organization], links: [], sum: 0, n: 0 });
      e.links.push(y);
      if (y[YF.problems_and_improvements] !== null) { e.sum += y[YF.problems_and_improvements]; e.n++; }
    });
    var list = Object.keys(units).map(function (k) { var e = units[k]; e.mean = e.n ? e.sum / e.n : null; return e; })
      .sort(function (a, b) { return (b.mean === null ? -1 : b.mean) - (a.mean === null ? -1 : a.mean) || b.links.length - a.links.length || (a.unit < b.unit ? -1 : 1); });
    document.getElementById("reusers-note").textContent = list.length + " units with linked years" + (list.length > 100 ? " (100 shown)" : "") +
      " · each year pair links to its comparison page when the page was written with --compare-pages; otherwise hover for the command";
    table(document.getElementById("reusers"),
      [{ label: "unit" }, { label: "unit key" }, { label: "year pairs", num: true }, { label: "mean reuse", num: true }, { label: "comparisons" }],
      list.slice(0, 100).map(function (e) {
        var cmp = e.links.map(function (y) {
          var r = REPORTS[y[YF.report]], p = REPORTS[y[YF.previous]];
          var label = keyOf(p[F.year]) + "→" + keyOf(r[F.year]) + " (" + fmtRate(y[YF.problems_and_improvements]) + ")";
          var cmd = "gongkai compare --db " + DATA.meta.db + " " + p[F.report] + " " + r[F.report] + " --html compare.html";
          return y[YF.href] ? el("a", { href: y[YF.href], class: "cmp" }, label) : el("span", { class: "cmp", title: cmd }, label);
        });
        var cell = el("td", null);
        cmp.forEach(function (c, k) { if (k) cell.append(" · "); cell.append(c); });
        return el("tr", { "data-unit": e.unit }, el("td", null, e.name || "—"), el("td", { class: "muted" }, e.unit),
          num("links", e.links.length, String(e.links.length)), num("reuse", e.mean, fmtRate(e.mean)), cell);
      }));
  }

  // ---- page ------------------------------------------------------------------------------------------
  var regionBy = document.getElementById("region-by");
  function refresh() {
    var ids = kept();
    document.getElementById("n-shown").textContent = ids.length + " of " + N + " reports";
    document.getElementById("n-shown").setAttribute("data-value", String(ids.length));
    categories(ids);
    trends(ids);
    heat("cat-level", ids, function (r) { return keyOf(r[F.admin_level]); }, levelOrder, 0, "columns: admin level (reports)");
    var rb = regionBy.value;
    heat("cat-region", ids, function (r) { return keyOf(r[F[rb]]); }, null, 20, "columns: " + rb + " (reports), the 20 with most reports", true);
    cooccurrence(ids);
    recurring(ids);
    yoy(ids);
    quotes(ids);
    applications(ids);
    outcomes(ids);
    reasons(ids);
    review(ids);
    quality(ids);
  }
  sel.province.addEventListener("change", function () { fillCities(); refresh(); });
  [sel.from, sel.to, sel.level, sel.city, regionBy, quoteCat].forEach(function (s) { s.addEventListener("change", refresh); });
  quoteSearch.addEventListener("input", function () { quotes(kept()); });
  document.getElementById("f-reset").addEventListener("click", function () {
    sel.from.value = sel.to.value = sel.level.value = sel.province.value = ""; fillCities(); sel.city.value = ""; quoteSearch.value = ""; refresh();
  });
  var info = DATA.meta;
  document.getElementById("run-info").textContent = N + " parsed reports in " + info.db + " · " + info.n_failed_reports +
    " failed contents · " + DATA.failures.length + " failed inputs · built " + info.generated +
    (info.filters ? " · only " + info.filters : "");
  refresh();
  document.body.setAttribute("data-ready", "1");
})();
"""
