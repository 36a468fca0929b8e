"""gongkai (公开): read government information-disclosure annual reports into checked records."""

from __future__ import annotations

from gongkai.data.errors import GongkaiError, NotAReportError

__version__ = "0.1.0"

__all__ = ["GongkaiError", "NotAReportError", "__version__", "load_pipeline", "open_db", "parse_file", "parse_files",
           "parse_text"]


def parse_file(path, **kwargs):
    """Parse one report file into a :class:`gongkai.data.record.Record`, as ``gongkai parse`` does.

    Segments from the topic classifier (``topics=False``: from the report's headings, as ``--no-topics``).
    """
    from gongkai.inference.pipeline import parse_file as _parse_file

    return _parse_file(path, **kwargs)


def parse_files(paths, **kwargs):
    """Parse files each in a worker process under time/memory limits, yielding one outcome per path.

    ``limits=gongkai.inference.bounded.Limits(seconds=120, memory_mb=2048, ...)``; an outcome has
    ``record`` or ``error`` (one line) and ``stage``. See :func:`gongkai.inference.bounded.parse_files`.
    """
    from gongkai.inference.bounded import parse_files as _parse_files

    return _parse_files(paths, **kwargs)


def parse_text(text: str, **kwargs):
    """Parse report text (already decoded) into a :class:`gongkai.data.record.Record`."""
    from gongkai.inference.pipeline import parse_text as _parse_text

    return _parse_text(text, **kwargs)


def open_db(path, **kwargs):
    """Open a database written by ``gongkai ingest`` (a :class:`gongkai.data.store.api.ReportDB`)."""
    from gongkai.data.store.api import open_db as _open_db

    return _open_db(path, **kwargs)


def load_pipeline(model=None, **kwargs):
    """The spaCy pipeline that sets narrative topics, scores and problem categories (shipped model by default)."""
    from gongkai.models import load_pipeline as _load_pipeline

    return _load_pipeline(model, **kwargs)
