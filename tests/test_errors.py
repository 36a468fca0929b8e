"""One error family: every error gongkai raises on purpose is a GongkaiError, worded in one line."""

from __future__ import annotations

import pytest

import gongkai
from gongkai.data.analysis.queries import AnalysisError
from gongkai.data.errors import GongkaiError, NotAReportError, one_line
from gongkai.data.labels import LabelError
from gongkai.data.loaders.base import LoadError
from gongkai.data.loaders.ocr_engine import EngineUnavailable
from gongkai.data.store.pool import EngineError
from gongkai.data.store.schema import SchemaError
from gongkai.data.store.walk import ReadError
from gongkai.data.store.writer import StoreError
from gongkai.data.synth.fonts import FontNotFoundError
from gongkai.inference.bounded import LimitExceeded
from gongkai.inference.pipeline import NotAReportError as PipelineNotAReport


@pytest.mark.parametrize(("cls", "builtin"), [
    (LoadError, Exception), (NotAReportError, ValueError), (ReadError, OSError), (StoreError, RuntimeError),
    (SchemaError, RuntimeError), (EngineError, RuntimeError), (AnalysisError, RuntimeError),
    (LimitExceeded, RuntimeError), (EngineUnavailable, RuntimeError), (FontNotFoundError, RuntimeError),
    (LabelError, ValueError),
])
def test_every_error_is_in_the_family_and_keeps_its_builtin_base(cls, builtin):
    e = cls("one sentence")
    assert isinstance(e, GongkaiError) and isinstance(e, builtin)
    assert str(e) == "one sentence"


def test_the_family_is_exported_from_the_package():
    assert gongkai.GongkaiError is GongkaiError
    assert gongkai.NotAReportError is NotAReportError is PipelineNotAReport


def test_one_line_joins_or_cuts_and_names_an_empty_error():
    e = ValueError("first  line\n  second\tline\n")
    assert one_line(e) == "first line second line"
    assert one_line(e, 5) == "first"
    assert one_line(e, first_line=True) == "first  line"
    assert one_line(KeyError()) == "KeyError"
    assert one_line(ValueError("x" * 500)) == "x" * 300


def test_the_command_line_words_a_stray_family_error_in_one_line(monkeypatch, capsys):
    from gongkai.inference import cli

    def boom(_args):
        raise SchemaError("the database was written by another version\nsee the README")

    parser = cli.build_parser()
    real_parse = parser.parse_args

    def parse_args(argv=None):
        args = real_parse(argv)
        args.func = boom
        return args

    monkeypatch.setattr(parser, "parse_args", parse_args)
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    assert cli.main(["samples"]) == 2
    err = capsys.readouterr().err
    assert err == "gongkai: the database was written by another version see the README\n"


def test_the_ingest_worker_records_a_family_error_as_its_sentence(monkeypatch):
    import hashlib
    from importlib.resources import files
    from pathlib import Path

    import gongkai.inference.pipeline as pipeline
    from gongkai.data.store.walk import InputRef
    from gongkai.data.store.worker import Task, run_task

    path = Path(str(files("gongkai.data.samples"))) / "sample_0_tab.txt"
    task = Task(hashlib.sha256(path.read_bytes()).hexdigest(), InputRef(path=str(path), fs_path=str(path)))

    def unavailable(*_args, **_kwargs):
        raise EngineUnavailable("the OCR model package 'x' is not installed")

    monkeypatch.setattr(pipeline, "parse_document", unavailable)
    r = run_task(task)
    assert not r.ok and r.stage == "parse" and r.error == "the OCR model package 'x' is not installed"

    def bug(*_args, **_kwargs):
        raise KeyError("oops")

    monkeypatch.setattr(pipeline, "parse_document", bug)
    r = run_task(task)
    assert r.stage == "parse" and r.error.startswith("internal error while parsing (KeyError")
