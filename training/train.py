"""``gongkai train``: build the data, fit the models, score them honestly, write the model folder.

Both models see the same data and the same splits: generated training reports (augmented,
headings removed, given real reports' variety by :mod:`gongkai.training.variety`), the weakly
labelled reports of ``weak_dirs`` and the hand-labelled real reports. Generated figures come
from held-out generated reports (another seed); real-report figures from k-fold cross-validation
over the real reports (each report scored by a model that did not see it). The shipped model is
then refitted on everything.
"""

from __future__ import annotations

import copy
import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from gongkai.models.baseline import BaselineEmitter
from gongkai.models.segmenter import CategoryModel, Decoder, TopicSegmenter
from gongkai.models.viterbi import log_normalise, transition_counts
from gongkai.training.augment import augment
from gongkai.training.baseline import fit_categories, fit_topics
from gongkai.training.config import TrainConfig
from gongkai.training.dataset import DocExamples, build, describe, label_sequences
from gongkai.training.documents import strip_headings
from gongkai.training.scoring import TopicScores, score
from gongkai.training.variety import vary

Log = Callable[[str], None]


@dataclass
class Data:
    train: list[DocExamples]  # generated (+ weak) training reports
    synth_test: list[DocExamples]
    real: list[DocExamples]
    counts: dict = field(default_factory=dict)


def build_data(cfg: TrainConfig, log: Log) -> Data:
    from gongkai.training.real_labels import load_real_docs
    from gongkai.training.synth_data import synth_docs
    from gongkai.training.weak_labels import weak_docs_from_dir

    d = cfg.data
    rng = random.Random(cfg.seed)
    train = [build(vary(strip_headings(augment(doc, rng, d.augment_wrap, d.augment_merge)), rng, d.variety))
             for doc in synth_docs(d.synth_train, d.synth_seed)]
    for folder in d.weak_dirs:
        if folder.is_dir():
            train += [build(strip_headings(doc)) for doc in weak_docs_from_dir(folder)]
    test = [build(strip_headings(doc)) for doc in synth_docs(d.synth_test, d.synth_test_seed)]
    real = []
    if d.shared_dir and d.shared_dir.is_dir():
        real = [build(strip_headings(doc)) for doc in load_real_docs(d.shared_dir)]
    counts = {"train": describe(train), "synth_test": describe(test), "real": describe(real)}
    log(f"data: {len(train)} training reports, {len(test)} generated test reports, {len(real)} real reports")
    return Data(train, test, real, counts)


def decoder_for(examples: Sequence[DocExamples], cfg: TrainConfig) -> Decoder:
    start, trans = transition_counts(label_sequences(examples), 9)
    log_trans = log_normalise(trans, cfg.decoder_alpha)
    if cfg.decoder_floor > 0:
        log_trans = np.log((1 - cfg.decoder_floor) * np.exp(log_trans) + cfg.decoder_floor / log_trans.shape[1])
    return Decoder(log_normalise(start, cfg.decoder_alpha), log_trans, cfg.decoder_weight)


def fit_baseline(examples: Sequence[DocExamples], cfg: TrainConfig) -> TopicSegmenter:
    cats = CategoryModel(fit_categories(examples, cfg.baseline), cfg.category_threshold)
    return TopicSegmenter(BaselineEmitter(fit_topics(examples, cfg.baseline)), decoder_for(examples, cfg), cats)


def run(seg: TopicSegmenter, exs: Sequence[DocExamples]):
    return seg.analyse_split([e.text for e in exs], [e.sentences for e in exs])


def group_of(ex: DocExamples) -> str:
    """The cross-validation group of a real report: its unit (or the unit whose text it copies)."""
    return ex.doc.meta.get("group") or ex.name


def folds(groups: Sequence[str], k: int) -> list[list[int]]:
    """``k`` folds of report indices, whole groups at a time: a unit's reports never sit on both sides
    of a split. Largest group first, each into the fold with the fewest reports so far."""
    members: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        members.setdefault(g, []).append(i)
    k = min(k, len(members))
    if k <= 1:
        return []
    parts: list[list[int]] = [[] for _ in range(k)]
    for g in sorted(members, key=lambda g: (-len(members[g]), g)):
        min(parts, key=len).extend(members[g])
    return [sorted(p) for p in parts]


def cross_validate(fit: Callable[[list[DocExamples]], TopicSegmenter], train: list[DocExamples],
                   real: list[DocExamples], k: int, log: Log) -> TopicScores | None:
    """Real-report figures: each fold of real reports (whole units) scored by a model fitted without it."""
    parts = folds([group_of(r) for r in real], k)
    if not parts:
        return None
    results: list = [None] * len(real)
    for j, held in enumerate(parts):
        seg = fit(train + [r for i, r in enumerate(real) if i not in held])
        for i, res in zip(held, run(seg, [real[i] for i in held]), strict=True):
            results[i] = res
        log(f"  fold {j + 1}/{len(parts)} done")
    return score(real, results)


@dataclass
class ModelReport:
    kind: str
    synth: TopicScores | None
    real_cv: TopicScores | None
    train_seconds: float
    notes: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "synth_test": self.synth.to_dict() if self.synth else None,
                "real_cv": self.real_cv.to_dict() if self.real_cv else None,
                "train_seconds": round(self.train_seconds, 1), **self.notes}


