"""The directory: regions, units (jurisdiction.yaml) and categories (categories.yaml) as frozen objects.

Loading validates everything and names the file and line of each problem. :func:`export_jurisdiction`
and :func:`export_categories` write the same YAML shape back, and :attr:`Directory.version` is a hash of
that canonical export, so every routing decision can record which directory it was made with.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from pathlib import Path

import yaml

from services.routing.domain.errors import DirectoryFileError
from services.routing.domain.yaml_lines import YamlDocument, read_yaml

SCHEMA_VERSION = 1


class Level(StrEnum):
    """Administrative levels, from the top. ``rank`` is the R10 rank: national 0 … village 5."""

    NATIONAL = "national"
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"

    @property
    def rank(self) -> int:
        return list(Level).index(self)

    @property
    def label(self) -> str:
        """The level's name as a clerk says it (县级, 乡镇级)."""
        return _LEVEL_LABELS[self]


_LEVEL_LABELS = {
    Level.NATIONAL: "国家级",
    Level.PROVINCE: "省级",
    Level.CITY: "市级",
    Level.COUNTY: "县级",
    Level.TOWNSHIP: "乡镇级",
    Level.VILLAGE: "村级",
}


class Channel(StrEnum):
    """How a category of matter is handled (categories.yaml ``channel``)."""

    ADMINISTRATIVE = "administrative"
    DIVERTED = "diverted"
    DISCIPLINE = "discipline"
    SUGGESTION = "suggestion"


#: unit kinds with a fixed meaning for the rules (R4, R5, R7, R9, R11)
PETITION_BUREAU = "petition_bureau"
POLITICAL_LEGAL = "political_legal"
DISCIPLINE = "discipline"
GOVERNMENT = "government"
TOWNSHIP_GOVERNMENT = "township_government"
VILLAGE_COMMITTEE = "village_committee"


@dataclass(frozen=True)
class Region:
    """A node of the territorial tree (属地管理)."""

    code: str
    name: str
    level: Level
    parent: str | None = None
    line: int = field(default=0, compare=False)

    @property
    def rank(self) -> int:
        return self.level.rank


