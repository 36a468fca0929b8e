"""Render a document as an HTML page the way government sites serve annual reports.

Layouts: ``html`` (a CMS article: clean ``<p>`` and ``<table>``) and ``html-word`` (the
article pasted from Word: ``MsoNormal`` paragraphs, styled spans, numbers sometimes split over
several spans). ``html-cms`` and ``html-word-blank`` print some or all zero cells empty
(``<td>&nbsp;</td>``, the corpus draws which), and vary the table markup as real CMSes do:
``<th>`` header cells in a ``<thead>``, header words broken over lines, a title row across
each table, each table or the
whole article inside a layout table, the applications table's header rows printed again
part-way down or the table cut in two with the header repeated. All wrap the report in site
chrome (header, nav, breadcrumb, scripts, footer with 网站标识码 and ICP line). Some pages
declare ``gb2312`` and are encoded as gb18030, as many older sites are.
"""

from __future__ import annotations

import random
from html import escape

from gongkai.data.synth.document import Doc
from gongkai.data.synth.grids import Grid, header_rows, repeat_header
from gongkai.data.synth.narrative import Paragraph

HTML_LAYOUTS = ("html", "html-word", "html-cms", "html-word-blank")
# Layouts whose tables print zero cells empty (the corpus chooses the cells).
BLANK_LAYOUTS = ("html-cms", "html-word-blank", "docx-blank")
_BLANK_CMS = ("", "&nbsp;", "<p>&nbsp;</p>", "<span></span>", "\u3000", " ", "/", "—")
_BLANK_WORD = (
    '<p class="MsoNormal" align="center" style="text-align:center"><span lang="EN-US">&nbsp;</span></p>',
    '<p class="MsoNormal"><span lang="EN-US"><o:p>&nbsp;</o:p></span></p>',
    "&nbsp;",
)

_ICP = {
    "河北": "冀",
    "山西": "晋",
    "内蒙古": "蒙",
    "辽宁": "辽",
    "吉林": "吉",
    "黑龙江": "黑",
    "江苏": "苏",
    "浙江": "浙",
    "安徽": "皖",
    "福建": "闽",
    "江西": "赣",
    "山东": "鲁",
    "河南": "豫",
    "湖北": "鄂",
    "湖南": "湘",
    "广东": "粤",
    "广西": "桂",
    "四川": "蜀",
    "贵州": "黔",
    "云南": "滇",
    "陕西": "陕",
    "甘肃": "陇",
}
_WORD_SPAN = '<span style="font-family:仿宋_GB2312;font-size:16.0pt">'
_WORD_HEAD_SPAN = '<span style="font-family:黑体;font-size:16.0pt">'
_WORD_TD = "border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt"


def _e(text: str) -> str:
    return escape(text, quote=False)


def _split_spans(text: str, rng: random.Random, open_tag: str) -> str:
    """Text as 1–3 adjacent spans, as Word export cuts runs (the text itself is unchanged)."""
    cuts = (
        sorted(rng.sample(range(1, len(text)), min(len(text) - 1, rng.randint(0, 2))))
        if len(text) > 1
        else []
    )
    pieces, last = [], 0
    for c in cuts + [len(text)]:
        pieces.append(f"{open_tag}{_e(text[last:c])}</span>")
        last = c
    return "".join(pieces)


def _para(p: Paragraph, word: bool, rng: random.Random) -> str:
    body = []
    for part in p.parts:
        if part.topic is None:  # inline sub-heading, printed bold
            inner = _split_spans(part.text, rng, _WORD_SPAN) if word else _e(part.text)
            body.append(f"<b>{inner}</b>" if word else f"<strong>{inner}</strong>")
        else:
            body.append(_split_spans(part.text, rng, _WORD_SPAN) if word else _e(part.text))
    if word:
        return f'<p class="MsoNormal" style="text-indent:32.0pt;line-height:28.0pt">{"".join(body)}</p>'
    return f'<p style="text-indent:2em;">{"".join(body)}</p>'


def _cell_html(text: str, is_value: bool, word: bool, rng: random.Random, blank: str | None = None) -> str:
    if not text:
        if blank is not None:
            return blank
        return "&nbsp;" if word or rng.random() < 0.5 else ""
    if word:
        if is_value and len(text) > 1 and rng.random() < 0.5:
            cut = rng.randint(1, len(text) - 1)  # Word keeps digits typed at different times in separate runs
            inner = f'<span lang="EN-US">{_e(text[:cut])}</span><span lang="EN-US">{_e(text[cut:])}</span>'
        else:
            inner = f'<span lang="EN-US">{_e(text)}</span>' if is_value else f"<span>{_e(text)}</span>"
        return f'<p class="MsoNormal" align="center" style="text-align:center">{inner}</p>'
    return _e(text)


