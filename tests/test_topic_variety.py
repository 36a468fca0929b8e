"""The variety transforms keep gold spans exact, move supervision first, and are read from the config."""

from __future__ import annotations

import random

import pytest

from gongkai.training import variety_phrases as V
from gongkai.training.config import read_config
from gongkai.training.documents import LabelledDoc, strip_headings
from gongkai.training.synth_data import synth_docs
from gongkai.training.variety import enumerated, from_blocks, supervision_first, to_blocks, vary


@pytest.fixture(scope="module")
def docs() -> list[LabelledDoc]:
    return [strip_headings(d) for d in synth_docs(12, seed=31, formats=("txt",))]


def _ordered(doc: LabelledDoc) -> bool:
    spans = sorted(doc.spans, key=lambda s: s.start)
    return all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))


def test_blocks_round_trip(docs):
    for d in docs:
        blocks, tail = to_blocks(d)
        back = from_blocks(d, blocks, tail)
        assert back.text == d.text
        assert [(s.start, s.end, s.topic, tuple(s.categories)) for s in back.spans] == \
               [(s.start, s.end, s.topic, tuple(s.categories)) for s in sorted(d.spans, key=lambda s: s.start)]


def test_vary_keeps_spans_exact_and_adds_text(docs):
    rng = random.Random(5)
    grew = 0
    for d in docs:
        v = vary(d, rng, 1.0)
        assert _ordered(v)
        # Every original span's text survives inside a span of the same topic (sentences may be
        # inserted into it, never removed), and table rows between spans are all still there.
        for s in d.spans:
            original = d.text[s.start : s.end]
            first = original.split("。")[0]
            assert any(t.topic == s.topic and first in v.text[t.start : t.end] for t in v.spans), (s.topic, first)
        rows = [ln for ln in d.text.split("\n") if "\t" in ln]
        assert [ln for ln in v.text.split("\n") if "\t" in ln] == rows
        # Added wording is labelled with the topic it was written for.
        for s in v.spans:
            for topic, bank in V.SENTENCES.items():
                for sent in bank:
                    if "{" not in sent and sent in v.text[s.start : s.end]:
                        assert s.topic == topic, (sent, s.topic)
        grew += len(v.text) > len(d.text)
    assert grew >= len(docs) // 2


def test_vary_off_is_identity(docs):
    assert vary(docs[0], random.Random(0), 0.0) is docs[0]


def test_supervision_first_follows_the_preamble(docs):
    d = next(d for d in docs if any(s.topic == "supervision" for s in d.spans))
    blocks, tail = to_blocks(d)
    moved = from_blocks(d, supervision_first(blocks), tail)
    topics = [s.topic for s in sorted(moved.spans, key=lambda s: s.start)]
    first_sup = topics.index("supervision")
    assert set(topics[:first_sup]) <= {"preamble"}
    assert topics.count("supervision") == [s.topic for s in d.spans].count("supervision")
    assert sorted(moved.text.replace("\n", "")) == sorted(d.text.replace("\n", ""))


def test_enumerated_items_open_with_headlines():
    text = enumerated("supervision", random.Random(2), "我街道")
    assert any(h + "。" in text for h in V.HEADLINES["supervision"])
    assert text[0] in "一（12(" and "{" not in text


def test_config_reads_variety(tmp_path):
    cfg = tmp_path / "t.cfg"
    cfg.write_text("[data]\nvariety = 0.7\n", encoding="utf-8")
    assert read_config(cfg).data.variety == pytest.approx(0.7)
