"""The comparison as one self-contained HTML page (no script, no network, every text escaped).

Changes are marked by a written label (新增 added, 删除 removed, 修改 changed, 未变 unchanged,
移动 moved) as well as by colour, a table of contents links every section, and the inline edit of
a changed paragraph shows deleted text struck through (<del>) and inserted text underlined (<ins>).
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from gongkai.inference.yoy import Comparison

LABELS = {"added": "新增 added", "removed": "删除 removed", "changed": "修改 changed", "unchanged": "未变 unchanged"}

CSS = """
body{font:15px/1.6 system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
header,main{max-width:1100px;margin:0 auto;padding:12px 20px}
nav{position:sticky;top:0;background:#fff;border-bottom:1px solid #ccc;padding:6px 20px;z-index:1}
nav a{margin-right:12px}
h1{font-size:22px}h2{font-size:18px;border-bottom:2px solid #333;padding-bottom:2px}
table{border-collapse:collapse;margin:8px 0;font-size:14px}
td,th{border:1px solid #bbb;padding:3px 8px;vertical-align:top}th{background:#eee;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.para{border:1px solid #ccc;border-left-width:6px;background:#fff;margin:8px 0;padding:6px 10px}
.para.added{border-left-color:#1a7f37}.para.removed{border-left-color:#b42318}
.para.changed{border-left-color:#b54708}.para.unchanged{border-left-color:#8a8a8a}
.tag{display:inline-block;font-size:12px;font-weight:600;border:1px solid #555;border-radius:3px;padding:0 5px;margin-right:6px}
.meta{color:#555;font-size:13px}
del{background:#fde2e1;text-decoration:line-through}ins{background:#dcfce7;text-decoration:underline}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:10px}
.differs{font-weight:700}
"""


def _num(v: Any) -> str:
    if v is None:
        return "—"
    f = float(v)
    return str(int(f)) if f.is_integer() else f"{f:g}"


def _delta(v: Any) -> str:
    return "—" if v is None else ("+" if v > 0 else "") + _num(v)


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{100 * v:.1f} %"


def _para(p: dict[str, Any]) -> str:
    kind = p["kind"]
    tags = [f'<span class="tag">{LABELS[kind]}</span>']
    if p["moved"]:
        tags.append('<span class="tag">移动 moved</span>')
    if p["split"]:
        tags.append('<span class="tag">拆分/合并 split or merged</span>')
    head = "".join(tags) + (f'<span class="meta">similarity {p["similarity"]:.2f}</span>' if kind == "changed" else "")
    if kind == "changed" and p["edits"]:
        body = "".join(escape(t) if op == "equal" else f"<{'del' if op == 'delete' else 'ins'}>{escape(t)}"
                       f"</{'del' if op == 'delete' else 'ins'}>" for op, t in p["edits"])
    else:
        body = escape(p["new_text"] if p["new_text"] is not None else p["old_text"] or "")
    return f'<div class="para {kind}"><div>{head}</div><div>{body}</div></div>'


def render(c: Comparison) -> str:
    """The page as a string."""
    d = c.to_dict()
    s = d["summary"]
    old, new = d["old"], d["new"]
    title = f"{new['organization'] or '?'} · {old['year']} → {new['year']}"
    nav = ['<a href="#summary">summary</a>'] + [
        f'<a href="#sec-{x["number"]}">{x["number"]} {escape(x["title"])}</a>' for x in d["sections"]
    ] + ['<a href="#tables">tables</a>']
    out = [f"<header><h1>{escape(title)}</h1>",
           f'<p class="meta">last year: {escape(str(old["path"]))} ({escape(str(old["year"]))}) · this year: '
           f'{escape(str(new["path"]))} ({escape(str(new["year"]))})</p></header>',
           f'<nav aria-label="sections">{"".join(nav)}</nav><main>',
           '<section id="summary"><h2>Summary</h2><table><tr><th>paragraphs</th>'
           + "".join(f"<th>{escape(k)}</th>" for k in s["paragraphs"]) + "</tr><tr><td>count</td>"
           + "".join(f'<td class="num">{v}</td>' for v in s["paragraphs"].values()) + "</tr></table>",
           "<table><tr><th>reuse share (this year's text found in last year's)</th><th>share</th></tr>"
           + "".join(f"<tr><td>{escape(k)}</td><td class='num'>{_pct(v)}</td></tr>" for k, v in s["reuse"].items())
           + "</table>",
           "<h3>Most changed sections</h3><table><tr><th>section</th><th>similarity</th><th>paragraphs changed</th></tr>"
           + "".join(f'<tr><td><a href="#sec-{x["number"]}">{x["number"]} {escape(x["title"])}</a></td>'
                     f'<td class="num">{_pct(x["similarity"])}</td><td class="num">{x["changed"]}</td></tr>'
                     for x in s["most_changed_sections"]) + "</table>",
           "<h3>Biggest number changes</h3><table><tr><th>cell</th><th>last year</th><th>this year</th><th>change</th></tr>"
           + "".join(f'<tr><td>{escape(x["label"])}</td><td class="num">{_num(x["old"])}</td>'
                     f'<td class="num">{_num(x["new"])}</td><td class="num">{_delta(x["delta"])}</td></tr>'
                     for x in s["biggest_number_changes"]) + "</table></section>"]
    for sec in d["sections"]:
        out.append(f'<section id="sec-{sec["number"]}"><h2>{sec["number"]} {escape(sec["title"])}</h2>'
                   f'<p class="meta">added {sec["added"]} · removed {sec["removed"]} · changed {sec["changed"]} · '
                   f'unchanged {sec["unchanged"]} · moved {sec["moved"]} · similarity {_pct(sec["similarity"])} · '
                   f'reuse {_pct(sec["reuse"])}</p>')
        out.extend(_para(p) for p in d["paragraphs"] if p["section"] == sec["number"])
        out.append("</section>")
    out.append('<section id="tables"><h2>Tables, cell by cell</h2><h3>Cross-year relations</h3>'
               "<table><tr><th>relation</th><th>expected from last year</th><th>this year</th><th>result</th></tr>"
               + "".join(f'<tr class="{"differs" if r["result"] == "differs" else ""}"><td>{escape(r["name"])}</td>'
                         f'<td class="num">{_num(r["expected"])}</td><td class="num">{_num(r["actual"])}</td>'
                         f'<td>{escape(r["result"])}</td></tr>' for r in d["relations"]) + "</table>")
    out.append("<h3>Cells</h3><table><tr><th>cell</th><th>last year</th><th>this year</th><th>change</th></tr>"
               + "".join(f'<tr><td>{escape(x["label"])}<br><span class="meta">{escape(x["key"])}</span></td>'
                         f'<td class="num">{_num(x["old"])}</td><td class="num">{_num(x["new"])}</td>'
                         f'<td class="num">{_delta(x["delta"])}{" (changed)" if x["delta"] else ""}</td></tr>'
                         for x in d["cells"]) + "</table></section></main>")
    return (f'<!DOCTYPE html>\n<html lang="zh">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n" + "\n".join(out)
            + "\n</body>\n</html>\n")


def write_html(c: Comparison, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(c), encoding="utf-8")
    return path
