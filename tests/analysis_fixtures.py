"""A small ingested database with known content, for the tests of ``gongkai analyze``.

Generated reports are ingested for real (tables, meta, segments as the parser stores them);
then categories, one recurring unit, a hostile text, an unresolved issue and a failure are
written directly, so the tests do not depend on the topic classifier.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from gongkai.data.labels import CATEGORIES
from gongkai.data.store.run import IngestOptions, ingest
from gongkai.data.synth.corpus import write_corpus

HOSTILE_TEXT = "人员不足<script>window.__pwned=1</script>，<img src=x onerror=\"window.__pwned2=1\">更新不及时。"
HOSTILE_ORG = "某某街道办事处<b onmouseover=alert(1)>&amp;</b>"
UNIT = "测试市|测试街道办事处"
UNIT_YEARS = (2020, 2021, 2022)
UNIT_CATEGORY = "timeliness"


@dataclass
class AnalysisDB:
    path: Path
    reports: list[str]  # sha256 of the parsed reports, sorted
    hostile_report: str  # the report that quotes HOSTILE_TEXT
    unit_reports: list[str]  # the recurring unit's reports, by year


def build_db(root: Path, n: int = 14, seed: int = 21) -> AnalysisDB:
    reports_dir = root / "reports"
    write_corpus(reports_dir, n, ("txt", "html"), seed=seed)
    db = root / "reports.duckdb"
    ingest([reports_dir], db, IngestOptions(workers=1, exclude=("*.gold.json",), progress=False))
    con = duckdb.connect(str(db))
    try:
        shas = [r[0] for r in con.execute("SELECT sha256 FROM reports WHERE status = 'parsed' ORDER BY sha256").fetchall()]
        assert len(shas) >= 10, "the generated reports should parse"
        con.execute("UPDATE segments SET categories = []")
        # Categories on the problems/improvements segments: a pattern with pairs (co-occurrence),
        # a report naming nothing, and repeated segments naming the same category.
        for i, sha in enumerate(shas):
            segs = [r[0] for r in con.execute(
                "SELECT idx FROM segments WHERE report = ? AND topic IN ('problems', 'improvements') ORDER BY idx",
                [sha]).fetchall()]
            if i % 5 == 4 or not segs:
                continue
            first = [CATEGORIES[i % 6], CATEGORIES[(i + 2) % 6]] if i % 2 == 0 else [CATEGORIES[i % 6]]
            con.execute("UPDATE segments SET categories = ? WHERE report = ? AND idx = ?", [first, sha, segs[0]])
            for idx in segs[1:]:
                con.execute("UPDATE segments SET categories = ? WHERE report = ? AND idx = ?", [[CATEGORIES[i % 6]], sha, idx])
        # One unit reporting the same problem three years running, at 街道 level in 测试省 测试市.
        unit_reports = shas[1:4]
        for year, sha in zip(UNIT_YEARS, unit_reports, strict=True):
            con.execute("UPDATE reports SET unit_key = ?, organization = '测试街道办事处', year = ?, admin_level = '街道', "
                        "province = '测试省', city = '测试市' WHERE sha256 = ?", [UNIT, year, sha])
            con.execute("INSERT INTO segments VALUES (?, 90, 'problems', 5000, 5010, '信息更新不及时。', NULL, ?)",
                        [sha, [UNIT_CATEGORY]])
        # Another unit naming a category in two years that are not consecutive: not recurring.
        con.execute("UPDATE reports SET unit_key = '测试市|跳年单位', year = 2019 WHERE sha256 = ?", [shas[5]])
        con.execute("UPDATE reports SET unit_key = '测试市|跳年单位', year = 2021 WHERE sha256 = ?", [shas[6]])
        for sha in shas[5:7]:
            con.execute("INSERT INTO segments VALUES (?, 91, 'problems', 6000, 6006, '宣传不够。', NULL, ['publicity'])", [sha])
        # Hostile text in a quote and in an organization name.
        hostile = shas[0]
        con.execute("UPDATE reports SET organization = ? WHERE sha256 = ?", [HOSTILE_ORG, hostile])
        con.execute("INSERT INTO segments VALUES (?, 99, 'problems', 7000, ?, ?, NULL, ['staffing', 'timeliness'])",
                    [hostile, 7000 + len(HOSTILE_TEXT), HOSTILE_TEXT])
        # An unresolved error issue and a failed input.
        con.execute("INSERT INTO issues VALUES (?, 'parser', 99, 'applications.balance', 'error', "
                    "['applications.total.total'], 'totals do not add up <b>x</b>', NULL)", [shas[2]])
        con.execute("INSERT INTO failures VALUES ('/nowhere/broken<script>.pdf', NULL, 'parse', "
                    "'not a disclosure report', 'pdf', now())")
    finally:
        con.close()
    return AnalysisDB(db, shas, hostile, unit_reports)
