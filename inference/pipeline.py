"""The parsing pipeline: load → normalise → sections → meta → tables → narrative → checks → record."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from gongkai.data.errors import NotAReportError
from gongkai.data.loaders.base import Document
from gongkai.data.loaders.ocr_confidence import apply_ocr_confidence
from gongkai.data.normalize import normalize
from gongkai.data.record import Issue, Record, Section, Segment, Source
from gongkai.inference.checks import check_tables, implausible_cells
from gongkai.inference.meta import extract_meta
from gongkai.inference.narrative import narrative_checks, segment_by_headings
from gongkai.inference.repair import fill_unknowns, repair_ocr_digits
from gongkai.inference.sections import find_sections, table_regions
from gongkai.inference.tables import read_tables
from gongkai.inference.tables.grid import record_grids

# segmenter(text, sections, table_regions) -> the narrative's segments
Segmenter = Callable[[str, list[Section], list[tuple[int, int]]], list[Segment]]


def parse_document(
    doc: Document, *, ocr: bool | None = None, require_report: bool = True, segmenter: Segmenter | None = None
) -> Record:
    """Turn a loaded :class:`Document` into the checked record.

    ``ocr`` enables digit-level repair; by default it follows ``doc.from_ocr``.
    ``segmenter(text, sections, table_regions)`` gives the narrative segments; default here: the report's
    own headings. ``gongkai.models.topic_segmenter()`` is the topic classifier, which :func:`parse_file`
    and ``gongkai parse`` use unless told otherwise (``topics=False``, ``--no-topics``).
    With ``require_report`` a text with no sign of a disclosure report raises
    :class:`NotAReportError` instead of returning an empty record.
    """
    norm = normalize(doc.text)
    text = norm.text
    sections = find_sections(text)
    meta = extract_meta(text, doc.title_hint)
    template_hint = "2019" if meta.year is not None and meta.year <= 2019 else None
    # HTML/DOCX grids located in the text: their numbers are placed by column.
    grids = record_grids(doc.tables, norm) if doc.tables and not doc.from_ocr else None
    state = read_tables(text, sections, template_hint, grids)
    tv = state.tables
    tv.from_ocr = doc.from_ocr if ocr is None else ocr
    if require_report and not _looks_like_report(text, sections, tv.found, meta.title):
        raise NotAReportError("no government information-disclosure report found in the text")
    issues: list[Issue] = list(state.issues) + implausible_cells(tv, state.printed)
    # OCR input: each cell's reading confidence (repair tries the least certain cell first).
    issues += apply_ocr_confidence(doc.char_confidence, norm, state.spans, tv)
    issues += fill_unknowns(tv)
    if tv.from_ocr:
        issues += repair_ocr_digits(tv, state.printed)
        issues += fill_unknowns(tv)
    issues += check_tables(tv)
    issues += _doubtful_repairs(issues, state.hinted)
    for name in ("active_disclosure", "applications", "review_litigation"):
        if name not in tv.found:
            issues.append(Issue(code=f"{name}.not_found", severity="warning", cells=[],
                                message=f"table {name} was not found in the report"))
    if meta.year is None:
        issues.append(Issue(code="meta.year_missing", severity="warning", message="the report's year was not found"))
    if meta.organization is None:
        issues.append(Issue(code="meta.organization_missing", severity="warning",
                            message="the reporting organization was not found"))
    issues += narrative_checks(text, sections, tv)
    template = tv.template if tv.found else "unknown"
    return Record(
        source=Source(
            path=doc.path,
            sha256=doc.sha256 or hashlib.sha256(doc.text.encode("utf-8")).hexdigest(),
            format=doc.format,
            pages=doc.pages,
            encoding=doc.encoding,
        ),
        meta=meta,
        template=template,
        sections=sections,
        tables=tv.to_nested(),
        segments=(segmenter or segment_by_headings)(text, sections, table_regions(text, state.spans.values())),
        issues=issues,
        text=text,
    )


def _looks_like_report(text: str, sections: list, found: set[str], title: str | None) -> bool:
    if found or len(sections) >= 2 or title:
        return True
    head = text[:5000]
    return "政府信息公开" in head and ("年度报告" in head or "主动公开" in head)


def parse_text(text: str, *, path: str = "<text>", fmt: str = "txt", **kwargs) -> Record:
    """Parse report text that is already decoded."""
    return parse_document(Document(text=text, format=fmt, path=path), **kwargs)


def _doubtful_repairs(issues: list[Issue], hinted: set[str]) -> list[Issue]:
    """A warning naming the repairs of a table some of whose rows the sums could not place.

    A value restored from the sums is only as good as the cells it was computed from: when
    a row was placed by its printed empty cells (the sums allowing other readings), the
    repairs in that table may carry the same doubt, so they are named, not trusted silently.
    """
    out = []
    for table in sorted(hinted):
        cells = [c for i in issues if i.code == f"{table}.repaired" for c in i.cells]
        if cells:
            out.append(Issue(code=f"{table}.ambiguous_row", severity="warning", cells=cells,
                             message="values restored from sums that involve a row the sums could not place"))
    return out


def parse_file(path: str | Path, *, topics: bool = True, **kwargs) -> Record:
    """Load any supported file and parse it, as ``gongkai parse`` does. Raises LoadError / NotAReportError on bad input.

    The segments come from the shipped topic classifier, as on the command line; ``topics=False``
    (``--no-topics``) takes them from the report's own headings, and a ``segmenter=`` given wins.
    """
    from gongkai.data.loaders import load

    if topics and "segmenter" not in kwargs:
        from gongkai.models import topic_segmenter

        kwargs["segmenter"] = topic_segmenter()
    return parse_document(load(Path(path)), **kwargs)
