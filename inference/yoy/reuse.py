"""Reuse: the share of this year's text carried over verbatim or near-verbatim from last year's.

Definition (the README's): a character of this year's text is *reused* when it lies inside some
run of :data:`N` consecutive characters (after NFKC and with whitespace removed) that also occurs
anywhere in last year's narrative. The reuse share of a body of text is its reused characters over
all its characters. A word-for-word copy scores 1; a paragraph with one figure changed still
scores close to 1 (only the changed characters are lost); new text scores about 0, since eight
characters in a row rarely recur by chance outside set phrases.

Runs are compared as 64-bit polynomial hashes with numpy, so a pair of reports takes well under a
millisecond.
"""

from __future__ import annotations

import numpy as np

N = 8
_P = np.uint64(1_000_003)


def codes(text: str) -> np.ndarray:
    """Code points of ``text`` (already normalised) as uint64."""
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def ngram_hashes(c: np.ndarray, n: int = N) -> np.ndarray:
    """Hash of every run of ``n`` code points (wrapping uint64 arithmetic)."""
    m = len(c) - n + 1
    if m <= 0:
        return np.empty(0, np.uint64)
    h = np.zeros(m, np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            h = h * _P + c[k : k + m]
    return h


def covered(c: np.ndarray, old: np.ndarray, n: int = N) -> np.ndarray:
    """Boolean per code point of ``c``: inside a run whose hash is in ``old`` (sorted unique)."""
    h = ngram_hashes(c, n)
    out = np.zeros(len(c), bool)
    if not len(h) or not len(old):
        return out
    idx = np.searchsorted(old, h)
    idx[idx == len(old)] = 0
    hit = old[idx] == h
    mark = np.zeros(len(c) + 1, np.int32)
    starts = np.nonzero(hit)[0]
    mark[starts] += 1  # starts are distinct, so plain indexing adds once each
    mark[starts + n] -= 1
    return np.cumsum(mark[:-1]) > 0


def vocabulary(texts: list[str], n: int = N) -> np.ndarray:
    """Sorted unique run hashes of each text (runs never span two texts)."""
    parts = [ngram_hashes(codes(t), n) for t in texts]
    return np.unique(np.concatenate(parts)) if parts else np.empty(0, np.uint64)
