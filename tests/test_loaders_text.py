"""Text backend: encodings told apart by content, bad input refused in plain words."""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from gongkai.data.loaders import LoadError, load
from gongkai.data.loaders.text import load_text

REPORT = (
    "七一路街道办事处2022年政府信息公开工作年度报告\n"
    "一、总体情况\n"
    "2022年，本街道认真贯彻落实《中华人民共和国政府信息公开条例》，全年主动公开政府信息125条，"
    "收到政府信息公开申请3件，均已按期答复。\n"
    "二、主动公开政府信息情况\n"
    "行政规范性文件\t2\t0\t15\n"
)


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (REPORT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + REPORT.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + REPORT.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + REPORT.encode("utf-16-be"), "utf-16-be"),
        (REPORT.encode("utf-16-le"), "utf-16-le"),
        (REPORT.encode("utf-16-be"), "utf-16-be"),
        (REPORT.encode("gb18030"), "gb18030"),
        (REPORT.encode("gbk"), "gb18030"),
        (REPORT.encode("gb2312"), "gb18030"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "gb18030", "gbk", "gb2312"],
)
def test_encodings(raw: bytes, encoding: str) -> None:
    doc = load_text(raw)
    assert doc.text == REPORT
    assert doc.encoding == encoding
    assert doc.format == "txt"
    assert doc.title_hint == "七一路街道办事处2022年政府信息公开工作年度报告"


def test_gb18030_only_characters() -> None:
    # 䶮 (CJK Ext-A) and 𠀀 (Ext-B) exist in GB18030 but in neither GB2312 nor GBK.
    text = REPORT + "经办人：王䶮，刘𠀀。\n"
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")
    doc = load_text(text.encode("gb18030"))
    assert doc.text == text
    assert doc.encoding == "gb18030"


def test_line_ends_unified_and_path_input(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(REPORT.replace("\n", "\r\n").encode("gb18030"))
    doc = load_text(path)
    assert doc.text == REPORT
    assert "\r" not in doc.text


def test_utf8_cut_inside_last_character() -> None:
    raw = REPORT.encode("utf-8") + "告".encode()[:2]
    doc = load_text(raw)
    assert doc.encoding == "utf-8"
    assert doc.text == REPORT


def test_one_corrupt_byte_keeps_utf8() -> None:
    raw = (REPORT * 20).encode("utf-8")
    cut = len(REPORT.encode("utf-8")) * 3  # on a character boundary
    doc = load_text(raw[:cut] + b"\xff" + raw[cut:])
    assert doc.encoding == "utf-8"
    assert doc.text.count("\ufffd") == 1
    assert doc.text.replace("\ufffd", "") == REPORT * 20


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"", "empty"),
        (b" \r\n\t \n", "whitespace"),
        (" \n\u3000\n".encode("utf-16"), "whitespace"),
        (random.Random(0).randbytes(4096), "binary"),
        (random.Random(1).randbytes(4096).replace(b"\x00", b"\x01"), "not text"),
        (b"report" + b"\x01\x02\x03\x04" * 50 + b"end", "look like text"),
    ],
    ids=["empty", "whitespace", "utf16-whitespace", "junk-with-nul", "junk-without-nul", "control-chars"],
)
def test_bad_input_refused(raw: bytes, words: str) -> None:
    with pytest.raises(LoadError, match=words) as info:
        load_text(raw)
    assert "\n" not in str(info.value)


def test_markdown_through_load(tmp_path: Path) -> None:
    path = tmp_path / "report.md"
    path.write_text("# 2022年政府信息公开工作年度报告\n\n| 规章 | 0 |\n|---|---|\n", encoding="utf-8")
    doc = load(path)
    assert doc.format == "md"
    assert doc.title_hint == "2022年政府信息公开工作年度报告"
    assert doc.path == str(path)
    assert len(doc.sha256) == 64


def test_big_text_file_loads(tmp_path: Path) -> None:
    # About 20 MB; charset detection must stay bounded (the GB18030 path is the slow one).
    raw = (REPORT * 95_000).encode("gb18030")
    assert len(raw) > 20_000_000
    path = tmp_path / "big.txt"
    path.write_bytes(raw)
    doc = load(path)
    assert doc.encoding == "gb18030"
    assert len(doc.text) == len(REPORT) * 95_000


def test_load_file_errors(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="file not found"):
        load(tmp_path / "missing.txt")
    with pytest.raises(LoadError, match="is a directory"):
        load(tmp_path)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(LoadError, match="empty file"):
        load(empty)


def test_load_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(REPORT, encoding="utf-8")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    # chmod cannot stop root, who may run the tests; fail the read itself instead.
    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(LoadError, match="permission denied"):
        load(path)
