"""Shared test helpers: where ../shared lives, skipping cleanly when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture
def parse_rejects(capsys):
    """``parse_rejects(path)``: ``gongkai parse PATH`` exits 2 with one plain line naming the file."""

    def check(path: Path) -> None:
        from gongkai.inference.cli import main

        code = main(["parse", "--no-topics", "--workers", "1", str(path)])
        out, err = capsys.readouterr()
        assert code == 2 and out == ""
        lines = err.strip().splitlines()
        assert len(lines) == 1 and path.name in lines[0] and "internal error" not in lines[0], err

    return check


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite the golden snapshots under tests/golden/ from this code (then review the diff)")


@pytest.fixture
def update_golden(request) -> bool:
    """True when the golden snapshots are to be rewritten (``--update-golden`` or GONGKAI_UPDATE_GOLDEN=1)."""
    import os

    return bool(request.config.getoption("--update-golden")) or os.environ.get("GONGKAI_UPDATE_GOLDEN") == "1"
