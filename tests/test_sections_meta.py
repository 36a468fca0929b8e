"""Sections in every numbering style, and meta from title, period sentence or signature."""

from __future__ import annotations

import pytest

from gongkai.data.form import SECTION_TITLES
from gongkai.inference.meta import admin_level, extract_meta, region
from gongkai.inference.sections import find_sections

BODY = "本年度工作有序开展，各项任务按期完成。"


def _report(style: str) -> str:
    lines = []
    nums = "一二三四五六"
    for n, title in SECTION_TITLES.items():
        head = {
            "cn": f"{nums[n - 1]}、{title}",
            "part": f"第{nums[n - 1]}部分 {title}",
            "md": f"## {nums[n - 1]}、{title}",
            "bold": f"**{nums[n - 1]}、{title}**",
            "bare": title,
            "arabic": f"{n}. {title}",
        }[style]
        lines += [head, f"（一）小标题{n}", BODY]
    return "\n".join(lines)


@pytest.mark.parametrize("style", ["cn", "part", "md", "bold", "bare", "arabic"])
def test_six_sections_any_numbering(style):
    text = _report(style)
    secs = find_sections(text)
    assert [s.number for s in secs] == [1, 2, 3, 4, 5, 6]
    for s in secs:
        assert SECTION_TITLES[s.number][:4] in text[s.start : s.end]
    assert secs[-1].end == len(text)


def test_heading_merged_into_text_and_wrong_number():
    text = "\n".join([
        "一、总体情况。2023年，我局认真贯彻条例。",
        "二、主动公开政府信息情况",
        "表格",
        "二、收到和处理政府信息公开申请情况",  # misnumbered: the title decides
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项：无。",
    ])
    secs = find_sections(text)
    assert [s.number for s in secs] == [1, 2, 3, 4, 5, 6]
    assert secs[0].title == "总体情况"


def test_sub_items_and_mentions_are_not_headings():
    text = "\n".join([
        "本报告包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况等六部分。",
        "一、总体情况",
        "（一）主动公开情况",
        "1、主动公开情况",
        "二、主动公开政府信息情况",
    ])
    secs = find_sections(text)
    assert [s.number for s in secs] == [1, 2]
    assert text[secs[1].start :].startswith("二、")


@pytest.mark.parametrize(
    "text,org,year,published",
    [
        ("淮安市洪泽区人民政府2023年政府信息公开工作年度报告\n正文", "淮安市洪泽区人民政府", 2023, None),
        ("# 某某县交通运输局 2022 年度政府信息公开工作年度报告\n正文", "某某县交通运输局", 2022, None),
        ("2021年度某某镇人民政府政府信息公开工作年度报告\n正文", "某某镇人民政府", 2021, None),
        ("某某街道办事处\n2020年政府信息公开工作年度报告\n正文", "某某街道办事处", 2020, None),
        ("本报告根据条例编制。\n正文\n某某乡人民政府\n2024年2月3日", "某某乡人民政府", 2023, "2024-02-03"),
        ("本报告中所列数据的统计期限自2019年1月1日起至2019年12月31日止。\n正文", None, 2019, None),
    ],
)
def test_meta(text, org, year, published):
    meta = extract_meta(text)
    assert meta.organization == org
    assert meta.year == year
    assert meta.published == published


def test_admin_level_and_region():
    assert admin_level("七一路街道办事处") == "街道"
    assert admin_level("城关镇人民政府") == "乡镇"
    assert admin_level("淮安市洪泽区人民政府") == "县区"
    assert admin_level("淮安市人民政府") == "地市"
    assert admin_level("江苏省人民政府") == "省级"
    assert admin_level("某某市教育局") == "部门"
    r = region("江苏省淮安市洪泽区人民政府")
    assert (r.province, r.city, r.county) == ("江苏省", "淮安市", "洪泽区")
    r = region("北京市朝阳区人民政府")
    assert (r.province, r.city, r.county) == ("北京市", "北京市", "朝阳区")
