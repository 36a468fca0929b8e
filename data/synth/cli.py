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
    if args.year_pairs:
        return _write_pairs(args, formats)
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


def _write_pairs(args: argparse.Namespace, formats: tuple[str, ...]) -> int:
    """``--year-pairs``: N pairs NAME-a/NAME-b (last year, this year) and NAME.pair.json (gold diff)."""
    import json
    import random
    from pathlib import Path

    from gongkai.data.synth.corpus import EXTENSIONS
    from gongkai.data.synth.render_html import HTML_LAYOUTS
    from gongkai.data.synth.yearpair import make_pair, pair_gold, render_pair

    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        for i in range(args.n):
            fmt = formats[i % len(formats)]
            rng = random.Random(f"gongkai-synth-pair:{args.seed}:{i}")
            pair = make_pair(rng)
            layout = {"txt": "tab", "md": "markdown", "html": HTML_LAYOUTS[i % len(HTML_LAYOUTS)]}.get(fmt, fmt)
            old, new = render_pair(pair, fmt, layout, rng)
            name = f"pair-{i:05d}"
            (out / f"{name}-a.{EXTENSIONS[fmt]}").write_bytes(old.data)
            (out / f"{name}-b.{EXTENSIONS[fmt]}").write_bytes(new.data)
            (out / f"{name}.pair.json").write_text(json.dumps(pair_gold(pair, old, new), ensure_ascii=False, indent=1),
                                                   encoding="utf-8")
    except OSError as exc:
        print(f"gongkai synth: cannot write to {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        print(f"gongkai synth: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.n} year pairs (NAME-a, NAME-b and NAME.pair.json) to {args.out}")
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
    p.add_argument("--year-pairs", action="store_true",
                   help="write N year pairs instead: last year's report, this year's made from it by known edits "
                        "(kept, reworded, removed, added, moved paragraphs; new numbers) and the gold diff")
    p.set_defaults(func=_cmd_synth)
