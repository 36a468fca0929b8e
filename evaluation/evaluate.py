"""Run evaluation over a folder of gold files: parse (or read stored predictions), score, aggregate.

Each gold file ``NAME.gold.json`` pairs with the report ``NAME.<ext>`` beside it, or with
``NAME.json`` in ``pred_dir`` (records written by ``gongkai parse -o``). Files are scored in
parallel; a file that fails in any way is recorded as a crash and scored as an empty record
(every cell wrong, every narrative character missed; Pk and WindowDiff average over the reports
whose narrative was found), so it lowers the figures instead of aborting the run.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

from tqdm import tqdm

from gongkai.data.record import Record
from gongkai.evaluation.compare import Gold
from gongkai.evaluation.result import Crash, EvaluationResult, aggregate
from gongkai.evaluation.scoring import ReportScore, empty_record, score_report

GOLD_SUFFIX = ".gold.json"


@dataclass(frozen=True)
class Task:
    """One report to score: its gold, its input file (None if absent) and stored prediction."""

    name: str
    gold: Path
    report: Path | None
    pred: Path | None
    topics: bool = True  # parse with the topic classifier, as ``gongkai parse`` does (False: headings)


def find_tasks(gold_dir: Path, pred_dir: Path | None = None) -> list[Task]:
    """Every ``NAME.gold.json`` under ``gold_dir`` with its report file and prediction path."""
    tasks = []
    for gold in sorted(Path(gold_dir).rglob("*" + GOLD_SUFFIX)):
        stem = gold.name[: -len(GOLD_SUFFIX)]
        name = str(gold.relative_to(gold_dir).with_name(stem))
        report = next((p for p in sorted(gold.parent.glob(_glob_escape(stem) + ".*"))
                       if p != gold and not p.name.endswith(GOLD_SUFFIX) and p.is_file()), None)
        pred = Path(pred_dir) / (name + ".json") if pred_dir is not None else None
        tasks.append(Task(name, gold, report, pred))
    return tasks


def _glob_escape(s: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in s)


def read_record(path: Path) -> Record:
    """The first record in a file written by ``gongkai parse`` (pretty JSON or JSON Lines)."""
    text = path.read_text(encoding="utf-8")
    obj, _ = json.JSONDecoder().raw_decode(text.lstrip())
    return Record.model_validate(obj)


def score_task(task: Task) -> ReportScore:
    """Score one task; never raises for a bad input or a parser bug (the error is kept)."""
    t0 = time.perf_counter()
    gold = Gold.read(task.gold)  # an unreadable gold is the evaluator's problem: let it surface
    file = str(task.pred if task.pred is not None else task.report or task.gold)  # the file that was read
    fmt = gold.format or (task.report.suffix.lstrip(".") if task.report else "")
    error = None
    try:
        if task.pred is not None:
            record = read_record(task.pred)
        elif task.report is None:
            raise FileNotFoundError(f"no report file beside {task.gold.name}")
        else:
            from gongkai.inference.pipeline import parse_file

            record = parse_file(task.report, segmenter=_topic_segmenter() if task.topics else None)
    except Exception as exc:  # a crash on one file is data, not the end of the run
        record = empty_record(file, fmt)
        error = f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - t0
    return score_report(record, gold, name=task.name, file=file, error=error, seconds=seconds)


def _topic_segmenter():
    """The topic classifier ``gongkai parse`` uses by default (None: no model, heading-based segments)."""
    from gongkai.models import topic_segmenter

    return topic_segmenter()


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


OVER_LIMIT = "over the limit: "  # how a report error starts when the file exceeded its time or memory limit


def evaluate(gold_dir: str | Path, pred_dir: str | Path | None = None, workers: int | None = None,
             progress: bool | None = None, topics: bool = True, limits=None) -> EvaluationResult:
    """Evaluate every gold file under ``gold_dir``.

    Reports are parsed as ``gongkai parse`` does: in ``workers`` processes, each file under
    ``limits`` (a :class:`gongkai.inference.bounded.Limits`; default: its defaults). Stored
    predictions (``pred_dir``) are read in this process (``workers`` ≤ 1) or in a process pool.
    ``topics=False`` parses with heading-based segments instead of the topic classifier.

    The progress bar goes to stderr and is shown when stderr is a terminal (or ``progress``).
    """
    gold_dir = Path(gold_dir)
    pred = Path(pred_dir) if pred_dir is not None else None
    workers = default_workers() if workers is None else max(1, workers)
    tasks = [replace(t, topics=topics) for t in find_tasks(gold_dir, pred)]
    show = sys.stderr.isatty() if progress is None else progress
    scores: list[ReportScore] = []
    crashes: list[Crash] = []
    t0 = time.perf_counter()
    with tqdm(total=len(tasks), desc="evaluate", unit="report", file=sys.stderr, disable=not show) as bar:
        if pred is None:
            _parse_and_score(tasks, workers, limits, topics, bar, scores, crashes)
        elif workers == 1 or len(tasks) <= 1:
            for task in tasks:
                _collect(task, lambda t=task: score_task(t), scores, crashes)
                bar.update()
        else:
            with ProcessPoolExecutor(max_workers=min(workers, len(tasks))) as pool:
                futures: dict[Future[ReportScore], Task] = {pool.submit(score_task, t): t for t in tasks}
                for fut in as_completed(futures):
                    _collect(futures[fut], fut.result, scores, crashes)
                    bar.update()
    return aggregate(scores, gold_dir=str(gold_dir), pred_dir=str(pred) if pred else None,
                     seconds=time.perf_counter() - t0, workers=workers, crashes=crashes)


def _parse_and_score(tasks: list[Task], workers: int, limits, topics: bool, bar: tqdm,
                     scores: list[ReportScore], crashes: list[Crash]) -> None:
    """Parse the reports in bounded worker processes (:mod:`gongkai.inference.bounded`), score here."""
    from gongkai.inference.bounded import Limits, parse_files

    with_report = [t for t in tasks if t.report is not None]
    for t in tasks:
        if t.report is None:
            _collect(t, lambda t=t: score_task(t), scores, crashes)
            bar.update()
    outcomes = parse_files((str(t.report) for t in with_report), limits=limits or Limits(), topics=topics,
                           workers=min(workers, max(1, len(with_report))))
    for t, o in zip(with_report, outcomes, strict=True):
        _collect(t, lambda t=t, o=o: _score_outcome(t, o), scores, crashes)
        bar.update()


def _score_outcome(task: Task, o) -> ReportScore:
    gold = Gold.read(task.gold)
    fmt = gold.format or (task.report.suffix.lstrip(".") if task.report else "")
    record = o.record if o.ok else empty_record(o.path, fmt)
    error = None
    if not o.ok:
        error = (OVER_LIMIT if o.stage in ("timeout", "memory") else f"{o.stage}: ") + (o.error or "")
    return score_report(record, gold, name=task.name, file=o.path, error=error, seconds=o.seconds)


def _collect(task: Task, get: Callable[[], ReportScore], scores: list[ReportScore], crashes: list[Crash]) -> None:
    """Keep a score, or record a crash that escaped :func:`score_task` (bad gold, dead worker)."""
    try:
        scores.append(get())
    except Exception as exc:
        crashes.append(Crash(str(task.pred or task.report or task.gold), f"{type(exc).__name__}: {exc}"))
