"""Where a named place lies: the province (and city) of a city or county in a unit's name.

A unit's name usually spells out only its own place (盐城市亭湖区人民政府 names no province);
China's administrative division codes tell the rest. The codes are the data file of the
``cpca`` package, read directly (importing ``cpca`` itself would pull pandas). A name that
several places share (鼓楼区 lies in four cities) is left as it is: never a guess.
"""

from __future__ import annotations

import csv
import importlib.util
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from gongkai.data.record import Region

# City-level codes that are placeholders, not cities (a municipality's districts, counties
# administered directly by a province).
_NOT_CITIES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@dataclass
class Places:
    """Division names by code prefix, and the codes each name stands for."""

    provinces: dict[str, str] = field(default_factory=dict)  # 2-digit prefix -> name
    cities: dict[str, str] = field(default_factory=dict)  # 4-digit prefix -> name
    city_codes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # name -> 4-digit
    county_codes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # name -> 6-digit
    stems: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # 平潭 -> {4/6-digit codes}


def _data_file() -> Path | None:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"
    return path if path.is_file() else None


@cache
def places() -> Places | None:
    """The division table (None when the ``cpca`` package is not installed)."""
    path = _data_file()
    if path is None:
        return None
    table = Places()
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code, name = row["adcode"], row["name"]
            if code[2:6] == "0000":
                table.provinces[code[:2]] = name
            elif code[4:6] == "00":
                table.cities[code[:4]] = name
                if name not in _NOT_CITIES:
                    table.city_codes[name].add(code[:4])
                    table.stems[_stem(name)].add(code[:4])
            else:
                table.county_codes[name].add(code[:6])
                table.stems[_stem(name)].add(code[:6])
    return table


_SUFFIX = re.compile(r"(?:自治县|自治州|自治旗|特区|林区|地区|新区|矿区|区|县|市|旗|盟)$")
# A named zone (or its administration) that is not itself a division: 平潭综合实验区, 苏州工业园区 …
ZONE = re.compile(
    r"综合实验区|实验区|试验区|示范区|合作区|高新技术产业开发区|经济技术开发区|高新区|经开区|开发区|新区|园区|"
    r"保税区|自贸区|管委会|管理委员会"
)


def _stem(name: str) -> str:
    """A division's name without its type (平潭县 → 平潭), never shorter than two characters."""
    stem = _SUFFIX.sub("", name)
    return stem if len(stem) >= 2 else name


def _unique_code(stem: str, table: Places) -> str | None:
    codes = table.stems.get(stem, set())
    return next(iter(codes)) if len(codes) == 1 else None


def region_from_table(org: str | None, reg: Region) -> Region:
    """The region of a name the pattern reader found none in, from the division table.

    Two cases, both only when the name spells no division the usual way and the table knows
    exactly one place: a short division name at the start (宾县人民政府: 宾县 → 黑龙江省哈尔滨市宾县),
    and a zone named after a place without its type (平潭综合实验区: 平潭 is only 平潭县, so the
    zone lies in 福建省福州市; the county is left empty, a zone is not the county it is named after).
    """
    table = places()
    if table is None or not org or reg.province or reg.city or reg.county:
        return reg
    for n in range(min(len(org) - 1, 5), 1, -1):
        head = org[:n]
        if not _SUFFIX.search(head):
            continue
        counties, cities = table.county_codes.get(head, set()), table.city_codes.get(head, set())
        if len(counties) + len(cities) == 1:
            return complete_region(Region(county=head) if counties else Region(city=head))
    m = ZONE.search(org)
    if m is None:
        return reg
    head = org[: m.start()]
    for n in range(min(len(head), 4), 1, -1):
        code = _unique_code(head[:n], table)
        if code is None:
            continue
        city = table.cities.get(code[:4])
        if city in _NOT_CITIES or city is None:
            city = table.provinces.get(code[:2]) if city == "市辖区" else None
        return Region(province=table.provinces.get(code[:2]), city=city)
    return reg


def complete_region(reg: Region) -> Region:
    """``reg`` with the province (and the city of a county) filled in where the name is unique."""
    table = places()
    if table is None:
        return reg
    out = reg.model_copy()
    city_code = None
    if out.city:
        codes = table.city_codes.get(out.city, set())
        if len(codes) == 1:
            city_code = next(iter(codes))
        elif out.city == out.province:  # a municipality (北京市): its own province
            return out
    if out.county:
        codes = table.county_codes.get(out.county, set())
        if city_code:
            codes = {c for c in codes if c.startswith(city_code)}
        if len(codes) == 1:
            county_code = next(iter(codes))
            city_code = city_code or county_code[:4]
            if out.city is None:
                name = table.cities.get(county_code[:4])
                if name in _NOT_CITIES or name is None:
                    name = table.provinces.get(county_code[:2]) if name == "市辖区" else None
                out.city = name
    if city_code and out.province is None:
        out.province = table.provinces.get(city_code[:2])
    if out.province and city_code and table.provinces.get(city_code[:2]) != out.province:
        return reg  # the name says another province than the place's: keep what was printed
    return out
