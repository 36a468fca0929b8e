"""Reading a backend's input, given as a path or as the file's bytes, with plain-worded errors."""

from __future__ import annotations

import os
from pathlib import Path

from .base import LoadError

Source = str | os.PathLike[str] | bytes | bytearray | memoryview


def read_source(path_or_bytes: Source) -> bytes:
    """Return the bytes of a path or pass bytes through; raise :class:`LoadError` if unreadable."""
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        return bytes(path_or_bytes)
    path = Path(path_or_bytes)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise LoadError(f"file not found: {path}") from None
    except IsADirectoryError:
        raise LoadError(f"{path} is a directory, not a file") from None
    except PermissionError:
        raise LoadError(f"permission denied: {path}") from None
    except OSError as e:
        raise LoadError(f"cannot read {path}: {e.strerror or e}") from None
