"""The bundled sample reports (``gongkai.data.samples``), made by this generator.

Regenerate them with ``python -m gongkai.data.synth.samples data/samples``; a test checks
that the committed files are exactly what this module writes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from gongkai.data.synth.corpus import gold, make_item

SAMPLE_SEED = 2024
# (format, layout, template): one of each kind of input a user is likely to have first.
SAMPLES = (
    ("txt", "tab", None),
    ("txt", "pipe", "2019"),
    ("txt", "broken", None),
    ("md", "markdown", None),
    ("html", "html", None),
    ("docx", "docx", None),
)


def write_samples(out_dir: str | Path) -> list[Path]:
    """Write the sample reports and their gold files into ``out_dir``; returns the report paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, (fmt, layout, template) in enumerate(SAMPLES):
        report, rendered = make_item(SAMPLE_SEED, i, fmt, layout, template)
        name = f"sample_{i}_{layout}"
        path = out / f"{name}.{fmt}"
        path.write_bytes(rendered.data)
        (out / f"{name}.gold.json").write_text(
            json.dumps(gold(report, rendered), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        paths.append(path)
    return paths


if __name__ == "__main__":
    for p in write_samples(sys.argv[1] if len(sys.argv) > 1 else "data/samples"):
        print(p)
