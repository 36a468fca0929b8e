"""The model card: what the shipped topic model is, what it was trained on, how well it does."""

from __future__ import annotations

from pathlib import Path

from gongkai.models.labels import TOPICS

_SOURCES = """\
| source | how it is labelled | reports | labelled sentences | category items |
|---|---|---|---|---|
{rows}

- **generated** (`gongkai.data.synth`): exact gold segments of the generator; headings, titles
  and signatures removed from the input; half of the reports have paragraphs run together
  (problems + improvements in one paragraph, as many real reports print them) and a fifth are
  hard-wrapped like PDF text. With `variety` > 0 (`gongkai.training.variety`) the training
  reports also get what real ones have and the generator lacks: more wording per topic, work
  enumerated under short headlines in every topic, supervision (leadership, organisation)
  described first in section 1, and uncategorised openers of problems and measures. These
  transforms were chosen after reading the real reports' errors; their wording is written
  from the genre's common vocabulary, not from the hand-labelled reports.
- **weak**: reports in `weak_dirs` labelled from their own headings and sub-headings
  (`gongkai.training.weak_labels`), the headings then removed from the input.
- **real**: the five seeds, the four reports of `shared/real/` and the fifteen site text versions
  of `shared/real-text/` (平潭, 2011–2024, old and new outlines; three units), labelled by hand by
  content (a platform paragraph under 主动公开 is `platforms`; a merged problems/improvements
  paragraph is cut where the measures begin; the old outline's 概述 / 主动公开 / 依申请公开 / 收费 /
  复议诉讼 / 问题和改进 map onto the same nine topics); stored as label files only
  (`training/labels/real/*.json`: topic, categories and sha1 anchors of each segment's first and
  last 16 characters, the anchored headings, the unit and its cross-validation group, plus the
  source's sha256), re-aligned to the re-extracted text at training time.
- With `variety`, a share of the generated reports also take the old outline's order
  (organisation first, then what was published and where, requests, problems and measures).
"""


def _end_to_end(res: dict) -> str:
    """The figures of ``bench_topics.py --real-parse``: each real report's file through the parser."""
    rows = [("macro-F1 (characters, 9 topics)", "macro_f1"), ("F1 problems", "problems"),
            ("F1 improvements", "improvements"), ("Pk (characters, segments)", "pk"),
            ("Pk (characters, topic runs)", "pk_topics"),
            ("category micro-F1 (per segment)", "category_micro_f1"), ("gold characters in no segment", "unsegmented")]
    rows += [(f"F1 {t}", t) for t in TOPICS if t not in ("problems", "improvements")]
    out = "| figure | as published | headings removed |\n|---|---|---|\n"
    for label, key in rows:
        vals = [res[n]["per_topic_f1"].get(key) if key in TOPICS else res[n].get(key)
                for n in ("published", "headings removed")]
        out += f"| {label} | {_f(vals[0])} | {_f(vals[1])} |\n"
    return out


def _f(v) -> str:
    return "—" if v is None else f"{v:.3f}"


def _table(models: dict) -> str:
    cols = []
    for kind, m in models.items():
        for split in ("synth_test", "real_cv"):
            if m.get(split):
                stale = " (earlier training)" if m.get("stale") else ""
                cols.append((f"{kind}{stale} / {'generated' if split == 'synth_test' else 'real (CV)'}", m[split]))
    if not cols:
        return "(no figures)"
    head = "| figure | " + " | ".join(c for c, _ in cols) + " |\n|---|" + "---|" * len(cols) + "\n"
    rows = [("sentence macro-F1 (9 topics)", "macro_f1"), ("sentence accuracy", "accuracy"),
            ("Pk (sentences)", "pk"), ("WindowDiff (sentences)", "window_diff"),
            ("Pk (characters, paragraphs as segments)", "pk_chars"),
            ("category micro-F1", "category_micro_f1"), ("category micro-precision", "category_micro_precision"),
            ("category micro-recall", "category_micro_recall"), ("category macro-F1", "category_macro_f1")]
    body = ""
    for label, key in rows:
        body += f"| {label} | " + " | ".join(_f(s.get(key)) for _, s in cols) + " |\n"
    for t in TOPICS:
        body += f"| F1 {t} | " + " | ".join(_f(s["per_topic_f1"].get(t)) for _, s in cols) + " |\n"
    body += "| reports / sentences | " + " | ".join(f"{s['reports']} / {s['sentences']}" for _, s in cols) + " |\n"
    return head + body


