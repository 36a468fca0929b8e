"""``gongkai labels``: import Label Studio / doccano exports, export predictions for correction."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _cmd_import(args: argparse.Namespace) -> int:
    from gongkai.data.errors import GongkaiError
    from gongkai.data.labels import from_doccano, from_label_studio, write_gold_jsonl

    try:
        reports = from_label_studio(args.export) if args.source == "label-studio" else from_doccano(args.export)
    except (GongkaiError, OSError, json.JSONDecodeError) as exc:
        print(f"gongkai labels: {exc}", file=sys.stderr)
        return 2
    n = write_gold_jsonl(reports, args.out)
    print(f"wrote {n} labelled reports to {args.out}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from gongkai.data.errors import GongkaiError
    from gongkai.data.labels import LABEL_STUDIO_CONFIG, to_label_studio
    from gongkai.inference.pipeline import parse_file

    records = []
    status = 0
    for f in args.files:
        try:
            records.append(parse_file(f))
        except (GongkaiError, OSError) as exc:
            print(f"gongkai labels: {f}: {exc}", file=sys.stderr)
            status = 2
    Path(args.out).write_text(json.dumps(to_label_studio(records), ensure_ascii=False, indent=1), encoding="utf-8")
    if args.config:
        Path(args.config).write_text(LABEL_STUDIO_CONFIG, encoding="utf-8")
    print(f"wrote {len(records)} Label Studio tasks with pre-annotations to {args.out}")
    return status


def add_labels_command(sub: argparse._SubParsersAction) -> None:
    """Register ``gongkai labels import|export`` on the CLI's subparsers."""
    p = sub.add_parser("labels", help="labelled data: import Label Studio/doccano, export pre-annotations")
    lsub = p.add_subparsers(dest="labels_command", required=True)
    imp = lsub.add_parser("import", help="convert a labelling tool's export into gold JSONL")
    imp.add_argument("source", choices=["label-studio", "doccano"])
    imp.add_argument("export", help="the tool's export file (Label Studio JSON, doccano JSONL)")
    imp.add_argument("out", help="gold JSONL to write")
    imp.set_defaults(func=_cmd_import)
    exp = lsub.add_parser("export", help="parse reports and write Label Studio tasks with our predictions")
    exp.add_argument("files", nargs="+", help="report files")
    exp.add_argument("-o", "--out", required=True, help="Label Studio tasks JSON to write")
    exp.add_argument("--config", help="also write the matching Label Studio labelling config (XML)")
    exp.set_defaults(func=_cmd_export)
