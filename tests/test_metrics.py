"""Evaluation metrics on tiny hand-made inputs whose answers are known."""

from __future__ import annotations

import json

import pytest

from gongkai.evaluation.align import locate
from gongkai.evaluation.compare import Gold, GoldSegment
from gongkai.evaluation.metrics import (
    NONE,
    PRF,
    CellOutcome,
    ReportCells,
    Span,
    boundaries,
    category_prf,
    cell_accuracy,
    char_labels,
    confusion_matrix,
    detection_prf,
    macro_f1,
    micro_macro,
    pk,
    repair_prf,
    segmentation_score,
    set_prf,
    split_cell_key,
    topic_confusion,
    topic_prf,
    window_diff,
)


def bits(s: str) -> list[int]:
    return [int(c) for c in s]


# ---- counting ------------------------------------------------------------------------------


def test_set_prf_and_empty_sides():
    p = set_prf({"a", "b", "c"}, {"b", "c", "d"})
    assert (p.precision, p.recall) == (pytest.approx(2 / 3), pytest.approx(2 / 3))
    assert p.f1 == pytest.approx(2 / 3)
    nothing_predicted = set_prf({"a"}, set())
    assert nothing_predicted.precision is None and nothing_predicted.recall == 0 and nothing_predicted.f1 == 0
    assert set_prf(set(), set()).f1 is None
    assert (PRF(1, 2, 1, 3) + PRF(1, 1, 1, 1)) == PRF(2, 3, 2, 4)


def test_split_cell_key():
    assert split_cell_key("applications.denied.state_secret.total") == ("applications", "denied.state_secret", "total")
    assert split_cell_key("active_disclosure.fees.amount") == ("active_disclosure", "fees", "amount")


def test_cell_accuracy_groups():
    a = ReportCells("txt", "tab", (CellOutcome("applications.granted.total", True),
                                   CellOutcome("applications.granted.natural_person", False),
                                   CellOutcome("review_litigation.review.total", True)))
    b = ReportCells("html", "html", (CellOutcome("applications.granted.total", True),))
    acc = cell_accuracy([a, b])
    assert (acc.overall.correct, acc.overall.total) == (3, 4)
    assert acc.by_format["txt"].value == pytest.approx(2 / 3) and acc.by_format["html"].value == 1.0
    assert acc.by_layout["tab"].total == 3
    assert acc.by_table["applications"].value == pytest.approx(2 / 3)
    assert acc.by_row["applications.granted"].total == 3
    assert acc.by_cell["applications.granted.total"].value == 1.0
    assert (acc.reports_exact.correct, acc.reports_exact.total) == (1, 2)
    assert set(acc.to_dict()) >= {"accuracy", "by_table", "by_row", "by_cell", "by_layout", "by_format"}


def test_detection_and_repair():
    d = detection_prf({"x", "y"}, {"y", "z", "w"})
    assert (d.precision, d.recall) == (pytest.approx(1 / 3), 0.5)
    # two repairs, one right; two damaged cells, one of them repaired right
    r = repair_prf({"a": True, "b": False}, {"a", "c"})
    assert (r.precision, r.recall) == (0.5, 0.5)
    # a right repair of a cell the gold did not list counts for precision only
    r = repair_prf({"q": True}, {"a"})
    assert (r.precision, r.recall) == (1.0, 0.0)


# ---- narrative by character -------------------------------------------------------------------


def test_char_labels_later_spans_win():
    assert char_labels(5, [Span(0, 3, "a"), Span(2, 4, "b")]) == [0, 0, 1, 1, -1]


def test_topic_confusion_prf_and_macro():
    text = "AAAA BBBB"  # the space is never counted
    gold = [Span(0, 4, "a"), Span(5, 9, "b")]
    pred = [Span(0, 7, "a"), Span(7, 9, "b")]
    conf = topic_confusion(text, gold, pred)
    assert conf == {("a", "a"): 4, ("b", "a"): 2, ("b", "b"): 2}
    prf = topic_prf(conf)
    assert (prf["a"].precision, prf["a"].recall, prf["a"].f1) == (pytest.approx(4 / 6), 1.0, pytest.approx(0.8))
    assert (prf["b"].precision, prf["b"].recall, prf["b"].f1) == (1.0, 0.5, pytest.approx(2 / 3))
    assert macro_f1(prf) == pytest.approx((0.8 + 2 / 3) / 2)
    assert confusion_matrix(conf, ["a", "b", NONE]) == [[4, 0, 0], [2, 2, 0], [0, 0, 0]]


def test_topic_confusion_outside_and_missed():
    conf = topic_confusion("XXAAYY", [Span(2, 4, "a")], [Span(0, 4, "a")], missed=[("b", 5)])
    assert conf == {(NONE, "a"): 2, ("a", "a"): 2, ("b", NONE): 5}
    prf = topic_prf(conf)
    assert prf["a"].precision == 0.5 and prf["b"].recall == 0.0


# ---- Pk and WindowDiff -----------------------------------------------------------------------


def test_pk_windowdiff_identical_is_zero():
    ref = bits("0001000100100")
    assert pk(ref, ref, 3) == 0.0
    assert window_diff(ref, ref, 3) == 0.0


