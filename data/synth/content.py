"""What a synthetic report says: the unit, its year, its template and table values.

:func:`make_report` draws a unit (street office, town, county, city, province or department)
with a plausible name and region, a report year and publication date, a template, and table
values that satisfy consistency relations 1–5 of ``report-schema.md`` exactly. The narrative
is added separately (:func:`gongkai.data.synth.narrative.make_narrative`).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal

from gongkai.data.form import (
    APP_PARTS,
    REVIEW_COLS,
    REVIEW_GROUPS,
    TABLE_NAMES,
    active_rows,
    application_rows,
    outcome_rows,
)
from gongkai.data.record import TableValues
from gongkai.data.synth.names import (
    LOCAL_DEPTS,
    PROVINCIAL_DEPTS,
    REGIONS,
    STREET_PARTS,
    TOWN_PARTS,
)

if TYPE_CHECKING:
    from gongkai.data.synth.narrative import Narrative

AdminLevel = Literal["街道", "乡镇", "县区", "地市", "省级", "部门"]
ADMIN_LEVELS: tuple[AdminLevel, ...] = ("街道", "乡镇", "县区", "地市", "省级", "部门")
_LEVEL_WEIGHTS = (25, 25, 15, 8, 4, 23)
# Share of units with no applications at all, by level: small units usually have none.
_ZERO_SHARE = {"街道": 0.55, "乡镇": 0.55, "县区": 0.05, "地市": 0.0, "省级": 0.0, "部门": 0.3}
# log-uniform range of new applications per year, by level.
_NEW_RANGE = {
    "街道": (1, 12),
    "乡镇": (1, 10),
    "县区": (5, 600),
    "地市": (30, 3000),
    "省级": (20, 1500),
    "部门": (1, 300),
}


@dataclass
class SyntheticReport:
    """One synthetic report's content (no layout): who, when, which form, what numbers."""

    organization: str  # e.g. 新华路街道办事处
    title: str  # canonical title, e.g. 江宁区新华路街道办事处2023年政府信息公开工作年度报告
    admin_level: AdminLevel
    region: dict[str, str | None]
    year: int
    published: date
    template: Literal["2021", "2019"]
    tables: TableValues
    self_refs: tuple[str, ...]  # how the unit names itself in prose: 我街道, 本镇, 我局 …
    short_name: str  # e.g. 新华路街道, 城关镇, 江宁区
    upper: str  # the level above, for "在…的领导下"
    narrative: Narrative | None = field(default=None, repr=False)

    @property
    def other_split(self) -> bool:
        return self.tables.other_split

    @property
    def title_organization(self) -> str:
        """The unit as the title prints it (often with its county or city in front): the
        record's ``organization``, as on real reports."""
        head = self.title.split(str(self.year), 1)[0]
        return head.removesuffix("关于") or self.organization


# ---- who -------------------------------------------------------------------------------


def _pick_region(rng: random.Random) -> tuple[str, str, str]:
    province = rng.choice(list(REGIONS))
    city = rng.choice(list(REGIONS[province]))
    county = rng.choice(REGIONS[province][city])
    return province, city, county


def _county_ref(county: str) -> str:
    return {"区": "我区", "县": "我县", "市": "我市"}.get(county[-1], "我县")


