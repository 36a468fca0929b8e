"""``gongkai compare OLD NEW``: two reports of one unit, last year's first."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def _load(key: str, db: Any) -> dict[str, Any]:
    if db is not None:
        return db.record(key).model_dump()
    from gongkai.inference.pipeline import parse_file
    from gongkai.models import topic_segmenter

    return parse_file(key, segmenter=topic_segmenter()).model_dump()


def _cmd_compare(args: argparse.Namespace) -> int:
    from gongkai.data.errors import GongkaiError
    from gongkai.inference.yoy import compare_records

    db = None
    try:
        if args.db:
            from gongkai.data.store.api import open_db

            db = open_db(args.db)
        old, new = _load(args.old, db), _load(args.new, db)
    except (GongkaiError, OSError, LookupError) as exc:  # LookupError: a key not in the database
        print(f"gongkai compare: {exc}", file=sys.stderr)
        return 2
    finally:
        if db is not None:
            db.close()
    c = compare_records(old, new)
    if args.html:
        from gongkai.evaluation.yoy.page import write_html

        write_html(c, args.html)
    if args.docx:
        from gongkai.evaluation.yoy.docx_out import write_docx

        write_docx(c, args.docx)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            f.write(c.to_json())
    if not (args.html or args.docx or args.json):
        print(c.to_json())
    else:
        s = c.summary
        p = s["paragraphs"]
        print(f"{c.old['year']} → {c.new['year']}: paragraphs added {p['added']}, removed {p['removed']}, "
              f"changed {p['changed']}, unchanged {p['unchanged']} (moved {p['moved']}); cells changed "
              f"{s['cells']['changed']}/{s['cells']['compared']}; reuse " +
              ", ".join(f"{k} {'—' if v is None else f'{100 * v:.0f} %'}" for k, v in s["reuse"].items()))
    return 0


def add_compare_command(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compare", help="compare a unit's report with its report of the year before")
    p.add_argument("old", help="last year's report: a file, or with --db a stored path or sha256")
    p.add_argument("new", help="this year's report, likewise")
    p.add_argument("--db", help="read both records from this database instead of parsing files")
    p.add_argument("--html", help="write the comparison page (self-contained HTML)")
    p.add_argument("--docx", help="write the comparison as a Word document")
    p.add_argument("--json", help="write the comparison as JSON")
    p.set_defaults(func=_cmd_compare)