def _broken(text: str) -> str:
    """A header word over two lines, as CMS editors narrow columns (商业<br>企业)."""
    half = len(text) // 2
    return f"<p>{_e(text[:half])}</p><p>{_e(text[half:])}</p>"


def table_html(grid: Grid, word: bool, rng: random.Random, cms: dict | None = None) -> str:
    """A grid as a ``<table>`` with rowspan/colspan; ``cms`` holds the markup choices of blank layouts."""
    attrs = (
        'class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0"'
        if word
        else 'border="1" cellspacing="0" cellpadding="0" width="100%"'
    )
    cms = cms or {}
    th = cms.get("th", False)
    head = header_rows(grid) if cms.get("thead") else 0
    rows = []
    for row in grid.rows:
        tds = []
        for cell in row:
            span = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
                f' colspan="{cell.colspan}"' if cell.colspan > 1 else ""
            )
            style = f' style="{_WORD_TD}"' if word else ""
            tag = "th" if th and cell.header else "td"
            blank = rng.choice(cms["blanks"]) if "blanks" in cms else None
            if cms.get("broken") and cell.header and 4 <= len(cell.text) <= 6 and rng.random() < 0.5:
                inner = _broken(cell.text)
            else:
                inner = _cell_html(cell.text, cell.key is not None, word, rng, blank)
            tds.append(f"<{tag}{span}{style}>{inner}</{tag}>")
        rows.append("<tr>" + "".join(tds) + "</tr>")
    if cms.get("caption"):  # a title row across the table, as some CMS templates print
        title = {"active_disclosure": "表一 主动公开情况统计", "applications": "表二 依申请公开情况统计",
                 "review_litigation": "表三 行政复议和行政诉讼情况统计"}[grid.name]
        rows.insert(0, f'<tr><td colspan="{grid.n_cols}" align="center"><strong>{_e(title)}</strong></td></tr>')
        head += 1 if head else 0
    if head:
        body = "<thead>\n" + "\n".join(rows[:head]) + "\n</thead><tbody>\n" + "\n".join(rows[head:])
    else:
        body = "<tbody>\n" + "\n".join(rows)
    table = f"<table {attrs}>{body}\n</tbody></table>"
    if cms.get("wrap") == "table":  # each table centred by a layout table of its own
        return f'<table width="100%" border="0"><tr><td align="center">{table}</td></tr></table>'
    return table


def _cms_choices(word: bool, rng: random.Random) -> dict:
    """Markup choices of one page of a blank layout (recorded in the gold's style)."""
    return {
        "blanks": _BLANK_WORD if word else _BLANK_CMS,
        "th": not word and rng.random() < 0.6,
        "thead": not word and rng.random() < 0.5,
        "broken": not word and rng.random() < 0.4,
        "wrap": rng.choice(["none", "table", "article"]),
        "repeat": rng.choice(["none", "none", "inside", "split", "split-bare"]),
        "caption": rng.random() < 0.3,
    }


def _site(doc: Doc) -> str:
    r = doc.report
    if r.admin_level == "部门":
        return r.organization
    place = r.region.get("county") if r.admin_level in ("街道", "乡镇", "县区") else None
    return f"{place or r.region.get('city') or r.region.get('province')}人民政府"


