"""gongkai (公开): read government information-disclosure annual reports into checked records."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "parse_file", "parse_text"]


def parse_file(path, **kwargs):
    """Parse one report file into a :class:`gongkai.data.record.Record`."""
    from gongkai.inference.pipeline import parse_file as _parse_file

    return _parse_file(path, **kwargs)


def parse_text(text: str, **kwargs):
    """Parse report text (already decoded) into a :class:`gongkai.data.record.Record`."""
    from gongkai.inference.pipeline import parse_text as _parse_text

    return _parse_text(text, **kwargs)
