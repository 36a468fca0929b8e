"""Meta: title, organization, year, publication date, administrative level and region.

The year is the year the report is about: from the title, else the statistics-period
sentence, else the signature date (reports are signed early in the following year).
"""

from __future__ import annotations

import re

from gongkai.data.record import Meta, Region
from gongkai.inference.gazetteer import complete_region, region_from_table

_DATE = re.compile(r"((?:19|20)\d{2})\s*(?:年|[-./])\s*(\d{1,2})\s*(?:月|[-./])\s*(\d{1,2})\s*日?")
_TITLE_WORDS = re.compile(r"(?:政府信息公开|信息公开|政务公开).{0,12}(?:年度报告|年报|工作报告)|年度报告")
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年\s*度?")
_PERIOD = re.compile(
    r"(?:统计期限|统计时限|统计期间|统计周期|统计时间)[^。\n]{0,12}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日"
    r"|((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:起)?\s*(?:至|到|-|—)\s*(?:\1|\2)?((?:19|20)\d{2})?\s*年?\s*12\s*月\s*31\s*日"
)
_ORG_TAIL = re.compile(
    r"(?:人民政府|政府|办事处|街道|管委会|管理委员会|委员会|局|厅|办公室|办公厅|委|中心|镇|乡|院|所|站|队|会|处|公司|实验区)$"
)
# "标题: …" as scraped pages label their fields.
_FIELD_NAME = re.compile(r"^\s*(?:标题|题目|名称)\s*[:：]\s*")
# The labels of a CMS page's metadata block (索引号 / 发布机构 / 名称 / 发布日期 …), with or
# without their colon (scraping often loses it: 名称沭阳县…). They are never part of a name.
_META_LABEL = re.compile(
    r"(?:索引号|信息索引|信息分类|主题分类|发布机构|发文机关|发布单位|公开主体|名\s*称|标\s*题|题\s*目|文\s*号|"
    r"发布日期|发布时间|成文日期|生成日期|公开日期|主题词|关键词|栏目|原文链接|本地目录|来\s*源|有效性)\s*[:：]?"
)
_TITLE_LABELS = re.compile(r"^(?:名称|标题|题目)")
_MD_MARK = re.compile(r"^[#>*\s]+|[*\s]+$")
_DISCLOSURE = re.compile(r"(?:政府信息公开|信息公开|政务公开)")
# The opening sentence that says who compiled the report: 本报告由淮安市洪泽区人民政府办公室…编制.
_COMPILER = re.compile(r"本(?:年度)?报告由([^，。；、（(《]{2,40}?)(?:根据|依据|按照|依照|编制|负责)")
# Place names (at least two characters before the level) that may stand before a unit's name.
_PLACES = re.compile(r"(?:[^\W\d_]{2,6}?(?:省|自治区|市|自治州|地区|盟|区|县|旗))+")


def _clean(s: str) -> str:
    s = _MD_MARK.sub("", s)
    s = _FIELD_NAME.sub("", s)
    return re.sub(r"\s+", "", s)


def _meta_fields(line: str) -> list[tuple[str, str]] | None:
    """A metadata-block line cut into (label, value) fields, or None if it is not one."""
    s = line.strip()
    m = _META_LABEL.match(s)
    if not m:
        return None
    cuts = list(_META_LABEL.finditer(s))
    out = []
    for a, b in zip(cuts, [*cuts[1:], None], strict=True):
        label = re.sub(r"[\s:：]", "", a.group())
        out.append((label, s[a.end() : b.start() if b else len(s)].strip()))
    return out


def _title_lines(text: str) -> list[str]:
    """Lines near the top, with metadata-block lines reduced to their title field (if any)."""
    out = []
    for ln in text[:1500].split("\n"):
        if not ln.strip():
            continue
        fields = _meta_fields(ln)
        if fields is None:
            out.append(ln)
        else:  # 名称/标题 may hold the title; other fields (索引号, 信息分类 …) never do
            out += [v for k, v in fields if _TITLE_LABELS.match(k) and v]
    return out


def find_title(text: str, hint: str | None = None) -> str | None:
    """The report title: the first line near the top that names a yearly disclosure report."""
    lines = _title_lines(text)
    for i, line in enumerate(lines[:12]):
        c = _clean(line)
        if len(c) > 80 or not _TITLE_WORDS.search(c):
            continue
        if c.startswith(("本报告", "本年度报告", "根据", "按照", "依据")) or re.search(r"[，。；]", c):
            continue  # a sentence about the report, not its title
        # A title broken over two lines: the organization on the line before.
        if i > 0 and not _org_before_year(c):
            prev = _clean(lines[i - 1])
            if 2 <= len(prev) <= 30 and (_ORG_TAIL.search(prev) or _YEAR_IN_TITLE.search(prev)):
                c = prev + c
        return c
    if hint:
        h = _clean(re.split(r"[-_|—]{1,2}(?=[^-_|—]*$)", hint)[0]) if hint else ""
        if _TITLE_WORDS.search(h):
            return h
    return None


def _org_before_year(title: str) -> str | None:
    m = _YEAR_IN_TITLE.search(title)
    if not m or m.start() < 2:
        return None
    return title[: m.start()]


