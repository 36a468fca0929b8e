"""Golden snapshots of the bundled samples: drift anywhere in a record shows here.

For each sample in ``gongkai.data.samples`` the record ``gongkai.parse_file`` gives (as ``gongkai
parse`` prints it) is kept under ``tests/golden/samples/NAME/``: ``text.txt`` (the normalised text),
``sections.json``, ``segments.json`` and ``record.json`` (the whole record, ``source.path`` as the
file's name so the snapshot does not depend on where the checkout is). A change in behaviour fails
here with the first differences; if it is intended, rewrite the snapshots and review their diff::

    pytest tests/test_golden.py --update-golden      # or GONGKAI_UPDATE_GOLDEN=1
"""

from __future__ import annotations

import difflib
import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from gongkai.inference.pipeline import parse_file

SAMPLES = Path(str(files("gongkai.data.samples")))
REPORTS = sorted(p for p in SAMPLES.iterdir() if p.suffix in {".txt", ".md", ".html", ".docx"})
GOLDEN = Path(__file__).parent / "golden" / "samples"


def snapshot(record) -> dict[str, str]:
    """The files of one record's snapshot, by name, as text."""
    rec = json.loads(record.model_dump_json())
    rec["source"]["path"] = Path(rec["source"]["path"]).name  # not the machine's absolute path

    def dump(obj: Any) -> str:
        return json.dumps(obj, ensure_ascii=False, indent=1) + "\n"

    return {"text.txt": rec["text"], "sections.json": dump(rec["sections"]), "segments.json": dump(rec["segments"]),
            "record.json": dump(rec)}


def _differences(name: str, want: str, got: str) -> str:
    if name.endswith(".json"):
        paths = list(_json_paths(json.loads(want), json.loads(got)))
        return f"{len(paths)} values differ, first: " + "; ".join(paths[:8])
    diff = difflib.unified_diff(want.splitlines(), got.splitlines(), "golden", "now", lineterm="", n=0)
    return "\n".join(list(diff)[:20])


def _json_paths(a: Any, b: Any, at: str = ""):
    """Where two JSON values differ (``at`` the path so far), with both values."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(a.keys() | b.keys()):
            yield from _json_paths(a.get(k, "<absent>"), b.get(k, "<absent>"), f"{at}.{k}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from _json_paths(x, y, f"{at}[{i}]")
    elif a != b:
        short = [json.dumps(v, ensure_ascii=False)[:60] for v in (a, b)]
        yield f"{at or '.'}: {short[0]} -> {short[1]}"


@pytest.mark.parametrize("report", REPORTS, ids=[p.name for p in REPORTS])
def test_sample_record_matches_its_golden_snapshot(report, update_golden):
    folder = GOLDEN / report.stem
    got = snapshot(parse_file(report))
    if update_golden:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in got.items():
            (folder / name).write_text(text, encoding="utf-8")
        return
    assert folder.is_dir(), f"no snapshot for {report.name}: run pytest {__file__} --update-golden"
    for name, text in got.items():
        want = (folder / name).read_text(encoding="utf-8")
        assert text == want, (f"{report.name} {name} drifted from tests/golden (pytest tests/test_golden.py "
                              f"--update-golden to accept): {_differences(name, want, text)}")


def test_the_snapshot_holds_no_machine_path():
    got = snapshot(parse_file(REPORTS[0]))
    assert json.loads(got["record.json"])["source"]["path"] == REPORTS[0].name
    assert str(SAMPLES) not in "".join(got.values())


def test_the_command_line_prints_the_snapshot(capsys):
    """``gongkai parse`` (worker process, topic classifier by default) gives the record parse_file gives."""
    from gongkai.inference.cli import main

    report = SAMPLES / "sample_4_html.html"
    assert main(["parse", "--workers", "1", str(report)]) == 0
    printed = json.loads(capsys.readouterr().out)
    printed["source"]["path"] = report.name
    want = json.loads((GOLDEN / report.stem / "record.json").read_text(encoding="utf-8"))
    assert printed == want, list(_json_paths(want, printed))[:8]
