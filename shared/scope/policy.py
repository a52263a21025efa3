"""P3: a unit sees the cases it received, handles or supervises — its own and its subordinate
regions' — and nothing else. P2/R5: an accusation and its petitioner are never visible to the accused
unit, and otherwise only to the unit that received it and the discipline unit handling it.

The rules, per principal (``Principal.unit`` is ``<region code>:<kind>``):

- ``admin`` and ``auditor`` see every case (operators and the people who audit the readers).
- Everyone sees the cases their unit **received** or **handles** (was routed, forwarded or assigned to).
- **Territorial** units — petition bureaus, governments, township governments, village committees
  (属地管理) — also see the cases *placed* in their region's subtree, or received by a unit in it
  (a township handler sees what happened in the township; a county bureau its whole county).
- ``supervisor``, ``leader`` and ``analyst`` see their unit's region subtree, whatever the unit kind.
- A county **department** (natural resources, education, ...) sees only what it received or handles:
  "its region" is the county, and a department does not supervise the county.
- **Accusations** (category ``discipline``, R5) are visible only through received/handles, never
  through region — and never to an accused unit, whatever its role.
- A unit **named as accused** in any petition does not see that petition (R6 takes it away from them;
  P2 keeps the petitioner's identity from them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from shared.scope.regions import kind_of_unit, region_of_unit, subtree_prefix

ALL_CASES_ROLES = frozenset({"admin", "auditor"})
REGION_ROLES = frozenset({"supervisor", "leader", "analyst"})
TERRITORIAL_KINDS = frozenset({"petition_bureau", "government", "township_government", "village_committee"})


@dataclass(frozen=True)
class Viewer:
    """What a principal's scope is, independent of any case."""

    unit: str
    all_cases: bool
    region_prefix: str | None  # None: no region-wide view

    @classmethod
    def of(cls, roles: Iterable[str], unit: str) -> Viewer:
        roles = frozenset(roles)
        if roles & ALL_CASES_ROLES:
            return cls(unit, True, None)
        if roles & REGION_ROLES or kind_of_unit(unit) in TERRITORIAL_KINDS:
            return cls(unit, False, subtree_prefix(region_of_unit(unit)))
        return cls(unit, False, None)


@dataclass(frozen=True)
class CaseFacts:
    """What the scope decision needs to know about one case."""

    received_by: str
    handling_units: frozenset[str]
    place_region: str | None
    accused_units: frozenset[str]
    #: R5; the read model also sets it while it cannot tell yet (see :mod:`shared.scope.projection`)
    accusation: bool


def can_see(viewer: Viewer, case: CaseFacts) -> bool:
    if viewer.all_cases:
        return True
    if viewer.unit in case.accused_units:
        return False
    if viewer.unit == case.received_by or viewer.unit in case.handling_units:
        return True
    prefix = viewer.region_prefix
    if case.accusation or prefix is None:
        return False
    placed_here = case.place_region is not None and case.place_region.startswith(prefix)
    return placed_here or region_of_unit(case.received_by).startswith(prefix)