def _make_unit(rng: random.Random, level: AdminLevel) -> dict:
    """Names, region and self-references for a unit of ``level``."""
    province, city, county = _pick_region(rng)
    region: dict[str, str | None] = {"province": province, "city": city, "county": county}
    if level == "街道":
        short = rng.choice(STREET_PARTS) + "街道"
        org = short + "办事处"
        prefix = rng.choice([org, county + org, org])
        refs = ("我街道", "本街道", short, "街道办事处", "我办")
        upper = rng.choice(
            [f"{county}委、{county}政府", f"{county}委{county}政府", f"{county[-1]}委、{county[-1]}政府"]
        )
    elif level == "乡镇":
        kind = rng.choice("镇镇镇乡")
        short = rng.choice(TOWN_PARTS) + kind
        org = short + "人民政府"
        prefix = rng.choice([org, county + org])
        refs = (f"我{kind}", f"本{kind}", short, f"{kind}政府")
        upper = rng.choice([f"{county}委、{county}政府", f"{county[-1]}委、{county[-1]}政府"])
    elif level == "县区":
        short = county
        org = county + "人民政府"
        prefix = rng.choice([org, city + org, org])
        refs = (_county_ref(county), short, f"{county[-1]}政府")
        upper = f"{city}委、{city}政府"
    elif level == "地市":
        region["county"] = None
        short = city
        org = city + "人民政府"
        prefix = org
        refs = ("我市", short, "市政府")
        upper = "省委、省政府"
    elif level == "省级":
        region["city"] = region["county"] = None
        short = province
        org = province + "人民政府"
        prefix = org
        refs = ("我省", "省政府", "本省")
        upper = "党中央、国务院"
    else:  # 部门: a provincial, municipal or county department
        tier = rng.choice(["省", "市", "市", "县"])
        if tier == "省":
            region["city"] = region["county"] = None
            dept = rng.choice(PROVINCIAL_DEPTS)
            org = province + dept
            short = org
            upper = "省委、省政府"
        elif tier == "市":
            region["county"] = None
            dept = rng.choice(LOCAL_DEPTS)
            org = city + dept
            short = org
            upper = "市委、市政府"
        else:
            dept = rng.choice(LOCAL_DEPTS)
            org = county + dept
            short = org
            upper = f"{county}委、{county}政府"
        prefix = org
        head = dept[-1] if dept[-1] in "厅局委" else "局"
        if dept.endswith("委员会"):
            head = "委"
        refs = (f"我{head}", f"本{head}", "本机关", "本单位")
    return {
        "organization": org,
        "prefix": prefix,
        "region": region,
        "self_refs": refs,
        "short_name": short,
        "upper": upper,
    }


def _title(rng: random.Random, prefix: str, year: int) -> str:
    form = rng.choices(
        [
            "{p}{y}年政府信息公开工作年度报告",
            "{p}{y}年度政府信息公开工作年度报告",
            "{p}关于{y}年政府信息公开工作的年度报告",
            "{p}{y}年政府信息公开年度报告",
        ],
        weights=[70, 12, 6, 12],
    )[0]
    return form.format(p=prefix, y=year)


# ---- numbers ---------------------------------------------------------------------------


def split_total(total: int, weights: list[float], rng: random.Random) -> list[int]:
    """Split ``total`` into integer parts roughly proportional to ``weights`` (largest remainder)."""
    s = sum(weights)
    if total <= 0:
        return [0] * len(weights)
    if s <= 0:
        return [total] + [0] * (len(weights) - 1)
    raw = [w * total / s for w in weights]
    parts = [int(x) for x in raw]
    rest = total - sum(parts)
    # Random tie-break keeps small totals from always landing in the same row.
    order = sorted(range(len(weights)), key=lambda i: (raw[i] - parts[i]) + rng.random() * 0.3, reverse=True)
    for i in order[:rest]:
        parts[i] += 1
    return parts


def _log_uniform(rng: random.Random, lo: float, hi: float) -> float:
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


# Typical share of each outcome row (before per-report jitter); other.* split as in the 2021 form.
_OUTCOME_BASE = {
    "granted": 0.42,
    "partially_granted": 0.07,
    "denied.state_secret": 0.004,
    "denied.prohibited_by_law": 0.008,
    "denied.security_stability": 0.004,
    "denied.third_party_rights": 0.02,
    "denied.internal_affairs": 0.015,
    "denied.process_information": 0.025,
    "denied.enforcement_files": 0.01,
    "denied.inquiry_matters": 0.02,
    "unable.not_held": 0.22,
    "unable.needs_creation": 0.04,
    "unable.unclear_request": 0.03,
    "not_processed.complaints": 0.03,
    "not_processed.duplicate": 0.025,
    "not_processed.publications": 0.004,
    "not_processed.excessive": 0.01,
    "not_processed.confirmation": 0.01,
    "other.no_correction": 0.03,
    "other.unpaid_fee": 0.002,
    "other.other": 0.02,
}
_COLUMN_BASE = {
    "natural_person": (0.6, 1.0),
    "commercial": (0.0, 0.3),
    "research": (0.0, 0.02),
    "social_welfare": (0.0, 0.02),
    "legal_services": (0.0, 0.08),
    "other_org": (0.0, 0.05),
}


