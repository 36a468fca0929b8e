"""The ``gongkai analyze`` subcommand: the researchers' page and tidy exports of an ingested database."""

from __future__ import annotations

import argparse
import re
import sys
import time

from gongkai.data.analysis.labels import LEVELS


def _cmd_analyze(args: argparse.Namespace) -> int:
    from gongkai.data.analysis.export import export
    from gongkai.data.analysis.html import write_html
    from gongkai.data.analysis.queries import connection
    from gongkai.data.errors import GongkaiError

    if not (args.html or args.csv or args.parquet):
        print("gongkai: analyze needs at least one of --html OUT.html, --csv DIR, --parquet DIR", file=sys.stderr)
        return 2
    if args.quotes < 0:
        print("gongkai: --quotes must be 0 or more", file=sys.stderr)
        return 2
    try:
        keep = filters_from_args(args)
    except ValueError as e:
        print(f"gongkai: {e}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    try:
        with connection(args.db) as con:
            outputs = []
            if args.html:
                outputs.append(write_html(con, args.html, max_quotes=args.quotes, name=args.db,
                                          compare_pages=args.compare_pages, **keep))
            targets = {fmt: d for fmt, d in (("csv", args.csv), ("parquet", args.parquet)) if d}
            if targets:
                outputs += export(con, targets, **keep)
    except GongkaiError as e:
        print(f"gongkai: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"gongkai: cannot write {e.filename or 'the output'}: {e.strerror or e}", file=sys.stderr)
        return 2
    for path in outputs:
        print(path)
    print(f"gongkai: analyzed {args.db} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 0


def parse_years(text: str) -> tuple[int | None, int | None]:
    """``2022`` → (2022, 2022); ``2020-2023``, ``2020-`` and ``-2023`` → ranges."""
    m = re.fullmatch(r"\s*(\d{4})?\s*(-)?\s*(\d{4})?\s*", text)
    if not m or not (m.group(1) or m.group(3)) or (not m.group(2) and m.group(3)):
        raise ValueError(f"--year wants YEAR or FROM-TO (e.g. 2022 or 2020-2023), not {text!r}")
    a = int(m.group(1)) if m.group(1) else None
    b = int(m.group(3)) if m.group(3) else (None if m.group(2) else a)
    if a is not None and b is not None and a > b:
        raise ValueError(f"--year {text}: the first year is after the second")
    return a, b


def filters_from_args(args: argparse.Namespace) -> dict:
    """The command line's report filters, checked (unknown levels are named), as the filter
    keywords of :mod:`gongkai.analysis` (``year``, ``level``, ``province``, ``city``)."""
    unknown = [lv for lv in args.level or () if lv not in LEVELS]
    if unknown:
        raise ValueError(f"unknown --level {', '.join(unknown)}; one of {', '.join(LEVELS)}")
    return {"year": parse_years(args.year) if args.year else None, "level": args.level,
            "province": args.province, "city": args.city}


def add_analyze_command(sub: argparse._SubParsersAction) -> None:
    """Add ``analyze`` to the ``gongkai`` command line."""
    p = sub.add_parser(
        "analyze",
        help="researchers' view of an ingested database: an HTML page and tidy CSV/Parquet tables",
        description="Build one self-contained HTML page (problem categories by year, level and region, trends, "
        "co-occurrence, recurring problems, the sentences that name them, table statistics, data quality; "
        "filters by year, level and region) and/or tidy tables for your own statistics.",
    )
    p.add_argument("--db", required=True, help="the DuckDB database written by gongkai ingest")
    p.add_argument("--html", metavar="OUT.html", help="write the page here")
    p.add_argument("--compare-pages", action="store_true",
                   help="with --html: also write each year pair's comparison page into OUT-compare/, linked from the page")
    p.add_argument("--csv", metavar="DIR", help="write the tidy tables as CSV into DIR")
    p.add_argument("--parquet", metavar="DIR", help="write the tidy tables as Parquet into DIR")
    p.add_argument("--quotes", type=int, default=200, metavar="N",
                   help="most quoted segments per category kept in the page (200)")
    p.add_argument("--year", metavar="YEAR|FROM-TO", help="only reports of these years (2022, 2020-2023, 2021-)")
    p.add_argument("--level", action="append", metavar="LEVEL",
                   help=f"only reports of this admin level (repeatable): {', '.join(LEVELS)}")
    p.add_argument("--province", action="append", metavar="NAME", help="only reports of this province (repeatable)")
    p.add_argument("--city", action="append", metavar="NAME", help="only reports of this city (repeatable)")
    p.set_defaults(func=_cmd_analyze)