@dataclass(frozen=True)
class Unit:
    """An organisation that receives, handles or supervises petitions; id = ``<region code>:<kind>``."""

    id: str
    name: str
    region: str
    kind: str
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Category:
    """A category of matter and who is competent for it (谁主管、谁负责)."""

    code: str
    name: str
    competent_kind: str
    lowest_level: Level
    channel: Channel
    examples: tuple[str, ...] = ()
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Directory:
    """Regions, units and categories, with the lookups the routing rules need.

    Build it with :func:`parse_directory` or :func:`load_directory`, which validate the data.
    """

    regions: tuple[Region, ...]
    units: tuple[Unit, ...]
    categories: tuple[Category, ...]
    jurisdiction_schema: int = SCHEMA_VERSION
    categories_schema: int = SCHEMA_VERSION

    # -- indexes ------------------------------------------------------------------------------------

    @cached_property
    def _regions(self) -> Mapping[str, Region]:
        return {r.code: r for r in self.regions}

    @cached_property
    def _units(self) -> Mapping[str, Unit]:
        return {u.id: u for u in self.units}

    @cached_property
    def _categories(self) -> Mapping[str, Category]:
        return {c.code: c for c in self.categories}

    @cached_property
    def _children(self) -> Mapping[str, tuple[Region, ...]]:
        children: dict[str, list[Region]] = {}
        for r in self.regions:
            if r.parent is not None:
                children.setdefault(r.parent, []).append(r)
        return {k: tuple(v) for k, v in children.items()}

    @cached_property
    def version(self) -> str:
        """Content hash of the canonical export: changes whenever any region, unit or category does."""
        text = export_jurisdiction(self) + "\n---\n" + export_categories(self)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]

    @cached_property
    def kinds(self) -> frozenset[str]:
        """Every unit kind present in the directory."""
        return frozenset(u.kind for u in self.units)

    # -- regions ------------------------------------------------------------------------------------

    def region(self, code: str) -> Region | None:
        return self._regions.get(code)

    def children(self, code: str) -> tuple[Region, ...]:
        return self._children.get(code, ())

    def ancestors(self, code: str, *, include_self: bool = False) -> tuple[Region, ...]:
        """The regions above ``code``, nearest first (``code`` itself first when ``include_self``)."""
        chain: list[Region] = []
        region = self._regions.get(code)
        if region is not None and include_self:
            chain.append(region)
        while region is not None and region.parent is not None:
            region = self._regions.get(region.parent)
            if region is not None:
                chain.append(region)
        return tuple(chain)

    def contains(self, outer: str, inner: str) -> bool:
        """True when region ``inner`` is ``outer`` or lies inside it."""
        return any(r.code == outer for r in self.ancestors(inner, include_self=True))

    def ancestor_at(self, code: str, level: Level) -> Region | None:
        """The region at ``level`` that contains ``code`` (``code`` itself if it is at that level)."""
        for r in self.ancestors(code, include_self=True):
            if r.level == level:
                return r
        return None

    def city_of(self, code: str) -> Region | None:
        return self.ancestor_at(code, Level.CITY)

    def county_of(self, code: str) -> Region | None:
        return self.ancestor_at(code, Level.COUNTY)

    def township_of(self, code: str) -> Region | None:
        return self.ancestor_at(code, Level.TOWNSHIP)

    def full_name(self, code: str) -> str:
        """Region name with its county and township, e.g. ``寒亭区固堤街道固堤村`` (no province or city)."""
        chain = [r for r in reversed(self.ancestors(code, include_self=True)) if r.rank >= Level.COUNTY.rank]
        if not chain:
            region = self._regions.get(code)
            return region.name if region else code
        return "".join(r.name for r in chain)

    @cached_property
    def names(self) -> Mapping[str, tuple[Region, ...]]:
        """Every name a region below the national level goes by → the regions it may mean.

        Full names (寒亭区, 高里街道, 王家庄村) and short forms without the level's suffix (寒亭, 高里,
        王家庄; a village's short form needs three characters, so that 河滩 or 北门 in running text are
        not taken for places). A full name always beats another region's short form. When every region
        a short form may mean lies inside one of them (寒亭 → 寒亭区 or its 寒亭街道), it means that one.
        """
        full: dict[str, list[Region]] = {}
        short: dict[str, list[Region]] = {}
        for r in self.regions:
            if r.level == Level.NATIONAL:
                continue
            full.setdefault(r.name, []).append(r)
            alias = short_name(r)
            if alias is not None:
                short.setdefault(alias, []).append(r)
        index: dict[str, tuple[Region, ...]] = {name: tuple(rs) for name, rs in full.items()}
        for alias, rs in short.items():
            if alias in index:
                continue
            outer = [r for r in rs if all(self.contains(r.code, other.code) for other in rs)]
            index[alias] = (outer[0],) if outer else tuple(rs)
        return index

    @cached_property
    def names_by_first_character(self) -> Mapping[str, tuple[str, ...]]:
        """The keys of :attr:`names` by their first character, longest first (for scanning text)."""
        by_first: dict[str, list[str]] = {}
        for name in sorted(self.names, key=len, reverse=True):
            by_first.setdefault(name[0], []).append(name)
        return {k: tuple(v) for k, v in by_first.items()}

    # -- units --------------------------------------------------------------------------------------

    def unit(self, unit_id: str) -> Unit | None:
        return self._units.get(unit_id)

    def unit_of_kind(self, region_code: str, kind: str) -> Unit | None:
        """The unit of ``kind`` sitting in region ``region_code`` (exactly there, not above)."""
        return self._units.get(f"{region_code}:{kind}")

    def units_in(self, region_code: str) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if u.region == region_code)

    def unit_region(self, unit: Unit) -> Region:
        region = self._regions.get(unit.region)
        if region is None:  # excluded by validation
            raise KeyError(unit.region)
        return region

    def unit_rank(self, unit: Unit) -> int:
        """R10 rank of a unit: the rank of the level of its region."""
        return self.unit_region(unit).rank

    def nearest_unit_of_kind(self, region_code: str, kind: str) -> Unit | None:
        """The unit of ``kind`` in ``region_code`` or, failing that, in the nearest region above it."""
        for r in self.ancestors(region_code, include_self=True):
            unit = self.unit_of_kind(r.code, kind)
            if unit is not None:
                return unit
        return None

    def petition_bureau_for(self, region_code: str) -> Unit | None:
        """The petition bureau of this level, or of the nearest level above that has one (a township's
        or village's petitions go to the county bureau)."""
        return self.nearest_unit_of_kind(region_code, PETITION_BUREAU)

    # -- categories ---------------------------------------------------------------------------------

    def category(self, code: str) -> Category | None:
        return self._categories.get(code)


