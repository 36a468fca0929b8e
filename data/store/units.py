"""Unit identity across years: a normalised organization name and its region.

The same unit prints its name differently from year to year (淮安市洪泽区人民政府 one year,
洪泽区人民政府 the next), so the key is the most specific region the name spells out plus
the rest of the name with the region prefixes removed; the broader levels (province, city)
are compared separately, where both reports give them, to keep 鼓楼区 of 南京市 apart from
鼓楼区 of 福州市.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from gongkai.data.record import Meta

_DROP = re.compile(r"[\s\u3000·•“”\"'‘’《》<>]")
_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "〔": "(", "〕": ")"})


@dataclass(frozen=True)
class Unit:
    """Who a report is from, as far as its name tells."""

    key: str  # "<most specific region>|<name without region prefixes>"
    province: str | None
    city: str | None
    county: str | None

    def compatible(self, other: Unit) -> bool:
        """Same key and no broader region level that contradicts."""
        return (
            self.key == other.key
            and _agree(self.province, other.province)
            and _agree(self.city, other.city)
        )


def _agree(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


def normalize_name(name: str) -> str:
    """NFKC, no spaces or quotes, one kind of bracket, 人民政府 spelled 政府."""
    s = unicodedata.normalize("NFKC", name).translate(_BRACKETS)
    s = _DROP.sub("", s)
    return s.replace("人民政府", "政府")


def unit_of(meta: Meta) -> Unit | None:
    """The unit of a record's meta, or None when the name gives no region to anchor it.

    A name with no region (财政局) could be any of thousands of units: no key rather than a
    wrong match.
    """
    if not meta.organization:
        return None
    reg = meta.region
    specific = reg.county or reg.city or reg.province
    if not specific:
        return None
    core = normalize_name(meta.organization)
    for part in (reg.province, reg.city, reg.county):
        if part and core.startswith(normalize_name(part)):
            core = core[len(normalize_name(part)) :]
    return Unit(key=f"{normalize_name(specific)}|{core}", province=reg.province, city=reg.city, county=reg.county)
