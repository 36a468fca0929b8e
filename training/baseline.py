"""Fit the baseline: TF-IDF char n-grams (sentence, previous, next) + position → logistic regression."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gongkai.models.baseline import N_DENSE, dense_features, field_texts
from gongkai.models.features import POSITION_BINS, char_ngrams
from gongkai.models.labels import CATEGORIES, TOPICS
from gongkai.models.lexicon import N_LEXICON, lexicon_features
from gongkai.models.linear import LinearModel
from gongkai.training.dataset import DocExamples


@dataclass
class BaselineParams:
    c: float = 4.0  # inverse regularisation of the topic model
    max_features: int = 60000  # per text field
    min_df: int = 2
    real_weight: float = 10.0  # sentence weight of hand-labelled real reports (few, but the target)
    weak_weight: float = 1.0
    category_c: float = 8.0
    position: float = 1.0  # scale of the position features (0: the model ignores where a sentence is)


def _vectorizer(max_features: int, min_df: int):
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer=lambda t: char_ngrams(t, 3), sublinear_tf=True, min_df=min_df,
                           max_features=max_features, dtype=np.float64)


def _weight(source: str, p: BaselineParams) -> float:
    return {"real": p.real_weight, "weak": p.weak_weight}.get(source, 1.0)


def fit_topics(examples: Sequence[DocExamples], p: BaselineParams) -> LinearModel:
    """Topic model over every labelled sentence of ``examples``."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.linear_model import LogisticRegression

    rows, dense, y, w = [], [], [], []
    for ex in examples:
        keep = [i for i, lab in enumerate(ex.labels) if lab is not None]
        ctx = [ex.contexts[i] for i in keep]
        rows += field_texts(ctx)
        d = dense_features(ctx)
        d[:, :POSITION_BINS] *= p.position  # a zero column gets a zero weight
        dense.append(d)
        y += [ex.labels[i] for i in keep]
        w += [_weight(ex.source, p)] * len(keep)
    vecs = [_vectorizer(p.max_features, p.min_df) for _ in range(3)]
    mats = [v.fit_transform([r[j] for r in rows]) for j, v in enumerate(vecs)]
    x = hstack([*mats, csr_matrix(np.vstack(dense))]).tocsr()
    clf = LogisticRegression(C=p.c, max_iter=2000)
    clf.fit(x, y, sample_weight=np.asarray(w))
    lm = LinearModel.from_sklearn(vecs, clf, [str(c) for c in clf.classes_], N_DENSE)
    # Fitted on scaled position columns; fold the scale into the weights so that inference,
    # which sees unscaled 0/1 columns, computes the same scores.
    first = sum(m.shape[1] for m in mats)
    lm.coef[:, first : first + POSITION_BINS] *= p.position
    return lm


def fit_categories(examples: Sequence[DocExamples], p: BaselineParams) -> LinearModel:
    """One-vs-rest logistic regression over problems/improvements items (multi-label)."""
    from sklearn.linear_model import LogisticRegression

    texts, targets, w = [], [], []
    for ex in examples:
        for t, cats in ex.items:
            texts.append(t)
            targets.append(cats)
            w.append(_weight(ex.source, p))
    from scipy.sparse import csr_matrix, hstack

    vec = _vectorizer(p.max_features, p.min_df)
    x = hstack([vec.fit_transform(texts), csr_matrix(lexicon_features(texts))]).tocsr()
    coef = np.zeros((len(CATEGORIES), x.shape[1]))
    intercept = np.full(len(CATEGORIES), -10.0)
    for k, c in enumerate(CATEGORIES):
        yk = np.array([c in cats for cats in targets])
        if yk.all() or not yk.any():
            continue  # a category never (or always) seen keeps a constant score
        clf = LogisticRegression(C=p.category_c, max_iter=2000)
        clf.fit(x, yk, sample_weight=np.asarray(w))
        coef[k] = clf.coef_[0]
        intercept[k] = clf.intercept_[0]

    class _Stack:
        coef_ = coef
        intercept_ = intercept

    return LinearModel.from_sklearn([vec], _Stack, list(CATEGORIES), N_LEXICON)


__all__ = ["BaselineParams", "fit_categories", "fit_topics", "TOPICS"]
