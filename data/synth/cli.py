"""``gongkai synth``: write a labelled corpus of synthetic reports."""

from __future__ import annotations

import argparse
import os
import sys


def _cmd_synth(args: argparse.Namespace) -> int:
    from gongkai.data.synth.corpus import ALL_FORMATS, write_corpus

    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    bad = [f for f in formats if f not in ALL_FORMATS]
    if bad or not formats:
        print(f"gongkai synth: unknown format(s) {', '.join(bad) or '(none)'}; choose from {','.join(ALL_FORMATS)}",
              file=sys.stderr)
        return 2
    if args.n < 1:
        print("gongkai synth: --n must be at least 1", file=sys.stderr)
        return 2
    try:
        paths = write_corpus(args.out, args.n, formats, seed=args.seed, workers=args.workers,
                             progress=sys.stderr.isatty())
    except OSError as exc:
        print(f"gongkai synth: cannot write to {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # e.g. no CJK font for PDFs: one line, not a traceback
        print(f"gongkai synth: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {len(paths)} reports and their .gold.json files to {args.out}")
    return 0


def add_synth_command(sub: argparse._SubParsersAction) -> None:
    """Register ``gongkai synth`` on the CLI's subparsers."""
    p = sub.add_parser("synth", help="write synthetic labelled reports (every format) with gold records")
    p.add_argument("out", help="output folder")
    p.add_argument("--n", type=int, default=100, help="number of reports (default 100)")
    p.add_argument("--formats", default="txt,md,html,docx",
                   help="comma-separated: txt,md,html,docx,pdf,scan,image (default txt,md,html,docx)")
    p.add_argument("--seed", type=int, default=0, help="random seed; the same seed writes the same files")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="worker processes (default: all cores)")
    p.set_defaults(func=_cmd_synth)
