"""Topic segmentation benchmark: the Done-when figures, both models side by side, speed and memory.

    python benchmarks/bench_topics.py [--model DIR] [--n 200] [--real-parse [--json OUT]] [--record]

Figures of both models (generated held-out reports; real reports by cross-validation) come from
the model folder's ``metrics.json``, written by ``gongkai train`` on identical splits. Measured
here, live: with ``--real-parse`` the end-to-end real-report figures (grouped folds), the shipped pipeline's figures on freshly generated held-out reports, the
heading-based fallback on the real reports (headings kept: it needs them), throughput of the
spaCy pipeline on one process (sentences/s), peak memory and the model's size on disk.
``--record`` writes the speed and memory (and, with ``--real-parse``, the end-to-end figures) into
the model's metrics.json and MODEL_CARD.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

from gongkai.models.labels import TOPICS


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


def _heading_ranges(text: str, lf, gold) -> list[tuple[int, int]]:
    """The report's headings in ``text``: hand-anchored ones, else (older label files) the short
    non-table lines outside every labelled segment (section headings, sub-headings, title, signature)."""
    from gongkai.models.splitter import is_table_line
    from gongkai.training.real_labels import decode

    if lf.headings:
        return [(h.start, h.end) for h in decode(text, lf.headings)[0]]
    covered = [False] * len(text)
    for g in gold:
        covered[g.start : g.end] = [True] * (g.end - g.start)
    out, pos = [], 0
    for line in text.split("\n"):
        a, b = pos, pos + len(line)
        pos = b + 1
        if line.strip() and len(line.strip()) <= 40 and not is_table_line(line) and not any(covered[a:b]):
            out.append((a, b))
    return out


def fold_models(shared: Path, log=lambda m: None) -> tuple[dict, list[list[str]]]:
    """For each real report, a baseline fitted without its unit (grouped folds of the shipped config)."""
    from gongkai.training.config import DEFAULT_CONFIG, read_config
    from gongkai.training.train import build_data, fit_baseline, folds, group_of

    cfg = read_config(DEFAULT_CONFIG)
    data = build_data(cfg, log)
    models, names = {}, []
    for j, held in enumerate(folds([group_of(r) for r in data.real], cfg.data.real_folds)):
        seg = fit_baseline(data.train + [r for i, r in enumerate(data.real) if i not in held], cfg)
        names.append([data.real[i].name for i in held])
        models.update({n: seg for n in names[-1]})
        log(f"  fold {j + 1}: {', '.join(names[-1])}")
    return models, names


def real_end_to_end(shared: Path, log=lambda m: None, models: dict | None = None) -> dict:
    """Each real report's own file through ``parse_file`` (what ``gongkai parse`` runs), once as
    published and once as text with its headings removed, scored by character against the hand
    labels; each report segmented by a baseline fitted without its unit (:func:`fold_models`)."""
    import tempfile

    from gongkai.evaluation.metrics import Span
    from gongkai.inference.pipeline import parse_file
    from gongkai.models import pipeline_segmenter
    from gongkai.training.documents import LabelledDoc, remove_ranges
    from gongkai.training.real_labels import LABELS_DIR, LabelFile, decode
    from gongkai.training.scoring import score_segments

    names = None
    if models is None:
        models, names = fold_models(shared, log)
    files = [lf for lf in (LabelFile.read(p) for p in sorted(LABELS_DIR.glob("*.json"))) if (shared / lf.source).is_file()]
    runs: dict[str, list] = {"published": [], "headings removed": []}
    per_report: dict[str, dict] = {}
    tmp = Path(tempfile.mkdtemp(prefix="gk-topics-"))
    for lf in files:
        seg = pipeline_segmenter(models[lf.name])
        rec = parse_file(shared / lf.source, segmenter=seg)
        gold = decode(rec.text, lf.segments)[0]
        bare = remove_ranges(LabelledDoc(lf.name, rec.text, gold, "real"), _heading_ranges(rec.text, lf, gold))
        path = tmp / f"{lf.name}.txt"
        path.write_text(bare.text, encoding="utf-8")
        rec2 = parse_file(path, segmenter=seg)
        for name, r in (("published", rec), ("headings removed", rec2)):
            g = [Span(s.start, s.end, s.topic, s.categories) for s in decode(r.text, lf.segments)[0]]
            p = [Span(s.start, s.end, s.topic, tuple(s.categories)) for s in r.segments]
            runs[name].append((r.text, g, p))
            per_report.setdefault(lf.name, {})[name] = score_segments([(r.text, g, p)]).to_dict()
    return {"folds": names, **{name: score_segments(r).to_dict() for name, r in runs.items()},
            "per_report": per_report}


def print_end_to_end(res: dict) -> None:
    print("real reports end to end (parse_file on each file; each scored by a model fitted without its unit):")
    print(f"{'figure':<24}{'published':>12}{'headings removed':>18}{'target':>9}")
    rows = [("macro-F1 (chars)", "macro_f1", "≥0.90"), ("F1 problems", "problems", "≥0.93"),
            ("F1 improvements", "improvements", "≥0.93"), ("Pk (chars, segments)", "pk", "≤0.10"),
            ("Pk (chars, topic runs)", "pk_topics", ""),
            ("category micro-F1", "category_micro_f1", "≥0.85"), ("gold in no segment", "unsegmented", "")]
    rows += [(f"F1 {t}", t, "") for t in TOPICS if t not in ("problems", "improvements")]
    for label, key, target in rows:
        vals = [res[n]["per_topic_f1"].get(key) if key in TOPICS else res[n].get(key)
                for n in ("published", "headings removed")]
        print(f"{label:<24}{_f(vals[0]):>12}{_f(vals[1]):>18}{target:>9}")


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
                    help="also fit the baseline per fold (whole units) and score each real report's file through "
                         "parse_file, as published and with its headings removed")
    ap.add_argument("--json", type=Path, help="with --real-parse: write its figures (and per report) here")
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
    res = None
    if args.shared.is_dir():
        heading_fallback_on_real(args.shared)
        if args.real_parse:
            res = real_end_to_end(args.shared, print)
            print_end_to_end(res)
            if args.json:
                args.json.write_text(json.dumps(res, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    perf = live(args.model, args.n, args.shared)
    if args.record:
        from gongkai.training.card import write_card

        metrics["throughput"] = perf
        if res is not None:
            metrics["end_to_end"] = {k: v for k, v in res.items() if k != "per_report"}
            metrics["end_to_end"]["measured_with"] = "python benchmarks/bench_topics.py --real-parse --record"
        metrics_path.write_text(json.dumps(metrics, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"recorded in {metrics_path} and {write_card(folder, metrics)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
