"""The national report form: tables, their rows and columns, printed labels and templates.

This module is the single definition of the three standard tables that every other part of
gongkai (parser, checks, generator, evaluation) reads. Keys follow
``shared/spec/report-schema.md`` exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Template = Literal["2021", "2019", "unknown"]

TABLE_NAMES = ("active_disclosure", "applications", "review_litigation")

SECTION_TITLES = {
    1: "总体情况",
    2: "主动公开政府信息情况",
    3: "收到和处理政府信息公开申请情况",
    4: "政府信息公开行政复议、行政诉讼情况",
    5: "存在的主要问题及改进情况",
    6: "其他需要报告的事项",
}


@dataclass(frozen=True)
class RowSpec:
    """One printed row of a table: its dotted key, printed label and the columns it carries."""

    key: str
    label: str
    columns: tuple[str, ...]
    group_label: str = ""  # printed label of the parent row group, e.g. （三）不予公开


# ---- active_disclosure (section 2) -------------------------------------------------------
ACTIVE_COLS_2021 = ("issued", "repealed", "in_force")
ACTIVE_COLS_2019 = ("newly_made", "newly_published", "total_published")
ACTIVE_COL_LABELS = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "newly_made": "本年新制作数量",
    "newly_published": "本年新公开数量",
    "total_published": "对外公开总数量",
}


def active_rows(template: Template) -> tuple[RowSpec, ...]:
    """Rows of ``active_disclosure`` for a template (2019 uses other document columns)."""
    cols = ACTIVE_COLS_2019 if template == "2019" else ACTIVE_COLS_2021
    return (
        RowSpec("rules", "规章", cols),
        RowSpec("normative_documents", "行政规范性文件", cols),
        RowSpec("licensing", "行政许可", ("decisions",)),
        RowSpec("punishment", "行政处罚", ("decisions",)),
        RowSpec("coercion", "行政强制", ("decisions",)),
        RowSpec("fees", "行政事业性收费", ("amount",)),
    )


# ---- applications (section 3) ------------------------------------------------------------
APP_COLS = ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total")
APP_COL_LABELS = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social_welfare": "社会公益组织",
    "legal_services": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}
APP_PARTS = APP_COLS[:-1]

_G3 = "(三)不予公开"
_G4 = "(四)无法提供"
_G5 = "(五)不予处理"
_G6 = "(六)其他处理"

_APP_ROWS_HEAD = (
    RowSpec("new_received", "一、本年新收政府信息公开申请数量", APP_COLS),
    RowSpec("carried_over", "二、上年结转政府信息公开申请数量", APP_COLS),
    RowSpec("granted", "(一)予以公开", APP_COLS, "三、本年度办理结果"),
    RowSpec("partially_granted", "(二)部分公开(区分处理的,只计这一情形,不计其他情形)", APP_COLS),
    RowSpec("denied.state_secret", "1.属于国家秘密", APP_COLS, _G3),
    RowSpec("denied.prohibited_by_law", "2.其他法律行政法规禁止公开", APP_COLS, _G3),
    RowSpec("denied.security_stability", "3.危及“三安全一稳定”", APP_COLS, _G3),
    RowSpec("denied.third_party_rights", "4.保护第三方合法权益", APP_COLS, _G3),
    RowSpec("denied.internal_affairs", "5.属于三类内部事务信息", APP_COLS, _G3),
    RowSpec("denied.process_information", "6.属于四类过程性信息", APP_COLS, _G3),
    RowSpec("denied.enforcement_files", "7.属于行政执法案卷", APP_COLS, _G3),
    RowSpec("denied.inquiry_matters", "8.属于行政查询事项", APP_COLS, _G3),
    RowSpec("unable.not_held", "1.本机关不掌握相关政府信息", APP_COLS, _G4),
    RowSpec("unable.needs_creation", "2.没有现成信息需要另行制作", APP_COLS, _G4),
    RowSpec("unable.unclear_request", "3.补正后申请内容仍不明确", APP_COLS, _G4),
    RowSpec("not_processed.complaints", "1.信访举报投诉类申请", APP_COLS, _G5),
    RowSpec("not_processed.duplicate", "2.重复申请", APP_COLS, _G5),
    RowSpec("not_processed.publications", "3.要求提供公开出版物", APP_COLS, _G5),
    RowSpec("not_processed.excessive", "4.无正当理由大量反复申请", APP_COLS, _G5),
    RowSpec("not_processed.confirmation", "5.要求行政机关确认或重新出具已获取信息", APP_COLS, _G5),
)
_APP_OTHER_SPLIT = (
    RowSpec(
        "other.no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        APP_COLS,
        _G6,
    ),
    RowSpec(
        "other.unpaid_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        APP_COLS,
        _G6,
    ),
    RowSpec("other.other", "3.其他", APP_COLS, _G6),
)
_APP_OTHER_SINGLE = (RowSpec("other.total", "(六)其他处理", APP_COLS),)
# Row keys of (六)其他处理 in either form.
OTHER_ROW_KEYS = frozenset(r.key for r in _APP_OTHER_SPLIT + _APP_OTHER_SINGLE)
_APP_ROWS_TAIL = (
    RowSpec("total", "(七)总计", APP_COLS),
    RowSpec("carried_forward", "四、结转下年度继续办理", APP_COLS),
)


def application_rows(other_split: bool = True) -> tuple[RowSpec, ...]:
    """Rows of ``applications``; ``other_split`` is False where (六)其他处理 is printed as one row."""
    other = _APP_OTHER_SPLIT if other_split else _APP_OTHER_SINGLE
    return _APP_ROWS_HEAD + other + _APP_ROWS_TAIL


# Rows that sum into (七)总计 (relation 2): everything between new/carried and the total.
def outcome_rows(other_split: bool = True) -> tuple[str, ...]:
    """Row keys whose sum is (七)总计 in every column (relation 2)."""
    return tuple(r.key for r in application_rows(other_split)[2:-2])


# ---- review_litigation (section 4) -------------------------------------------------------
REVIEW_GROUPS = ("review", "litigation_direct", "litigation_after_review")
REVIEW_GROUP_LABELS = {
    "review": "行政复议",
    "litigation_direct": "未经复议直接起诉",
    "litigation_after_review": "复议后起诉",
}
REVIEW_COLS = ("upheld", "corrected", "other", "pending", "total")
REVIEW_COL_LABELS = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}


def review_rows() -> tuple[RowSpec, ...]:
    """The three groups of ``review_litigation``, printed as 15 numbers in this order."""
    return tuple(RowSpec(g, REVIEW_GROUP_LABELS[g], REVIEW_COLS) for g in REVIEW_GROUPS)


def table_rows(table: str, template: Template = "2021", other_split: bool = True) -> tuple[RowSpec, ...]:
    """Rows of any of the three tables."""
    if table == "active_disclosure":
        return active_rows(template)
    if table == "applications":
        return application_rows(other_split)
    if table == "review_litigation":
        return review_rows()
    raise KeyError(table)


@lru_cache(maxsize=32)
def cell_keys(table: str, template: Template = "2021", other_split: bool = True) -> list[str]:
    """Every cell key ``table.row.col`` of a table, in printed order (shared: do not mutate)."""
    return [f"{table}.{r.key}.{c}" for r in table_rows(table, template, other_split) for c in r.columns]
