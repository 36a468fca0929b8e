"""Key phrases of each problem category (shared/spec/problem-taxonomy.md), as dense features.

Generated reports word each category from a fixed phrase bank; real reports say the same thing
in many other ways. These stems, taken from the taxonomy's "typical phrases" and widened to
their word stems, give the category model a feature that carries over from generated to real
text: its weight is learnt on the training data like any other.
"""

from __future__ import annotations

import re

import numpy as np

from gongkai.models.labels import CATEGORIES

STEMS: dict[str, str] = {
    "staffing": r"人员|队伍|专职|兼职|培训|业务能力|业务水平|专业化|素质|人手|跟班学习",
    "timeliness": r"及时|滞后|时效|更新不|动态更新|延迟",
    "completeness": r"全面|深度|广度|覆盖面|不够深入|完整|重点领域|公开范围|公开内容|查漏补缺",
    "quality": r"规范性|规范化|质量|格式|错别字|标准化|准确|表述",
    "interpretation": r"解读|图解",
    "channels": r"形式单一|渠道|新媒体运用|公开栏|可读性|公开形式|多样",
    "platform": r"网站|平台|栏目|检索|新媒体|数字化|智能化|信息化",
    "mechanism": r"制度|机制|流程|长效|考核|规程",
    "awareness": r"重视|认识|意识|主动性|思想",
    "interaction": r"回应|互动|参与|意见征集|关切|反馈|交流",
    "requests": r"依申请|申请|答复",
    "coordination": r"协调|联动|配合|统筹|协同|均衡",
    "publicity": r"宣传|知晓|普及",
}
_PATTERNS = [re.compile(STEMS[c]) for c in CATEGORIES]
N_LEXICON = len(CATEGORIES)


def lexicon_features(texts: list[str]) -> np.ndarray:
    """One 0/1 column per category: does the text use one of its key phrases."""
    x = np.zeros((len(texts), N_LEXICON))
    for i, t in enumerate(texts):
        for k, pat in enumerate(_PATTERNS):
            if pat.search(t):
                x[i, k] = 1.0
    return x