def organization_from_title(title: str) -> str | None:
    """The issuing unit named in the title, before the year or between year and subject."""
    org = _org_before_year(title)
    if org is None:
        m = _YEAR_IN_TITLE.search(title)
        rest = title[m.end() :] if m else title
        hits = list(_DISCLOSURE.finditer(rest))
        org = rest[: hits[-1].start()] if hits else None
    if not org:
        return None
    org = _META_LABEL.sub("", org) if _META_LABEL.match(org) else org
    org = re.sub(r"^(?:关于)|(?:关于|的|《|“)$", "", org)
    org = org.rstrip("《“关于的")
    return org or None


def qualify(org: str, text: str) -> str:
    """The unit's full name when the report's own compiler sentence spells it out.

    A title may drop the city (洪泽区人民政府 for 淮安市洪泽区人民政府); the sentence naming
    who compiled the report gives the full name. Only a prefix of place names is added.
    """
    head = re.sub(r"\s+", "", text[:2000])
    m = _COMPILER.search(head)
    if not m:
        return org
    compiler = m.group(1)
    at = compiler.find(org)
    if at > 0 and _PLACES.fullmatch(compiler[:at]):
        return compiler[:at] + org
    return org


def _signature(text: str) -> tuple[str | None, str | None]:
    """(organization, date) from the signature block at the end of the report."""
    tail_lines = [ln.strip() for ln in text[-600:].split("\n") if ln.strip()]
    org = date = None
    for i in range(len(tail_lines) - 1, max(len(tail_lines) - 6, -1), -1):
        line = tail_lines[i]
        m = _DATE.search(line)
        # A signature date stands alone (or after the unit's name), not inside a sentence.
        if m and date is None and len(line) <= 40 and len(line[m.end() :].strip(" 。.")) <= 2 \
                and not re.search(r"[，。,；]", line[: m.start()]):
            date = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            before = _clean(line[: m.start()])
            if before and _ORG_TAIL.search(before):
                org = before
            elif i > 0:
                cand = _clean(tail_lines[i - 1])
                if 2 <= len(cand) <= 30 and _ORG_TAIL.search(cand) and not re.search(r"[，。,；]", cand):
                    org = cand
            break
    return org, date


def _valid_date(d: str | None) -> str | None:
    if not d:
        return None
    y, m, dd = (int(x) for x in d.split("-"))
    return d if 1 <= m <= 12 and 1 <= dd <= 31 else None


def admin_level(org: str | None) -> str | None:
    """The administrative level the organization name implies."""
    if not org:
        return None
    if re.search(r"街道|街办", org):
        return "街道"
    if re.search(r"(?:乡|镇)(?:人民政府|政府)?$", org):
        return "乡镇"
    if re.search(r"(?:省|自治区)(?:人民政府|政府)(?:办公厅)?$", org):
        return "省级"
    if re.search(r"(?:局|委员会|委|厅|办公室|中心|院|所)$", org):
        return "省级" if re.search(r"^[^市县区]{2,8}(?:省|自治区)", org) and "厅" in org else "部门"
    if re.search(r"(?:区|县|旗)(?:人民政府|政府)$", org):
        return "县区"
    if re.search(r"市(?:人民政府|政府)$", org):
        # X市Y市人民政府 is a county-level city inside a prefecture.
        return "县区" if len(re.findall(r"市", org)) >= 2 else "地市"
    return "其他"


_PROV = re.compile(r"^(.{2,3}?(?:省|自治区))|^(北京|天津|上海|重庆)市")
_CITY = re.compile(r"(.{2,4}?(?:市|自治州|地区|盟))")
_COUNTY = re.compile(r"(.{2,4}?(?:区|县|旗|市))")


def region(org: str | None) -> Region:
    """Province, city and county as far as the organization name spells them out."""
    reg = Region()
    if not org:
        return reg
    rest = org
    m = _PROV.match(rest)
    if m:
        reg.province = m.group(1) or (m.group(2) + "市")
        rest = rest[m.end() :]
        if m.group(2):
            reg.city = reg.province
    if reg.city is None:
        m = _CITY.match(rest)
        if m and not re.search(r"街道|社区|镇|乡", m.group(1)):
            reg.city = m.group(1)
            rest = rest[m.end() :]
    m = _COUNTY.match(rest)
    if m and not re.search(r"街道|社区|镇|乡|经济|开发|实验", m.group(1)):
        reg.county = m.group(1)
    return reg


def extract_meta(text: str, title_hint: str | None = None) -> Meta:
    """All meta fields that the text gives; None where it gives nothing."""
    title = find_title(text, title_hint)
    org = organization_from_title(title) if title else None
    if org:
        org = qualify(org, text)
    sig_org, sig_date = _signature(text)
    if not org:
        org = sig_org
    year = None
    if title:
        m = _YEAR_IN_TITLE.search(title)
        if m:
            year = int(m.group(1))
    if year is None:
        m = _PERIOD.search(text)
        if m:
            year = int(next(g for g in m.groups() if g))
    published = _valid_date(sig_date)
    if year is None and published:
        py, pm = int(published[:4]), int(published[5:7])
        year = py - 1 if pm <= 6 else py
    level = admin_level(org)
    return Meta(
        title=title,
        organization=org,
        year=year,
        published=published,
        admin_level=level,  # type: ignore[arg-type]
        region=region_from_table(org, complete_region(region(org))),
    )