_SUFFIXES: Mapping[Level, tuple[str, ...]] = {
    Level.PROVINCE: ("自治区", "省", "市"),
    Level.CITY: ("自治州", "地区", "市", "盟"),
    Level.COUNTY: ("自治县", "区", "县", "市", "旗"),
    Level.TOWNSHIP: ("街道", "民族乡", "镇", "乡"),
    Level.VILLAGE: ("社区", "村"),
}
_SHORTEST = {Level.VILLAGE: 3}


def short_name(region: Region) -> str | None:
    """The region's name without its level's suffix (寒亭区 → 寒亭), or None when too short to be safe."""
    for suffix in _SUFFIXES.get(region.level, ()):
        if region.name.endswith(suffix):
            alias = region.name[: -len(suffix)]
            return alias if len(alias) >= _SHORTEST.get(region.level, 2) else None
    return None


# ---------------------------------------------------------------------------------------------------
# loading and validation
# ---------------------------------------------------------------------------------------------------

_REGION_KEYS = {"code", "name", "level", "parent"}
_UNIT_KEYS = {"id", "name", "region", "kind"}
_CATEGORY_KEYS = {"code", "name", "competent_kind", "lowest_level", "channel", "examples"}
_KIND_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def load_directory(jurisdiction_path: Path, categories_path: Path) -> Directory:
    """Read and validate the two directory files. Raises :class:`DirectoryFileError`."""
    return parse_directory(
        jurisdiction_path.read_text(encoding="utf-8"),
        categories_path.read_text(encoding="utf-8"),
        jurisdiction_source=jurisdiction_path.name,
        categories_source=categories_path.name,
    )


def parse_directory(
    jurisdiction_text: str,
    categories_text: str,
    *,
    jurisdiction_source: str = "jurisdiction.yaml",
    categories_source: str = "categories.yaml",
) -> Directory:
    """Validate the YAML text of both files; every problem found is reported with its file and line."""
    problems: list[str] = []
    regions: list[Region] = []
    units: list[Unit] = []
    categories: list[Category] = []
    j_schema = c_schema = SCHEMA_VERSION

    j_doc = read_yaml(jurisdiction_text, jurisdiction_source)
    if isinstance(j_doc, str):
        problems.append(j_doc)
    else:
        j_schema = _schema(j_doc, problems)
        regions = _parse_regions(j_doc, problems)
        units = _parse_units(j_doc, regions, problems)

    c_doc = read_yaml(categories_text, categories_source)
    if isinstance(c_doc, str):
        problems.append(c_doc)
    else:
        c_schema = _schema(c_doc, problems)
        kinds = {u.kind for u in units}
        categories = _parse_categories(
            c_doc, kinds, check_kinds=not isinstance(j_doc, str), problems=problems
        )

    if problems:
        raise DirectoryFileError(problems)
    return Directory(tuple(regions), tuple(units), tuple(categories), j_schema, c_schema)


