"""The researchers' view of an ingested database: figures, the HTML page, tidy exports.

``gongkai analyze --db reports.duckdb --html OUT.html --csv DIR --parquet DIR``; in Python,
:mod:`gongkai.analysis` (the public facade over these modules).

Modules: :mod:`.filters` (which reports), :mod:`.queries` (SQL → pandas frames, the API),
:mod:`.labels` (names shown), :mod:`.payload` (the facts embedded in the page),
:mod:`.assets` and :mod:`.html` (the page), :mod:`.export` (tidy tables and their data
dictionary), :mod:`.goldcats` (categories from generated gold, for demos and benchmarks),
:mod:`.cli`.
"""