def _rel(path: str | None) -> str:
    """The config path relative to the package root when it is inside it (the shipped config)."""
    if not path:
        return "CONFIG"
    root = Path(__file__).resolve().parents[1]
    p = Path(path)
    return str(p.relative_to(root)) if p.is_relative_to(root) else str(p)


def write_card(folder: Path, metrics: dict) -> Path:
    data = metrics["data"]
    rows = []
    for split, label in (("train", "training"), ("real", "real (hand)"), ("synth_test", "generated test")):
        for source, d in data.get(split, {}).items():
            if split == "real" and source != "real":
                continue
            rows.append(f"| {source} ({label}) | {'gold' if source == 'synth' else source} | {d['reports']} | "
                        f"{d['sentences']} | {d['items']} |")
    models = metrics["models"]
    ship = metrics["shipped"]
    cfg = metrics["config"]
    perf = metrics.get("throughput")
    lines = [
        f"# Topic segmentation model card ({ship})",
        "",
        "Cuts a report's narrative into the nine topics of the record contract and tags problems/"
        "improvements items with the categories of `shared/spec/problem-taxonomy.md`. "
        f"Shipped model: **{ship}** (chosen by real-report macro-F1 under cross-validation).",
        "",
        "## Data",
        "",
        _SOURCES.format(rows="\n".join(rows)),
        "",
        "## Figures",
        "",
        "Sentence level, a diagnostic: held-out reports with every heading removed. *generated*: reports "
        f"of another generator seed ({cfg['data']['synth_test_seed']}). *real (CV)*: the hand-labelled real "
        "reports, each scored by a model trained without its unit (folds of whole units; baseline "
        f"{cfg['data']['real_folds']} folds, transformer {cfg['data']['transformer_real_folds']}). "
        "Sentence figures count every labelled sentence; Pk/WindowDiff are per report over the sentence "
        "topic sequence (k = half the mean topic-run length), averaged; categories are matched per "
        "problems/improvements item (gold item vs the predicted segment overlapping it most).",
        "",
        _table(models),
        "",
    ]
    if metrics.get("end_to_end"):
        e2e = metrics["end_to_end"]
        lines += ["## End to end (what `gongkai parse` gives)", "",
                  "Each real report's own file through `parse_file`, as published and as text with its "
                  "headings removed; segments compared with the hand labels by character; each report "
                  "segmented by a baseline fitted without its unit (folds: "
                  + "; ".join(", ".join(f) for f in e2e.get("folds") or []) + "). "
                  f"Measured with `{e2e.get('measured_with', 'python benchmarks/bench_topics.py --real-parse')}`.",
                  "", _end_to_end(e2e), ""]
    if perf:
        lines += ["## Speed and size", "", *[f"- {k}: {v}" for k, v in perf.items()], ""]
    if len(models) > 1:
        scores = {k: (m.get("real_cv") or m.get("synth_test") or {}).get("macro_f1") for k, m in models.items()}
        split = "real-report cross-validation" if all(m.get("real_cv") for m in models.values()) else "generated test"
        stale = [k for k, m in models.items() if m.get("stale")]
        same = f"on the same {split} folds" if not stale else \
            f"({', '.join(stale)}: figures of an earlier training, see Notes)"
        lines += ["## Choice", "", f"Shipped **{ship}**: sentence macro-F1 {same} "
                  + ", ".join(f"{k} {_f(v)}" for k, v in scores.items()) + ".", ""]
    lines += ["## Reproduce", "", f"`gongkai train {_rel(cfg.get('path'))} -o OUT` (seed {cfg['seed']}); the "
              "result is the same up to floating-point round-off of multi-threaded BLAS.",
              "Training times: " + ", ".join(f"{k} {m['train_seconds']} s" for k, m in models.items()) + ".", ""]
    if metrics.get("notes"):
        lines += ["## Notes", "", *metrics["notes"], ""]
    path = folder / "MODEL_CARD.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
