"""Training configuration: an INI-style ``.cfg`` file read into typed dataclasses."""

from __future__ import annotations

import configparser
from dataclasses import dataclass, field, fields
from pathlib import Path

from gongkai.training.baseline import BaselineParams
from gongkai.training.transformer import TransformerParams

DEFAULT_CONFIG = Path(__file__).resolve().parent / "configs" / "shipped.cfg"


@dataclass
class DataParams:
    synth_train: int = 1200
    synth_seed: int = 101
    synth_test: int = 300
    synth_test_seed: int = 202
    shared_dir: Path | None = None
    weak_dirs: list[Path] = field(default_factory=list)
    augment_merge: float = 0.5
    augment_wrap: float = 0.2
    variety: float = 0.0  # strength of training.variety's transforms (0: off)
    real_folds: int = 3
    transformer_real_folds: int = 3


@dataclass
class TrainConfig:
    seed: int = 0
    kind: str = "auto"
    data: DataParams = field(default_factory=DataParams)
    baseline: BaselineParams = field(default_factory=BaselineParams)
    transformer: TransformerParams = field(default_factory=TransformerParams)
    decoder_alpha: float = 0.5
    decoder_weight: float = 1.0
    # share of every transition mixed in uniformly: real reports leave the standard order
    # (old outlines, work of one topic described again later), so no transition is ruled out
    decoder_floor: float = 0.0
    category_threshold: float = 0.35
    path: Path | None = None


def _fill(obj, section: configparser.SectionProxy | None) -> None:
    if section is None:
        return
    for f in fields(obj):
        if f.name in section:
            cur = getattr(obj, f.name)
            raw = section[f.name]
            setattr(obj, f.name, type(cur)(raw) if isinstance(cur, int | float | str) and cur is not None else raw)


def read_config(path: str | Path) -> TrainConfig:
    """Read ``path``; relative paths in it are relative to the file."""
    path = Path(path).resolve()
    cp = configparser.ConfigParser(inline_comment_prefixes=("#", ";"))
    if not cp.read(path, encoding="utf-8"):
        raise FileNotFoundError(f"config not found: {path}")
    cfg = TrainConfig(path=path)
    if cp.has_section("train"):
        cfg.seed = cp["train"].getint("seed", cfg.seed)
        cfg.kind = cp["train"].get("kind", cfg.kind)
    d = cfg.data
    if cp.has_section("data"):
        sec = cp["data"]
        for name in ("synth_train", "synth_seed", "synth_test", "synth_test_seed", "real_folds", "transformer_real_folds"):
            if name in sec:
                setattr(d, name, sec.getint(name))
        for name in ("augment_merge", "augment_wrap", "variety"):
            if name in sec:
                setattr(d, name, sec.getfloat(name))
        if sec.get("shared_dir", "").strip():
            d.shared_dir = (path.parent / sec["shared_dir"].strip()).resolve()
        d.weak_dirs = [(path.parent / w).resolve() for w in sec.get("weak_dirs", "").split() if w]
    _fill(cfg.baseline, cp["baseline"] if cp.has_section("baseline") else None)
    _fill(cfg.transformer, cp["transformer"] if cp.has_section("transformer") else None)
    if cp.has_section("decoder"):
        cfg.decoder_alpha = cp["decoder"].getfloat("alpha", cfg.decoder_alpha)
        cfg.decoder_weight = cp["decoder"].getfloat("weight", cfg.decoder_weight)
        cfg.decoder_floor = cp["decoder"].getfloat("floor", cfg.decoder_floor)
    if cp.has_section("categories"):
        cfg.category_threshold = cp["categories"].getfloat("threshold", cfg.category_threshold)
    if cfg.kind not in ("auto", "baseline", "transformer"):
        raise ValueError(f"[train] kind must be auto, baseline or transformer, not {cfg.kind!r}")
    if cfg.kind == "auto" and d.real_folds != d.transformer_real_folds:
        raise ValueError("[data] kind = auto compares both models on the same real-report folds: "
                         "set real_folds = transformer_real_folds")
    return cfg
