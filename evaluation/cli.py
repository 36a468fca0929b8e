"""``gongkai evaluate``: score the parser (or stored predictions) against a folder of gold files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from gongkai.evaluation.result import DEFAULT_DETAILS, HEADLINE, EvaluationResult


def add_evaluate_command(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``evaluate`` on the ``gongkai`` sub-command parser."""
    e = subparsers.add_parser(
        "evaluate",
        help="score parsing against gold files (NAME.gold.json beside each report)",
        description="Parse every report that has a NAME.gold.json beside it (or read NAME.json records "
        "from --pred) and print cell, meta, issue and narrative metrics.",
    )
    e.add_argument("gold_dir", metavar="GOLD_DIR", help="folder with reports and their NAME.gold.json files")
    e.add_argument("--pred", metavar="DIR", help="read stored records NAME.json (from gongkai parse -o) instead of parsing")
    e.add_argument("--json", metavar="OUT", help="write the full result as JSON")
    e.add_argument("--html", metavar="OUT", help="write the self-contained HTML dashboard")
    e.add_argument("--workers", type=int, default=None, help="parallel processes (default: CPUs, at most 8; 1 = none)")
    e.add_argument("--details", type=int, default=DEFAULT_DETAILS,
                   help=f"worst reports whose cells and text are kept in JSON and dashboard (default {DEFAULT_DETAILS})")
    e.add_argument("--no-topics", action="store_true",
                   help="parse with segments from the report's headings instead of the topic classifier")
    from gongkai.inference.cli import add_limit_options

    add_limit_options(e)
    e.set_defaults(func=run_evaluate)
    return e


def _fmt(value: float | int | None, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "pct":
        return f"{100 * value:.2f}%"
    if kind == "dec":
        return f"{value:.3f}"
    return str(value)


def format_summary(result: EvaluationResult) -> str:
    """Headline metrics, then cell accuracy per format and layout, as aligned text."""
    head = result.headline()
    lines = [f"{'metric':<28} value"]
    lines += [f"{label:<28} {_fmt(head[i], kind)}" for i, label, kind, _, _ in HEADLINE]
    for title, groups in (("format", result.cells.by_format), ("layout", result.cells.by_layout),
                          ("table", result.cells.by_table)):
        lines.append("")
        lines.append(f"{'cells by ' + title:<28} {'accuracy':>9} {'cells':>12}")
        for name in sorted(groups):
            g = groups[name]
            lines.append(f"{name:<28} {_fmt(g.value, 'pct'):>9} {f'{g.correct}/{g.total}':>12}")
    if result.crashes:
        lines.append("")
        lines.append(f"crashes ({len(result.crashes)}):")
        lines += [f"  {c.file}: {c.error}" for c in result.crashes[:20]]
        if len(result.crashes) > 20:
            lines.append(f"  … and {len(result.crashes) - 20} more (see --json)")
    rps = result.reports_per_second
    lines.append("")
    lines.append(f"{result.n_reports} reports in {result.seconds:.1f} s"
                 + (f" ({rps:.1f} reports/s, {result.workers} worker(s))" if rps else ""))
    return "\n".join(lines)


def run_evaluate(args: argparse.Namespace) -> int:
    from gongkai.evaluation.dashboard import write_dashboard
    from gongkai.evaluation.evaluate import evaluate as run
    from gongkai.evaluation.evaluate import find_tasks

    gold_dir = Path(args.gold_dir)
    if not gold_dir.is_dir():
        print(f"gongkai: {gold_dir}: not a folder", file=sys.stderr)
        return 2
    if not find_tasks(gold_dir):
        print(f"gongkai: {gold_dir}: no *.gold.json files", file=sys.stderr)
        return 2
    if args.pred and not Path(args.pred).is_dir():
        print(f"gongkai: {args.pred}: not a folder", file=sys.stderr)
        return 2
    from gongkai.evaluation.evaluate import OVER_LIMIT
    from gongkai.inference.bounded import Limits

    limits = Limits(seconds=args.timeout, memory_mb=args.max_memory)
    result = run(gold_dir, args.pred, workers=args.workers, topics=not args.no_topics, limits=limits)
    print(format_summary(result))
    over = [c for c in result.crashes if c.error.startswith(OVER_LIMIT)]
    for c in over:  # each file over its limits: one line, and exit 2 once the figures are out
        print(f"gongkai: {c.file}: {c.error[len(OVER_LIMIT):]}", file=sys.stderr)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(result.to_json(details=args.details), encoding="utf-8")
        print(f"JSON: {args.json}")
    if args.html:
        write_dashboard(result, args.html, details=args.details)
        print(f"dashboard: {args.html}")
    return 2 if over else 0
