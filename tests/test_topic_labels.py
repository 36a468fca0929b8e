"""Real-report labels are stored as anchors only and re-align to re-extracted text."""

from __future__ import annotations

from pathlib import Path

from gongkai.training.documents import LabelledDoc, LabelledSpan, sentence_targets, strip_headings
from gongkai.training.real_labels import LABELS_DIR, LabelFile, decode, encode

TEXT = "某区2023年年度报告\n一、总体情况\n(一)主动公开：全年主动公开信息一百二十条，及时发布政策文件。\n五、存在的主要问题\n一是人员不足；二是更新不及时。\n"


def _spans() -> list[LabelledSpan]:
    a = TEXT.index("全年")
    b = TEXT.index("一是")
    return [LabelledSpan(a, TEXT.index("\n五"), "proactive_disclosure"),
            LabelledSpan(b, TEXT.index("二是"), "problems", ("staffing",)),
            LabelledSpan(TEXT.index("二是"), TEXT.rindex("。") + 1, "problems", ("timeliness",))]


def test_anchors_survive_rewrapping():
    segs = encode(TEXT, _spans())
    assert all(set(s) == {"topic", "categories", "start", "end", "length"} for s in segs)
    assert "全年" not in str(segs)  # no report text in the label file
    wrapped = TEXT.replace("信息一百", "信息\n一百").replace("二是", " 二是")
    spans, missed = decode(wrapped, segs)
    assert missed == 0
    assert [wrapped[s.start : s.end].replace("\n", "").strip() for s in spans] == \
        [TEXT[s.start : s.end] for s in _spans()]


def test_strip_headings_keeps_only_labelled_text():
    doc = strip_headings(LabelledDoc("x", TEXT, _spans(), "real"))
    assert "总体情况" not in doc.text and "主动公开：" not in doc.text and "存在的主要问题" not in doc.text
    sents, labels = sentence_targets(doc)
    assert labels == ["proactive_disclosure", "problems", "problems"]
    assert [doc.text[s.start : s.end] for s in doc.spans][1] == "一是人员不足；"


def test_shipped_label_files_hold_no_text(shared_dir: Path):
    files = sorted(LABELS_DIR.glob("*.json"))
    assert len(files) == 24  # 5 seeds, 4 reports of shared/real, 15 of shared/real-text
    for p in files:
        lf = LabelFile.read(p)
        assert (shared_dir / lf.source).is_file()
        raw = p.read_text(encoding="utf-8")
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in raw)  # anchors and keys only


def test_real_labels_locate_and_folds_keep_units_whole(shared_dir: Path):
    from gongkai.training.real_labels import load_real_docs
    from gongkai.training.train import folds

    docs = load_real_docs(shared_dir)
    assert len(docs) == 24 and all(d.meta["missed"] == 0 and d.meta["sha_ok"] for d in docs)
    assert all(d.meta["headings"] for d in docs if d.meta["source"].startswith("real-text/"))
    groups = [d.meta["group"] for d in docs]
    parts = folds(groups, 3)
    assert sorted(i for p in parts for i in p) == list(range(len(docs)))
    for p in parts:  # no group on both sides of a split
        assert not {groups[i] for i in p} & {groups[i] for q in parts if q is not p for i in q}
