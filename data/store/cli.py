"""The ``gongkai ingest`` and ``gongkai export`` subcommands."""

from __future__ import annotations

import argparse
import os
import sys


def _cmd_ingest(args: argparse.Namespace) -> int:
    from gongkai.data.errors import GongkaiError
    from gongkai.data.store.run import IngestOptions, ingest

    opts = IngestOptions(
        workers=args.workers,
        engine=args.engine,
        address=args.address,
        timeout=args.timeout,
        max_memory_mb=args.max_memory,
        exclude=tuple(args.exclude),
        retry_failed=args.retry_failed,
        batch_size=args.batch_size,
        progress=False if args.quiet else (True if args.progress else None),
    )
    try:
        summary = ingest(args.paths, args.db, opts)
    except GongkaiError as e:  # the database or the parsers cannot run: one sentence
        print(f"gongkai: {e}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as e:
        print(f"gongkai: the {args.engine} engine needs the package {e.name!r} (pip install {e.name})", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("gongkai: interrupted; what was written is kept, run the same command again to continue",
              file=sys.stderr)
        return 130
    if not args.quiet:
        print(summary.line(), file=sys.stderr)
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from gongkai.data.errors import GongkaiError
    from gongkai.data.store.api import open_db

    try:
        with open_db(args.db) as db:
            paths = db.export(args.to, args.out)
    except GongkaiError as e:
        print(f"gongkai: {e}", file=sys.stderr)
        return 2
    for p in paths:
        print(p)
    return 0


def add_store_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``ingest`` and ``export`` to the ``gongkai`` command line."""
    p = sub.add_parser(
        "ingest",
        help="parse folders/archives of reports into a DuckDB database (parallel, resumable)",
        description="Walk files, folders and zip archives, parse every report in parallel and store the "
        "checked records in a DuckDB database. Re-running only does new or changed files; a killed run "
        "continues where it stopped. Files that cannot be read or parsed are recorded in the failures table.",
    )
    p.add_argument("paths", nargs="+", help="files, folders or .zip archives")
    p.add_argument("--db", required=True, help="the DuckDB database file (created if missing)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="parallel parsers (default: cores)")
    p.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="local worker processes (default) or Ray tasks")
    p.add_argument("--address", help="Ray cluster address (default: start a local Ray)")
    p.add_argument("--timeout", type=float, default=300.0, help="seconds per file before it is a failure (300)")
    p.add_argument("--max-memory", type=int, default=4096,
                   help="MB a worker may grow by while reading one file (4096; 0: no limit)")
    p.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                   help="skip names or paths matching GLOB (repeatable), e.g. '*.gold.json'")
    p.add_argument("--retry-failed", action="store_true", help="parse again the contents that failed before")
    p.add_argument("--batch-size", type=int, default=64,
                   help="most inputs written per transaction (1: one transaction per input)")
    p.add_argument("--progress", action="store_true", help="show the progress bar even when not on a terminal")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
    p.set_defaults(func=_cmd_ingest)

    e = sub.add_parser("export", help="export an ingested database as Parquet, CSV or JSON Lines")
    e.add_argument("--db", required=True, help="the DuckDB database written by gongkai ingest")
    e.add_argument("--to", choices=("parquet", "csv", "jsonl"), default="parquet", help="file format")
    e.add_argument("out", help="output folder (one file per table, plus <table>_wide per statistical table)")
    e.set_defaults(func=_cmd_export)
