"""HTML backend: charset, site chrome, article body, tables with merged and span-split cells."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gongkai.data.form import APP_COLS, REVIEW_COLS, REVIEW_GROUPS, SECTION_TITLES
from gongkai.data.loaders import LoadError, load
from gongkai.data.loaders.html import load_html

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real"
NUMERALS = "一二三四五六"

CHROME = """
<div class="header"><div class="logo">某某区人民政府门户网站</div>
  <div class="topnav"><a href="/">首页</a><a href="/zwgk">政务公开</a><a href="/hd">互动交流</a></div></div>
<nav><ul><li><a href="/xxgk">政府信息公开</a></li><li><a href="/nb">政府信息公开年报</a></li></ul></nav>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/nb">政府信息公开年报</a></div>
<script>var msg = "政府信息公开脚本文字不应出现"; document.write(msg);</script>
<style>.article { font-family: 宋体; }</style>
"""
FOOTER = """
<div class="share">分享到：微信 微博</div>
<footer><p>主办单位：某某区人民政府办公室　承办单位：某某区大数据中心</p>
<p>网站标识码：3500000001　闽ICP备12345678号　闽公网安备 35010002000001号</p></footer>
<div id="foot-copyright">版权所有：某某区人民政府</div>
"""
ARTICLE = """
<div class="article">
<h1 class="title">某某街道2022年政府信息公开工作年度报告</h1>
<div class="TRS_Editor">
<p>根据《中华人民共和国政府信息公开条例》（国办公开办函〔
2021〕30号）要求，编制本报告。</p>
<p><span style="font-family:黑体">一、总体情况</span></p>
<p>2022年，本街道坚持以公开为常态、不公开为例外，全年主动公开政府信息<span>3</span><span>56</span>条，
政府信息公开工作平稳有序推进。</p>
<p>三、收到和处理政府信息公开申请情况</p>
<table border="1">
<tr><td rowspan="2" colspan="2">申请人情况</td><td rowspan="2">自然人</td>
    <td colspan="2">法人或其他组织</td><td rowspan="2">总计</td></tr>
<tr><td>商业<br/>企业</td><td>科研
    机构</td></tr>
<tr><td colspan="2">一、本年新收政府信息公开申请数量</td>
    <td><p><span>1</span><span>66</span></p></td>
    <td><span>&nbsp;</span><span>2</span></td><td>0</td>
    <td><span>1</span>
