"""P3 for routing: which unit may see or act on a case.

A unit sees the cases it received, holds or held (its own), and a petition bureau or a government also
those of every unit in its region and below (the cases it supervises). Roles are checked by the service;
this module only answers the territorial question.
"""

from __future__ import annotations

from collections.abc import Iterable

from services.routing.domain.directory import GOVERNMENT, PETITION_BUREAU, Directory

#: unit kinds that supervise the units of their region and below
SUPERVISING_KINDS = frozenset({PETITION_BUREAU, GOVERNMENT})


def supervises(directory: Directory, unit_id: str, others: Iterable[str | None]) -> bool:
    """Whether ``unit_id`` is a petition bureau or government whose region contains one of ``others``."""
    unit = directory.unit(unit_id)
    if unit is None or unit.kind not in SUPERVISING_KINDS:
        return False
    for other_id in others:
        other = directory.unit(other_id) if other_id else None
        if other is not None and directory.contains(unit.region, other.region):
            return True
    return False


def may_see(directory: Directory, unit_id: str, involved: Iterable[str | None]) -> bool:
    """A unit sees a case it is involved in (received, holds, held, decided) or supervises."""
    units = [u for u in involved if u]
    return unit_id in units or supervises(directory, unit_id, units)