def _applications(rng: random.Random, level: AdminLevel, zero: bool, other_split: bool) -> dict[str, int]:
    """Cell values of ``applications`` satisfying relations 1–3."""
    rows = application_rows(other_split)
    vals = {f"applications.{r.key}.{c}": 0 for r in rows for c in r.columns}
    if zero:
        return vals
    lo, hi = _NEW_RANGE[level]
    n_new = int(_log_uniform(rng, lo, hi + 1))
    col_w = []
    for c in APP_PARTS:
        a, b = _COLUMN_BASE[c]
        # Most small units see no organisation applicants at all.
        col_w.append(rng.uniform(a, b) if (c == "natural_person" or rng.random() < 0.45) else 0.0)
    new = split_total(n_new, col_w, rng)
    # Outcome mix for this unit: jittered, with many rare rows switched off.
    weights = {}
    for key, base in _OUTCOME_BASE.items():
        on = base >= 0.07 or rng.random() < 0.5
        weights[key] = base * rng.uniform(0.2, 1.8) if on else 0.0
    if not other_split:
        weights["other.total"] = (
            weights.pop("other.no_correction") + weights.pop("other.unpaid_fee") + weights.pop("other.other")
        )
    out_keys = outcome_rows(other_split)
    carry_in = rng.random() < 0.4
    carry_out = rng.random() < 0.45
    for c, n in zip(APP_PARTS, new, strict=True):
        carried = int(n * rng.uniform(0.0, 0.12)) if carry_in else 0
        if carry_in and n == 0 and c == "natural_person" and rng.random() < 0.3:
            carried = rng.randint(1, 2)
        avail = n + carried
        forward = int(avail * rng.uniform(0.0, 0.1)) if carry_out else 0
        handled = avail - forward
        jitter = [weights[k] * rng.uniform(0.7, 1.3) for k in out_keys]
        for k, v in zip(out_keys, split_total(handled, jitter, rng), strict=True):
            vals[f"applications.{k}.{c}"] = v
        vals[f"applications.new_received.{c}"] = n
        vals[f"applications.carried_over.{c}"] = carried
        vals[f"applications.carried_forward.{c}"] = forward
        vals[f"applications.total.{c}"] = handled
    for r in rows:  # relation 1: every row's total is the sum of its six parts
        vals[f"applications.{r.key}.total"] = sum(vals[f"applications.{r.key}.{c}"] for c in APP_PARTS)
    return vals


