"""Year over year: alignment, reuse, generated pairs against their gold, the page, the DOCX, the store."""

from __future__ import annotations

import json
import random

import pytest

import gongkai
from gongkai.data.store.run import IngestOptions, ingest
from gongkai.data.synth.yearpair import make_pair, render_pair
from gongkai.evaluation.yoy.score import PairScore, score_pair
from gongkai.inference.cli import main
from gongkai.inference.yoy import compare_records
from gongkai.inference.yoy import reuse as R
from gongkai.inference.yoy.align import align
from gongkai.inference.yoy.compare import compare, prepare
from gongkai.inference.yoy.paragraphs import Para, norm


def _paras(texts: list[str], section: int = 1) -> list[Para]:
    return [Para(i, section, 0, t, norm(t), None) for i, t in enumerate(texts)]


A = "本年度共主动公开政府信息一千二百条，其中政策文件八十件，均在门户网站专栏集中发布。"
B = "严格落实保密审查制度，坚持先审查、后公开，全年未发生失泄密事件，未出现应公开未公开情况。"
C = "畅通依申请公开渠道，规范受理、登记、办理、答复各环节，答复文书做到要素齐全、依据充分。"
D = "下一步将加强业务培训，提升工作人员的政策水平和业务能力，推动政务公开工作再上新台阶。"


def test_alignment_finds_kept_changed_moved_added_removed_and_split():
    old = _paras([A, B, C])
    new = _paras([C, A, B.replace("全年", "本年度"), D])
    got = {(e.kind, e.old, e.new, e.moved) for e in align(old, new)}
    assert got == {("unchanged", 2, 0, True), ("unchanged", 0, 1, False), ("changed", 1, 2, False),
                   ("added", None, 3, False)}
    changed = next(e for e in align(old, new) if e.kind == "changed")
    assert ("delete", "全年") in changed.edits and ("insert", "本年度") in changed.edits
    split = align(_paras([A + B]), _paras([A, B]))
    assert sorted((e.kind, e.old, e.new) for e in split) == [("changed", 0, 0), ("changed", 0, 1)]
    assert sum(e.split for e in split) == 1  # one half matched, the other found as its piece
    assert [(e.kind, e.old) for e in align(_paras([A, D]), _paras([A]))] == [("unchanged", 0), ("removed", 1)]


def test_reuse_is_character_ngram_containment():
    vocab = R.vocabulary([norm(A + B)])
    assert R.covered(R.codes(norm(A)), vocab).mean() == 1.0
    assert R.covered(R.codes(norm(D)), vocab).mean() < 0.1
    edited = A.replace("八十", "九十")
    share = R.covered(R.codes(norm(edited)), vocab).mean()
    assert 0.9 < share < 1.0  # near-verbatim: only the changed figure is new


def _parsed_pair(seed: int, fmt: str = "txt", layout: str = "tab"):
    rng = random.Random(f"test-pair:{seed}")
    pair = make_pair(rng)
    ro, rn = render_pair(pair, fmt, layout, rng)
    recs = [gongkai.parse_text(r.text).model_dump() for r in (ro, rn)]
    return pair, recs


def test_generated_pairs_are_compared_as_their_gold_says():
    total, reuse_err = PairScore(), []
    for seed in range(6):
        pair, (a, b) = _parsed_pair(seed)
        po, pn = prepare(a), prepare(b)
        c = compare(po, pn).to_dict()
        s = score_pair(c, [p.text for p in po.paras], [p.text for p in pn.paras], pair.diff)
        total.add(s)
        reuse_err.append(s.reuse_error["all"])
        assert s.cells_wrong == 0 and s.cells > 100  # table deltas exact
    assert total.f1 >= 0.9 and max(reuse_err) <= 0.05


def test_the_gold_diff_is_consistent():
    pair, _ = _parsed_pair(11)
    d = pair.diff
    news = sorted(e["new"] for e in d["entries"] if e["new"] is not None)
    assert news == list(range(len(d["new_paragraphs"])))
    olds = sorted(e["old"] for e in d["entries"] if e["old"] is not None)
    assert olds == list(range(len(d["old_paragraphs"])))  # every old paragraph is kept, edited or removed
    kinds = {e["kind"] for e in d["entries"]}
    assert kinds <= {"unchanged", "changed", "added", "removed"} and "unchanged" in kinds
    assert all(0.0 <= v <= 1.0 for v in d["reuse"].values() if v is not None)


