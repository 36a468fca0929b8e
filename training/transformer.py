"""The transformer: character vocabulary, MLM pretraining of a compact BERT, topic fine-tuning.

No pretrained Chinese weights can be downloaded here, so the encoder is pretrained from scratch
with masked-language modelling on all report text available (generated reports, the seeds, the
real reports), then fine-tuned on the topic task. ``base_model`` instead starts from any
pretrained BERT the user has on disk (e.g. bert-base-chinese) with its own tokenizer.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from gongkai.data.errors import one_line
from gongkai.models.features import clean
from gongkai.models.labels import TOPIC_INDEX
from gongkai.models.splitter import is_table_line
from gongkai.models.transformer import (
    MASK,
    PAD,
    SPECIALS,
    CharTokenizer,
    HFTokenizer,
    always_in_vocab,
    batches,
    build_topic_net,
    scaled_dense,
)
from gongkai.training.dataset import DocExamples

Log = Callable[[str], None]


@dataclass
class TransformerParams:
    vocab_size: int = 5000
    hidden: int = 128
    layers: int = 3
    heads: int = 4
    intermediate: int = 512
    mlm_steps: int = 900
    mlm_batch: int = 32
    mlm_seq: int = 128
    mlm_lr: float = 1e-3
    ft_epochs: int = 2
    ft_batch: int = 32
    ft_lr: float = 5e-4  # from our small pretrained encoder; 3e-5 suits a large pretrained BERT
    ft_max_sentences: int = 16000  # synthetic sentences per epoch (they are easy; real ones are not)
    real_repeat: int = 10  # hand-labelled real sentences are repeated this often per epoch
    threads: int = 2
    position: float = 0.0  # 0: no position features (real reports vary too much in proportions)


def prose_lines(text: str) -> str:
    """The narrative of a report text, tables left out, as the model reads it."""
    return "".join(clean(ln) for ln in text.split("\n") if ln.strip() and not is_table_line(ln))


def build_vocab(texts: Iterable[str], size: int) -> CharTokenizer:
    """Specials, characters that are never [UNK], then the most frequent characters of ``texts``."""
    counts = Counter()
    for t in texts:
        counts.update(clean(t))
    tokens = list(SPECIALS)
    seen = set(tokens)
    for ch in always_in_vocab():
        if ch not in seen:
            tokens.append(ch)
            seen.add(ch)
    for ch, _ in counts.most_common():
        if len(tokens) >= size:
            break
        if ch not in seen and not ch.isspace():
            tokens.append(ch)
            seen.add(ch)
    return CharTokenizer(tokens)


def bert_config(p: TransformerParams, vocab: int):
    from transformers import BertConfig

    return BertConfig(vocab_size=vocab, hidden_size=p.hidden, num_hidden_layers=p.layers,
                      num_attention_heads=p.heads, intermediate_size=p.intermediate,
                      max_position_embeddings=256, type_vocab_size=2, pad_token_id=PAD)


def pretrain_mlm(texts: Sequence[str], tok: CharTokenizer, p: TransformerParams, seed: int, log: Log):
    """Masked-language-model pretraining; returns the encoder (``BertModel``)."""
    import torch
    from transformers import BertModel

    torch.manual_seed(seed)
    rng = random.Random(seed)
    stream = [i for t in texts for i in tok.ids(prose_lines(t))]
    n = p.mlm_seq - 2
    chunks = [stream[k : k + n] for k in range(0, len(stream) - n, n)]
    log(f"mlm: {len(stream)} characters, {len(chunks)} windows of {n}")
    enc = BertModel(bert_config(p, len(tok.tokens)), add_pooling_layer=False)
    emb = enc.embeddings.word_embeddings
    head = torch.nn.Sequential(torch.nn.Linear(p.hidden, p.hidden), torch.nn.GELU(), torch.nn.LayerNorm(p.hidden))
    bias = torch.nn.Parameter(torch.zeros(len(tok.tokens)))
    params = list(enc.parameters()) + list(head.parameters()) + [bias]
    opt = torch.optim.AdamW(params, lr=p.mlm_lr, weight_decay=0.01)
    sched = _schedule(opt, p.mlm_steps)
    n_special = len(SPECIALS)
    t0 = time.time()
    enc.train()
    for step in range(p.mlm_steps):
        batch = [chunks[rng.randrange(len(chunks))] for _ in range(p.mlm_batch)]
        ids = torch.tensor([[2, *c, 3] for c in batch])
        labels = ids.clone()
        prob = torch.rand(ids.shape)
        masked = (prob < 0.15) & (ids >= n_special)
        inp = ids.clone()
        r = torch.rand(ids.shape)
        inp[masked & (r < 0.8)] = MASK
        rand_ids = torch.randint(n_special, len(tok.tokens), ids.shape)
        swap = masked & (r >= 0.8) & (r < 0.9)
        inp[swap] = rand_ids[swap]
        h = enc(input_ids=inp, attention_mask=torch.ones_like(inp)).last_hidden_state[masked]
        # Only masked positions are scored: the vocabulary projection is most of the cost.
        logits = head(h) @ emb.weight.T + bias
        loss = torch.nn.functional.cross_entropy(logits, labels[masked])
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        if step % 100 == 0 or step == p.mlm_steps - 1:
            log(f"mlm step {step} loss {loss.item():.3f} ({time.time() - t0:.0f} s)")
    return enc


def _schedule(opt, total: int):
    import torch

    warm = max(1, total // 20)
    return torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, 0.5 * (1 + math.cos(math.pi * min(1.0, s / total)))))


def load_base_model(path: str):
    """Encoder and tokenizer of a user's pretrained BERT (a local folder or an id in the local cache).

    Never downloads: ``local_files_only`` (no weights may be fetched at run time).
    """
    from transformers import AutoModel, AutoTokenizer

    kw = {"add_pooling_layer": False} if _is_bert(path) else {}
    enc = AutoModel.from_pretrained(path, local_files_only=True, **kw)
    return enc, HFTokenizer(AutoTokenizer.from_pretrained(path, local_files_only=True))


def check_base_model(path: str) -> str | None:
    """None if ``path`` names a usable local model, else a one-line reason."""
    try:
        _is_bert(path)
    except (OSError, ValueError) as exc:
        return f"cannot load base model {path!r} from local files: {one_line(exc, first_line=True)}"
    return None


def _is_bert(path: str) -> bool:
    from transformers import AutoConfig

    return AutoConfig.from_pretrained(path, local_files_only=True).model_type == "bert"


def fine_tune(encoder, tok, examples: Sequence[DocExamples], p: TransformerParams, seed: int, log: Log):
    """Topic fine-tuning with neighbour context; returns the trained ``TopicNet``."""
    import torch

    torch.manual_seed(seed)
    rng = random.Random(seed)
    synth, real = [], []
    for ex in examples:
        for i, lab in enumerate(ex.labels):
            if lab is not None:
                (real if ex.source == "real" else synth).append((ex.contexts[i], TOPIC_INDEX[lab]))
    net = build_topic_net(encoder)
    opt = torch.optim.AdamW(net.parameters(), lr=p.ft_lr, weight_decay=0.01)
    per_epoch = min(len(synth), p.ft_max_sentences) + len(real) * p.real_repeat
    total = max(1, p.ft_epochs * math.ceil(per_epoch / p.ft_batch))
    sched = _schedule(opt, total)
    log(f"fine-tune: {len(synth)} synthetic + {len(real)} real sentences; {total} steps")
    t0, step = time.time(), 0
    for epoch in range(p.ft_epochs):
        pool = rng.sample(synth, min(len(synth), p.ft_max_sentences)) + real * p.real_repeat
        rng.shuffle(pool)
        # Length-bucketed batches in random order: little padding, still shuffled.
        for k in range(0, len(pool), p.ft_batch * 50):
            chunk = pool[k : k + p.ft_batch * 50]
            ctx = [c for c, _ in chunk]
            y = torch.tensor([lab for _, lab in chunk])
            enc = tok.encode(ctx)
            dense = scaled_dense(ctx, p.position)
            bl = list(batches(enc, dense, tok.pad_id, p.ft_batch))
            rng.shuffle(bl)
            net.train()
            for idx, ids, mask, types, d in bl:
                loss = torch.nn.functional.cross_entropy(net(ids, mask, types, d), y[idx], label_smoothing=0.05)
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
                opt.step()
                sched.step()
                step += 1
                if step % 100 == 0:
                    log(f"epoch {epoch} step {step}/{total} loss {loss.item():.3f} ({time.time() - t0:.0f} s)")
    net.eval()
    return net


def save_transformer(net, tok, folder: Path, position: float = 1.0) -> None:
    """Weights (float16: half the size, loaded back as float32), encoder config, tokenizer."""
    import torch

    folder.mkdir(parents=True, exist_ok=True)
    state = {k: (v.half() if v.is_floating_point() else v) for k, v in net.state_dict().items()}
    torch.save(state, folder / "topic_net.pt")
    info = {"tokenizer": "char" if isinstance(tok, CharTokenizer) else "hf",
            "config": net.encoder.config.to_dict(), "position": position}
    (folder / "topic_net.json").write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
    tok.save(folder)


__all__ = ["TransformerParams", "asdict", "build_vocab", "fine_tune", "load_base_model", "np",
           "pretrain_mlm", "save_transformer"]