<span>68</span></td></tr>
<tr><td rowspan="2">三、本年度办理结果</td><td>（一）予以公开</td><td>9</td><td>1</td><td>0</td><td>10</td></tr>
<tr><td>（二）部分公开</td><td>2</td><td>0</td><td>0</td><td>2</td></tr>
</table>
<p>五、存在的主要问题及改进情况</p>
<p>政府信息公开工作仍存在不足。</p>
</div></div>
"""


def page(
    body: str,
    head: str = '<meta charset="utf-8">',
    title: str = "某某街道2022年政府信息公开工作年度报告_年报_某某区人民政府",
) -> str:
    return f"<!DOCTYPE html><html><head>{head}<title>{title}</title></head><body>{body}</body></html>"


@pytest.fixture
def doc():
    return load_html(page(CHROME + ARTICLE + FOOTER).encode("utf-8"))


def test_site_chrome_and_code_dropped(doc) -> None:
    for junk in (
        "网站标识码",
        "ICP备",
        "公网安备",
        "版权所有",
        "主办单位",
        "当前位置",
        "首页",
        "分享到",
        "脚本",
        "font-family",
    ):
        assert junk not in doc.text
    assert doc.text.startswith("某某街道2022年政府信息公开工作年度报告") or doc.text.startswith("根据")


def test_title_and_lines_in_order(doc) -> None:
    assert doc.title_hint == "某某街道2022年政府信息公开工作年度报告"
    assert doc.encoding == "utf-8"
    lines = doc.text.split("\n")
    order = [
        lines.index(h)
        for h in ("一、总体情况", "三、收到和处理政府信息公开申请情况", "五、存在的主要问题及改进情况")
    ]
    assert order == sorted(order)
    # Source line wraps vanish next to Chinese text; span-split numbers are glued.
    assert "（国办公开办函〔2021〕30号）" in doc.text
    assert "主动公开政府信息356条，政府信息公开工作" in doc.text


def test_table_grid_expands_merged_cells(doc) -> None:
    assert len(doc.tables) == 1
    grid = doc.tables[0]
    assert (grid.n_rows, grid.n_cols) == (5, 6)
    assert grid.cells[0] == ["申请人情况", "申请人情况", "自然人", "法人或其他组织", "法人或其他组织", "总计"]
    assert grid.origin[0] == [True, False, True, True, False, True]
    assert grid.cells[1] == ["申请人情况", "申请人情况", "自然人", "商业企业", "科研机构", "总计"]
    assert grid.origin[1] == [False, False, False, True, True, False]
    assert grid.cells[2][2:] == ["166", "2", "0", "168"]
    assert grid.cells[4][0] == "三、本年度办理结果" and not grid.origin[4][0]


def test_table_rendered_in_place(doc) -> None:
    lines = doc.text.split("\n")
    row = lines.index("一、本年新收政府信息公开申请数量\t\t166\t2\t0\t168")
    assert lines[row - 3] == "三、收到和处理政府信息公开申请情况"
    assert lines[row + 2] == "\t（二）部分公开\t2\t0\t0\t2"
    assert lines[row + 3] == "五、存在的主要问题及改进情况"


def test_gb2312_declared_page_with_gb18030_characters() -> None:
    body = ARTICLE.replace("本街道坚持", "街道主任王䶮、副主任朱镕坚持")
    raw = page(body, head='<meta http-equiv="Content-Type" content="text/html; charset=gb2312">').encode(
        "gb18030"
    )
    with pytest.raises(UnicodeDecodeError):
        raw.decode("gbk")  # 䶮 is GB18030-only: a GB2312/GBK decoder would fail
    doc = load_html(raw)
    assert doc.encoding == "gb18030"
    assert "街道主任王䶮、副主任朱镕坚持" in doc.text


def test_stale_charset_declaration_loses_to_valid_utf8() -> None:
    raw = page(ARTICLE, head='<meta charset="gbk">').encode("utf-8")
    doc = load_html(raw)
    assert doc.encoding == "utf-8"
    assert "一、总体情况" in doc.text


@pytest.mark.parametrize("head", ["", '<meta charset="iso-8859-1">'], ids=["undeclared", "latin1-declared"])
def test_gbk_page_detected(head: str) -> None:
    doc = load_html(page(ARTICLE, head=head).encode("gbk"))
    assert doc.encoding == "gb18030"
    assert "一、总体情况" in doc.text


def test_nested_and_layout_tables() -> None:
    data_table = (
        "<table border=1><tr><td>信息内容</td><td>本年处理决定数量</td></tr>"
        "<tr><td>行政许可<table><tr><td>（含备案）</td></tr></table></td><td>12</td></tr></table>"
    )
    body = (
        "<table class='layout'><tr><td><a href='/'>首页</a><a href='/x'>政府信息公开</a></td>"
        f"<td><p>一、总体情况</p><p>{'本机关依法做好政府信息公开工作，' * 5}</p>{data_table}</td></tr></table>"
    )
    doc = load_html(page(body).encode("utf-8"))
    assert len(doc.tables) == 1
    assert doc.tables[0].cells == [["信息内容", "本年处理决定数量"], ["行政许可（含备案）", "12"]]
    assert "行政许可（含备案）\t12" in doc.text.split("\n")


def test_no_report_on_page() -> None:
    body = CHROME + "<div class='article'><p>欢迎访问本网站。今日天气晴，气温十八度。</p></div>" + FOOTER
    with pytest.raises(LoadError, match="no government information-disclosure report"):
        load_html(page(body).encode("utf-8"))


def test_via_load_sets_source_fields(tmp_path: Path) -> None:
    path = tmp_path / "nb.htm"
    path.write_bytes(page(CHROME + ARTICLE + FOOTER, head='<meta charset="gb2312">').encode("gb18030"))
    doc = load(path)
    assert (doc.format, doc.encoding, doc.path) == ("html", "gb18030", str(path))
    assert len(doc.sha256) == 64


# ---- real pages (read at run time from ../shared/real; never copied into the repo) -------


def _real(name: str) -> tuple[Path, dict]:
    html = REAL / f"{name}.html"
    gold = REAL / f"{name}.gold.json"
    if not (html.is_file() and gold.is_file()):
        pytest.skip(f"{html} is not present")
    return html, json.loads(gold.read_text(encoding="utf-8"))


def _row(lines: list[str], label: str) -> list[str]:
    """Non-empty cells after ``label`` in the first table line having a cell that ends with it."""
    for line in lines:
        cells = line.split("\t")
        hits = [i for i, c in enumerate(cells) if c.endswith(label)]
        if len(cells) > 1 and hits:
            return [c for c in cells[hits[-1] + 1 :] if c]
    raise AssertionError(f"no table line for {label}")


@pytest.mark.parametrize("name", ["pingtan-2020", "pingtan-2024"])
def test_real_pingtan_page(name: str) -> None:
    path, gold = _real(name)
    doc = load(path)
    lines = doc.text.split("\n")
    for junk in ("网站标识码", "ICP备", "公网安备", "当前位置", "版权所有", "无障碍"):
        assert junk not in doc.text
    assert doc.title_hint and str(gold["meta"]["year"]) in doc.title_hint
    # Section headings as their own lines, in order (the 2020 page still prints the 2021 titles).
    heads = [lines.index(f"{NUMERALS[n - 1]}、{SECTION_TITLES[n]}") for n in range(1, 7)]
    assert heads == sorted(heads)

    assert len(doc.tables) == 3
    apps = gold["tables"]["applications"]
    for key, label in (("new_received", "一、本年新收政府信息公开申请数量"), ("total", "（七）总计"),
                       ("carried_forward", "四、结转下年度继续办理")):  # fmt: skip
        assert _row(lines, label) == [str(apps[key][c]) for c in APP_COLS]
    normative = gold["tables"]["active_disclosure"]["normative_documents"]
    assert _row(lines, "规范性文件") == [str(v) for v in normative.values()]
    review = gold["tables"]["review_litigation"]
    grid = doc.tables[2]
    numbers = [str(review[g][c]) for g in REVIEW_GROUPS for c in REVIEW_COLS]
    assert numbers in grid.cells


def test_real_pingtan_2020_word_html_grid() -> None:
    path, _ = _real("pingtan-2020")
    doc = load(path)
    apps = doc.tables[1]
    assert apps.n_cols == 10
    # The grouped header: 法人或其他组织 spans the five organisation columns.
    assert apps.cells[1][4:9] == ["法人或其他组织"] * 5
    assert apps.origin[1][4:9] == [True, False, False, False, False]
    assert apps.cells[2][4:9] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]


@pytest.mark.parametrize("name", ["pingtan-2020", "pingtan-2024"])
def test_real_page_grid_cells_located_in_text(name: str) -> None:
    path, _ = _real(name)
    doc = load(path)
    for g in doc.tables:
        for r, row in enumerate(g.cells):
            for c, text in enumerate(row):
                span = g.spans[r][c]
                assert (doc.text[span[0] : span[1]] if span else "") == " ".join(text.split()), (r, c)


def test_removed_nodes_keep_the_strings_either_side_apart() -> None:
    """A comment or script between two number pieces is removed, its tail kept as its own string:
    a newline-only tail is source formatting (dropped), so the pieces glue; a space tail is kept."""
    body = ARTICLE.replace("<span>3</span><span>56</span>",
                           "<span>3</span><!-- x -->\n<span>56</span>，另有<b>7</b><script>s()</script> <b>8</b>")
    d = load_html(page(body).encode("utf-8"))
    assert "主动公开政府信息356，另有7 8条" in d.text

