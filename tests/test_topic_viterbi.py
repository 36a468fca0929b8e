"""Viterbi decoding: a stray sentence does not split a segment; order follows the transitions."""

from __future__ import annotations

import numpy as np

from gongkai.models.viterbi import log_normalise, transition_counts, viterbi


def _decoder(k: int = 3):
    start, trans = transition_counts([[0, 0, 0, 1, 1, 1, 2, 2, 2]] * 5, k)
    return log_normalise(start, 0.5), log_normalise(trans, 0.5)


def test_stray_sentence_is_smoothed():
    ls, lt = _decoder()
    p = np.array([[0.9, 0.05, 0.05], [0.9, 0.05, 0.05], [0.3, 0.05, 0.65], [0.9, 0.05, 0.05],
                  [0.05, 0.9, 0.05], [0.05, 0.9, 0.05]])
    assert viterbi(np.log(p), lt, ls) == [0, 0, 0, 0, 1, 1]
    assert list(np.log(p).argmax(1)) == [0, 0, 2, 0, 1, 1]  # what argmax alone would do


def test_confident_evidence_wins_and_empty_input():
    ls, lt = _decoder()
    p = np.array([[0.98, 0.01, 0.01], [0.01, 0.01, 0.98], [0.01, 0.01, 0.98]])
    assert viterbi(np.log(p), lt, ls) == [0, 2, 2]
    assert viterbi(np.zeros((0, 3)), lt, ls) == []


def test_weight_zero_is_argmax():
    ls, lt = _decoder()
    p = np.log(np.array([[0.2, 0.7, 0.1], [0.6, 0.3, 0.1]]))
    assert viterbi(p, lt, ls, weight=0.0) == [1, 0]
