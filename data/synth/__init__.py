"""Synthetic labelled reports: realistic content, every layout, exact gold.

Pipeline: :func:`content.make_report` (unit, year, template, table values satisfying
relations 1–5) → :func:`narrative.make_narrative` (topic text whose figures agree with the
tables) → :func:`document.build_document` (headings, sub-headings, label style) → one of
``render_text`` (layouts ``tab pipe lines markdown flat broken ocr glued runon sitetext``),
``render_html`` (``html``, ``html-word``, and ``html-cms``, ``html-word-blank`` with zero cells
printed blank) or ``render_docx`` (``docx``, ``docx-blank``). :func:`corpus.write_corpus` writes
``NAME.EXT`` and ``NAME.gold.json``; the gold holds ``format``, ``layout``, ``noise`` (keys
of cells left out of the rendering), ``undecidable`` (glued layouts, when any: cells whose
glued digits more than one reading fits, the row's own sums included), ``encoding``, ``meta``,
``template``, ``tables`` (the contract's nested shape, true values even for dropped cells; for
cells printed blank the contract's reading, see :mod:`blanks`), ``blank`` (blank layouts: keys
printed empty), ``segments`` (topic, text,
categories, start/end offsets into ``text``, in document order), ``text`` (the report text
with LF newlines: the decoded file for TXT/MD, the loader-style plain text for HTML/DOCX),
``stated`` (cell key → figure the narrative states) and ``style`` (print choices).
``meta.title`` is the canonical title; the printed one may carry extra spaces.
"""
