"""The baseline emitter: character n-gram TF-IDF of the sentence and its neighbours, linear model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gongkai.models.features import POSITION_BINS, SentenceContext
from gongkai.models.labels import TOPICS
from gongkai.models.linear import LinearModel, softmax

N_DENSE = POSITION_BINS + 2


def dense_features(ctx: Sequence[SentenceContext]) -> np.ndarray:
    """Position bin (one-hot), opens-an-item, opens-a-paragraph."""
    x = np.zeros((len(ctx), N_DENSE), dtype=np.float64)
    for i, c in enumerate(ctx):
        x[i, c.position_bin] = 1.0
        x[i, POSITION_BINS] = float(c.item_start)
        x[i, POSITION_BINS + 1] = float(c.para_start)
    return x


def field_texts(ctx: Sequence[SentenceContext]) -> list[list[str]]:
    """The three text fields: the sentence, the one before, the one after."""
    return [[c.text, c.prev, c.next] for c in ctx]


@dataclass
class BaselineEmitter:
    model: LinearModel

    def predict_proba(self, docs: Sequence[Sequence[SentenceContext]]) -> list[np.ndarray]:
        out = []
        for ctx in docs:
            if not ctx:
                out.append(np.zeros((0, len(TOPICS))))
                continue
            s = self.model.scores(field_texts(ctx), dense_features(ctx))
            p = softmax(s)
            # Columns in TOPICS order whatever order the classifier stored its classes in.
            order = [self.model.classes.index(t) for t in TOPICS]
            out.append(p[:, order])
        return out
