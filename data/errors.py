"""The one family of errors gongkai raises on purpose, and the one way to word them in one line.

Every error a user can meet for bad input or an unusable setup derives from :class:`GongkaiError`,
and its message is one plain sentence: a command line prints it and exits 2, the ingest worker
records it as the file's failure. Anything else that escapes is a bug. The members live beside the
code that raises them and keep a builtin second base where callers catch by it:

- ``LoadError`` (loaders.base): a file that cannot be read as a report;
- ``NotAReportError`` (here, ``ValueError``): the input was read but holds no report;
- ``ReadError`` (store.walk, ``OSError``): an input of an ingest run could not be read;
- ``StoreError`` (store.writer), ``SchemaError`` (store.schema), ``EngineError`` (store.pool),
  ``AnalysisError`` (analysis.queries), all ``RuntimeError``: the database or the parsers cannot run;
- ``LimitExceeded`` (inference.bounded, ``RuntimeError``): a file over its time or memory limit;
- ``EngineUnavailable`` (loaders.ocr_engine), ``FontNotFoundError`` (synth.fonts): a missing
  OCR model package or CJK font;
- ``LabelError`` (labels, ``ValueError``): a labelled file that cannot be read.
"""

from __future__ import annotations


class GongkaiError(Exception):
    """Base of gongkai's own errors; the message is one plain sentence for the user."""


class NotAReportError(GongkaiError, ValueError):
    """The input was read but holds no disclosure report."""


def one_line(e: BaseException, limit: int = 300, *, first_line: bool = False) -> str:
    """``e``'s message on one line of at most ``limit`` characters (its class name when empty).

    ``first_line`` keeps only the first line (a database's message, whose further lines are hints);
    otherwise the lines are joined with single spaces.
    """
    text = str(e).strip().splitlines()[:1] if first_line else str(e).split()
    return " ".join(text)[:limit] or type(e).__name__
