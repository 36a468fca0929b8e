"""Labelled data: gold JSONL round trip, Label Studio and doccano imports, pre-annotation export."""

from __future__ import annotations

import json

import pytest

from gongkai.data.labels import (
    LabelError,
    LabelledReport,
    SpanLabel,
    from_doccano,
    from_label_studio,
    read_gold_jsonl,
    to_label_studio,
    write_gold_jsonl,
)
from gongkai.inference.cli import main
from gongkai.inference.pipeline import parse_text

TEXT = "一、总体情况\n本年度工作有序开展。\n五、存在的主要问题及改进情况\n工作人员不足，信息更新不及时。\n下一步将加强培训。\n"
P = TEXT.index("工作人员")
IMP = TEXT.index("下一步")


def _ls_task():
    return {
        "id": 7,
        "data": {"text": TEXT},
        "annotations": [
            {"was_cancelled": True, "result": []},
            {
                "result": [
                    {"value": {"start": P, "end": IMP - 1, "labels": ["problems"]}},
                    {"value": {"start": P, "end": P + 6, "labels": ["staffing"]}},
                    {"value": {"start": P + 7, "end": IMP - 2, "labels": ["timeliness"]}},
                    {"value": {"start": IMP, "end": len(TEXT) - 1, "labels": ["improvements"]}},
                    {"value": {"start": IMP + 4, "end": IMP + 8, "labels": ["staffing"]}},
                ]
            },
        ],
    }


def test_label_studio_spans_become_segments_with_categories():
    [rep] = from_label_studio([_ls_task()])
    assert rep.id == "7"
    assert [(s.topic, s.categories) for s in rep.segments] == [
        ("problems", ["staffing", "timeliness"]),
        ("improvements", ["staffing"]),
    ]
    assert rep.segments[0].text == TEXT[P : IMP - 1]


def test_doccano_both_export_styles(tmp_path):
    p = tmp_path / "d.jsonl"
    lines = [
        {"id": 1, "text": TEXT, "label": [[P, IMP - 1, "problems"], [P, P + 6, "staffing"]]},
        {"id": 2, "text": TEXT, "entities": [{"start_offset": IMP, "end_offset": len(TEXT) - 1, "label": "improvements"}]},
    ]
    p.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    a, b = from_doccano(p)
    assert a.segments[0].topic == "problems" and a.segments[0].categories == ["staffing"]
    assert b.segments[0].topic == "improvements"


def test_bad_labels_are_reported_plainly():
    task = _ls_task()
    task["annotations"][1]["result"][0]["value"]["labels"] = ["not-a-topic"]
    with pytest.raises(LabelError, match="unknown label"):
        from_label_studio([task])
    task = _ls_task()
    task["annotations"][1]["result"][0]["value"]["end"] = 10_000
    with pytest.raises(LabelError, match="outside the text"):
        from_label_studio([task])


def test_gold_jsonl_round_trip(tmp_path):
    rep = LabelledReport(id="a", text=TEXT, segments=[SpanLabel(start=P, end=IMP, topic="problems", categories=["staffing"])])
    path = tmp_path / "g.jsonl"
    assert write_gold_jsonl([rep, rep], path) == 2
    assert read_gold_jsonl(path) == [rep, rep]
    path.write_text("{broken\n", encoding="utf-8")
    with pytest.raises(LabelError, match="line 1"):
        read_gold_jsonl(path)


def test_export_predictions_round_trip_through_label_studio():
    rec = parse_text(TEXT)
    tasks = to_label_studio([rec])
    assert tasks[0]["data"]["text"] == rec.text
    # A person accepts the pre-annotations as they are: importing them gives our segments back.
    task = {"id": 1, "data": tasks[0]["data"], "annotations": [{"result": tasks[0]["predictions"][0]["result"]}]}
    [back] = from_label_studio([task])
    assert [(s.start, s.end, s.topic) for s in back.segments] == [(s.start, s.end, s.topic) for s in rec.segments]


def test_labels_cli(tmp_path, capsys):
    export = tmp_path / "ls.json"
    export.write_text(json.dumps([_ls_task()], ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "gold.jsonl"
    assert main(["labels", "import", "label-studio", str(export), str(out)]) == 0
    assert read_gold_jsonl(out)[0].segments[0].topic == "problems"
    report = tmp_path / "r.txt"
    report.write_text(TEXT, encoding="utf-8")
    tasks = tmp_path / "tasks.json"
    cfg = tmp_path / "config.xml"
    assert main(["labels", "export", str(report), "-o", str(tasks), "--config", str(cfg)]) == 0
    assert json.loads(tasks.read_text(encoding="utf-8"))[0]["predictions"]
    assert '<Label value="staffing"/>' in cfg.read_text(encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    assert main(["labels", "import", "label-studio", str(bad), str(out)]) == 2
