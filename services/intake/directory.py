"""The parts of the directory intake needs: units (to check ``received_by`` and know its level) and the
categories (the Open311 service list). Read once per app from ``settings.directory_dir``.

Routing owns the full directory model; services do not import each other, so intake reads the same two
YAML files itself and keeps only what it uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

JURISDICTION_FILE = "jurisdiction.yaml"
CATEGORIES_FILE = "categories.yaml"


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str
    parent: str | None = None


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    region: str
    kind: str
    level: str | None


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    channel: str
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Directory:
    regions: Mapping[str, Region] = field(default_factory=dict)
    units: Mapping[str, Unit] = field(default_factory=dict)
    categories: tuple[Category, ...] = ()

    @classmethod
    def load(cls, directory_dir: Path) -> Directory:
        jurisdiction = _read(directory_dir / JURISDICTION_FILE)
        regions = {
            str(r["code"]): Region(str(r["code"]), str(r["name"]), str(r["level"]), _opt(r.get("parent")))
            for r in jurisdiction.get("regions") or []
        }
        units: dict[str, Unit] = {}
        for u in jurisdiction.get("units") or []:
            region = str(u["region"])
            units[str(u["id"])] = Unit(
                id=str(u["id"]),
                name=str(u["name"]),
                region=region,
                kind=str(u["kind"]),
                level=regions[region].level if region in regions else None,
            )
        path = directory_dir / CATEGORIES_FILE
        categories = tuple(
            Category(
                code=str(c["code"]),
                name=str(c["name"]),
                channel=str(c.get("channel") or "administrative"),
                examples=tuple(str(e) for e in c.get("examples") or ()),
            )
            for c in (_read(path).get("categories") or [] if path.exists() else [])
        )
        return cls(regions=regions, units=units, categories=categories)

    def unit_level(self, unit_id: str) -> str | None:
        unit = self.units.get(unit_id)
        return unit.level if unit else None

    def unit_name(self, unit_id: str | None) -> str | None:
        if unit_id is None:
            return None
        unit = self.units.get(unit_id)
        return unit.name if unit else None

    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)


def _read(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: expected a mapping at the top")
    return data


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)
