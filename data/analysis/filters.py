"""Which reports an analysis covers: years, admin levels, provinces and cities, as SQL.

Every figure of :mod:`gongkai.data.analysis` starts from the parsed reports that pass one
:class:`Filters`; the page applies the same rules in the browser.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

# The reports an analysis starts from: one row per parsed report, with the unit columns
# every tidy table carries. ``report`` is ``reports.sha256``.
REPORT_COLUMNS = (
    "r.sha256 AS report, r.path, r.organization, r.unit_key, r.year, r.admin_level, "
    "r.province, r.city, r.county, r.format, r.template"
)


def _tuple(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@dataclass(frozen=True)
class Filters:
    """Reports kept: years in ``[year_from, year_to]`` and, when given, one of the levels,
    provinces and cities listed (an empty tuple keeps all)."""

    year_from: int | None = None
    year_to: int | None = None
    levels: tuple[str, ...] = field(default_factory=tuple)
    provinces: tuple[str, ...] = field(default_factory=tuple)
    cities: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def of(
        cls,
        year: int | tuple[int | None, int | None] | None = None,
        level: str | Iterable[str] | None = None,
        province: str | Iterable[str] | None = None,
        city: str | Iterable[str] | None = None,
    ) -> Filters:
        """From the keyword arguments of the API: ``year=2022`` or ``year=(2020, 2023)``."""
        if isinstance(year, tuple):
            year_from, year_to = year
        else:
            year_from = year_to = year
        return cls(year_from, year_to, _tuple(level), _tuple(province), _tuple(city))

    def describe(self) -> str:
        """The filters in words (empty when every parsed report is kept)."""
        parts = []
        if self.year_from is not None or self.year_to is not None:
            a, b = self.year_from, self.year_to
            parts.append(f"year {a}" if a == b else f"years {a if a is not None else '…'}–{b if b is not None else '…'}")
        for name, values in (("level", self.levels), ("province", self.provinces), ("city", self.cities)):
            if values:
                parts.append(f"{name} {', '.join(values)}")
        return "; ".join(parts)

    def where(self) -> tuple[str, list]:
        """The ``WHERE`` condition on ``reports r`` and its positional parameters."""
        parts, params = ["r.status = 'parsed'"], []
        if self.year_from is not None:
            parts.append("r.year >= ?")
            params.append(int(self.year_from))
        if self.year_to is not None:
            parts.append("r.year <= ?")
            params.append(int(self.year_to))
        for column, values in (("admin_level", self.levels), ("province", self.provinces), ("city", self.cities)):
            if values:
                parts.append(f"list_contains(?, r.{column})")
                params.append(list(values))
        return " AND ".join(parts), params

    def cte(self) -> tuple[str, list]:
        """``rep AS (…)``: the kept reports, for the ``WITH`` clause of a query."""
        cond, params = self.where()
        return f"rep AS (SELECT {REPORT_COLUMNS} FROM reports r WHERE {cond})", params
