"""Viterbi decoding of sentence topic probabilities into a topic path over the report.

A stray sentence should not split a segment and topics follow the report's order, so the
path maximises ``sum log p(topic | sentence) + weight * log P(topic_i | topic_{i-1})`` with
transition probabilities counted on training reports (add-alpha smoothed, so an unusual
order stays possible when the sentences insist on it).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def transition_counts(sequences: Sequence[Sequence[int]], k: int) -> tuple[np.ndarray, np.ndarray]:
    """Start counts (k) and transition counts (k x k) of label sequences."""
    start = np.zeros(k)
    trans = np.zeros((k, k))
    for seq in sequences:
        if len(seq):
            start[seq[0]] += 1
        for a, b in zip(seq, seq[1:], strict=False):
            trans[a, b] += 1
    return start, trans


def log_normalise(counts: np.ndarray, alpha: float) -> np.ndarray:
    c = counts + alpha
    return np.log(c / c.sum(axis=-1, keepdims=True))


def viterbi(log_emit: np.ndarray, log_trans: np.ndarray, log_start: np.ndarray, weight: float = 1.0) -> list[int]:
    """Best label path for ``log_emit`` (n x k)."""
    n, k = log_emit.shape
    if n == 0:
        return []
    lt = weight * log_trans
    score = weight * log_start + log_emit[0]
    back = np.zeros((n, k), dtype=np.int32)
    for i in range(1, n):
        cand = score[:, None] + lt  # from (rows) -> to (cols)
        back[i] = cand.argmax(axis=0)
        score = cand.max(axis=0) + log_emit[i]
    path = [int(score.argmax())]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i, path[-1]]))
    return path[::-1]
