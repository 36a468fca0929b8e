"""Names shown to researchers: problem categories, admin levels, refusal reasons, proceedings."""

from __future__ import annotations

from gongkai.data.form import REVIEW_COL_LABELS, REVIEW_GROUP_LABELS, application_rows
from gongkai.data.labels import CATEGORIES

# Short Chinese names of the problem categories (problem-taxonomy.md).
CATEGORY_LABELS = {
    "staffing": "人员力量不足",
    "timeliness": "更新不及时",
    "completeness": "公开不全面",
    "quality": "发布质量不高",
    "interpretation": "政策解读不够",
    "channels": "公开形式单一",
    "platform": "平台建设不足",
    "mechanism": "制度机制不健全",
    "awareness": "公开意识不强",
    "interaction": "回应互动不足",
    "requests": "依申请办理不规范",
    "coordination": "协调联动不够",
    "publicity": "宣传知晓不够",
}
assert set(CATEGORY_LABELS) == set(CATEGORIES)

# Admin levels from the top down (the contract's values), for ordered axes.
LEVELS = ("省级", "地市", "县区", "乡镇", "街道", "部门", "其他")

# Rows of the applications table that count a refusal or a non-answer, grouped as printed:
# (三)不予公开, (四)无法提供, (五)不予处理, (六)其他处理 (either form of (六)).
REFUSAL_GROUPS = {
    "denied": "不予公开",
    "unable": "无法提供",
    "not_processed": "不予处理",
    "other": "其他处理",
}
OUTCOME_GROUPS = {"granted": "予以公开", "partially_granted": "部分公开", **REFUSAL_GROUPS}


def refusal_rows() -> dict[str, str]:
    """``row_key → printed label`` of every refusal row of both forms of the table."""
    out: dict[str, str] = {}
    for split in (True, False):
        for r in application_rows(split):
            group = r.key.split(".", 1)[0]
            if group in REFUSAL_GROUPS and "." in r.key and r.key not in out:
                out[r.key] = f"{REFUSAL_GROUPS[group]} · {r.label}"
    return out


PROCEEDINGS = dict(REVIEW_GROUP_LABELS)
PROCEEDING_OUTCOMES = {k: v for k, v in REVIEW_COL_LABELS.items() if k != "total"}
