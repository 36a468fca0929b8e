"""Format detection by content, and the dispatcher's handling of unsupported or failing input."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

import gongkai.data.loaders.html as html_backend
from gongkai.data.loaders import LoadError, load
from gongkai.data.loaders.detect import detect_format

PARA = "2022年，本街道认真贯彻落实《中华人民共和国政府信息公开条例》，全年主动公开政府信息125条。"


def _docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph(PARA)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _zip_bytes(names: list[str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in names:
            zf.writestr(name, "<x/>")
    return buf.getvalue()


def _detect(tmp_path: Path, name: str, raw: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(raw)
    return detect_format(path, raw[:8192])


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("a.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "pdf"),
        ("a.bin", b"%PDF-1.4\n", "pdf"),
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image"),
        ("scan.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF", "image"),
        ("scan.tif", b"II*\x00\x08\x00\x00\x00", "image"),
        ("scan.tiff", b"MM\x00*\x00\x00\x00\x08", "image"),
        ("page.html", f"<!DOCTYPE html><html><body><p>{PARA}</p></body></html>".encode(), "html"),
        # Sites publish saved web pages under .doc and .txt names.
        ("report.doc", f"<html><head><meta charset=gb2312></head><p>{PARA}</p>".encode("gb18030"), "html"),
        ("report.txt", f"\n\n  <!-- saved --> <HTML><BODY>{PARA}".encode(), "html"),
        ("fragment.txt", f"{PARA}\n<table><tr><td>1</td></tr></table>".encode(), "html"),
        ("page.htm", "<!DOCTYPE html><p>x</p>".encode("utf-16"), "html"),
        ("report.md", f"# 报告\n\n{PARA}\n".encode(), "md"),
        ("report.md", f"{PARA}\n<table><tr><td>1</td></tr></table>".encode(), "md"),
        ("report.txt", f"# 报告\n\n## 一、总体情况\n{PARA}\n".encode(), "md"),
        ("report.txt", f"{PARA}\n| 规章 | 0 |\n| --- | --- |\n".encode(), "md"),
        ("report.txt", PARA.encode("gb18030"), "txt"),
        ("report", PARA.encode("utf-16"), "txt"),
        ("report.html", PARA.encode(), "html"),
    ],
)
def test_detect(tmp_path: Path, name: str, raw: bytes, expected: str) -> None:
    assert _detect(tmp_path, name, raw) == expected


def test_docx_by_content_not_extension(tmp_path: Path) -> None:
    raw = _docx_bytes()
    assert _detect(tmp_path, "report.docx", raw) == "docx"
    assert _detect(tmp_path, "report.doc", raw) == "docx"
    assert _detect(tmp_path, "report.zip", raw) == "docx"


def test_damaged_docx_goes_to_docx_backend(tmp_path: Path) -> None:
    raw = _docx_bytes()[:2000]
    assert _detect(tmp_path, "cut.docx", raw) == "docx"


@pytest.mark.parametrize(
    ("name", "raw", "words"),
    [
        (
            "old.doc",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
            r"old Word \.doc format is not supported; save as \.docx",
        ),
        ("book.xlsx", _zip_bytes(["[Content_Types].xml", "xl/workbook.xml"]), "Excel"),
        ("files.zip", _zip_bytes(["a.txt"]), "zip archive"),
        ("report.rtf", b"{\\rtf1\\ansi report}", "RTF"),
    ],
)
def test_unsupported_formats(tmp_path: Path, name: str, raw: bytes, words: str) -> None:
    with pytest.raises(LoadError, match=words):
        _detect(tmp_path, name, raw)
    with pytest.raises(LoadError, match=words):
        load(tmp_path / name)


@pytest.mark.parametrize(
    ("name", "raw", "words"),
    [
        ("r.pdf", b"%PDF-1.4\n", "PDF is corrupted or truncated"),
        ("r.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image cannot be decoded"),
    ],
)
def test_broken_pdf_and_image_give_one_line_errors(tmp_path: Path, name: str, raw: bytes, words: str) -> None:
    path = tmp_path / name
    path.write_bytes(raw)
    with pytest.raises(LoadError, match=words) as err:
        load(path)
    assert "\n" not in str(err.value)


def test_backend_crash_becomes_one_line_load_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(data: bytes) -> None:
        raise ValueError("unexpected\nstate in parser")

    monkeypatch.setattr(html_backend, "load_html", crash)
    path = tmp_path / "page.html"
    path.write_text(f"<html><body>{PARA}</body></html>", encoding="utf-8")
    with pytest.raises(LoadError) as info:
        load(path)
    message = str(info.value)
    assert "\n" not in message
    assert "page.html" in message and "unexpected state in parser" in message


def test_keyboard_interrupt_is_not_swallowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(data: bytes) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(html_backend, "load_html", interrupted)
    path = tmp_path / "page.html"
    path.write_text(f"<html><body>{PARA}</body></html>", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        load(path)
