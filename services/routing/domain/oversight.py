"""Who may move a case to another unit (reassignment, 改派): acting rights, not reading rights.

Reading a case is P3 scope, the same in every service (``shared/scope``). Moving a case is more: only a
petition bureau or a government may do it, for a case held by, or received by, a unit of its region or
below (the units it oversees). Roles are checked by the service; this module answers the territorial
question.
"""

from __future__ import annotations

from collections.abc import Iterable

from services.routing.domain.directory import GOVERNMENT, PETITION_BUREAU, Directory

#: unit kinds that oversee the units of their region and below
OVERSEEING_KINDS = frozenset({PETITION_BUREAU, GOVERNMENT})


def oversees(directory: Directory, unit_id: str, others: Iterable[str | None]) -> bool:
    """Whether ``unit_id`` is a petition bureau or government whose region contains one of ``others``."""
    unit = directory.unit(unit_id)
    if unit is None or unit.kind not in OVERSEEING_KINDS:
        return False
    for other_id in others:
        other = directory.unit(other_id) if other_id else None
        if other is not None and directory.contains(unit.region, other.region):
            return True
    return False
