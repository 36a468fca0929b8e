"""Baseline training on a tiny set, exported scoring, categories, the spaCy component, the parser hook."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("sklearn")
pytest.importorskip("spacy")

from gongkai.models.labels import CATEGORIES, TOPICS  # noqa: E402
from gongkai.training.config import TrainConfig  # noqa: E402
from gongkai.training.dataset import build  # noqa: E402
from gongkai.training.documents import strip_headings  # noqa: E402
from gongkai.training.synth_data import synth_docs  # noqa: E402
from gongkai.training.train import fit_baseline, save_model  # noqa: E402

TEXT = """某某街道办事处2023年政府信息公开工作年度报告
本报告根据《中华人民共和国政府信息公开条例》编制，所列数据统计期限自2023年1月1日起至2023年12月31日止。
我街道全年主动公开政府信息120条，及时发布政策文件和工作动态。
2023年共收到政府信息公开申请3件，均在法定期限内答复。
严格落实信息发布保密审查制度，对拟公开信息逐条审核。
依托区政府门户网站开设政务公开专栏，用好政务微信公众号。
成立政务公开工作领导小组，将政务公开纳入年度考核。
我街道政府信息公开工作仍存在一些不足：一是工作人员业务能力有待提高；二是信息更新不够及时。
下一步，我们将加强业务培训，提高工作人员业务水平；建立信息更新台账，确保及时更新。
本年度未收取信息处理费。
"""


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    cfg = TrainConfig()
    cfg.baseline.min_df = 1
    cfg.baseline.max_features = 20000
    examples = [build(strip_headings(d)) for d in synth_docs(24, seed=7)]
    seg = fit_baseline(examples, cfg)
    folder = tmp_path_factory.mktemp("topic-model")
    save_model(folder, "baseline", seg, cfg, {})
    return folder, seg, examples


def test_baseline_learns_generated_reports(tiny_model):
    _, seg, examples = tiny_model
    test = [build(strip_headings(d)) for d in synth_docs(3, seed=8)]
    res = seg.analyse_split([e.text for e in test], [e.sentences for e in test])
    got = {s.start: s.topic for r in res for s in r.sentences}
    gold = [(s.start, lab) for e in test for s, lab in zip([x for x in e.sentences if x.kind == "text"], e.labels,
                                                          strict=True) if lab]
    right = sum(got.get(a) == lab for a, lab in gold)
    assert right / len(gold) > 0.9


def test_exported_scores_equal_sklearn(tiny_model):
    """The numpy scorer reproduces the fitted TF-IDF + logistic regression exactly."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.linear_model import LogisticRegression

    from gongkai.models.baseline import dense_features, field_texts
    from gongkai.models.linear import LinearModel
    from gongkai.training.baseline import _vectorizer

    _, _, examples = tiny_model
    ctx = [c for e in examples[:6] for c, lab in zip(e.contexts, e.labels, strict=True) if lab]
    y = [lab for e in examples[:6] for lab in e.labels if lab]
    rows = field_texts(ctx)
    vecs = [_vectorizer(5000, 1) for _ in range(3)]
    x = hstack([*(v.fit_transform([r[j] for r in rows]) for j, v in enumerate(vecs)),
                csr_matrix(dense_features(ctx))]).tocsr()
    clf = LogisticRegression(max_iter=500).fit(x, y)
    lm = LinearModel.from_sklearn(vecs, clf, list(clf.classes_), dense_features(ctx).shape[1])
    np.testing.assert_allclose(lm.scores(rows, dense_features(ctx)), clf.decision_function(x), atol=1e-4)


def test_segments_are_contiguous_and_categories_multilabel(tiny_model):
    _, seg, _ = tiny_model
    res = seg.analyse([TEXT])[0]
    assert res.segments, "no segments"
    for a, b in zip(res.segments, res.segments[1:], strict=False):
        assert a.end <= b.start
    assert all(s.topic in TOPICS for s in res.segments)
    for s in res.segments:
        assert set(s.categories) <= set(CATEGORIES)
        if s.topic not in ("problems", "improvements"):
            assert s.categories == []
    assert seg.categories is not None
    multi = seg.categories.predict(["一是工作人员业务能力有待提高，信息更新不够及时，政策解读形式单一。"])[0]
    assert len(multi) >= 2


def test_spacy_component_end_to_end(tiny_model):
    from gongkai.models import load_pipeline

    folder, _, _ = tiny_model
    nlp = load_pipeline(folder)
    assert nlp.pipe_names == ["gongkai_sentences", "topic_classifier"]
    docs = list(nlp.pipe([TEXT, TEXT[:200]], batch_size=2))
    sents = list(docs[0].sents)
    assert len(sents) >= 10
    assert all(s._.topic in TOPICS for s in sents)
    assert all(0.0 <= s._.topic_score <= 1.0 for s in sents)
    assert docs[0]._.segments and docs[1]._.segments
    assert sents[-1]._.topic == "other_matters"


def test_parse_text_uses_a_given_segmenter(tiny_model):
    import gongkai
    from gongkai.models import topic_segmenter

    folder, _, _ = tiny_model
    plain = gongkai.parse_text(TEXT)
    with_model = gongkai.parse_text(TEXT, segmenter=topic_segmenter(folder))
    assert with_model.segments and all(s.score is not None for s in with_model.segments)
    assert all(s.score is None for s in plain.segments)  # heading fallback stays the default


def test_model_folder_is_plain_files(tiny_model):
    folder, _, _ = tiny_model
    info = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    assert info["kind"] == "baseline" and len(info["decoder"]["log_trans"]) == len(TOPICS)
    assert {p.name for p in folder.iterdir()} >= {"model.json", "topics.npz", "categories.npz"}
