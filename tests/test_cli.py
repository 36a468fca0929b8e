"""The command line: records on stdout, exit 2 with one plain line for unreadable input."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import pytest

from gongkai.inference.cli import main

REPORT = """某某街道办事处2023年政府信息公开工作年度报告
一、总体情况
2023年，本街道认真贯彻《中华人民共和国政府信息公开条例》。
二、主动公开政府信息情况
第二十条第（一）项
信息内容\t本年制发件数\t本年废止件数\t现行有效件数
规章\t0\t0\t0
行政规范性文件\t1\t0\t3
第二十条第（五）项
信息内容\t本年处理决定数量
行政许可\t12
第二十条第（六）项
信息内容\t本年处理决定数量
行政处罚\t3
行政强制\t0
第二十条第（八）项
信息内容\t本年收费金额（单位：万元）
行政事业性收费\t0
三、收到和处理政府信息公开申请情况
四、政府信息公开行政复议、行政诉讼情况
五、存在的主要问题及改进情况
六、其他需要报告的事项
无。
"""


def _run(args, capsys):
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_parse_prints_a_record(tmp_path, capsys):
    p = tmp_path / "r.txt"
    p.write_text(REPORT, encoding="utf-8")
    code, out, err = _run(["parse", str(p)], capsys)
    assert code == 0, err
    rec = json.loads(out)
    assert rec["meta"]["year"] == 2023
    assert rec["tables"]["active_disclosure"]["licensing"]["decisions"] == 12
    assert rec["tables"]["active_disclosure"]["normative_documents"] == {"issued": 1, "repealed": 0, "in_force": 3}
    # no applications numbers printed: the table is reported missing, not invented
    assert "applications" not in rec["tables"]
    assert any(i["code"] == "applications.not_found" for i in rec["issues"])


def test_jsonl_and_output_file(tmp_path, capsys):
    a = tmp_path / "a.txt"
    b = tmp_path / "b.md"
    a.write_text(REPORT, encoding="utf-8")
    b.write_text(REPORT.replace("2023", "2022"), encoding="gb18030")
    out_file = tmp_path / "out.jsonl"
    code, _out, err = _run(["parse", str(a), str(b), "--jsonl", "-o", str(out_file)], capsys)
    assert code == 0, err
    lines = out_file.read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["meta"]["year"] for x in lines] == [2023, 2022]


@pytest.mark.parametrize(
    "name,content",
    [
        ("empty.txt", b""),
        ("junk.txt", bytes(range(256)) * 40),
        ("cat.txt", "今天天气很好，我们去公园散步，看到了很多花。".encode() * 5),
        ("nope.html", b"<html><body><div>hello</div></body></html>"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, parse_rejects, name, content):
    p = tmp_path / name
    p.write_bytes(content)
    parse_rejects(p)


def test_missing_and_truncated_docx(tmp_path, capsys):
    good = tmp_path / "g.docx"
    import docx

    d = docx.Document()
    d.add_paragraph("某某镇人民政府2021年政府信息公开工作年度报告")
    d.save(good)
    data = good.read_bytes()
    bad = tmp_path / "t.docx"
    bad.write_bytes(data[: len(data) // 2])
    code, _out, err = _run(["parse", str(bad), str(tmp_path / "missing.txt")], capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 2 and "t.docx" in lines[0] and "missing.txt" in lines[1]


def test_non_report_docx_is_rejected(tmp_path, capsys):
    import docx

    d = docx.Document()
    d.add_paragraph("会议纪要：讨论了下周的团建活动安排。")
    p = tmp_path / "memo.docx"
    d.save(p)
    code, _out, err = _run(["parse", str(p)], capsys)
    assert code == 2 and "memo.docx" in err


def test_console_script_runs():
    r = subprocess.run([sys.executable, "-m", "gongkai.inference.cli", "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and "gongkai" in r.stdout


def test_zip_named_docx_without_document(tmp_path, capsys):
    p = tmp_path / "x.docx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("hello.txt", "hi")
    code, _out, err = _run(["parse", str(p)], capsys)
    assert code == 2 and "x.docx" in err
