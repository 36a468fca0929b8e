"""``gongkai train CONFIG``: rebuild a topic model from its data, seed and hyper-parameters."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_train_command(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``train`` on the ``gongkai`` sub-command parser."""
    t = subparsers.add_parser(
        "train", help="train the topic segmentation model from a config (.cfg)",
        description="Build the training data (generated, weakly labelled and hand-labelled real reports), "
        "fit the baseline and/or the transformer, score both on the same splits, and write the better "
        "one with metrics.json and MODEL_CARD.md.")
    t.add_argument("config", nargs="?", help="training config (default: the shipped model's config)")
    t.add_argument("-o", "--output", default="topic-model", help="model folder to write (default: ./topic-model)")
    t.add_argument("--base-model", metavar="PATH_OR_ID",
                   help="fine-tune this pretrained BERT (a local folder or a cached hub id) instead of pretraining one")
    t.add_argument("--kind", choices=["auto", "baseline", "transformer"], help="override [train] kind")
    t.set_defaults(func=run_train)
    return t


def run_train(args: argparse.Namespace) -> int:
    from gongkai.training.config import DEFAULT_CONFIG, read_config

    try:
        cfg = read_config(args.config or DEFAULT_CONFIG)
    except (FileNotFoundError, ValueError) as exc:
        print(f"gongkai: {exc}", file=sys.stderr)
        return 2
    if args.kind:
        cfg.kind = args.kind
    if args.base_model or cfg.kind != "baseline":
        try:
            import torch  # noqa: F401
            import transformers  # noqa: F401
        except ImportError:
            print("gongkai: the transformer needs torch and transformers (pip install 'gongkai[transformer]')",
                  file=sys.stderr)
            return 2
    if args.base_model:
        from gongkai.training.transformer import check_base_model

        problem = check_base_model(args.base_model)
        if problem:
            print(f"gongkai: {problem}", file=sys.stderr)
            return 2
    from gongkai.training.train import train

    train(cfg, Path(args.output), lambda m: print(m, file=sys.stderr, flush=True), args.base_model)
    return 0
