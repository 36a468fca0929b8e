"""The report sentence splitter on tricky inputs."""

from __future__ import annotations

from gongkai.models.splitter import split_sentences


def texts(s: str) -> list[str]:
    return [x.text for x in split_sentences(s) if x.kind == "text"]


def test_chinese_punctuation_and_closing_quotes():
    out = texts("全年公开信息120条。坚持“公开为常态！”依法答复；及时更新？已完成）")
    # a stray closing mark stays with its sentence
    assert out == ["全年公开信息120条。", "坚持“公开为常态！”", "依法答复；", "及时更新？", "已完成）"]


def test_enumerated_items_inside_a_paragraph():
    out = texts("主要存在以下问题：一是人员不足；二是更新不及时，三是解读形式单一。")
    assert out == ["主要存在以下问题：", "一是人员不足；", "二是更新不及时，", "三是解读形式单一。"]
    items = [s for s in split_sentences("问题如下：①人员少，②培训少。") if s.item_start]
    assert [s.text for s in items] == ["①人员少，", "②培训少。"]


def test_numbered_lines_and_lines_without_punctuation():
    doc = "（一）主动公开\n1.加强领导。2.完善制度。\n（二）依申请公开\n无"
    out = split_sentences(doc)
    assert [s.text for s in out] == ["（一）主动公开", "1.加强领导。", "2.完善制度。", "（二）依申请公开", "无"]
    assert [s.item_start for s in out] == [True, True, True, True, False]
    assert all(doc[s.start : s.end] == s.text for s in out)


def test_decimals_and_dates_are_not_items():
    out = texts("收费1.5万元。2023年1月1日起至12月31日止。")
    assert out == ["收费1.5万元。", "2023年1月1日起至12月31日止。"]


def test_table_rows_are_marked():
    out = split_sentences("说明。\n规章\t0\t0\t0\n信息内容 | 本年制发件数 |\n12 34 56\n结束。")
    assert [s.kind for s in out] == ["text", "table", "table", "table", "text"]


def test_pdf_wrapped_lines_are_joined():
    w = "本单位依托政府门户网站主动公开政府信息全年共发布"  # every wrapped line is this wide
    lines = [w[:-2] + "一百，", w, w[:-3] + "五十条", "。", "(二)依申请公开情况。", w, w[:-4] + "均按期答", "复。"]
    out = texts("\n".join(lines))
    assert len(out) == 3
    assert out[0].replace("\n", "").endswith("五十条。")
    assert out[1] == "(二)依申请公开情况。"
    assert out[2].replace("\n", "").endswith("均按期答复。")


def test_wrapped_enumerator_and_long_sentence():
    w = "针对存在问题下一步将切实抓好以下工作推进规范化"
    lines = [w, w, w[:-1] + "：一", "是加强培训提高业务水平推进工作规范化建设工作", w[:-1] + "，二", "是完善制度。"]
    out = texts("\n".join(lines))
    starts = [s.replace("\n", "")[:2] for s in out]
    assert starts[-2:] == ["一是", "二是"]
    assert max(len(s) for s in texts("很长，" * 80 + "。")) <= 160
