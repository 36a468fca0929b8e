"""Bad input of the kinds fuzzing found ends within seconds with a record or a one-line error.

Every fixture is made here by code (the generator, then one damage of ``gongkai.data.synth.mutate``
or by hand); the CLI and the bounded Python API are what is exercised.
"""

from __future__ import annotations

import functools
import json
import random
import re
import struct
import time
import zlib
from pathlib import Path

import pytest

from gongkai.data.loaders import LoadError, load
from gongkai.data.numbers import is_digits, parse_number
from gongkai.data.synth import mutate
from gongkai.data.synth.corpus import iter_corpus
from gongkai.evaluation.invariants import violations
from gongkai.inference.bounded import Limits, parse_files
from gongkai.inference.cli import main
from gongkai.inference.pipeline import parse_text

_NUM = re.compile(r"(?<![\d.])\d{1,3}(?![\d.])")


@functools.cache
def _report(fmt: str = "txt", i: int = 0) -> bytes:
    return next(r for k, _rep, r in iter_corpus(i + 1, formats=(fmt,), seed=5151) if k == i).data


def _text(layout_i: int = 0) -> str:
    return _report("txt", layout_i).decode("utf-8-sig", errors="replace")


def _cli(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


# ---- numbers --------------------------------------------------------------------------------


def test_number_parsing_is_unicode_safe_and_exact():
    assert parse_number("12") == 12 and isinstance(parse_number("12"), int)
    assert parse_number("123456789012") == 123456789012  # exact, not a float
    assert parse_number("12.5") == 12.5
    assert parse_number("l2") == 12 and parse_number("〇") == 0 and parse_number("1,234") == 1234
    assert parse_number("−3") == -3
    for bad in ("³", "1³", "٣", "①", "1" * 13, "9" * 140, "1e308", "nan", "9" * 400 + ".5"):
        assert parse_number(bad) is None, bad
    assert is_digits("123") and not is_digits("1³") and not is_digits("")


def test_report_with_runs_of_nines_parses_in_seconds_and_names_the_cells(tmp_path, capsys):
    """The issue's case: a seed with cells replaced by runs of 30-140 nines (was 24 GB, killed)."""
    rng = random.Random(13)
    text = _NUM.sub(lambda m: "9" * rng.randint(30, 140) if rng.random() < 0.3 else m.group(), _text())
    p = tmp_path / "nines.txt"
    p.write_text(text, encoding="utf-8")
    t0 = time.monotonic()
    code, out, err = _cli(["parse", "--no-topics", str(p)], capsys)
    assert time.monotonic() - t0 < 60
    assert code == 0, err
    rec = json.loads(out)
    flagged = [i for i in rec["issues"] if i["code"].endswith(".invalid_value") and "plausible" in i["message"]]
    assert flagged and all(len(i["cells"]) == 1 for i in flagged)


def test_glued_digit_wall_is_not_split_combinatorially():
    text = _text().replace("\n", "\n" + "9" * 120 + "\n", 40)
    t0 = time.monotonic()
    rec = parse_text(text)
    assert time.monotonic() - t0 < 20
    assert violations(rec) == []


@pytest.mark.parametrize("value", ["³", "1³", "12.5", "-4", "9" * 25])
def test_odd_cells_are_null_or_flagged(value):
    text = _NUM.sub(lambda m: value, _text(), count=30)
    for ocr in (False, True):
        rec = parse_text(text, ocr=ocr)
        assert violations(rec) == []
        if value in ("12.5", "-4", "9" * 25):
            assert any(i.code.endswith(".invalid_value") for i in rec.issues)


def test_huge_exact_counts_keep_exact_arithmetic():
    """Counts near 10^12 stay ints: the relations are checked exactly (no float round-off)."""
    from gongkai.data.record import TableValues
    from gongkai.inference.checks import Relation

    r = Relation("x", ("a",), ("b", "c"), "a = b + c")
    tv = TableValues(values={"a": 999_999_999_999, "b": 999_999_999_998, "c": 1})
    assert r.residual(tv.values) == 0 and isinstance(r.residual(tv.values), int)


# ---- formats --------------------------------------------------------------------------------


def _bounded(path: Path, seconds: float = 60):
    t0 = time.monotonic()
    out = next(parse_files([path], limits=Limits(seconds=seconds), topics=False))
    took = time.monotonic() - t0
    if out.ok:
        assert violations(out.record) == []
    else:
        assert out.stage in ("load", "parse"), out.error  # a refusal, not a crash or a limit
        assert out.error and "\n" not in out.error
    return out, took


def _damaged(tmp_path: Path, fmt: str, mutator, seed: int = 0, name: str | None = None) -> Path:
    ext = {"txt": "txt", "html": "html", "docx": "docx", "pdf": "pdf"}[fmt]
    p = tmp_path / (name or f"bad.{ext}")
    p.write_bytes(mutator(_report(fmt), random.Random(seed)))
    return p


@pytest.mark.parametrize("seed", range(3))
def test_deeply_nested_html_is_refused_quickly(tmp_path, seed):
    out, took = _bounded(_damaged(tmp_path, "html", mutate.deep_nesting, seed))
    assert took < 30
    if not out.ok:
        assert "levels deep" in out.error or "no government" in out.error


@pytest.mark.parametrize("mutator", [mutate.broken_tags, mutate.huge_html_line, mutate.absurd_spans,
                                     mutate.one_huge_line])
def test_broken_html_gives_a_record_or_a_refusal(tmp_path, mutator):
    _out, took = _bounded(_damaged(tmp_path, "html", mutator, 1))
    assert took < 30


def test_docx_zip_bomb_is_refused_unread(tmp_path):
    p = _damaged(tmp_path, "docx", mutate.zip_bomb)
    assert p.stat().st_size < 5_000_000
    with pytest.raises(LoadError, match="zip bomb|damaged"):
        load(p)
    out, took = _bounded(p)
    assert not out.ok and took < 30


@pytest.mark.parametrize("mutator", [mutate.broken_xml, mutate.docx_spans, mutate.docx_nesting, mutate.truncate])
@pytest.mark.parametrize("seed", range(2))
def test_broken_docx_gives_a_record_or_a_refusal(tmp_path, mutator, seed):
    _out, took = _bounded(_damaged(tmp_path, "docx", mutator, seed))
    assert took < 30


def _png(w: int, h: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("name,data", [
    ("huge.png", _png(50_000, 50_000)),
    ("huge.jpg", mutate.jpeg_header(b"", random.Random(0))),
    ("cut.png", _png(400, 300)[:40]),
])
def test_bad_images_are_one_line_errors(tmp_path, capsys, name, data):
    p = tmp_path / name
    p.write_bytes(data)
    t0 = time.monotonic()
    code, out, err = _cli(["parse", "--no-topics", str(p)], capsys)
    assert time.monotonic() - t0 < 60
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and name in err


def test_damaged_pdf_error_is_one_line_without_library_chatter(tmp_path, capsys):
    pytest.importorskip("reportlab")
    good = _report("pdf")
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(good[: len(good) // 2])
    flipped = tmp_path / "flipped.pdf"
    b = bytearray(good)
    rng = random.Random(3)
    for _ in range(300):
        b[rng.randrange(len(b))] = rng.randrange(256)
    flipped.write_bytes(bytes(b))
    code, out, err = _cli(["parse", "--no-topics", "--jsonl", str(cut), str(flipped)], capsys)
    lines = err.strip().splitlines()
    assert all(line.startswith("gongkai: ") for line in lines), err  # our lines only, no pdfminer/playa
    assert len(lines) + len(out.splitlines()) == 2  # one record or one error line per file
    assert any(str(cut) in line for line in lines)


# ---- limits ---------------------------------------------------------------------------------


def test_file_over_the_time_limit_is_one_line_and_the_others_still_parse(tmp_path, capsys):
    small = tmp_path / "small.txt"
    small.write_bytes(_report())
    big = tmp_path / "big.txt"
    big.write_text(_text() * 600, encoding="utf-8")  # a few MB: many seconds with topics
    code, out, err = _cli(["parse", "--jsonl", "--timeout", "1.5", str(big), str(small)], capsys)
    assert code == 2
    assert err.strip().splitlines() == [f"gongkai: {big}: reading this file took longer than the limit of 1.5 s"]
    assert len(out.splitlines()) == 1 and json.loads(out)["source"]["path"].endswith("small.txt")


def test_file_over_the_memory_limit_is_one_line_and_the_others_still_parse(tmp_path, capsys):
    small = tmp_path / "small.txt"
    small.write_bytes(_report())
    big = tmp_path / "big.txt"
    big.write_text(_text() * 2000, encoding="utf-8")
    code, out, err = _cli(["parse", "--jsonl", "--no-topics", "--max-memory", "20", str(big), str(small)], capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"gongkai: {big}: ") and "memory" in lines[0]
    assert json.loads(out)["source"]["path"].endswith("small.txt")


def test_limits_scale_with_pages():
    lim = Limits()
    assert lim.for_pages(1) == (120.0, 2048)
    assert lim.for_pages(11) == (420.0, 2688)
    assert lim.for_pages(10_000)[1] == 8192
    assert Limits(seconds=0, memory_mb=0).for_pages(5) == (0.0, 0)


def test_python_api_offers_the_limits(tmp_path):
    from gongkai.inference.bounded import parse_file_bounded

    p = tmp_path / "r.txt"
    p.write_bytes(_report())
    rec = parse_file_bounded(p, limits=Limits(seconds=60), topics=False)
    assert rec.tables and violations(rec) == []
    junk = tmp_path / "junk.txt"
    junk.write_bytes(b"\x00\x01" * 100)
    with pytest.raises(LoadError):
        parse_file_bounded(junk, topics=False)


def test_quiet_configuration_silences_library_loggers():
    import logging

    from gongkai.data.loaders import quiet

    quiet.configure(False)
    assert not logging.getLogger("pdfminer.pdfpage").isEnabledFor(logging.WARNING)
    assert not logging.getLogger("playa.interp").isEnabledFor(logging.WARNING)
    handlers = list(logging.root.handlers)
    quiet.configure(True)
    try:
        assert logging.getLogger("playa.interp").isEnabledFor(logging.WARNING)
    finally:
        logging.root.handlers[:] = handlers
        quiet.configure(False)
