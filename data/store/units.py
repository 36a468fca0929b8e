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
from gongkai.inference.gazetteer import ZONE

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


# A zone's administration is the zone: 平潭综合实验区管委会 = 平潭综合实验区 (管理委员会 likewise).
_ADMIN_SUFFIX = re.compile(r"(?<=区)(?:管理委员会|管委会|政府)$")


def normalize_name(name: str) -> str:
    """NFKC, no spaces or quotes, one kind of bracket, 人民政府 spelled 政府, a zone's 管委会 dropped."""
    s = unicodedata.normalize("NFKC", name).translate(_BRACKETS)
    s = _DROP.sub("", s)
    s = s.replace("人民政府", "政府")
    return _ADMIN_SUFFIX.sub("", s) if ZONE.search(s[:-1]) else s


def unit_of(meta: Meta) -> Unit | None:
    """The unit of a record's meta, or None when nothing in the name anchors it.

    A name with no region falls back to the name itself when it names a zone after a place
    (平潭综合实验区, 某某高新区管委会: key ``|<name>``); a bare department name (财政局) could be any
    of thousands of units: no key rather than a wrong match.
    """
    if not meta.organization:
        return None
    reg = meta.region
    specific = reg.county or reg.city or reg.province
    if not specific:
        core = normalize_name(meta.organization)
        m = ZONE.search(core)
        if m is None or m.start() < 2:
            return None
        return Unit(key=f"|{core}", province=None, city=None, county=None)
    core = normalize_name(meta.organization)
    for part in (reg.province, reg.city, reg.county):
        if part and core.startswith(normalize_name(part)):
            core = core[len(normalize_name(part)) :]
    return Unit(key=f"{normalize_name(specific)}|{core}", province=reg.province, city=reg.city, county=reg.county)