def test_pk_windowdiff_known_values():
    # the worked examples of NLTK's segmentation module (Beeferman's Pk, Pevzner & Hearst's WindowDiff)
    s1, s2, s3 = bits("000100000010"), bits("000010000100"), bits("100000010000")
    assert window_diff(s1, s2, 3) == pytest.approx(0.3)
    assert window_diff(s2, s3, 3) == pytest.approx(0.8)
    # NLTK prints this one as 0.50: of 399 windows of 2 slots, 199 hold no reference boundary
    assert pk(bits("0100" * 100), bits("1" * 400), 2) == pytest.approx(199 / 399)
    assert pk(bits("0100" * 100), bits("0" * 400), 2) == pytest.approx(200 / 399)
    # WindowDiff counts boundaries, Pk only their presence
    assert pk(bits("0100"), bits("1100"), 2) == 0.0
    assert window_diff(bits("0100"), bits("1100"), 2) == pytest.approx(1 / 3)


def test_pk_too_short_and_mismatched():
    assert pk([0, 1], [0, 1], 3) is None
    with pytest.raises(ValueError):
        pk([0, 1, 0], [0, 1], 1)


def test_boundaries():
    assert boundaries(["a", "a", "b", "b", "c"]) == [0, 1, 0, 1]
    assert boundaries(["a"]) == []


def test_segmentation_score_over_characters():
    text = "aaaa bbbb"
    gold = [Span(0, 4, "x"), Span(5, 9, "y")]
    same = segmentation_score(text, gold, gold)
    assert (same.pk, same.window_diff, same.k, same.n_chars) == (0.0, 0.0, 2, 8)
    one = segmentation_score(text, gold, [Span(0, 9, "x")])
    # 8 characters, 7 boundary slots, boundary at slot 3; windows of 2 slots: 6, two of them hit it
    assert one.pk == pytest.approx(2 / 6) and one.window_diff == pytest.approx(2 / 6)
    assert segmentation_score(text, [], gold).pk is None


# ---- problem categories ------------------------------------------------------------------------


def test_category_prf_by_largest_overlap():
    gold = [Span(0, 10, "problems", ("staffing",)), Span(10, 20, "problems", ("timeliness", "mechanism"))]
    pred = [Span(0, 12, "problems", ("staffing",)), Span(12, 20, "problems", ("mechanism", "platform")),
            Span(20, 25, "improvements", ("quality",))]  # matches no gold segment: its category is a false positive
    prf = category_prf(gold, pred)
    assert prf["staffing"] == PRF(1, 1, 1, 1)
    assert prf["timeliness"] == PRF(0, 0, 0, 1)
    assert prf["mechanism"] == PRF(1, 1, 1, 1)
    assert prf["platform"] == PRF(0, 1, 0, 0)
    assert prf["quality"] == PRF(0, 1, 0, 0)
    micro, macro = micro_macro(prf)
    assert (micro.precision, micro.recall) == (0.5, pytest.approx(2 / 3))
    assert micro.f1 == pytest.approx(4 / 7)
    assert macro == pytest.approx(2 / 5)
    missed = category_prf([], [], missed=[("publicity",)])
    assert missed["publicity"].recall == 0.0


# ---- placing gold segments in record text ------------------------------------------------------


def test_locate_tolerates_whitespace_and_fullwidth():
    text = "标题\n(一)主动公开\n本年度 共公开信息 12 条,\n其中政策解读3条。\n无。\n其他\n无。"
    segs = [GoldSegment("proactive_disclosure", "本年度共公开信息１２条，其中政策解读3条。"),
            GoldSegment("other_matters", "无。"), GoldSegment("other_matters", "无。"),
            GoldSegment("platforms", "完全不在文中的一段话")]
    spans = locate(text, segs)
    assert spans[0] is not None and text[spans[0].start: spans[0].end].startswith("本年度")
    assert text[spans[0].start: spans[0].end].endswith("3条。")
    assert spans[1] is not None and spans[2] is not None and spans[2].start > spans[1].start  # in order
    assert spans[3] is None


def test_locate_long_segment_with_a_small_difference():
    body = "我街道进一步加强政府信息公开工作机制建设，明确专人负责信息发布与审核，全年组织培训三次，参训人员四十余人次。"
    text = "前言\n" + body[:30] + "第2页" + body[30:] + "\n结尾"
    (span,) = locate(text, [GoldSegment("supervision", body)])
    assert span is not None and text[span.start: span.end].startswith(body[:10])


# ---- gold: which cells should be flagged ---------------------------------------------------------


def test_gold_should_flag(tmp_path):
    review = {"upheld": 3, "corrected": 1, "other": 0, "pending": 0, "total": 0}  # printed total 0 under parts
    ok = {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0}
    gold = {
        "format": "txt", "layout": "tab", "template": "2021",
        "meta": {"organization": "某街道办事处", "year": 2023},
        "tables": {"review_litigation": {"review": review, "litigation_direct": ok, "litigation_after_review": ok}},
        "noise": ["review_litigation.litigation_direct.pending", "not-a-cell"],
        "published_inconsistencies": [{"relation": 4, "group": "review", "printed_total": 0, "sum_of_parts": 4}],
        "segments": [{"topic": "problems", "text": "人员不足。", "categories": ["staffing"]}],
    }
    path = tmp_path / "x.gold.json"
    path.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    g = Gold.read(path)
    assert g.noise_cells() == {"review_litigation.litigation_direct.pending"}
    assert g.inconsistent_cells() == {f"review_litigation.review.{c}" for c in review}
    assert len(g.should_flag()) == 6
    assert g.segments == [GoldSegment("problems", "人员不足。", ("staffing",))]