def _chrome(doc: Doc, rng: random.Random) -> tuple[str, str, str]:
    """Page head, the part before the article, and the footer."""
    r = doc.report
    site = _site(doc)
    prov = r.region.get("province") or ""
    abbr = next((v for k, v in _ICP.items() if prov.startswith(k)), "京")
    code = f"{rng.randint(1100000000, 6599999999)}"
    icp = f"{abbr}ICP备{rng.randint(5000000, 29999999):08d}号-{rng.randint(1, 3)}"
    police = f"{abbr}公网安备 {rng.randint(11000000000000, 65999999999999)}号"
    head = (
        f"<title>{_e(r.title)}_{_e(site)}</title>\n"
        '<link rel="stylesheet" href="/static/css/common.css">\n'
        '<script src="/static/js/jquery.min.js"></script>\n'
        "<script>var _hmt = _hmt || []; (function(){var hm=document.createElement('script');hm.src='/static/js/stat.js';"
        "document.getElementsByTagName('head')[0].appendChild(hm);})();</script>"
    )
    nav = "".join(
        f'<li><a href="/{i}/">{_e(t)}</a></li>'
        for i, t in enumerate(["首页", "政务公开", "政务服务", "互动交流", "走进" + site[:2]])
    )
    top = (
        f'<div class="header"><div class="logo"><a href="/">{_e(site)}</a></div>'
        f'<div class="search"><input type="text" placeholder="请输入关键词"><button>搜索</button></div></div>\n'
        f'<ul class="nav">{nav}</ul>\n'
        '<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; '
        '<a href="/zwgk/xxgknb/">政府信息公开年报</a></div>\n'
        f'<div class="article"><h1 class="title">{_e(r.title)}</h1>\n'
        f'<div class="info">发布时间：{r.published.isoformat()}&nbsp;&nbsp;来源：{_e(r.organization)}&nbsp;&nbsp;'
        '浏览次数：<span id="views"></span>&nbsp;&nbsp;字号：[<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>]</div>\n'
    )
    foot = (
        '<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>\n'
        '<div class="footer"><p><a href="/lxwm/">联系我们</a> | <a href="/wzdt/">网站地图</a> | <a href="/mzsm/">免责声明</a></p>'
        f"<p>主办单位：{_e(site)}&nbsp;&nbsp;承办单位：{_e(site)}办公室</p>"
        f'<p>网站标识码：{code}&nbsp;&nbsp;<a href="https://beian.miit.gov.cn/" target="_blank">{icp}</a>&nbsp;&nbsp;{police}</p></div>\n'
        "<script>$(function(){$('#views').text(Math.floor(Math.random()*1000));});</script>"
    )
    return head, top, foot


def render_html(doc: Doc, layout: str, rng: random.Random, force: dict | None = None) -> tuple[bytes, str]:
    """The page as bytes, and the encoding they are in; ``force`` fixes markup choices (tests)."""
    word = layout in ("html-word", "html-word-blank")
    cms = _cms_choices(word, rng) if layout in BLANK_LAYOUTS else None
    if cms is not None and force:
        cms.update({k: v for k, v in force.items() if k in cms})
    if cms is not None:
        doc.choices.update({f"html_{k}": str(v) for k, v in cms.items() if k != "blanks"})
    gbk = rng.random() < 0.25
    head, top, foot = _chrome(doc, rng)
    body: list[str] = []
    for b in doc.blocks:
        if b.kind == "title":
            continue  # printed by the article header
        if b.kind == "heading":
            if word:
                body.append(
                    f'<p class="MsoNormal" style="text-indent:32.0pt"><b>{_split_spans(b.text, rng, _WORD_HEAD_SPAN)}</b></p>'
                )
            else:
                body.append(rng.choice([f"<p><strong>{_e(b.text)}</strong></p>", f"<h3>{_e(b.text)}</h3>"]))
        elif b.kind == "subheading":
            body.append(
                f'<p class="MsoNormal" style="text-indent:32.0pt"><b><span>{_e(b.text)}</span></b></p>'
                if word
                else f'<p style="text-indent:2em;"><strong>{_e(b.text)}</strong></p>'
            )
        elif b.kind == "para":
            assert b.para is not None
            body.append(_para(b.para, word, rng))
        elif b.kind == "table":
            assert b.table is not None
            grid = doc.grids[b.table]
            repeat = (cms or {}).get("repeat", "none")
            parts = [grid] if repeat == "none" or b.table != "applications" else repeat_header(
                grid, rng, split=repeat.startswith("split"), again=repeat != "split-bare")
            body.extend(table_html(g, word, rng, cms) for g in parts)
        else:
            body.append(f'<p style="text-align:right">{_e(b.text)}</p>')
    charset = (
        '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        if gbk
        else '<meta charset="utf-8">'
    )
    wrapper = '<div class="WordSection1" style="layout-grid:15.6pt">' if word else ""
    article = "\n".join(body)
    if cms is not None and cms["wrap"] == "article":  # old CMS templates lay the page out in tables
        article = f'<table width="100%" cellpadding="0" cellspacing="0"><tr><td class="bt_content">\n{article}\n</td></tr></table>'
    page = (
        f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n{charset}\n<meta name="viewport" content="width=device-width">\n{head}\n</head>\n<body>\n'
        f'{top}<div class="content" id="zoom">{wrapper}\n'
        + article
        + f"\n{'</div>' if word else ''}</div>\n</div>\n{foot}\n</body>\n</html>\n"
    )
    encoding = "gb18030" if gbk else "utf-8"
    return page.encode(encoding), encoding
