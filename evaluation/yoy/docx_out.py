"""The comparison as a Word document (python-docx): summary, sections with labelled paragraphs, tables."""

from __future__ import annotations

from pathlib import Path

from gongkai.evaluation.yoy.page import LABELS, _delta, _num, _pct
from gongkai.inference.yoy import Comparison


def _table(doc, header: list[str], rows: list[list[str]]) -> None:
    t = doc.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    for cell, text in zip(t.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(t.add_row().cells, row, strict=True):
            cell.text = text


def write_docx(c: Comparison, path: str | Path) -> Path:
    """Write ``c`` to ``path``; deleted text is struck through, inserted text underlined."""
    from docx import Document

    d = c.to_dict()
    s = d["summary"]
    doc = Document()
    doc.add_heading(f"{d['new']['organization'] or '?'} · {d['old']['year']} → {d['new']['year']}", level=0)
    doc.add_heading("Summary", level=1)
    _table(doc, ["paragraphs", *s["paragraphs"]], [["count", *map(str, s["paragraphs"].values())]])
    doc.add_paragraph()
    _table(doc, ["reuse share", "share"], [[k, _pct(v)] for k, v in s["reuse"].items()])
    doc.add_paragraph()
    _table(doc, ["biggest number changes", "last year", "this year", "change"],
           [[x["label"], _num(x["old"]), _num(x["new"]), _delta(x["delta"])] for x in s["biggest_number_changes"]])
    for sec in d["sections"]:
        doc.add_heading(f"{sec['number']} {sec['title']}", level=1)
        doc.add_paragraph(f"added {sec['added']} · removed {sec['removed']} · changed {sec['changed']} · "
                          f"unchanged {sec['unchanged']} · moved {sec['moved']} · similarity "
                          f"{_pct(sec['similarity'])} · reuse {_pct(sec['reuse'])}")
        for p in (p for p in d["paragraphs"] if p["section"] == sec["number"]):
            para = doc.add_paragraph()
            tag = LABELS[p["kind"]] + (" · 移动 moved" if p["moved"] else "")
            para.add_run(f"[{tag}] ").bold = True
            if p["kind"] == "changed" and p["edits"]:
                for op, text in p["edits"]:
                    run = para.add_run(text)
                    run.font.strike = op == "delete"
                    run.font.underline = op == "insert"
            else:
                para.add_run(p["new_text"] if p["new_text"] is not None else p["old_text"] or "")
    doc.add_heading("Cross-year relations", level=1)
    _table(doc, ["relation", "expected", "this year", "result"],
           [[r["name"], _num(r["expected"]), _num(r["actual"]), r["result"]] for r in d["relations"]])
    doc.add_heading("Cells", level=1)
    _table(doc, ["cell", "last year", "this year", "change"],
           [[x["label"], _num(x["old"]), _num(x["new"]), _delta(x["delta"])] for x in d["cells"]])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
