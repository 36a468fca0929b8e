"""Generate a labelled corpus: report files in every format and layout, each with exact gold.

``write_corpus`` writes ``NAME.EXT`` and ``NAME.gold.json`` per report. Everything is drawn
from ``random.Random`` instances derived from ``(seed, i)``, so a corpus is byte-identical for
a seed and report ``i`` does not depend on how many reports come before it.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from gongkai.data.record import SCHEMA_VERSION
from gongkai.data.synth.blanks import choose_blanks, contract_tables
from gongkai.data.synth.content import AdminLevel, SyntheticReport, make_report
from gongkai.data.synth.document import build_document
from gongkai.data.synth.grids import blank_cells, misalign_header
from gongkai.data.synth.narrative import make_narrative
from gongkai.data.synth.noise import choose_dropped
from gongkai.data.synth.render_docx import render_docx
from gongkai.data.synth.render_html import BLANK_LAYOUTS, HTML_LAYOUTS, render_html
from gongkai.data.synth.render_text import TEXT_LAYOUTS, draw_options, plain_text, render_text

FORMATS = ("txt", "md", "html", "docx")
# Formats that need reportlab/pypdfium2 and a CJK font; asked for by name.
PAGE_FORMATS = ("pdf", "scan", "image")
ALL_FORMATS = FORMATS + PAGE_FORMATS
DOCX_LAYOUTS = ("docx", "docx-blank")
LAYOUTS = TEXT_LAYOUTS + HTML_LAYOUTS + DOCX_LAYOUTS
# File extension and the record's source.format of each corpus format.
EXTENSIONS = {"txt": "txt", "md": "md", "html": "html", "docx": "docx", "pdf": "pdf", "scan": "pdf", "image": "tiff"}
RECORD_FORMATS = {"scan": "pdf-scanned", "image": "image"}
_TXT_ENCODINGS = ("utf-8", "gb18030", "utf-8-sig", "utf-16")
_TXT_ENCODING_WEIGHTS = (70, 15, 10, 5)


@dataclass
class Rendered:
    """One rendering of a report: the file bytes and what the gold needs to know about them."""

    data: bytes
    format: str
    layout: str
    encoding: str
    text: str  # report text (LF newlines) the segments are located in
    segments: list[dict]
    noise: list[str] = field(default_factory=list)  # keys of cells left out of the rendering
    style: dict[str, Any] = field(default_factory=dict)
    blank: list[str] = field(default_factory=list)  # keys of cells printed empty (blank layouts)
    tables: dict[str, Any] | None = None  # gold tables when they differ from the report's (blanks)
    undecidable: list[str] = field(default_factory=list)  # glued cells the print does not decide


def report_rng(seed: int, i: int) -> random.Random:
    """The generator of report ``i`` in the corpus of ``seed``."""
    return random.Random(f"gongkai-synth:{seed}:{i}")


def generate(
    rng: random.Random,
    *,
    template: Literal["2021", "2019"] | None = None,
    admin_level: AdminLevel | None = None,
) -> SyntheticReport:
    """A report with its narrative."""
    report = make_report(rng, template=template, admin_level=admin_level)
    report.narrative = make_narrative(report, rng)
    return report


def render_report(
    report: SyntheticReport,
    fmt: str,
    layout: str,
    rng: random.Random,
    *,
    dropped: Sequence[str] = (),
    force: dict[str, Any] | None = None,
) -> Rendered:
    """Render ``report`` as ``fmt`` in ``layout``; ``dropped`` cells are left out (text formats only).

    ``force`` fixes choices of the blank layouts that are otherwise drawn (tests pin one
    pattern at a time): ``blank`` (a list of cell keys), ``misaligned`` (bool), and the
    renderer's markup choices (``th``, ``thead``, ``broken``, ``wrap``, ``repeat``, ``nested``).
    """
    force = force or {}
    if fmt in ("txt", "md"):
        if layout not in TEXT_LAYOUTS:
            raise ValueError(f"layout {layout!r} is not a text layout")
        doc = build_document(report, rng, heading_style="md" if fmt == "md" else None)
        opts = draw_options(
            layout, rng, frozenset(dropped), markdown=fmt == "md" or doc.heading_style == "md"
        )
        text, segments = render_text(doc, opts, rng)
        if fmt == "md":
            encoding = "utf-8" if rng.random() < 0.9 else "utf-8-sig"
        else:
            encoding = rng.choices(_TXT_ENCODINGS, weights=_TXT_ENCODING_WEIGHTS)[0]
        crlf = fmt == "txt" and rng.random() < 0.15
        data = (text.replace("\n", "\r\n") if crlf else text).encode(encoding)
        style = dict(doc.choices, newline="crlf" if crlf else "lf", wrap=opts.wrap, compact=opts.compact)
        return Rendered(data, fmt, layout, encoding, text, segments, sorted(dropped), _style(report, style),
                        undecidable=sorted(opts.undecidable))
    if dropped:
        raise ValueError("dropped cells are only supported for text formats")
    doc = build_document(report, rng)
    blank: list[str] = []
    if layout in BLANK_LAYOUTS:
        mode, blank = choose_blanks(report.tables, rng)
        if "blank" in force:
            mode, blank = "forced", sorted(force["blank"])
        doc.choices["blank"] = mode
        for g in doc.grids.values():
            blank_cells(g, set(blank))
        misaligned = layout != "html-cms" and rng.random() < 0.3
        if force.get("misaligned", misaligned):  # Word's own finer grid
            doc.grids["applications"] = misalign_header(doc.grids["applications"])
            doc.choices["misaligned_header"] = "True"
    text, segments = plain_text(doc)
    if fmt == "html":
        if layout not in HTML_LAYOUTS:
            raise ValueError(f"layout {layout!r} is not an HTML layout")
        data, encoding = render_html(doc, layout, rng, force)
    elif fmt == "docx":
        if layout not in DOCX_LAYOUTS:
            raise ValueError(f"layout {layout!r} is not a Word layout")
        data, encoding = render_docx(doc, rng, layout, force), "zip"
    elif fmt in PAGE_FORMATS:
        data, encoding = _render_pages(doc, fmt, rng), "binary"
    else:
        raise ValueError(f"unknown format {fmt!r}")
    tables = contract_tables(report.tables, blank).to_nested() if blank else None
    return Rendered(data, fmt, layout, encoding, text, segments, [], _style(report, dict(doc.choices)),
                    blank=blank, tables=tables)


def _render_pages(doc: Any, fmt: str, rng: random.Random) -> bytes:
    """A text PDF, a scanned (image-only) PDF, or a multi-page TIFF of scanned pages."""
    import io

    from PIL import Image

    from gongkai.data.synth.render_pdf import render_doc_pdf
    from gongkai.data.synth.render_scan import render_scan

    pdf = render_doc_pdf(doc, rng)
    if fmt == "pdf":
        return pdf
    if fmt == "scan":
        return render_scan(pdf, rng, as_pdf=True)  # type: ignore[return-value]
    pages = [Image.open(io.BytesIO(b)) for b in render_scan(pdf, rng, as_pdf=False)]  # type: ignore[union-attr]
    buf = io.BytesIO()
    dpi = pages[0].info.get("dpi", (200, 200))
    pages[0].save(buf, format="TIFF", save_all=True, append_images=pages[1:], compression="jpeg", dpi=dpi)
    return buf.getvalue()


def _style(report: SyntheticReport, style: dict[str, Any]) -> dict[str, Any]:
    n = report.narrative
    if n is not None:
        style.update(spaced_numbers=n.spaced_numbers, ascii_punct=n.ascii_punct)
    return style


def render(
    report: SyntheticReport, fmt: str, layout: str, rng: random.Random, *, dropped: Sequence[str] = ()
) -> bytes:
    """The file bytes of ``report`` rendered as ``fmt`` in ``layout``."""
    return render_report(report, fmt, layout, rng, dropped=dropped).data


def gold(report: SyntheticReport, r: Rendered) -> dict[str, Any]:
    """The gold record of a rendering (see the module docstring of ``gongkai.data.synth``)."""
    out = {
        "schema_version": SCHEMA_VERSION,
        "format": RECORD_FORMATS.get(r.format, r.format),
        "corpus_format": r.format,
        "layout": r.layout,
        "noise": list(r.noise),
        **({"undecidable": list(r.undecidable)} if r.undecidable else {}),
        "encoding": r.encoding,
        "meta": {
            "title": report.title,
            "organization": report.title_organization,
            "year": report.year,
            "published": report.published.isoformat(),
            "admin_level": report.admin_level,
            "region": dict(report.region),
        },
        "template": report.template,
        "tables": r.tables if r.tables is not None else report.tables.to_nested(),
        "segments": r.segments,
        "text": r.text,
        "stated": dict(report.narrative.stated) if report.narrative else {},
        "style": r.style,
    }
    if r.blank:  # cells printed empty (blank layouts); their gold is the contract's reading
        out["blank"] = list(r.blank)
    return out


def plan(
    i: int, counts: dict[str, int], formats: Sequence[str], layouts: Sequence[str]
) -> tuple[str, str, str | None]:
    """Format, layout and forced template of report ``i``: cycles so every layout meets both templates."""
    fmt = formats[i % len(formats)]
    j = counts.get(fmt, 0)
    counts[fmt] = j + 1
    force_2019 = False
    if fmt == "txt":
        layout = layouts[j % len(layouts)]
        force_2019 = (j // len(layouts)) % 6 == 1  # one cycle in six: every layout gets 2019 forms
    elif fmt == "md":
        layout = "tab" if j % 3 == 2 else "markdown"
        force_2019 = j % 8 == 3
    elif fmt == "html":
        # Blocks of eight: html/html-word, then the blank layouts html-cms/html-word-blank.
        layout = HTML_LAYOUTS[2 * ((j // 8) % 2) + j % 2]
        force_2019 = j % 8 == 3 or j % 32 in (12, 20)  # every layout meets the 2019 form
    elif fmt == "docx":
        layout = DOCX_LAYOUTS[(j // 8) % 2]
        force_2019 = j % 8 == 3
    else:
        layout = fmt
        force_2019 = j % 8 == 3
    return fmt, layout, "2019" if force_2019 else None


def make_item(
    seed: int, i: int, fmt: str, layout: str, template: str | None
) -> tuple[SyntheticReport, Rendered]:
    """Report ``i`` of the corpus of ``seed`` and its rendering (no file written)."""
    rng = report_rng(seed, i)
    report = generate(rng, template=template)  # type: ignore[arg-type]
    # Scraped text without cell separators cannot show a dropped cell: no dropping there.
    droppable = fmt in ("txt", "md") and layout not in ("glued", "sitetext")
    dropped = choose_dropped(report.tables, rng) if droppable and rng.random() < 0.15 else []
    return report, render_report(report, fmt, layout, rng, dropped=dropped)


def iter_corpus(
    n: int, formats: Sequence[str] = FORMATS, seed: int = 0, layouts: Sequence[str] | None = None
):
    """Yield ``(i, report, rendered)`` for a corpus without writing it."""
    text_layouts = tuple(layouts) if layouts else TEXT_LAYOUTS
    counts: dict[str, int] = {}
    for i in range(n):
        fmt, layout, template = plan(i, counts, formats, text_layouts)
        report, rendered = make_item(seed, i, fmt, layout, template)
        yield i, report, rendered


def write_corpus(
    out_dir: str | Path,
    n: int,
    formats: Sequence[str] = FORMATS,
    seed: int = 0,
    layouts: Sequence[str] | None = None,
    *,
    workers: int = 1,
    progress: bool = False,
) -> list[Path]:
    """Write ``n`` reports and their gold files into ``out_dir``; returns the report paths.

    ``layouts`` restricts the text layouts used for TXT (default: all of ``TEXT_LAYOUTS``).
    With ``workers`` > 1 reports are made in worker processes (scans take seconds each);
    the files are the same either way.
    """
    unknown = [f for f in formats if f not in ALL_FORMATS]
    if unknown:
        raise ValueError(f"unknown format(s) {', '.join(unknown)}; choose from {', '.join(ALL_FORMATS)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    text_layouts = tuple(layouts) if layouts else TEXT_LAYOUTS
    counts: dict[str, int] = {}
    jobs = [(seed, i, *plan(i, counts, formats, text_layouts), str(out)) for i in range(n)]
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=n, unit="report", desc="synth")
    paths: list[Path] = []
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers) as pool:
            for path in pool.map(_write_one, jobs, chunksize=4):
                paths.append(path)
                if bar is not None:
                    bar.update()
    else:
        for job in jobs:
            paths.append(_write_one(job))
            if bar is not None:
                bar.update()
    if bar is not None:
        bar.close()
    return paths


def _write_one(job: tuple[int, int, str, str, str | None, str]) -> Path:
    seed, i, fmt, layout, template, out = job
    report, r = make_item(seed, i, fmt, layout, template)
    name = f"synth_{seed}_{i:05d}"
    path = Path(out) / f"{name}.{EXTENSIONS[fmt]}"
    path.write_bytes(r.data)
    (Path(out) / f"{name}.gold.json").write_text(json.dumps(gold(report, r), ensure_ascii=False), encoding="utf-8")
    return path
