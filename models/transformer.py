"""The transformer emitter: a (character-level) BERT encoder with a topic head, on torch.

Input per sentence: ``[CLS] sentence [SEP] previous [SEP] next [SEP]`` (token types 0 for the
sentence, 1 for its neighbours); the head reads the [CLS] vector together with the same dense
features the baseline uses (position bin, item/paragraph start). Works with the project's own
character vocabulary (:class:`CharTokenizer`) or with any Hugging Face tokenizer
(:class:`HFTokenizer`, for ``--base-model bert-base-chinese`` and the like).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gongkai.models.baseline import N_DENSE, dense_features
from gongkai.models.features import POSITION_BINS, SentenceContext
from gongkai.models.labels import TOPICS

SPECIALS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
PAD, UNK, CLS, SEP, MASK = range(5)
MAX_TARGET, MAX_CONTEXT = 80, 32


def always_in_vocab() -> list[str]:
    """Characters that are never [UNK]: ASCII, digits, Latin letters, CJK and full-width punctuation."""
    ascii_ = [chr(c) for c in range(33, 127)]
    cjk_punct = list("，。、；：？！“”‘’（）《》〈〉【】「」『』—…·～〔〕％＋－×÷①②③④⑤⑥⑦⑧⑨⑩￥")
    return ascii_ + cjk_punct


class CharTokenizer:
    """One token per character; the vocabulary is built from report text (see training)."""

    def __init__(self, tokens: Sequence[str]):
        self.tokens = list(tokens)
        self.index = {t: i for i, t in enumerate(self.tokens)}

    def ids(self, text: str) -> list[int]:
        get = self.index.get
        out = []
        for ch in text:
            i = get(ch)
            if i is None:  # compatibility forms (full-width letters) before giving up
                i = get(unicodedata.normalize("NFKC", ch)[:1], UNK)
            out.append(i)
        return out

    def encode(self, ctx: Sequence[SentenceContext]) -> list[tuple[list[int], list[int]]]:
        out = []
        for c in ctx:
            t = self.ids(c.text[:MAX_TARGET])
            p = self.ids(c.prev[-MAX_CONTEXT:])
            n = self.ids(c.next[:MAX_CONTEXT])
            ids = [CLS, *t, SEP, *p, SEP, *n, SEP]
            types = [0] * (len(t) + 2) + [1] * (len(p) + len(n) + 2)
            out.append((ids, types))
        return out

    @property
    def pad_id(self) -> int:
        return PAD

    def save(self, folder: Path) -> None:
        (folder / "vocab.txt").write_text("\n".join(self.tokens) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> CharTokenizer:
        return cls((folder / "vocab.txt").read_text(encoding="utf-8").split("\n")[:-1])


class HFTokenizer:
    """A Hugging Face tokenizer (from a user's pretrained model) with the same input layout."""

    def __init__(self, tok):
        self.tok = tok

    def encode(self, ctx: Sequence[SentenceContext]) -> list[tuple[list[int], list[int]]]:
        sep = self.tok.sep_token or "[SEP]"
        enc = self.tok([c.text[:MAX_TARGET] for c in ctx],
                       [f"{c.prev[-MAX_CONTEXT:]}{sep}{c.next[:MAX_CONTEXT]}" for c in ctx],
                       truncation="only_second", max_length=MAX_TARGET + 2 * MAX_CONTEXT + 8)
        types = enc.get("token_type_ids") or [[0] * len(i) for i in enc["input_ids"]]
        return list(zip(enc["input_ids"], types, strict=True))

    @property
    def pad_id(self) -> int:
        return self.tok.pad_token_id or 0

    def save(self, folder: Path) -> None:
        self.tok.save_pretrained(folder)


def build_topic_net(encoder, n_labels: int = len(TOPICS)):
    """Encoder + linear head over [CLS] and the dense features."""
    import torch
    from torch import nn

    class TopicNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = encoder
            self.dropout = nn.Dropout(0.1)
            self.head = nn.Linear(encoder.config.hidden_size + N_DENSE, n_labels)

        def forward(self, input_ids, attention_mask, token_type_ids, dense):
            h = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state[:, 0]
            return self.head(torch.cat([self.dropout(h), dense], dim=-1))

    return TopicNet()


def batches(encoded: list[tuple[list[int], list[int]]], dense: np.ndarray, pad: int, size: int):
    """Padded tensors in length-sorted batches (less padding), with each row's original index."""
    import torch

    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i][0]))
    for k in range(0, len(order), size):
        idx = order[k : k + size]
        width = max(len(encoded[i][0]) for i in idx)
        ids = torch.full((len(idx), width), pad, dtype=torch.long)
        types = torch.zeros((len(idx), width), dtype=torch.long)
        mask = torch.zeros((len(idx), width), dtype=torch.long)
        for r, i in enumerate(idx):
            a, t = encoded[i]
            ids[r, : len(a)] = torch.tensor(a)
            types[r, : len(t)] = torch.tensor(t)
            mask[r, : len(a)] = 1
        yield idx, ids, mask, types, torch.tensor(dense[idx], dtype=torch.float32)


def scaled_dense(ctx: Sequence[SentenceContext], position: float) -> np.ndarray:
    """Dense features with the position columns scaled (0: the model does not see position)."""
    d = dense_features(ctx)
    d[:, :POSITION_BINS] *= position
    return d


@dataclass
class TransformerEmitter:
    net: object  # TopicNet
    tokenizer: CharTokenizer | HFTokenizer
    batch_size: int = 64
    position: float = 1.0

    def predict_proba(self, docs: Sequence[Sequence[SentenceContext]]) -> list[np.ndarray]:
        import torch

        flat = [c for ctx in docs for c in ctx]
        probs = np.zeros((len(flat), len(TOPICS)))
        if flat:
            enc = self.tokenizer.encode(flat)
            dense = scaled_dense(flat, self.position)
            self.net.eval()
            with torch.inference_mode():
                for idx, ids, mask, types, d in batches(enc, dense, self.tokenizer.pad_id, self.batch_size):
                    probs[idx] = torch.softmax(self.net(ids, mask, types, d), dim=-1).numpy()
        out, k = [], 0
        for ctx in docs:
            out.append(probs[k : k + len(ctx)])
            k += len(ctx)
        return out


def load_transformer(folder: Path, quantize: bool = True) -> TransformerEmitter:
    """Load a fine-tuned topic transformer saved by training (``transformer/`` in a model folder)."""
    import torch
    from transformers import BertConfig, BertModel

    info = json.loads((folder / "topic_net.json").read_text(encoding="utf-8"))
    if info["tokenizer"] == "char":
        tok: CharTokenizer | HFTokenizer = CharTokenizer.load(folder)
    else:
        from transformers import AutoTokenizer

        tok = HFTokenizer(AutoTokenizer.from_pretrained(folder))
    encoder = BertModel(BertConfig.from_dict(info["config"]), add_pooling_layer=False)
    net = build_topic_net(encoder)
    state = torch.load(folder / "topic_net.pt", map_location="cpu", weights_only=True)
    net.load_state_dict({k: v.float() for k, v in state.items()})
    net.eval()
    if quantize:
        net = torch.ao.quantization.quantize_dynamic(net, {torch.nn.Linear}, dtype=torch.qint8)
    return TransformerEmitter(net, tok, position=float(info.get("position", 1.0)))
