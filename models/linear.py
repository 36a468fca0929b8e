"""A TF-IDF + linear model stored as plain arrays, scored with numpy (no scikit-learn needed).

Training fits scikit-learn's ``TfidfVectorizer`` (with :func:`char_ngrams` as analyzer,
sublinear tf, l2 norm) and a linear model; :meth:`LinearModel.from_sklearn` exports their
numbers, and :meth:`scores` reproduces ``decision_function`` exactly. Plain arrays load across
library versions, unlike pickles, and keep the shipped model small.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gongkai.models.features import char_ngrams


@dataclass
class TfidfField:
    vocab: dict[str, int]
    idf: np.ndarray
    offset: int  # first column of this field in the joint feature space
    n_max: int = 3

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        return self.features_of(Counter(char_ngrams(text, self.n_max)))

    def features_of(self, grams: Counter[str]) -> tuple[np.ndarray, np.ndarray]:
        """Columns (ascending) and l2-normed sublinear TF-IDF values of the counted n-grams."""
        get = self.vocab.get
        found = sorted((i, n) for g, n in grams.items() if (i := get(g)) is not None)
        if not found:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        cols = np.fromiter((i for i, _ in found), dtype=np.int64, count=len(found))
        counts = np.fromiter((n for _, n in found), dtype=np.int64, count=len(found))
        vals = (1.0 + np.log(counts)) * self.idf[cols]
        vals /= np.linalg.norm(vals) or 1.0
        return cols + self.offset, vals


@dataclass
class LinearModel:
    """Fields of text features, extra dense features, and a (classes x features) weight matrix."""

    fields: list[TfidfField]
    n_dense: int
    coef: np.ndarray  # (k, n_features) float32
    intercept: np.ndarray  # (k,)
    classes: list[str]

    def scores(self, texts: Sequence[Sequence[str]], dense: np.ndarray | None = None) -> np.ndarray:
        """Decision scores (n x k); ``texts[i]`` has one string per field."""
        wt = self.coef.T  # (n_features, k) view
        out = np.empty((len(texts), len(self.classes)), dtype=np.float64)
        dense_off = self.fields[-1].offset + len(self.fields[-1].idf) if self.fields else 0
        # A sentence is also the next one's "before" and the last one's "after": count its n-grams once.
        grams: dict[tuple[str, int], Counter[str]] = {}

        def counted(t: str, n_max: int) -> Counter[str]:
            c = grams.get((t, n_max))
            if c is None:
                c = grams[(t, n_max)] = Counter(char_ngrams(t, n_max))
            return c

        for i, row in enumerate(texts):
            feats = [f.features_of(counted(t, f.n_max)) for f, t in zip(self.fields, row, strict=True)]
            cols = np.concatenate([c for c, _ in feats])
            vals = np.concatenate([v for _, v in feats])
            s = vals @ wt[cols] if len(cols) else np.zeros(len(self.classes))
            if dense is not None and self.n_dense:
                s = s + dense[i] @ wt[dense_off : dense_off + self.n_dense]
            out[i] = s + self.intercept
        return out

    def save(self, path: Path) -> None:
        arrays = {"coef": self.coef.astype(np.float32), "intercept": self.intercept.astype(np.float32)}
        meta = {"classes": self.classes, "n_dense": self.n_dense, "fields": []}
        for j, f in enumerate(self.fields):
            words = sorted(f.vocab, key=f.vocab.__getitem__)
            arrays[f"idf{j}"] = f.idf.astype(np.float32)
            meta["fields"].append({"vocab": "\u0001".join(words), "offset": f.offset, "n_max": f.n_max})
        arrays["meta"] = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
        np.savez_compressed(path, **arrays)

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        z = np.load(path)
        meta = json.loads(z["meta"].tobytes().decode("utf-8"))
        fields = []
        for j, f in enumerate(meta["fields"]):
            words = f["vocab"].split("\u0001") if f["vocab"] else []
            fields.append(TfidfField({w: i for i, w in enumerate(words)}, z[f"idf{j}"].astype(np.float64),
                                     f["offset"], f["n_max"]))
        return cls(fields, meta["n_dense"], z["coef"], z["intercept"].astype(np.float64), meta["classes"])

    @classmethod
    def from_sklearn(cls, vectorizers: list, clf, classes: list[str], n_dense: int, n_max: int = 3) -> LinearModel:
        fields, offset = [], 0
        for v in vectorizers:
            vocab = {str(k): int(i) for k, i in v.vocabulary_.items()}
            fields.append(TfidfField(vocab, v.idf_.astype(np.float64), offset, n_max))
            offset += len(vocab)
        coef = np.asarray(clf.coef_, dtype=np.float32)
        intercept = np.asarray(clf.intercept_, dtype=np.float64)
        return cls(fields, n_dense, coef, intercept, classes)


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))
