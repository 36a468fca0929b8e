"""The ``gongkai`` command line."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from gongkai import __version__


def _cmd_parse(args: argparse.Namespace) -> int:
    from gongkai.data.loaders.base import LoadError
    from gongkai.inference.pipeline import NotAReportError, parse_file

    segmenter = None
    if not args.no_topics:
        from gongkai.models import topic_segmenter

        segmenter = topic_segmenter()  # None when no model (or no numpy): heading-based segments
    if args.workers is not None:
        if args.workers < 1:
            print("gongkai: --workers must be at least 1", file=sys.stderr)
            return 2
        os.environ["GONGKAI_WORKERS"] = str(args.workers)  # read by the OCR page runner
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    status = 0
    try:
        for path in args.files:
            try:
                record = parse_file(path, ocr=True if args.ocr else None, segmenter=segmenter)
            except (LoadError, NotAReportError, OSError) as exc:
                print(f"gongkai: {path}: {exc}", file=sys.stderr)
                status = 2
                continue
            except Exception as exc:  # a parser bug must not hide the other files' records
                print(f"gongkai: {path}: internal error while parsing ({type(exc).__name__}: {exc})", file=sys.stderr)
                status = 2
                continue
            if args.jsonl:
                out.write(record.to_json(indent=None) + "\n")
            else:
                out.write(record.to_json(indent=2) + "\n")
            out.flush()
    finally:
        if out is not sys.stdout:
            out.close()
    return status


def _cmd_samples(args: argparse.Namespace) -> int:
    """Parse the bundled sample reports and print a one-line summary of each record."""
    from importlib.resources import files

    from gongkai.evaluation.compare import Gold, compare
    from gongkai.inference.pipeline import parse_file

    sample_dir = Path(str(files("gongkai.data.samples")))
    paths = sorted(p for p in sample_dir.iterdir() if p.suffix in {".txt", ".md", ".html", ".docx"})
    out_dir = Path(args.output) if args.output else None
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
    for p in paths:
        rec = parse_file(p)
        errors = sum(1 for i in rec.issues if i.severity == "error")
        repaired = sum(1 for i in rec.issues if i.code.endswith(".repaired"))
        gold_path = p.with_name(p.stem + ".gold.json")
        vs_gold = ""
        if gold_path.exists():
            cmp = compare(rec, Gold.read(gold_path))
            vs_gold = f" gold: {cmp.n_exact}/{len(cmp.cells)} cells exact"
        print(
            f"{p.name}: {rec.meta.organization} {rec.meta.year} template={rec.template} "
            f"tables={len(rec.tables)} sections={len(rec.sections)} errors={errors} repaired={repaired}{vs_gold}"
        )
        if out_dir:
            (out_dir / (p.stem + ".json")).write_text(rec.to_json(), encoding="utf-8")
    return 0


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="gongkai", description="Read government information-disclosure annual reports.")
    ap.add_argument("--version", action="version", version=f"gongkai {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="parse report files into records (JSON)")
    p.add_argument("files", nargs="+", help="report files: .txt .md .html .docx .pdf, images (.jpg .png .tif)")
    p.add_argument("-o", "--output", help="write records to this file instead of stdout")
    p.add_argument("--jsonl", action="store_true", help="one record per line (JSON Lines)")
    p.add_argument("--ocr", action="store_true", help="treat the text as OCR output (allow digit-level repair)")
    p.add_argument("--no-topics", action="store_true",
                   help="segments from the report's headings instead of the topic classifier (faster)")
    p.add_argument("--workers", type=int, default=None,
                   help="processes that OCR scanned pages and images in parallel (default: all cores)")
    p.set_defaults(func=_cmd_parse)

    s = sub.add_parser("samples", help="parse the bundled sample reports and summarise them")
    s.add_argument("-o", "--output", help="also write each record as JSON into this folder")
    s.set_defaults(func=_cmd_samples)
    from gongkai.data.analysis.cli import add_analyze_command
    from gongkai.data.labels_cli import add_labels_command
    from gongkai.data.store.cli import add_store_commands
    from gongkai.data.synth.cli import add_synth_command
    from gongkai.evaluation.cli import add_evaluate_command
    from gongkai.evaluation.yoy.cli import add_compare_command
    from gongkai.training.cli import add_train_command

    add_synth_command(sub)
    add_labels_command(sub)
    add_evaluate_command(sub)
    add_store_commands(sub)
    add_train_command(sub)
    add_analyze_command(sub)
    add_compare_command(sub)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``gongkai`` console script."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("gongkai: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
