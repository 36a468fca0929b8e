"""Narrative text of a synthetic report, per topic, with figures that agree with the tables.

The narrative is a list of paragraphs per place in the report; each paragraph is a list of
:class:`Part` s, and each part with a topic becomes one gold segment. Parts are whole
paragraphs for most topics and single enumerated items (or lead-in/closing sentences) in
``problems``/``improvements``, so every problem sentence carries its own categories.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from string import Formatter

from gongkai.data.synth import phrases as P
from gongkai.data.synth.content import SyntheticReport

CATEGORIES = tuple(P.PROBLEMS)

# Narrative fields that state a table figure (relation 6), mapped to the cell they state.
_STATED_FIELDS = {
    "new": "applications.new_received.total",
    "np": "applications.new_received.natural_person",
    "carried": "applications.carried_over.total",
    "forward": "applications.carried_forward.total",
    "granted": "applications.granted.total",
    "partial": "applications.partially_granted.total",
    "not_held": "applications.unable.not_held.total",
    "review": "review_litigation.review.total",
    "fees": "active_disclosure.fees.amount",
    "issued": "active_disclosure.normative_documents.issued",
    "repealed": "active_disclosure.normative_documents.repealed",
    "in_force": "active_disclosure.normative_documents.in_force",
}
_STATED_2019 = {
    "issued": "active_disclosure.normative_documents.newly_made",
    "published": "active_disclosure.normative_documents.newly_published",
}


@dataclass
class Part:
    """A run of paragraph text: a segment if ``topic`` is set, else an inline heading/lead-in."""

    text: str
    topic: str | None = None
    categories: tuple[str, ...] = ()


@dataclass
class Paragraph:
    parts: list[Part]

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.parts)


@dataclass
class Narrative:
    """All narrative of one report, by where it is printed."""

    preamble: list[Paragraph] = field(default_factory=list)  # before section 1
    overview: list[Paragraph] = field(default_factory=list)  # opening of section 1 (topic preamble)
    topics: dict[str, list[Paragraph]] = field(default_factory=dict)  # section 1 (一)…(五)
    problems: list[Paragraph] = field(default_factory=list)
    improvements: list[Paragraph] = field(default_factory=list)
    other_matters: list[Paragraph] = field(default_factory=list)
    stated: dict[str, float | int] = field(default_factory=dict)  # cell key -> figure stated
    spaced_numbers: bool = False  # "收到申请 12 件", as PDF extraction often leaves it
    ascii_punct: bool = False  # ",;:()" instead of "，；：（）", as some sites print

    def all_paragraphs(self) -> list[Paragraph]:
        """Every paragraph, in document order."""
        out = list(self.preamble) + list(self.overview)
        for t in SECTION1_TOPICS:
            out += self.topics.get(t, [])
        return out + self.problems + self.improvements + self.other_matters


SECTION1_TOPICS = (
    "proactive_disclosure",
    "request_disclosure",
    "information_management",
    "platforms",
    "supervision",
)


def fmt_amount(v: float) -> str:
    """A 万元 amount without trailing zeros: 12.3900 → 12.39, 3.0 → 3."""
    s = f"{v:.4f}".rstrip("0").rstrip(".")
    return s or "0"


class _Writer:
    """Fills templates from one report's values and records the figures it states."""

    def __init__(self, report: SyntheticReport, rng: random.Random):
        self.rng = rng
        self.report = report
        v = report.tables.values
        region = report.region
        level = report.admin_level
        scale = {"街道": 1, "乡镇": 1, "县区": 6, "地市": 15, "省级": 12, "部门": 4}[level]
        pub = rng.randint(15, 120) * scale + rng.randint(0, 50)
        interp = rng.randint(1, 4 * scale + 3)
        county = region.get("county") or ""
        host = county or region.get("city") or region.get("province") or ""
        if level in ("街道", "乡镇"):
            site = rng.choice([f"{county}人民政府门户网站", f"“{county}人民政府”网站"])
        else:
            site = rng.choice(
                [
                    f"{report.organization}门户网站",
                    f"{host}人民政府门户网站",
                    f"“{report.short_name}”政府网站",
                ]
            )
        self.stated: dict[str, float | int] = {}
        self.fields: dict[str, object] = {
            "org": report.organization,
            "short": report.short_name,
            "year": report.year,
            "next_year": report.year + 1,
            "upper": report.upper,
            "site": site,
            "hall": rng.choice(P.HALLS),
            "addr": f"{region.get('city') or region.get('province')}{county}{rng.choice(['人民路', '建设路', '政务路', '府前街', '中心大道'])}{rng.randint(1, 399)}号",
            "zip": f"{rng.randint(10, 85)}{rng.randint(0, 9999):04d}",
            "tel": f"0{rng.randint(310, 999)}-{rng.randint(2000000, 8999999)}",
            "pub": pub,
            "keyinfo": rng.randint(pub // 5, pub // 2),
            "boards": rng.randint(4, 52),
            "interp": interp,
            "graphic": rng.randint(0, interp),
            "wechat": rng.randint(10, 200) * scale,
            "replies": rng.randint(5, 80) * scale,
            "staff": rng.randint(1, 6),
            "trainings": rng.randint(1, 6),
            "trainees": rng.randint(8, 60) * max(1, scale // 2),
            "npc": rng.randint(0, 12) * scale,
            "cppcc": rng.randint(0, 15) * scale,
            # figures from the tables (relation 6)
            "new": int(v["applications.new_received.total"] or 0),
            "np": int(v["applications.new_received.natural_person"] or 0),
            "org_n": int(v["applications.new_received.total"] or 0)
            - int(v["applications.new_received.natural_person"] or 0),
            "carried": int(v["applications.carried_over.total"] or 0),
            "forward": int(v["applications.carried_forward.total"] or 0),
            "granted": int(v["applications.granted.total"] or 0),
            "partial": int(v["applications.partially_granted.total"] or 0),
            "not_held": int(v["applications.unable.not_held.total"] or 0),
            "review": int(v["review_litigation.review.total"] or 0),
            "litigation": int(v["review_litigation.litigation_direct.total"] or 0)
            + int(v["review_litigation.litigation_after_review.total"] or 0),
        }
        fees = v.get("active_disclosure.fees.amount")
        self.fields["fees"] = fmt_amount(fees) if fees is not None else ""
        if report.template == "2019":
            self.fields["issued"] = v["active_disclosure.normative_documents.newly_made"]
            self.fields["published"] = v["active_disclosure.normative_documents.newly_published"]
        else:
            for c in ("issued", "repealed", "in_force"):
                self.fields[c] = v[f"active_disclosure.normative_documents.{c}"]

    def fill(self, template: str) -> str:
        for _, name, _, _ in Formatter().parse(template):
            key = _STATED_FIELDS.get(name or "")
            if self.report.template == "2019" and name in _STATED_2019:
                key = _STATED_2019[name]
            if key:
                value = self.report.tables.values[key]
                if value is not None:
                    self.stated[key] = value
        self.fields["ref"] = self.rng.choice(self.report.self_refs)
        return template.format(**self.fields)

    def pick(self, bank: tuple[str, ...], k: int) -> list[str]:
        """``k`` different sentences of ``bank`` in bank order (keeps the prose coherent)."""
        idx = sorted(self.rng.sample(range(len(bank)), min(k, len(bank))))
        return [self.fill(bank[i]) for i in idx]

    def one(self, bank: tuple[str, ...]) -> str:
        return self.fill(self.rng.choice(bank))


def _paras(topic: str, sentences: list[str], rng: random.Random) -> list[Paragraph]:
    """Group sentences into one or two paragraphs of ``topic``."""
    if len(sentences) >= 4 and rng.random() < 0.35:
        cut = rng.randint(2, len(sentences) - 1)
        groups = [sentences[:cut], sentences[cut:]]
    else:
        groups = [sentences]
    return [Paragraph([Part("".join(g), topic)]) for g in groups if g]


def _section1(w: _Writer) -> dict[str, list[Paragraph]]:
    rng, f, r = w.rng, w.fields, w.report
    out: dict[str, list[Paragraph]] = {}
    # (一) 主动公开
    s = []
    if rng.random() < 0.7:
        s.append(w.one(P.PROACTIVE["open"]))
    s += w.pick(P.PROACTIVE["body"], rng.randint(1, 3))
    if rng.random() < 0.6:
        if f["issued"]:
            s.append(w.one(P.PROACTIVE_DOCS_2019 if r.template == "2019" else P.PROACTIVE_DOCS_2021))
        else:
            s.append(w.one(P.PROACTIVE_NO_DOCS))
            w.stated[
                "active_disclosure.normative_documents."
                + ("newly_made" if r.template == "2019" else "issued")
            ] = 0
    fees = r.tables.values.get("active_disclosure.fees.amount")
    if fees and rng.random() < 0.6:
        s.append(w.one(P.FEES_STATED))
    elif fees == 0 and rng.random() < 0.15:
        s.append(w.one(P.FEES_ZERO))
        w.stated["active_disclosure.fees.amount"] = 0.0
    out["proactive_disclosure"] = _paras("proactive_disclosure", s, rng)
    # (二) 依申请公开
    s = []
    if f["new"]:
        s.append(w.one(P.REQUEST["received"]))
        if rng.random() < 0.5:
            s.append(w.one(P.REQUEST["outcome"]))
        if rng.random() < 0.6:
            s.append(w.one(P.REQUEST["forward"] if f["forward"] else P.REQUEST["all_done"]))
            if not f["forward"]:
                w.stated["applications.carried_forward.total"] = 0
    else:
        s.append(w.one(P.REQUEST["none"]))
        w.stated["applications.new_received.total"] = 0
    s += w.pick(P.REQUEST["process"], rng.randint(1, 2))
    if rng.random() < 0.5:
        if f["review"] or f["litigation"]:
            s.append(w.one(P.REQUEST["review"]))
        else:
            s.append(w.one(P.REQUEST["review_none"]))
            w.stated["review_litigation.review.total"] = 0
    if rng.random() < 0.3:  # some units describe the process first
        s = s[-1:] + s[:-1] if len(s) > 2 else s
    out["request_disclosure"] = _paras("request_disclosure", s, rng)
    out["information_management"] = _paras(
        "information_management", w.pick(P.MANAGEMENT, rng.randint(2, 4)), rng
    )
    out["platforms"] = _paras("platforms", w.pick(P.PLATFORMS, rng.randint(2, 4)), rng)
    out["supervision"] = _paras("supervision", w.pick(P.SUPERVISION, rng.randint(2, 4)), rng)
    return out


def _ordinal(style: str, i: int) -> str:
    cn = P.ORDINALS_CN[i]
    return {
        "是": f"{cn}是",
        "第": f"第{cn}，",
        "括": f"（{cn}）",
        "点": f"{i + 1}.",
        "顿": f"{i + 1}、",
        "小括": f"（{i + 1}）",
    }[style]


def _draw_items(rng: random.Random) -> list[tuple[str, ...]]:
    """1–4 problem items; each names one category, sometimes two."""
    k = rng.choices([1, 2, 3, 4], weights=[20, 35, 30, 15])[0]
    cats = rng.sample(CATEGORIES, k)
    items: list[tuple[str, ...]] = [(c,) for c in cats]
    if rng.random() < 0.15:
        extra = rng.choice([c for c in CATEGORIES if c not in cats])
        j = rng.randrange(len(items))
        items[j] = items[j] + (extra,)
    return items


def _clause(bank: dict[str, tuple[str, ...]], cats: tuple[str, ...], rng: random.Random, extra: bool) -> str:
    parts = [rng.choice(bank[c]) for c in cats]
    if extra and len(cats) == 1 and rng.random() < 0.4:
        more = [x for x in bank[cats[0]] if x != parts[0]]
        parts.append(rng.choice(more))
    return "，".join(parts)


def _enumerate(
    w: _Writer,
    topic: str,
    items: list[tuple[str, ...]],
    intro: str | None,
    closing: str | None,
    improving: bool,
) -> list[Paragraph]:
    """Paragraphs of a problems/improvements passage: one part per item, generic parts uncategorised."""
    rng = w.rng
    bank = P.IMPROVEMENTS if improving else P.PROBLEMS
    clauses = [_clause(bank, cats, rng, improving) for cats in items]
    layout = rng.choice(["inline", "inline", "paras"])
    out: list[Paragraph] = []
    if layout == "inline":
        style = rng.choice(["是", "是", "是", "第", "括", "小括"])
        parts = [Part(intro, topic)] if intro else []
        for i, (cats, cl) in enumerate(zip(items, clauses, strict=True)):
            end = "。" if i == len(items) - 1 else "；"
            parts.append(Part(f"{_ordinal(style, i)}{cl}{end}", topic, cats))
        if intro and intro.endswith("。") and rng.random() < 0.5:
            out.append(Paragraph(parts[:1]))
            parts = parts[1:]
        out.append(Paragraph(parts))
        if closing:
            if rng.random() < 0.5:
                out[-1].parts.append(Part(closing, topic))
            else:
                out.append(Paragraph([Part(closing, topic)]))
        return out
    style = rng.choice(["括", "点", "顿", "是"])
    if intro:
        out.append(Paragraph([Part(intro, topic)]))
    sep = "" if style == "是" else rng.choice(["", "", " "])
    for i, (cats, cl) in enumerate(zip(items, clauses, strict=True)):
        head = P.HEADLINES[cats[0]][1 if improving else 0]
        text = (
            f"{_ordinal(style, i)}{sep}{head}。{cl}。"
            if rng.random() < 0.6
            else f"{_ordinal(style, i)}{sep}{cl}。"
        )
        out.append(Paragraph([Part(text, topic, cats)]))
    if closing:
        out.append(Paragraph([Part(closing, topic)]))
    return out


def _section5(w: _Writer) -> tuple[list[Paragraph], list[Paragraph]]:
    rng = w.rng
    items = _draw_items(rng)
    intro = w.one(P.PROBLEM_INTROS) if rng.random() < 0.8 else None
    problems = _enumerate(w, "problems", items, intro, None, improving=False)
    fixes = list(items)
    if rng.random() < 0.1:  # an extra measure for a problem that was not named
        fixes.append((rng.choice([c for c in CATEGORIES if all(c not in it for it in items)]),))
    intro = w.one(P.IMPROVEMENT_INTROS) if rng.random() < 0.7 else None
    closing = w.one(P.IMPROVEMENT_CLOSINGS) if rng.random() < 0.4 else None
    improvements = _enumerate(w, "improvements", fixes, intro, closing, improving=True)
    return problems, improvements


def _section6(w: _Writer) -> list[Paragraph]:
    rng = w.rng
    if rng.random() < 0.3:
        return [Paragraph([Part(rng.choice(P.OTHER_NONE), "other_matters")])]
    s = []
    if rng.random() < 0.8:
        # The processing-fee rules date from the end of 2020; earlier reports cite none.
        s.append(w.one(P.OTHER_FEES if w.report.year >= 2020 else P.OTHER_FEES[:1]))
    if rng.random() < 0.4:
        s.append(w.one(P.OTHER_PROPOSALS if w.fields["npc"] or w.fields["cppcc"] else P.OTHER_NO_PROPOSALS))
    if rng.random() < 0.4:
        s.append(w.one(P.OTHER_TASKS))
    if not s:
        s.append(rng.choice(P.OTHER_NONE))
    if len(s) > 1 and rng.random() < 0.5:
        return [Paragraph([Part(x, "other_matters")]) for x in s]
    return [Paragraph([Part("".join(s), "other_matters")])]


def _preamble(w: _Writer) -> tuple[list[Paragraph], list[Paragraph]]:
    """Opening paragraphs before section 1, and the overview paragraph opening section 1."""
    rng = w.rng
    pre: list[Paragraph] = []
    period_done = False
    if rng.random() < 0.6:
        s = [w.one(P.PREAMBLE_BASIS)]
        if rng.random() < 0.6:
            s.append(w.one(P.PREAMBLE_CONTENTS))
        if rng.random() < 0.5:
            s.append(w.one(P.STATS_PERIOD))
            period_done = True
        if rng.random() < 0.4:
            s.append(w.one(P.PREAMBLE_ONLINE))
        contact = w.one(P.PREAMBLE_CONTACT) if rng.random() < 0.5 else None
        if contact and rng.random() < 0.5:
            s.append(contact)
            contact = None
        pre.append(Paragraph([Part("".join(s), "preamble")]))
        if contact:
            pre.append(Paragraph([Part(contact, "preamble")]))
    overview: list[Paragraph] = []
    if rng.random() < 0.55:
        s = w.pick(P.OVERVIEW, rng.randint(1, 2))
        if not period_done and rng.random() < 0.3:
            s.append(w.one(P.STATS_PERIOD))
        overview.append(Paragraph([Part("".join(s), "preamble")]))
    return pre, overview


_CJK = "\u4e00-\u9fff"
_NUM_BEFORE = re.compile(rf"(?<=[{_CJK}“”）])(\d+(?:\.\d+)?)")
_NUM_AFTER = re.compile(rf"(\d)(?=[{_CJK}“”（])")
_ASCII = str.maketrans({"，": ",", "；": ";", "：": ":", "（": "(", "）": ")"})


def restyle(text: str, spaced_numbers: bool, ascii_punct: bool) -> str:
    """Apply a report-wide print style (spaced numbers, ASCII punctuation) to any text."""
    if spaced_numbers:
        text = _NUM_AFTER.sub(r"\1 ", _NUM_BEFORE.sub(r" \1", text))
    if ascii_punct:
        text = text.translate(_ASCII)
    return text


def make_narrative(report: SyntheticReport, rng: random.Random) -> Narrative:
    """Narrative for every topic of ``report``; figures agree with its tables."""
    w = _Writer(report, rng)
    pre, overview = _preamble(w)
    topics = _section1(w)
    problems, improvements = _section5(w)
    other = _section6(w)
    n = Narrative(
        preamble=pre,
        overview=overview,
        topics=topics,
        problems=problems,
        improvements=improvements,
        other_matters=other,
        stated=dict(w.stated),
        spaced_numbers=rng.random() < 0.25,
        ascii_punct=rng.random() < 0.1,
    )
    for para in n.all_paragraphs():
        for part in para.parts:
            part.text = restyle(part.text, n.spaced_numbers, n.ascii_punct)
    return n
