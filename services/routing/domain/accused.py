"""Accused units (被反映单位) named in a petition: unit ids, or names resolved against the directory.

A name is matched exactly (寒亭区人民政府), else read as a place plus a kind of unit in the words people
use (寿光市环保局 → 寿光市 + ecology_environment → ``370783:ecology_environment``; 侯镇政府 → the township
government of 侯镇; 侯镇派出所 → the public security bureau above it, which manages the station).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from services.routing.domain.directory import (
    GOVERNMENT,
    TOWNSHIP_GOVERNMENT,
    VILLAGE_COMMITTEE,
    Directory,
    Level,
    Unit,
)
from services.routing.domain.place import find_mentions

#: words people use for each kind of unit, longest first when matched
KIND_WORDS: Mapping[str, tuple[str, ...]] = {
    "government": ("人民政府", "政府"),
    "petition_bureau": ("信访局", "信访办", "信访"),
    "natural_resources": ("自然资源和规划局", "自然资源局", "国土资源局", "国土局", "国土所", "自然资源"),
    "housing_construction": ("住房和城乡建设局", "住建局", "房管局", "住建"),
    "hr_social_security": ("人力资源和社会保障局", "人社局", "劳动局", "社保局", "劳动监察大队", "人社"),
    "ecology_environment": ("生态环境局", "生态环境分局", "环保局", "环保"),
    "agriculture_rural": ("农业农村局", "农业局", "畜牧局"),
    "civil_affairs": ("民政局", "民政所"),
    "education": ("教育和体育局", "教体局", "教育局"),
    "health": ("卫生健康局", "卫健局", "卫生局", "卫健委"),
    "medical_security": ("医疗保障局", "医保局"),
    "market_regulation": ("市场监督管理局", "市场监管局", "市场监管所", "工商局"),
    "transport": ("交通运输局", "交通局"),
    "public_security": ("公安局", "公安分局", "派出所", "交警大队"),
    "veterans": ("退役军人事务局", "退役军人局"),
    "political_legal": ("政法委员会", "政法委"),
    "discipline": ("纪委监委", "纪检监察", "纪委", "监委"),
    "township_government": ("街道办事处", "街道办", "办事处", "镇政府", "乡政府"),
    "village_committee": ("村民委员会", "居民委员会", "村委会", "居委会", "村委"),
}

#: the government of a region, by its level
_GOVERNMENT_BY_LEVEL = {Level.TOWNSHIP: TOWNSHIP_GOVERNMENT, Level.VILLAGE: VILLAGE_COMMITTEE}


@dataclass(frozen=True)
class AccusedUnits:
    """The accused units found, and the references that could not be matched to a unit."""

    units: tuple[Unit, ...]
    unresolved: tuple[str, ...]

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(u.id for u in self.units)


def resolve_accused(directory: Directory, references: Sequence[str]) -> AccusedUnits:
    """Resolve each reference (unit id or name) to a directory unit."""
    units: list[Unit] = []
    unresolved: list[str] = []
    for ref in references:
        ref = ref.strip()
        if not ref:
            continue
        unit = directory.unit(ref) or _by_name(directory, ref)
        if unit is None:
            unresolved.append(ref)
        elif unit not in units:
            units.append(unit)
    return AccusedUnits(tuple(units), tuple(unresolved))


def _by_name(directory: Directory, name: str) -> Unit | None:
    for unit in directory.units:
        if unit.name == name:
            return unit
    mentions = [m for m in find_mentions(directory, name, "address") if len(m.regions) == 1]
    if not mentions:
        return None
    region = max((m.regions[0] for m in mentions), key=lambda r: r.rank)
    rest = name
    for m in mentions:
        rest = rest.replace(m.words, "", 1)
    kind = _kind(rest)
    if kind is None:
        return None
    if kind == GOVERNMENT:
        kind = _GOVERNMENT_BY_LEVEL.get(region.level, GOVERNMENT)
    return directory.nearest_unit_of_kind(region.code, kind)


def _kind(words: str) -> str | None:
    best: tuple[int, str] | None = None
    for kind, aliases in KIND_WORDS.items():
        for alias in aliases:
            if alias in words and (best is None or len(alias) > best[0]):
                best = (len(alias), kind)
    return best[1] if best else None