def _review(rng: random.Random, level: AdminLevel, zero: bool, n_new: int) -> dict[str, int]:
    """Cell values of ``review_litigation`` satisfying relation 4 (mostly zero)."""
    vals = {f"review_litigation.{g}.{c}": 0 for g in REVIEW_GROUPS for c in REVIEW_COLS}
    if zero or level in ("街道", "乡镇") and rng.random() < 0.9:
        return vals
    chance = {"review": 0.5, "litigation_direct": 0.3, "litigation_after_review": 0.2}
    for g in REVIEW_GROUPS:
        if rng.random() >= chance[g]:
            continue
        total = rng.randint(1, 2 + n_new // 40)
        parts = split_total(
            total, [rng.uniform(0.3, 1.0), rng.uniform(0, 0.3), rng.uniform(0, 0.3), rng.uniform(0, 0.4)], rng
        )
        for c, v in zip(REVIEW_COLS[:4], parts, strict=True):
            vals[f"review_litigation.{g}.{c}"] = v
        vals[f"review_litigation.{g}.total"] = total
    return vals


def _fees(rng: random.Random, level: AdminLevel, zero: bool) -> float | None:
    if rng.random() < 0.05:
        return None  # left blank in the printed table, as some real reports do
    if zero or rng.random() < (0.85 if level in ("街道", "乡镇") else 0.55):
        return 0.0
    decimals = rng.choice([0, 1, 2, 2, 3, 4, 4])
    amount = round(_log_uniform(rng, 0.01, 8000.0), decimals)
    return float(amount) if amount > 0 else 0.0


def _active(rng: random.Random, level: AdminLevel, zero: bool, template: str) -> dict[str, float | None]:
    """Cell values of ``active_disclosure``: small document counts, possibly large decision counts."""
    big = {"街道": 0.0, "乡镇": 0.1, "县区": 1.0, "地市": 2.0, "省级": 1.5, "部门": 0.8}[level]
    vals: dict[str, float | None] = {}
    for row in active_rows(template):  # type: ignore[arg-type]
        if row.key in ("rules", "normative_documents"):
            has = (row.key == "rules" and level in ("省级", "地市") and rng.random() < 0.8) or (
                row.key == "normative_documents" and not zero and rng.random() < (0.3 if big < 0.5 else 0.85)
            )
            issued = rng.randint(0, 6 if row.key == "rules" else int(5 + 15 * big)) if has else 0
            if template == "2019":
                published = issued if rng.random() < 0.8 else rng.randint(0, issued)
                total = published + (rng.randint(0, 30 + int(100 * big)) if has else 0)
                vals.update(
                    {
                        f"active_disclosure.{row.key}.newly_made": issued,
                        f"active_disclosure.{row.key}.newly_published": published,
                        f"active_disclosure.{row.key}.total_published": total,
                    }
                )
            else:
                repealed = rng.randint(0, max(0, issued // 2 + 2)) if has else 0
                in_force = issued + (rng.randint(0, 20 + int(150 * big)) if has else 0)
                vals.update(
                    {
                        f"active_disclosure.{row.key}.issued": issued,
                        f"active_disclosure.{row.key}.repealed": repealed,
                        f"active_disclosure.{row.key}.in_force": in_force,
                    }
                )
        elif row.key == "fees":
            vals["active_disclosure.fees.amount"] = _fees(rng, level, zero)
        else:
            scale = {"licensing": 8000, "punishment": 12000, "coercion": 300}[row.key]
            if zero and rng.random() < 0.85 or big == 0 and rng.random() < 0.8 or rng.random() < 0.15:
                n = 0
            else:
                n = int(_log_uniform(rng, 1, 1 + scale * max(big, 0.01)))
            vals[f"active_disclosure.{row.key}.decisions"] = n
    return vals


def make_tables(
    rng: random.Random, level: AdminLevel, template: str, other_split: bool, zero: bool
) -> TableValues:
    """Table values for one unit (relations 1–5 hold exactly)."""
    tv = TableValues(template=template, other_split=other_split, found=set(TABLE_NAMES))  # type: ignore[arg-type]
    tv.values.update(_applications(rng, level, zero, other_split))
    n_new = int(tv.values["applications.new_received.total"] or 0)
    tv.values.update(_review(rng, level, zero, n_new))
    tv.values.update(_active(rng, level, zero, template))
    return tv


# ---- the report ------------------------------------------------------------------------


def make_report(
    rng: random.Random,
    *,
    template: Literal["2021", "2019"] | None = None,
    admin_level: AdminLevel | None = None,
    year: int | None = None,
) -> SyntheticReport:
    """Draw one report's content; keyword arguments force a template, level or year."""
    level = admin_level or rng.choices(ADMIN_LEVELS, weights=_LEVEL_WEIGHTS)[0]
    if year is None:
        if template == "2019":
            year = 2019 if rng.random() < 0.5 else rng.randint(2020, 2025)
        else:
            year = rng.randint(2019, 2025) if template is None else rng.randint(2020, 2025)
    if template is None:
        template = "2019" if rng.random() < (0.9 if year == 2019 else 0.15) else "2021"
    other_split = template == "2021" and rng.random() >= 0.1
    unit = _make_unit(rng, level)
    zero = rng.random() < _ZERO_SHARE[level]
    month = rng.choice([1, 1, 1, 2, 3])
    day = rng.randint(1, 28 if month == 2 else 31)
    return SyntheticReport(
        organization=unit["organization"],
        title=_title(rng, unit["prefix"], year),
        admin_level=level,
        region=unit["region"],
        year=year,
        published=date(year + 1, month, day),
        template=template,
        tables=make_tables(rng, level, template, other_split, zero),
        self_refs=unit["self_refs"],
        short_name=unit["short_name"],
        upper=unit["upper"],
    )
