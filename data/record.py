"""The canonical report record (``shared/spec/report-schema.md``) and the typed table values.

``Record`` is the boundary model: what ``gongkai parse`` prints and ``gongkai ingest`` stores.
Inside the core, table values travel as a :class:`TableValues` (flat, typed cell keys)
and become the nested JSON shape of the contract only in :meth:`TableValues.to_nested`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from gongkai.data.form import TABLE_NAMES, Template, cell_keys, table_rows

SCHEMA_VERSION = 1

Number = int | float
Severity = Literal["error", "warning", "info"]
SourceFormat = Literal["txt", "md", "html", "docx", "pdf", "pdf-scanned", "image"]
AdminLevel = Literal["街道", "乡镇", "县区", "地市", "省级", "部门", "其他"]


class Source(BaseModel):
    path: str
    sha256: str
    format: SourceFormat
    pages: int | None = None
    encoding: str | None = None


class Region(BaseModel):
    province: str | None = None
    city: str | None = None
    county: str | None = None


class Meta(BaseModel):
    title: str | None = None
    organization: str | None = None
    year: int | None = None
    published: str | None = None
    admin_level: AdminLevel | None = None
    region: Region = Field(default_factory=Region)


class Section(BaseModel):
    number: int
    title: str
    start: int
    end: int


class Segment(BaseModel):
    topic: str
    start: int
    end: int
    text: str
    score: float | None = None
    categories: list[str] = Field(default_factory=list)


class Issue(BaseModel):
    code: str
    severity: Severity
    cells: list[str] = Field(default_factory=list)
    message: str


class Record(BaseModel):
    """One report as the contract specifies it. Extra keys are allowed, never fewer."""

    model_config = ConfigDict(extra="allow")

    schema_version: int = SCHEMA_VERSION
    source: Source
    meta: Meta = Field(default_factory=Meta)
    template: Template = "unknown"
    sections: list[Section] = Field(default_factory=list)
    tables: dict[str, Any] = Field(default_factory=dict)
    segments: list[Segment] = Field(default_factory=list)
    issues: list[Issue] = Field(default_factory=list)
    text: str = ""

    def to_json(self, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent)


@dataclass
class TableValues:
    """Values of the three tables, keyed ``table.row.col`` (rows may be dotted: ``denied.state_secret``).

    ``present`` lists the cell keys the printed form has (so an absent 2019 ``other.*`` row is
    omitted from the JSON rather than filled with null); ``values`` holds read numbers or None.
    ``confidence`` (0..1) is set where a reader knows how sure it is (OCR); 1.0 otherwise.
    """

    template: Template = "2021"
    other_split: bool = True
    other_read: bool = True  # False: no (六)其他处理 row was read, so its form (one row or three) is unknown
    found: set[str] = field(default_factory=set)  # tables found in the document
    values: dict[str, Number | None] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    from_ocr: bool = False

    def keys(self, table: str) -> list[str]:
        return cell_keys(table, self.template, self.other_split)

    def all_keys(self) -> list[str]:
        return [k for t in TABLE_NAMES if t in self.found for k in self.keys(t)]

    def get(self, key: str) -> Number | None:
        return self.values.get(key)

    def to_nested(self) -> dict[str, Any]:
        """The contract's nested JSON shape, tables found in the document only."""
        out: dict[str, Any] = {}
        for table in TABLE_NAMES:
            if table not in self.found:
                continue
            tdict: dict[str, Any] = {}
            for r in table_rows(table, self.template, self.other_split):
                node = tdict
                parts = r.key.split(".")
                for p in parts[:-1]:
                    node = node.setdefault(p, {})
                node[parts[-1]] = {c: self.values.get(f"{table}.{r.key}.{c}") for c in r.columns}
            out[table] = tdict
        return out

    @classmethod
    def from_nested(cls, tables: dict[str, Any], template: Template = "2021") -> TableValues:
        """Inverse of :meth:`to_nested` (used for gold files and stored records)."""
        apps = tables.get("applications") or {}
        other = apps.get("other") or {}
        other_split = not ("total" in other and "other" not in other)
        tv = cls(template=template if template != "unknown" else "2021", other_split=other_split)
        for table, tdict in tables.items():
            if table not in TABLE_NAMES or tdict is None:
                continue
            tv.found.add(table)
            for r in table_rows(table, tv.template, other_split):
                node: Any = tdict
                for p in r.key.split("."):
                    node = node.get(p) if isinstance(node, dict) else None
                for c in r.columns:
                    tv.values[f"{table}.{r.key}.{c}"] = node.get(c) if isinstance(node, dict) else None
        return tv