def test_page_escapes_report_text_and_labels_changes(tmp_path):
    pair, (a, b) = _parsed_pair(3)
    evil = "<script>alert(1)</script>&"
    b["text"] = b["text"].replace("。", "。" + evil, 1)
    from gongkai.evaluation.yoy.docx_out import write_docx
    from gongkai.evaluation.yoy.page import render

    c = compare_records(a, b)
    page = render(c)
    assert "<script" not in page and "&lt;script&gt;" in page
    for label in ("未变 unchanged", 'href="#sec-1"', 'id="sec-1"', "Cross-year relations"):
        assert label in page
    out = write_docx(c, tmp_path / "c.docx")
    import docx

    doc = docx.Document(str(out))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Summary" in text and "[未变 unchanged" in text and evil in text
    cells = [cell.text for t in doc.tables for row in t.rows for cell in row.cells]
    assert any(x.startswith("上年结转") for x in cells)


def test_ingest_stores_comparisons_and_recomputes_them_when_a_link_changes(tmp_path, capsys):
    src = tmp_path / "in"
    src.mkdir()
    rng = random.Random(7)
    pair = make_pair(rng, admin_level="县区")  # a name that spells its region, so the years link
    ro, rn = render_pair(pair, "txt", "tab", rng)
    (src / "a.txt").write_bytes(ro.data)
    (src / "b.txt").write_bytes(rn.data)
    db_path = tmp_path / "db.duckdb"
    ingest([src], db_path, IngestOptions(workers=1, progress=False))
    with gongkai.open_db(db_path) as db:
        sha = dict(db.sql("SELECT year, sha256 FROM reports").fetchall())
        year = min(sha)
        links = db.sql("SELECT DISTINCT report, previous FROM year_sections").fetchall()
        assert links == [(sha[year + 1], sha[year])]
        n_cells = db.sql("SELECT count(*) FROM year_cells WHERE delta IS NOT NULL").fetchall()[0][0]
        assert n_cells == sum(bool(c["delta"]) for c in pair.diff["cells"])  # the cells that differ
        share = db.sql("SELECT share FROM year_reuse WHERE topic = 'all'").fetchall()[0][0]
        assert abs(share - pair.diff["reuse"]["all"]) <= 0.05
        from gongkai import analysis

        by_year = analysis.reuse(db, by="year", topic="all")
        assert list(by_year["year"]) == [year + 1] and by_year["share"].iloc[0] == pytest.approx(share)
        ch = analysis.changes(db)
        assert len(ch) == 1 and ch["previous_year"].iloc[0] == year and ch["reuse_all"].iloc[0] == pytest.approx(share)
        assert ch["cells_changed"].iloc[0] == sum(bool(c["delta"]) for c in pair.diff["cells"])
        assert ch["cells_compared"].iloc[0] == sum(c["delta"] is not None for c in pair.diff["cells"])
        assert len(analysis.top_reusers(db, topic="all")) == 1
    # last year's file changes: the link now points at its new content, and so do the rows
    (src / "a.txt").write_bytes(ro.data.replace("。".encode(), "。\n".encode(), 1))
    ingest([src], db_path, IngestOptions(workers=1, progress=False))
    with gongkai.open_db(db_path) as db:
        link = db.sql("SELECT report, previous FROM year_links").fetchall()
        assert db.sql("SELECT DISTINCT report, previous FROM year_reuse").fetchall() == link
        assert db.sql("SELECT DISTINCT report, previous FROM year_cells").fetchall() == link
        assert link[0][1] != sha[year]
        new_sha, old_sha = link[0]
    # compare from the database, by sha256
    assert main(["compare", old_sha, new_sha, "--db", str(db_path), "--json", str(tmp_path / "c.json"),
                 "--html", str(tmp_path / "c.html")]) == 0
    data = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert data["new"]["sha256"] == new_sha and data["summary"]["paragraphs"]["unchanged"] > 0
    assert main(["compare", "nope", new_sha, "--db", str(db_path)]) == 2
    assert "nope" in capsys.readouterr().err


@pytest.mark.parametrize("fmt,layout", [("html", "cms"), ("docx", "docx")])
def test_other_formats_compare_too(tmp_path, fmt, layout):
    from gongkai.data.synth.render_html import HTML_LAYOUTS

    layout = layout if fmt != "html" else HTML_LAYOUTS[0]
    rng = random.Random(f"fmt:{fmt}")
    pair = make_pair(rng)
    ro, rn = render_pair(pair, fmt, layout, rng)
    recs = []
    for name, r in (("a", ro), ("b", rn)):
        p = tmp_path / f"{name}.{fmt}"
        p.write_bytes(r.data)
        recs.append(gongkai.parse_file(p).model_dump())
    po, pn = prepare(recs[0]), prepare(recs[1])
    c = compare(po, pn).to_dict()
    s = score_pair(c, [p.text for p in po.paras], [p.text for p in pn.paras], pair.diff)
    assert s.cells_wrong == 0 and s.f1 >= 0.85
