"""The ``gongkai`` command line."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from gongkai import __version__
from gongkai.data.errors import GongkaiError, one_line


def _limits(args: argparse.Namespace):
    from gongkai.inference.bounded import Limits

    return Limits(seconds=args.timeout, memory_mb=args.max_memory)


def _cmd_parse(args: argparse.Namespace) -> int:
    from gongkai.inference.bounded import parse_files

    if args.workers is not None:
        if args.workers < 1:
            print("gongkai: --workers must be at least 1", file=sys.stderr)
            return 2
        os.environ["GONGKAI_WORKERS"] = str(args.workers)  # read by the OCR page runner
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    status = 0
    try:
        # Each file in a worker process under its time and memory limits (gongkai.inference.bounded).
        for o in parse_files(args.files, limits=_limits(args), ocr=True if args.ocr else None,
                             topics=not args.no_topics):
            if not o.ok:
                print(f"gongkai: {o.path}: {o.error}", file=sys.stderr)
                status = 2
                continue
            out.write(o.record.to_json(indent=None if args.jsonl else 2) + "\n")
            out.flush()
    finally:
        if out is not sys.stdout:
            out.close()
    return status


def _cmd_samples(args: argparse.Namespace) -> int:
    """Parse the bundled sample reports and print a one-line summary of each record."""
    from importlib.resources import files

    from gongkai.evaluation.compare import Gold, compare
    from gongkai.inference.bounded import parse_files

    sample_dir = Path(str(files("gongkai.data.samples")))
    paths = sorted(p for p in sample_dir.iterdir() if p.suffix in {".txt", ".md", ".html", ".docx"})
    out_dir = Path(args.output) if args.output else None
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
    status = 0
    for o in parse_files(paths, limits=_limits(args), topics=False):
        p = Path(o.path)
        if not o.ok:
            print(f"gongkai: {p.name}: {o.error}", file=sys.stderr)
            status = 2
            continue
        rec = o.record
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
    return status


def add_limit_options(p: argparse.ArgumentParser) -> None:
    """--timeout / --max-memory / --verbose of the commands that parse files one by one."""
    p.add_argument("--timeout", type=float, default=120.0, metavar="SEC",
                   help="seconds a text file may take, +30 s per further page of a PDF or TIFF (default 120; 0: none)")
    p.add_argument("--max-memory", type=int, default=2048, metavar="MB",
                   help="MB a file may use, +64 MB per further page, at most 8192 (default 2048; 0: none)")
    p.add_argument("--verbose", action="store_true", help="let the PDF/OCR libraries' warnings through to stderr")


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
    add_limit_options(p)
    p.set_defaults(func=_cmd_parse)

    s = sub.add_parser("samples", help="parse the bundled sample reports and summarise them")
    s.add_argument("-o", "--output", help="also write each record as JSON into this folder")
    add_limit_options(s)
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
    from gongkai.data.loaders.quiet import configure

    configure(getattr(args, "verbose", False))
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("gongkai: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except GongkaiError as e:  # bad input or setup a subcommand did not word itself: one line, no traceback
        print(f"gongkai: {one_line(e)}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
