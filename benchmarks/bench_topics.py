"""Topic segmentation benchmark: the Done-when figures, both models side by side, speed and memory.

    python benchmarks/bench_topics.py [--model DIR] [--n 200] [--real-parse] [--record]

Figures of both models (generated held-out reports; real reports by cross-validation) come from
the model folder's ``metrics.json``, written by ``gongkai train`` on identical splits. Measured
here, live: the shipped pipeline's figures on freshly generated held-out reports, the
heading-based fallback on the real reports (headings kept: it needs them), throughput of the
spaCy pipeline on one process (sentences/s), peak memory and the model's size on disk.
``--record`` writes the speed and memory into the model's metrics.json and MODEL_CARD.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

from gongkai.models.labels import TOPICS

TARGETS = {"macro_f1": 0.90, "problems": 0.93, "improvements": 0.93, "pk": 0.10, "category_micro_f1": 0.85}


def _f(v) -> str:
    return "   —  " if v is None else f"{v:6.3f}"


def print_figures(metrics: dict) -> None:
    cols = []
    for kind, m in metrics["models"].items():
        for split, label in (("synth_test", "generated"), ("real_cv", "real (CV)")):
            if m.get(split):
                cols.append((f"{kind}/{label}", m[split]))
    print(f"{'figure':<30}" + "".join(f"{c:>24}" for c, _ in cols) + f"{'target':>10}")
    rows = [("sentence macro-F1", "macro_f1", "≥0.90"), ("F1 problems", "problems", "≥0.93"),
            ("F1 improvements", "improvements", "≥0.93"), ("Pk (sentences)", "pk", "≤0.10"),
            ("WindowDiff (sentences)", "window_diff", ""), ("category micro-F1", "category_micro_f1", "≥0.85")]
    for label, key, target in rows:
        vals = [s["per_topic_f1"].get(key) if key in TOPICS else s.get(key) for _, s in cols]
        print(f"{label:<30}" + "".join(f"{_f(v):>24}" for v in vals) + f"{target:>10}")
    for t in TOPICS:
        if t in ("problems", "improvements"):
            continue
        print(f"{'F1 ' + t:<30}" + "".join(f"{_f(s['per_topic_f1'].get(t)):>24}" for _, s in cols))
    print(f"{'reports / sentences':<30}" + "".join(f"{str(s['reports']) + ' / ' + str(s['sentences']):>24}"
                                                  for _, s in cols))
    print(f"shipped: {metrics['shipped']}")


def heading_fallback_on_real(shared: Path) -> None:
    from gongkai.inference.narrative import segment_by_headings
    from gongkai.inference.sections import find_sections
    from gongkai.models.segmenter import SentenceTopic, TopicResult
    from gongkai.training.dataset import build
    from gongkai.training.real_labels import load_real_docs
    from gongkai.training.scoring import score

    docs = [build(d) for d in load_real_docs(shared)]  # headings kept: the fallback reads them
    results = []
    for ex in docs:
        segs = segment_by_headings(ex.text, find_sections(ex.text))
        sents = []
        for s in ex.sentences:
            seg = next((g for g in segs if g.start <= s.start < g.end), None)
            if seg is not None:
                sents.append(SentenceTopic(s.start, s.end, seg.topic, 1.0))
        results.append(TopicResult(sents, segs))
    s = score(docs, results).to_dict()
    print(f"heading fallback on real reports (headings kept): macro-F1 {_f(s['macro_f1'])}  "
          f"problems {_f(s['per_topic_f1']['problems'])}  improvements {_f(s['per_topic_f1']['improvements'])}  "
          f"Pk {_f(s['pk'])}  (no categories)")


def real_through_parser(shared: Path) -> None:
    """Real reports as ``gongkai parse`` reads them (headings present, title/headings/tables skipped by
    :mod:`gongkai.models.record_units`), each scored by a baseline fitted without it (the shipped config's folds)."""
    from gongkai.inference.sections import find_sections
    from gongkai.models.record_units import narrative_units
    from gongkai.training.config import DEFAULT_CONFIG, read_config
    from gongkai.training.dataset import build
    from gongkai.training.real_labels import load_real_docs
    from gongkai.training.scoring import score
    from gongkai.training.train import build_data, fit_baseline, folds

    cfg = read_config(DEFAULT_CONFIG)
    data = build_data(cfg, lambda m: None)
    full = [build(d) for d in load_real_docs(shared)]  # headings kept
    results: list = [None] * len(full)
    for held in folds(len(full), cfg.data.real_folds):
        seg = fit_baseline(data.train + [r for i, r in enumerate(data.real) if i not in held], cfg)
        for i in held:
            text = full[i].text
            results[i] = seg.analyse_split([text], [narrative_units(text, find_sections(text))])[0]
    s = score(full, results).to_dict()
    print(f"baseline on real reports through the parser (headings present, {cfg.data.real_folds}-fold): "
          f"macro-F1 {_f(s['macro_f1'])}  problems {_f(s['per_topic_f1']['problems'])}  "
          f"improvements {_f(s['per_topic_f1']['improvements'])}  Pk {_f(s['pk'])}  "
          f"categories micro-F1 {_f(s['category_micro_f1'])}")


def live(model: Path | None, n: int, shared: Path) -> dict:
    from gongkai.models import load_pipeline
    from gongkai.models.loading import SHIPPED_DIR
    from gongkai.training.dataset import build
    from gongkai.training.documents import strip_headings
    from gongkai.training.real_labels import load_real_docs
    from gongkai.training.scoring import score
    from gongkai.training.synth_data import synth_docs

    folder = model or SHIPPED_DIR
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    nlp = load_pipeline(folder)
    load_s = time.perf_counter() - t0
    test = [build(strip_headings(d)) for d in synth_docs(n, seed=909)]
    from gongkai.models.loading import load_segmenter

    seg = load_segmenter(folder)
    s = score(test, seg.analyse_split([e.text for e in test], [e.sentences for e in test])).to_dict()
    print(f"live, {n} new generated reports (seed 909): macro-F1 {_f(s['macro_f1'])}  Pk {_f(s['pk'])}  "
          f"categories micro-F1 {_f(s['category_micro_f1'])}")
    texts = [e.doc.text for e in test]  # headings removed, tables kept
    if shared.is_dir():
        texts += [d.text for d in load_real_docs(shared)] * 3  # real text with its headings
    list(nlp.pipe(texts[:5]))  # warm-up
    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=16))
    dt = time.perf_counter() - t0
    n_sent = sum(len(d._.gk_topics) for d in docs)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"throughput: {n_sent} sentences in {dt:.2f} s = {n_sent / dt:.0f} sentences/s "
          f"({len(texts) / dt:.1f} reports/s), one process; load {load_s:.2f} s")
    print(f"memory: peak RSS {rss / 1024:.0f} MB (before loading {rss0 / 1024:.0f} MB); "
          f"model on disk {size / 1e6:.2f} MB ({folder})")
    return {"throughput (spaCy pipeline, one process)": f"{n_sent / dt:.0f} sentences/s ({n_sent} sentences, "
            f"{len(texts)} reports, {len(texts) / dt:.1f} reports/s)",
            "peak memory (RSS)": f"{rss / 1024:.0f} MB (Python + libraries before loading: {rss0 / 1024:.0f} MB)",
            "model on disk": f"{size / 1e6:.2f} MB", "load time": f"{load_s:.2f} s",
            "measured with": "python benchmarks/bench_topics.py --record"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", type=Path, help="model folder (default: the shipped model)")
    ap.add_argument("--n", type=int, default=200, help="generated reports for the live figures and speed")
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    ap.add_argument("--real-parse", action="store_true",
                    help="also fit the baseline per fold and score the real reports as gongkai parse reads them")
    ap.add_argument("--record", action="store_true", help="write speed and memory into metrics.json and the card")
    args = ap.parse_args(argv)
    from gongkai.models.loading import SHIPPED_DIR

    folder = args.model or SHIPPED_DIR
    metrics_path = folder / "metrics.json"
    if not metrics_path.is_file():
        print(f"no metrics.json in {folder}: run gongkai train first", file=sys.stderr)
        return 2
    metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
    print_figures(metrics)
    print()
    if args.shared.is_dir():
        heading_fallback_on_real(args.shared)
        if args.real_parse:
            real_through_parser(args.shared)
    perf = live(args.model, args.n, args.shared)
    if args.record:
        from gongkai.training.card import write_card

        metrics["throughput"] = perf
        metrics_path.write_text(json.dumps(metrics, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"recorded in {metrics_path} and {write_card(folder, metrics)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