def _schema(doc: YamlDocument, problems: list[str]) -> int:
    if not isinstance(doc.data, dict):
        problems.append(f"{doc.where(1)}: expected a mapping at the top of the file")
        return SCHEMA_VERSION
    version = doc.data.get("version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        problems.append(f"{doc.where(doc.line('version'))}: unsupported version {version!r} (expected 1)")
    return SCHEMA_VERSION


def _items(doc: YamlDocument, key: str, problems: list[str]) -> Iterator[tuple[int, dict[str, object]]]:
    data = doc.data if isinstance(doc.data, dict) else {}
    items = data.get(key)
    if items is None:
        problems.append(f"{doc.where(doc.line(key))}: missing list {key!r}")
        return
    if not isinstance(items, list):
        problems.append(f"{doc.where(doc.line(key))}: {key!r} must be a list")
        return
    for line, item in zip(doc.item_lines(key), items, strict=True):
        if not isinstance(item, dict):
            problems.append(f"{doc.where(line)}: each entry of {key!r} must be a mapping")
            continue
        yield line, item


def _text(
    doc: YamlDocument,
    line: int,
    item: dict[str, object],
    key: str,
    problems: list[str],
    *,
    required: bool = True,
) -> str | None:
    value = item.get(key)
    if value is None:
        if required:
            problems.append(f"{doc.where(line)}: missing {key!r}")
        return None
    if not isinstance(value, str) or not value.strip():
        hint = " (quote codes so that leading zeros are kept)" if isinstance(value, int) else ""
        problems.append(f"{doc.where(line)}: {key!r} must be a non-empty string, got {value!r}{hint}")
        return None
    return value.strip()


def _unknown_keys(
    doc: YamlDocument, line: int, item: dict[str, object], allowed: set[str], problems: list[str]
) -> None:
    extra = sorted(str(k) for k in item if k not in allowed)
    if extra:
        problems.append(f"{doc.where(line)}: unknown field(s) {', '.join(extra)}")


def _level(doc: YamlDocument, line: int, value: str | None, problems: list[str]) -> Level | None:
    if value is None:
        return None
    try:
        return Level(value)
    except ValueError:
        allowed = ", ".join(level.value for level in Level)
        problems.append(f"{doc.where(line)}: unknown level {value!r} (one of {allowed})")
        return None


def _parse_regions(doc: YamlDocument, problems: list[str]) -> list[Region]:
    regions: list[Region] = []
    seen: dict[str, int] = {}
    for line, item in _items(doc, "regions", problems):
        _unknown_keys(doc, line, item, _REGION_KEYS, problems)
        code = _text(doc, line, item, "code", problems)
        name = _text(doc, line, item, "name", problems)
        level = _level(doc, line, _text(doc, line, item, "level", problems), problems)
        parent = _text(doc, line, item, "parent", problems, required=False)
        if code is None or name is None or level is None:
            continue
        if code in seen:
            problems.append(f"{doc.where(line)}: duplicate region code {code!r} (first on line {seen[code]})")
            continue
        seen[code] = line
        regions.append(Region(code, name, level, parent, line))

    by_code = {r.code: r for r in regions}
    for r in regions:
        if r.parent is None:
            if r.level != Level.NATIONAL:
                problems.append(f"{doc.where(r.line)}: region {r.code!r} ({r.name}) has no parent")
            continue
        above = by_code.get(r.parent)
        if above is None:
            problems.append(
                f"{doc.where(r.line)}: unknown parent {r.parent!r} of region {r.code!r} ({r.name})"
            )
        elif above.rank >= r.rank:
            problems.append(
                f"{doc.where(r.line)}: region {r.code!r} ({r.name}, {r.level}) cannot lie inside "
                f"{above.code!r} ({above.name}, {above.level})"
            )
    return regions


def _parse_units(doc: YamlDocument, regions: list[Region], problems: list[str]) -> list[Unit]:
    codes = {r.code for r in regions}
    units: list[Unit] = []
    seen: dict[str, int] = {}
    for line, item in _items(doc, "units", problems):
        _unknown_keys(doc, line, item, _UNIT_KEYS, problems)
        unit_id = _text(doc, line, item, "id", problems)
        name = _text(doc, line, item, "name", problems)
        region = _text(doc, line, item, "region", problems)
        kind = _text(doc, line, item, "kind", problems)
        if unit_id is None or name is None or region is None or kind is None:
            continue
        if unit_id in seen:
            problems.append(
                f"{doc.where(line)}: duplicate unit id {unit_id!r} (first on line {seen[unit_id]})"
            )
            continue
        seen[unit_id] = line
        if region not in codes:
            problems.append(f"{doc.where(line)}: unit {unit_id!r} ({name}) is in unknown region {region!r}")
            continue
        if not _KIND_RE.match(kind):
            problems.append(f"{doc.where(line)}: unit kind {kind!r} must be lower_snake_case")
            continue
        if unit_id != f"{region}:{kind}":
            problems.append(f'{doc.where(line)}: unit id {unit_id!r} must be "{region}:{kind}" (region:kind)')
            continue
        units.append(Unit(unit_id, name, region, kind, line))
    return units


def _parse_categories(
    doc: YamlDocument, kinds: set[str], *, check_kinds: bool, problems: list[str]
) -> list[Category]:
    categories: list[Category] = []
    seen: dict[str, int] = {}
    for line, item in _items(doc, "categories", problems):
        _unknown_keys(doc, line, item, _CATEGORY_KEYS, problems)
        code = _text(doc, line, item, "code", problems)
        name = _text(doc, line, item, "name", problems)
        kind = _text(doc, line, item, "competent_kind", problems)
        level = _level(doc, line, _text(doc, line, item, "lowest_level", problems), problems)
        channel_text = _text(doc, line, item, "channel", problems)
        channel: Channel | None = None
        if channel_text is not None:
            try:
                channel = Channel(channel_text)
            except ValueError:
                allowed = ", ".join(c.value for c in Channel)
                problems.append(f"{doc.where(line)}: unknown channel {channel_text!r} (one of {allowed})")
        raw_examples = item.get("examples", [])
        examples: list[str] = []
        if not isinstance(raw_examples, list) or not all(isinstance(e, str) for e in raw_examples):
            problems.append(f"{doc.where(line)}: 'examples' must be a list of phrases")
        else:
            examples = [e.strip() for e in raw_examples if e.strip()]
        if code is None or name is None or kind is None or level is None or channel is None:
            continue
        if code in seen:
            problems.append(
                f"{doc.where(line)}: duplicate category code {code!r} (first on line {seen[code]})"
            )
            continue
        seen[code] = line
        if check_kinds and kind not in kinds:
            problems.append(
                f"{doc.where(line)}: category {code!r} has competent_kind {kind!r}, which no unit in the "
                "jurisdiction has"
            )
            continue
        categories.append(Category(code, name, kind, level, channel, tuple(examples), line))
    return categories


# ---------------------------------------------------------------------------------------------------
# export (the same YAML shape, canonical: the version hash is taken over it)
# ---------------------------------------------------------------------------------------------------

_PLAIN_RE = re.compile(r"^[\w\u3400-\u9fff（）·]+$")


def _scalar(value: str) -> str:
    """A YAML scalar: plain when it reads back as the same string, double-quoted otherwise."""
    if _PLAIN_RE.match(value) and not value.isdigit() and yaml.safe_load(value) == value:
        return value
    return json.dumps(value, ensure_ascii=False)


def export_jurisdiction(directory: Directory) -> str:
    """jurisdiction.yaml for this directory (comments are not kept)."""
    lines = [f"version: {directory.jurisdiction_schema}", "", "regions:"]
    for r in directory.regions:
        code = json.dumps(r.code)
        parent = f", parent: {json.dumps(r.parent)}" if r.parent is not None else ""
        lines.append(f"  - {{code: {code}, name: {_scalar(r.name)}, level: {r.level.value}{parent}}}")
    lines += ["", "units:"]
    for u in directory.units:
        lines.append(
            f"  - {{id: {json.dumps(u.id)}, name: {_scalar(u.name)}, region: {json.dumps(u.region)}, "
            f"kind: {_scalar(u.kind)}}}"
        )
    return "\n".join(lines) + "\n"


def export_categories(directory: Directory) -> str:
    """categories.yaml for this directory (comments are not kept)."""
    lines = [f"version: {directory.categories_schema}", "categories:"]
    for c in directory.categories:
        lines += [
            f"  - code: {_scalar(c.code)}",
            f"    name: {_scalar(c.name)}",
            f"    competent_kind: {_scalar(c.competent_kind)}",
            f"    lowest_level: {c.lowest_level.value}",
            f"    channel: {c.channel.value}",
            "    examples: [" + ", ".join(_scalar(e) for e in c.examples) + "]",
        ]
    return "\n".join(lines) + "\n"
