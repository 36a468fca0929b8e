"""The bundled samples are exactly what the generator writes, and parse to their gold."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from gongkai.data.synth.samples import write_samples
from gongkai.evaluation.compare import Gold, compare
from gongkai.inference.cli import main
from gongkai.inference.pipeline import parse_file

SAMPLES = Path(str(files("gongkai.data.samples")))


def test_samples_are_generated_by_the_project(tmp_path):
    made = write_samples(tmp_path)
    assert made
    for p in tmp_path.iterdir():
        assert (SAMPLES / p.name).read_bytes() == p.read_bytes(), p.name


def test_samples_parse_to_their_gold():
    reports = sorted(p for p in SAMPLES.iterdir() if p.suffix in {".txt", ".md", ".html", ".docx"})
    assert {p.suffix for p in reports} == {".txt", ".md", ".html", ".docx"}
    for p in reports:
        cmp = compare(parse_file(p), Gold.read(p.with_name(p.stem + ".gold.json")))
        assert cmp.fully_exact, (p.name, [(c.key, c.gold, c.pred) for c in cmp.wrong])


def test_samples_command(capsys):
    assert main(["samples"]) == 0
    out = capsys.readouterr().out
    assert out.count("cells exact") == 6
