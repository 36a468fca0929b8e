"""Labelled data in and out: gongkai's gold JSONL, Label Studio and doccano.

**Gold JSONL** (one labelled report per line; what ``gongkai synth`` writes per file as
``NAME.gold.json``, and what the importers below produce)::

    {"id": "report-1", "text": "…the report's text…",
     "meta": {"organization": "…", "year": 2023, …},          # optional
     "template": "2021", "tables": {…contract keys…},          # optional
     "segments": [{"start": 120, "end": 480, "topic": "problems",
                   "categories": ["staffing", "timeliness"], "text": "…"}]}

``start``/``end`` are character offsets into ``text``; ``topic`` is one of the contract's nine
topics; ``categories`` are keys of ``problem-taxonomy.md``.

**Label Studio**: a project with a ``Labels`` control over the text. Spans labelled with a
topic name become segments; spans labelled with a category key add that category to the
segment they overlap most. :func:`to_label_studio` writes our records as pre-annotations
(``predictions``) for a person to correct.

**doccano**: sequence-labelling JSONL exports, either ``"label": [[start, end, "name"], …]``
or ``"entities": [{"start_offset", "end_offset", "label"}, …]``; labels as for Label Studio.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from gongkai.data.errors import GongkaiError
from gongkai.data.record import Record

TOPICS = (
    "preamble",
    "proactive_disclosure",
    "request_disclosure",
    "information_management",
    "platforms",
    "supervision",
    "problems",
    "improvements",
    "other_matters",
)
CATEGORIES = (
    "staffing",
    "timeliness",
    "completeness",
    "quality",
    "interpretation",
    "channels",
    "platform",
    "mechanism",
    "awareness",
    "interaction",
    "requests",
    "coordination",
    "publicity",
)


class LabelError(GongkaiError, ValueError):
    """A labelled file that cannot be read; the message says which item and why."""


class SpanLabel(BaseModel):
    start: int
    end: int
    topic: str
    categories: list[str] = Field(default_factory=list)
    text: str = ""


class LabelledReport(BaseModel):
    """One labelled report of the gold JSONL format."""

    id: str
    text: str
    segments: list[SpanLabel] = Field(default_factory=list)
    meta: dict[str, Any] | None = None
    template: str | None = None
    tables: dict[str, Any] | None = None


def read_gold_jsonl(path: str | Path) -> list[LabelledReport]:
    """Read a gold JSONL file; a bad line raises :class:`LabelError` naming it."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                out.append(LabelledReport.model_validate_json(line))
            except ValueError as exc:
                raise LabelError(f"{path}: line {n} is not a labelled report: {exc}") from None
    return out


def write_gold_jsonl(reports: Iterable[LabelledReport], path: str | Path) -> int:
    """Write reports as gold JSONL; returns how many were written."""
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for r in reports:
            fh.write(r.model_dump_json(exclude_none=True) + "\n")
            n += 1
    return n


def _segments_from_spans(text: str, spans: list[tuple[int, int, str]], item: str) -> list[SpanLabel]:
    """Topic spans become segments; category spans attach to the segment they overlap most."""
    segments: list[SpanLabel] = []
    cats: list[tuple[int, int, str]] = []
    for start, end, label in spans:
        if not (0 <= start < end <= len(text)):
            raise LabelError(f"{item}: span {start}-{end} lies outside the text ({len(text)} characters)")
        if label in TOPICS:
            segments.append(SpanLabel(start=start, end=end, topic=label, text=text[start:end]))
        elif label in CATEGORIES:
            cats.append((start, end, label))
        else:
            raise LabelError(f"{item}: unknown label {label!r} (neither a topic nor a problem category)")
    segments.sort(key=lambda s: s.start)
    for start, end, label in cats:
        best, overlap = None, 0
        for seg in segments:
            o = min(end, seg.end) - max(start, seg.start)
            if o > overlap:
                best, overlap = seg, o
        if best is not None and label not in best.categories:
            best.categories.append(label)
    return segments


def from_label_studio(export: str | Path | list[dict]) -> list[LabelledReport]:
    """Label Studio JSON export (list of tasks) → labelled reports (latest annotation wins)."""
    tasks = json.loads(Path(export).read_text(encoding="utf-8")) if not isinstance(export, list) else export
    if not isinstance(tasks, list):
        raise LabelError("a Label Studio export is a JSON list of tasks")
    out = []
    for i, task in enumerate(tasks):
        item = f"task {task.get('id', i)}"
        text = (task.get("data") or {}).get("text")
        if not isinstance(text, str):
            raise LabelError(f"{item}: no data.text")
        annotations = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
        results = annotations[-1].get("result", []) if annotations else []
        spans = []
        for res in results:
            value = res.get("value") or {}
            for label in value.get("labels") or []:
                spans.append((int(value["start"]), int(value["end"]), label))
        out.append(LabelledReport(id=str(task.get("id", i)), text=text, segments=_segments_from_spans(text, spans, item)))
    return out


def from_doccano(export: str | Path) -> list[LabelledReport]:
    """doccano sequence-labelling JSONL export → labelled reports."""
    out = []
    with open(export, encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise LabelError(f"{export}: line {n} is not JSON: {exc.msg}") from None
            text = obj.get("text")
            if not isinstance(text, str):
                raise LabelError(f"{export}: line {n} has no text")
            if "entities" in obj:
                spans = [(e["start_offset"], e["end_offset"], e["label"]) for e in obj["entities"]]
            else:
                spans = [(s, e, lab) for s, e, lab in obj.get("label") or []]
            out.append(
                LabelledReport(id=str(obj.get("id", n)), text=text, segments=_segments_from_spans(text, spans, f"line {n}"))
            )
    return out


def _ls_results(record: Record) -> Iterator[dict]:
    for i, seg in enumerate(record.segments):
        for label in [seg.topic, *seg.categories]:
            yield {
                "id": f"s{i}-{label}",
                "from_name": "label",
                "to_name": "text",
                "type": "labels",
                "value": {"start": seg.start, "end": seg.end, "text": seg.text, "labels": [label]},
                **({"score": seg.score} if seg.score is not None else {}),
            }


def to_label_studio(records: Iterable[Record], model_version: str = "gongkai") -> list[dict]:
    """Our records as Label Studio tasks with pre-annotations a person can correct."""
    tasks = []
    for rec in records:
        tasks.append(
            {
                "data": {"text": rec.text, "source": rec.source.path, "organization": rec.meta.organization,
                         "year": rec.meta.year},
                "predictions": [{"model_version": model_version, "result": list(_ls_results(rec))}],
            }
        )
    return tasks


LABEL_STUDIO_CONFIG = (
    '<View>\n  <Labels name="label" toName="text">\n'
    + "".join(f'    <Label value="{t}"/>\n' for t in TOPICS + CATEGORIES)
    + '  </Labels>\n  <Text name="text" value="$text"/>\n</View>\n'
)
"""A Label Studio labelling config that matches the importer and exporter."""
