"""``gongkai train``: the baseline from a config, and ``--base-model`` with a tiny BERT made here."""

from __future__ import annotations

import json

import pytest

from gongkai.inference.cli import main

pytest.importorskip("sklearn")

CFG = """
[train]
seed = 0
kind = {kind}
[data]
synth_train = {n}
synth_test = 2
weak_dirs =
real_folds = 0
transformer_real_folds = 0
[baseline]
min_df = 1
[transformer]
ft_epochs = 1
ft_batch = 16
ft_max_sentences = 48
real_repeat = 1
ft_lr = 0.0005
"""


def test_train_baseline_writes_model_and_card(tmp_path):
    cfg = tmp_path / "tiny.cfg"
    cfg.write_text(CFG.format(kind="baseline", n=8), encoding="utf-8")
    out = tmp_path / "model"
    assert main(["train", str(cfg), "-o", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["shipped"] == "baseline"
    assert metrics["models"]["baseline"]["synth_test"]["macro_f1"] is not None
    assert "## Figures" in (out / "MODEL_CARD.md").read_text(encoding="utf-8")


def test_train_with_base_model(tmp_path):
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    from gongkai.training.synth_data import synth_docs

    torch.manual_seed(0)
    chars = sorted({ch for d in synth_docs(3, seed=1) for ch in d.text if not ch.isspace()})
    base = tmp_path / "tiny-bert"
    base.mkdir()
    (base / "vocab.txt").write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars]) + "\n",
                                    encoding="utf-8")
    tok = transformers.BertTokenizerFast(vocab_file=str(base / "vocab.txt"))
    config = transformers.BertConfig(vocab_size=len(chars) + 5, hidden_size=32, num_hidden_layers=1,
                                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=160)
    transformers.BertForMaskedLM(config).save_pretrained(base)
    tok.save_pretrained(base)

    cfg = tmp_path / "tiny.cfg"
    cfg.write_text(CFG.format(kind="transformer", n=3), encoding="utf-8")
    out = tmp_path / "model"
    assert main(["train", str(cfg), "-o", str(out), "--base-model", str(base)]) == 0
    info = json.loads((out / "model.json").read_text(encoding="utf-8"))
    assert info["kind"] == "transformer"
    assert (out / "transformer" / "topic_net.pt").is_file()

    from gongkai.models import load_segmenter

    seg = load_segmenter(out)
    res = seg.analyse(["本报告根据条例编制。全年主动公开信息120条。共收到申请3件，均已答复。"])[0]
    assert res.sentences and all(0.0 <= s.score <= 1.0 for s in res.sentences)


def test_auto_requires_the_same_real_folds_for_both_models(tmp_path, capsys):
    cfg = tmp_path / "bad.cfg"
    cfg.write_text("[train]\nkind = auto\n[data]\nreal_folds = 9\ntransformer_real_folds = 3\n", encoding="utf-8")
    assert main(["train", str(cfg), "-o", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert "same real-report folds" in err and "Traceback" not in err
    assert not (tmp_path / "m").exists()


def test_missing_base_model_is_a_one_line_error(tmp_path, capsys):
    pytest.importorskip("transformers")
    cfg = tmp_path / "tiny.cfg"
    cfg.write_text(CFG.format(kind="transformer", n=2), encoding="utf-8")
    assert main(["train", str(cfg), "-o", str(tmp_path / "m"), "--base-model", str(tmp_path / "no-such-model")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gongkai: cannot load base model") and "Traceback" not in err
