"""What the classifier labels in a parsed record's text: narrative only, not titles, headings or tables."""

from __future__ import annotations

from gongkai.inference.sections import find_sections
from gongkai.models.record_units import is_heading, is_markup, narrative_units

REPORT = """某某镇人民政府2023年政府信息公开工作年度报告
一、总体情况
本报告根据《中华人民共和国政府信息公开条例》编制。
（一）主动公开
全年主动公开政府信息120条，更新公开栏12期。
二、主动公开政府信息情况
第二十条第（一）项
规章\t0\t0\t0
三、收到和处理政府信息公开申请情况
本年新收政府信息公开申请数量
四、政府信息公开行政复议、行政诉讼情况
行政复议
五、存在的主要问题及改进情况
一是人员不足；二是更新不及时。
六、其他需要报告的事项
无
某某镇人民政府
2024年1月20日
"""


def test_headings_titles_and_signatures_are_headings():
    assert is_heading("某某镇人民政府2023年政府信息公开工作年度报告")
    assert is_heading("（一）主动公开政府信息情况：")
    assert is_heading("2024年1月20日")
    assert not is_heading("全年主动公开政府信息120条，更新公开栏12期。")
    assert not is_heading("一是人员不足；")
    assert not is_heading("无")  # an other_matters answer, not a heading
    assert is_markup("=" * 20 + " 正文 " + "=" * 20) and is_markup("原文链接: https://example.gov.cn/zwgk/t2021_1.htm")
    assert not is_markup("本报告的电子版可在政府门户网站(www.example.gov.cn)下载。")


def test_only_narrative_units_are_kept():
    sections = find_sections(REPORT)
    assert [s.number for s in sections] == [1, 2, 3, 4, 5, 6]
    kept = [u.text for u in narrative_units(REPORT, sections) if u.kind == "text"]
    assert kept == ["本报告根据《中华人民共和国政府信息公开条例》编制。", "全年主动公开政府信息120条，更新公开栏12期。",
                    "一是人员不足；", "二是更新不及时。", "无"]
    assert all(REPORT[u.start : u.end] == u.text for u in narrative_units(REPORT, sections))


def test_without_sections_every_sentence_is_read():
    merged = "全年主动公开信息88条。存在的问题是人员不足。下一步将加强培训。"
    assert [u.text for u in narrative_units(merged)] == ["全年主动公开信息88条。", "存在的问题是人员不足。", "下一步将加强培训。"]


def test_a_table_run_into_the_prose_ends_at_its_last_row():
    from gongkai.inference.sections import table_regions

    prose = "全年主动公开政府信息120条，更新公开栏12期。"
    table = "信息内容本年新制作数量规章007规范性文件7777166行政许可396442278"
    after = "一是人员不足；二是更新不及时。"
    text = prose + table + after
    first = text.index("007")
    regions = table_regions(text, [(first, first + 3), (text.index("396"), text.index(after))])
    assert regions == [(len(prose), text.index(after))]
    kept = [u.text for u in narrative_units(text, [], regions)]
    assert kept == [prose, "一是人员不足；", "二是更新不及时。"]
    # rows the reader did not take are table text too, and so is a table it did not read at all
    assert table_regions(text, [(first, first + 3)]) == regions
    assert [u.text for u in narrative_units(text)] == kept


def test_a_heading_run_into_its_body_is_cut_off():
    text = "一、总体情况2023年，本机关主动公开信息88条。二、主动公开政府信息情况规章000"
    sections = find_sections(text)
    assert [s.number for s in sections] == [1, 2]
    assert [u.text for u in narrative_units(text, sections)] == ["2023年，本机关主动公开信息88条。"]
