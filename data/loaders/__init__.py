"""Input backends: one module per format, all producing the one :class:`Document` model.

:func:`load` is the entry point: it checks the file, detects the format by content and
dispatches to ``text``, ``html``, ``docx``, ``pdf`` or ``image``. Whatever
goes wrong on a malformed file reaches the caller as a one-line :class:`LoadError`.
"""

from __future__ import annotations

import hashlib
import importlib
import os
from collections.abc import Callable
from pathlib import Path

from gongkai.data.errors import one_line

from .base import Document, LoadError, TableGrid
from .detect import HEAD_SIZE, detect_format
from .source import read_source

__all__ = ["Document", "LoadError", "TableGrid", "detect_format", "load"]

# Formats whose backend module may be absent in this version: (module, function, label).
_OPTIONAL = {
    "pdf": ("gongkai.data.loaders.pdf", "load_pdf", "PDF"),
    "image": ("gongkai.data.loaders.image", "load_image", "image"),
}


def _read(path: Path) -> bytes:
    try:
        is_dir = path.is_dir()
        is_special = path.exists() and not path.is_file()
    except OSError:
        is_dir = is_special = False  # let the read below report what is wrong
    if is_dir:
        raise LoadError(f"{path} is a directory, not a file")
    if is_special:
        raise LoadError(f"{path} is not a regular file")  # a FIFO or device would never end
    data = read_source(path)
    if not data:
        raise LoadError(f"empty file: {path}")
    return data


def _backend(fmt: str) -> Callable[..., Document]:
    # Backends are imported on demand: a .txt need not pay for lxml, bs4 and python-docx.
    if fmt in _OPTIONAL:
        module_name, func, label = _OPTIONAL[fmt]
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as e:
            if e.name == module_name:
                raise LoadError(f"{label} input is not supported yet") from None
            raise LoadError(f"{label} input needs the missing package {e.name!r}") from None
        return getattr(module, func)
    if fmt in ("txt", "md"):
        from .text import load_text

        return lambda data: load_text(data, fmt=fmt)
    if fmt == "html":
        from .html import load_html

        return load_html
    if fmt == "docx":
        from .docx import load_docx

        return load_docx
    raise LoadError(f"unsupported format: {fmt}")


def load(path: str | os.PathLike[str]) -> Document:
    """Read any supported file into a :class:`Document` with path, sha256 and format set.

    Raises :class:`LoadError` with a plain one-line message for missing, unreadable, empty,
    unsupported or malformed files.
    """
    p = Path(path)
    data = _read(p)
    fmt = "unknown"
    try:
        fmt = detect_format(p, data[:HEAD_SIZE])
        backend = _backend(fmt)
        # PDF/image tools may want a real file; the other backends take the bytes already read.
        doc = backend(str(p) if fmt in _OPTIONAL else data)
    except (LoadError, MemoryError):
        raise
    except Exception as e:  # a backend tripping over malformed input is the file's fault
        raise LoadError(f"cannot read {p.name} as {fmt}: {one_line(e, 200)}") from e
    doc.path = str(p)
    doc.sha256 = hashlib.sha256(data).hexdigest()
    # A backend may refine its format (a PDF backend reports "pdf-scanned"); keep that.
    if not doc.format.startswith(fmt):
        doc.format = fmt
    return doc
