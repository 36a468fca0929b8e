"""Year over year: one unit's report against its report on the year before.

:func:`compare` aligns the two reports' narrative paragraphs section by section (added, removed,
changed, unchanged; moved and split paragraphs found across the whole report), measures how much of
this year's text is last year's (:mod:`.reuse`), and sets the tables side by side cell by cell with
the cross-year relations (:mod:`.tables`). It works on plain record dicts (a stored record's JSON),
so a database pass needs no model objects.
"""

from gongkai.inference.yoy.compare import Comparison, compare, compare_records

__all__ = ["Comparison", "compare", "compare_records"]
