"""Give generated training reports the variety of real ones (after headings are removed).

Real reports that the generator does not imitate, as seen in the hand-labelled real reports'
errors: leadership and organisation (supervision) described first in section 1; the old (pre-2019)
outline's order (organisation first, then what was published and where, requests, problems); work in every
topic enumerated under short headlines (一是加强组织领导。…); long sector-by-sector passages
under 主动公开; more ways to word each topic; problems and measures opened and closed by
sentences that name no category. Each transform keeps the gold spans exact: it works on the
stripped document as a list of labelled blocks and reassembles text and spans from them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from gongkai.data.synth.phrases import ORDINALS_CN
from gongkai.training import variety_phrases as V
from gongkai.training.documents import LabelledDoc, LabelledSpan


@dataclass(frozen=True)
class Block:
    gap: str  # text before the block (line breaks, table rows), unlabelled
    text: str
    topic: str
    categories: tuple[str, ...] = ()


def to_blocks(doc: LabelledDoc) -> tuple[list[Block], str]:
    """The document as labelled blocks, and the unlabelled tail after the last one."""
    blocks, pos = [], 0
    for s in sorted(doc.spans, key=lambda s: s.start):
        if s.start < pos:
            continue
        blocks.append(Block(doc.text[pos : s.start], doc.text[s.start : s.end], s.topic, tuple(s.categories)))
        pos = s.end
    return blocks, doc.text[pos:]


def from_blocks(doc: LabelledDoc, blocks: list[Block], tail: str) -> LabelledDoc:
    parts, spans, n = [], [], 0
    for b in blocks:
        parts += [b.gap, b.text]
        n += len(b.gap)
        spans.append(LabelledSpan(n, n + len(b.text), b.topic, b.categories))
        n += len(b.text)
    parts.append(tail)
    return LabelledDoc(doc.name, "".join(parts), spans, doc.source, dict(doc.meta, variety=True))


def _fill(s: str, ref: str) -> str:
    return s.replace("{ref}", ref)


def _ordinal(style: str, i: int) -> str:
    cn = ORDINALS_CN[i]
    return {"是": f"{cn}是", "括": f"（{cn}）", "点": f"{i + 1}.", "顿": f"{i + 1}、", "小括": f"({i + 1})"}[style]


def enumerated(topic: str, rng: random.Random, ref: str) -> str:
    """An enumerated passage of ``topic``: 2–4 items, each a headline and one or two sentences."""
    heads = rng.sample(V.HEADLINES[topic], min(len(V.HEADLINES[topic]), rng.randint(2, 4)))
    style = rng.choice(["是", "是", "括", "点", "顿", "小括"])
    out = []
    for i, h in enumerate(heads):
        body = "".join(_fill(s, ref) for s in rng.sample(V.SENTENCES[topic], rng.randint(1, 2)))
        out.append(f"{_ordinal(style, i)}{h}。{body}")
    return "".join(out)


def add_sentences(blocks: list[Block], rng: random.Random, ref: str, p: float) -> list[Block]:
    """Insert 1–3 extra sentences of the block's own topic at a sentence end inside it."""
    out = []
    for b in blocks:
        if b.topic in V.SENTENCES and rng.random() < p:
            cuts = [i + 1 for i, ch in enumerate(b.text) if ch == "。"] or [len(b.text)]
            at = rng.choice(cuts)
            extra = "".join(_fill(s, ref) for s in rng.sample(V.SENTENCES[b.topic], rng.randint(1, 3)))
            b = replace(b, text=b.text[:at] + extra + b.text[at:])
        out.append(b)
    return out


def add_enumerations(blocks: list[Block], rng: random.Random, ref: str, p: float) -> list[Block]:
    """After some section-1 blocks, a paragraph of enumerated work of the same topic."""
    out: list[Block] = []
    for i, b in enumerate(blocks):
        out.append(b)
        last_of_topic = i + 1 == len(blocks) or blocks[i + 1].topic != b.topic
        if b.topic in V.HEADLINES and last_of_topic and rng.random() < p:
            out.append(Block("\n", enumerated(b.topic, rng, ref), b.topic))
    return out


def supervision_first(blocks: list[Block]) -> list[Block]:
    """Move the supervision blocks to the start of section 1 (after the preamble)."""
    sup = [b for b in blocks if b.topic == "supervision"]
    if not sup:
        return blocks
    rest: list[Block] = []
    carry = ""
    for b in blocks:
        if b.topic == "supervision":
            if b.gap.strip():  # table rows in the gap stay where they were
                carry += b.gap
            continue
        rest.append(replace(b, gap=carry + b.gap) if carry else b)
        carry = ""
    at = max((i + 1 for i, b in enumerate(rest) if b.topic == "preamble"), default=0)
    moved = [replace(b, gap="\n" if (k or at) else "") for k, b in enumerate(sup)]
    if at == 0 and rest:
        rest[0] = replace(rest[0], gap="\n" + rest[0].gap.lstrip("\n"))
    return rest[:at] + moved + rest[at:]


# The outline before 2019: 概述 (organisation, rules, then the year's work), 主动公开 (what was
# published and where), 依申请公开 / 收费 / 复议诉讼 (requests), 问题和改进.
OLD_OUTLINE = ("preamble", "supervision", "information_management", "proactive_disclosure", "platforms",
               "request_disclosure", "problems", "improvements", "other_matters")


def old_outline(blocks: list[Block]) -> list[Block]:
    """The blocks in the old outline's order (stable within a topic; gaps move with their block)."""
    order = {t: i for i, t in enumerate(OLD_OUTLINE)}
    return sorted(blocks, key=lambda b: order.get(b.topic, len(order)))


def add_openers(blocks: list[Block], rng: random.Random, ref: str, p: float) -> list[Block]:
    """Uncategorised opening/closing sentences of the problems and improvements passages."""
    out: list[Block] = []
    first = {}
    last = {}
    for i, b in enumerate(blocks):
        first.setdefault(b.topic, i)
        last[b.topic] = i
    for i, b in enumerate(blocks):
        if i == first.get("problems") and rng.random() < p:
            out.append(Block(b.gap, _fill(rng.choice(V.PROBLEM_OPENERS), ref), "problems"))
            b = replace(b, gap=rng.choice(["", "\n"]))
        if i == first.get("improvements") and rng.random() < p:
            out.append(Block(b.gap, _fill(rng.choice(V.IMPROVEMENT_OPENERS), ref), "improvements"))
            b = replace(b, gap=rng.choice(["", "\n"]))
        out.append(b)
        if i == last.get("improvements") and rng.random() < p / 2:
            out.append(Block(rng.choice(["", "\n"]), _fill(rng.choice(V.IMPROVEMENT_CLOSERS), ref), "improvements"))
    return out


def vary(doc: LabelledDoc, rng: random.Random, p: float = 0.5) -> LabelledDoc:
    """Apply the transforms to a stripped generated report, each with a probability scaled by ``p``."""
    if p <= 0:
        return doc
    blocks, tail = to_blocks(doc)
    ref = rng.choice(V.REFS)
    blocks = add_sentences(blocks, rng, ref, p * 0.6)
    blocks = add_enumerations(blocks, rng, ref, p * 0.5)
    if rng.random() < p * 0.3:
        blocks = old_outline(blocks)
    elif rng.random() < p * 0.5:
        blocks = supervision_first(blocks)
    blocks = add_openers(blocks, rng, ref, p * 0.6)
    return from_blocks(doc, blocks, tail)
