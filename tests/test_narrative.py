"""Relation 6 (prose figures agree with the tables) and heading-based segments."""

from __future__ import annotations

from gongkai.data.record import TableValues
from gongkai.inference.narrative import narrative_checks, segment_by_headings
from gongkai.inference.sections import find_sections

TEXT = """某某区人民政府2023年政府信息公开工作年度报告
一、总体情况
（一）主动公开
全年主动公开信息120条。
（二）依申请公开
2023年共收到政府信息公开申请15件，均按时答复。
二、主动公开政府信息情况
三、收到和处理政府信息公开申请情况
四、政府信息公开行政复议、行政诉讼情况
五、存在的主要问题及改进情况
（一）存在的问题
信息更新不够及时。
（二）改进措施
加强日常维护。
六、其他需要报告的事项
本年度收取信息处理费0.5万元。
"""


def _tables(received: int, fee: float) -> TableValues:
    tv = TableValues(found={"applications", "active_disclosure"})
    tv.values["applications.new_received.total"] = received
    tv.values["active_disclosure.fees.amount"] = fee
    return tv


def test_agreeing_figures_raise_nothing():
    secs = find_sections(TEXT)
    assert narrative_checks(TEXT, secs, _tables(15, 0.5)) == []


def test_disagreeing_figures_are_warnings():
    secs = find_sections(TEXT)
    issues = narrative_checks(TEXT, secs, _tables(14, 1.0))
    assert {i.code for i in issues} == {"narrative.requests_mismatch", "narrative.fees_mismatch"}
    assert all(i.severity == "warning" for i in issues)


def test_no_applications_sentence_means_zero():
    text = TEXT.replace("2023年共收到政府信息公开申请15件，均按时答复。", "本年度未收到政府信息公开申请。")
    secs = find_sections(text)
    assert narrative_checks(text, secs, _tables(0, 0.5)) == []
    assert [i.code for i in narrative_checks(text, secs, _tables(3, 0.5))] == ["narrative.requests_mismatch"]


def test_heading_segments_follow_the_report():
    secs = find_sections(TEXT)
    segs = segment_by_headings(TEXT, secs)
    topics = [s.topic for s in segs]
    assert topics == ["preamble", "proactive_disclosure", "request_disclosure", "problems", "improvements", "other_matters"]
    for s in segs:
        assert TEXT[s.start : s.end] == s.text