def train_baseline(cfg: TrainConfig, data: Data, log: Log) -> tuple[TopicSegmenter, ModelReport]:
    t0 = time.time()
    log("baseline: fitting on generated + weak + real reports")
    final = fit_baseline(data.train + data.real, cfg)
    seconds = time.time() - t0
    synth = score(data.synth_test, run(final, data.synth_test)) if data.synth_test else None
    log("baseline: real-report cross-validation")
    real = cross_validate(lambda ex: fit_baseline(ex, cfg), data.train, data.real, cfg.data.real_folds, log)
    return final, ModelReport("baseline", synth, real, seconds)


def train_transformer(cfg: TrainConfig, data: Data, log: Log, base_model: str | None = None):
    import torch

    from gongkai.models.transformer import TransformerEmitter
    from gongkai.training import transformer as T

    p = cfg.transformer
    torch.set_num_threads(p.threads)
    t0 = time.time()
    notes: dict = {}
    if base_model:
        log(f"transformer: starting from {base_model}")
        encoder, tok = T.load_base_model(base_model)
        notes["base_model"] = base_model
    else:
        texts = [e.text for e in data.train] + [e.text for e in data.synth_test] + [e.text for e in data.real]
        # Pretraining text: every report text available (no labels are used in this step).
        tok = T.build_vocab(texts, p.vocab_size)
        log(f"transformer: vocabulary of {len(tok.tokens)} characters; MLM pretraining")
        encoder = T.pretrain_mlm(texts, tok, p, cfg.seed, log)
        notes["vocab"] = len(tok.tokens)
    pretrained = copy.deepcopy(encoder)
    net = T.fine_tune(encoder, tok, data.train + data.real, p, cfg.seed, log)
    seconds = time.time() - t0
    cats = CategoryModel(fit_categories(data.train + data.real, cfg.baseline), cfg.category_threshold)
    final = TopicSegmenter(TransformerEmitter(net, tok, position=p.position), decoder_for(data.train + data.real, cfg), cats)
    synth = score(data.synth_test, run(final, data.synth_test)) if data.synth_test else None

    def fit(ex: list[DocExamples]) -> TopicSegmenter:
        n = T.fine_tune(copy.deepcopy(pretrained), tok, ex, p, cfg.seed, log)
        c = CategoryModel(fit_categories(ex, cfg.baseline), cfg.category_threshold)
        return TopicSegmenter(TransformerEmitter(n, tok, position=p.position), decoder_for(ex, cfg), c)

    log("transformer: real-report cross-validation")
    real = cross_validate(fit, data.train, data.real, cfg.data.transformer_real_folds, log)
    return (net, tok, final), ModelReport("transformer", synth, real, seconds, notes)


def save_model(folder: Path, kind: str, seg: TopicSegmenter, cfg: TrainConfig, extra: dict, tf=None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for old in ("topics.npz",):
        (folder / old).unlink(missing_ok=True)
    if kind == "baseline":
        seg.emitter.model.save(folder / "topics.npz")  # type: ignore[attr-defined]
    else:
        from gongkai.training.transformer import save_transformer

        net, tok, _ = tf
        save_transformer(net, tok, folder / "transformer", cfg.transformer.position)
    if seg.categories:
        seg.categories.model.save(folder / "categories.npz")
    info = {"kind": kind, "decoder": seg.decoder.to_dict() if seg.decoder else None,
            "category_threshold": cfg.category_threshold, **extra}
    (folder / "model.json").write_text(json.dumps(info, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def macro(rep: ModelReport) -> float:
    s = rep.real_cv or rep.synth
    return s.macro_f1 or 0.0 if s else 0.0


def train(cfg: TrainConfig, out: Path, log: Log = print, base_model: str | None = None) -> dict:
    """Train per ``cfg``, write the model folder ``out`` (model, metrics.json, MODEL_CARD.md)."""
    from gongkai.training.card import write_card

    random.seed(cfg.seed)
    np.random.seed(cfg.seed)
    data = build_data(cfg, log)
    kinds = ["transformer"] if base_model else (["baseline", "transformer"] if cfg.kind == "auto" else [cfg.kind])
    trained: dict = {}
    for kind in kinds:
        if kind == "baseline":
            trained[kind] = train_baseline(cfg, data, log)
        else:
            tf, rep = train_transformer(cfg, data, log, base_model)
            trained[kind] = (tf[2], rep, tf)
    reports = {k: v[1] for k, v in trained.items()}
    ship = max(kinds, key=lambda k: (macro(reports[k]), k == "baseline"))
    seg = trained[ship][0]
    tf = trained[ship][2] if ship == "transformer" else None
    metrics = {"shipped": ship, "models": {k: r.to_dict() for k, r in reports.items()},
               "data": data.counts, "config": _config_dict(cfg), "base_model": base_model}
    save_model(out, ship, seg, cfg, {"metrics_file": "metrics.json"}, tf)
    (out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1, default=str) + "\n",
                                      encoding="utf-8")
    write_card(out, metrics)
    log(f"shipped: {ship} → {out}")
    return metrics


def _config_dict(cfg: TrainConfig) -> dict:
    d = asdict(cfg)
    d["path"] = str(cfg.path) if cfg.path else None
    return d
