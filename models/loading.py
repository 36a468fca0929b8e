"""Model folders: what a trained topic segmenter is on disk, and loading it (offline, from files only).

A model folder holds ``model.json`` (kind, decoder, category threshold, metrics), the topic
emitter (``topics.npz`` for the baseline, ``transformer/`` for the transformer), the category
model ``categories.npz`` and ``MODEL_CARD.md``. The shipped model is the folder
``gongkai/models/shipped`` inside the package.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from gongkai.models.baseline import BaselineEmitter
from gongkai.models.linear import LinearModel
from gongkai.models.segmenter import CategoryModel, Decoder, TopicSegmenter

SHIPPED_DIR = Path(__file__).resolve().parent / "shipped"


def shipped_available() -> bool:
    return (SHIPPED_DIR / "model.json").is_file()


def load_segmenter(folder: str | Path | None = None, *, quantize: bool = True) -> TopicSegmenter:
    """The topic segmenter saved in ``folder`` (default: the shipped model)."""
    folder = Path(folder) if folder else SHIPPED_DIR
    info_path = folder / "model.json"
    if not info_path.is_file():
        raise FileNotFoundError(f"no topic model in {folder} (model.json missing); run `gongkai train`")
    info = json.loads(info_path.read_text(encoding="utf-8"))
    if info["kind"] == "baseline":
        emitter = BaselineEmitter(LinearModel.load(folder / "topics.npz"))
    elif info["kind"] == "transformer":
        from gongkai.models.transformer import load_transformer

        emitter = load_transformer(folder / "transformer", quantize=quantize)  # type: ignore[assignment]
    else:
        raise ValueError(f"unknown model kind {info['kind']!r} in {info_path}")
    decoder = Decoder.from_dict(info["decoder"]) if info.get("decoder") else None
    cats = None
    if (folder / "categories.npz").is_file():
        cats = CategoryModel(LinearModel.load(folder / "categories.npz"), float(info.get("category_threshold", 0.5)))
    return TopicSegmenter(emitter, decoder, cats)


@lru_cache(maxsize=4)
def cached_segmenter(folder: str | None = None) -> TopicSegmenter:
    """One loaded segmenter per folder per process (loading reads the model files)."""
    return load_segmenter(folder)
