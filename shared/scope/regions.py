"""Region codes (统计用区划代码) and their tree, read from the code itself.

A code names its level by its shape: ``000000`` the nation, ``xx0000`` a province, ``xxxx00`` a city,
other 6-digit codes a county, 9 digits a township, 12 digits a village. Everything below a region
starts with its *prefix*, so "in my region" is a prefix test — no directory needed.
"""

from __future__ import annotations


def level_of(code: str) -> str:
    if len(code) == 12:
        return "village"
    if len(code) == 9:
        return "township"
    if code == "000000":
        return "national"
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def subtree_prefix(code: str) -> str:
    """Every region below ``code`` (and itself) starts with this."""
    level = level_of(code)
    return {"national": "", "province": code[:2], "city": code[:4]}.get(level, code)


def in_subtree(code: str | None, ancestor: str) -> bool:
    return code is not None and code.startswith(subtree_prefix(ancestor))


def region_of_unit(unit_id: str) -> str:
    """Unit ids are ``<region code>:<kind>``."""
    return unit_id.split(":", 1)[0]


def kind_of_unit(unit_id: str) -> str:
    return unit_id.split(":", 1)[1] if ":" in unit_id else ""
