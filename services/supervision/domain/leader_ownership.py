"""S5 Leader ownership (领导包案): which cases a named leader must own.

A leader owns leader-instructed cases, collective petitions lodged at county level or above, a
petitioner's third repeat, and backlog cases (overdue 30+ days).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from services.supervision.domain.actions import AssignLeaderOwner, LeaderOwnershipReason
from services.supervision.domain.clocks import ClockState, view
from services.supervision.domain.policies import DEFAULT_THRESHOLDS, SupervisionThresholds

#: R10 ranks: lower is higher up
LEVEL_RANK = {"national": 0, "province": 1, "city": 2, "county": 3, "township": 4, "village": 5}


@dataclass(frozen=True)
class CaseFacts:
    """What S5 needs to know about a case besides its clocks."""

    case_id: str
    leader_instructed: bool = False
    """Marked as instructed by a leader (领导批示)."""
    collective: bool = False
    """R11: five or more people."""
    lodged_level: str | None = None
    """Level of the unit where the petition was lodged: national, province, city, county, township, village."""
    repeat_number: int = 0
    """R12: how many times this petitioner has repeated the matter (0 for a first petition)."""
    leader_owner: str | None = None
    """The leader who already owns the case, if any."""


def lodged_at_county_or_above(level: str | None) -> bool:
    if level is None:
        return False
    try:
        return LEVEL_RANK[level] <= LEVEL_RANK["county"]
    except KeyError:
        raise ValueError(f"unknown level {level!r} (expected one of {', '.join(LEVEL_RANK)})") from None


def is_backlog(clocks: Iterable[ClockState], case_id: str, now: datetime, overdue_days: int) -> bool:
    """S5/I8: the case has an open supervised clock overdue by ``overdue_days`` or more."""
    return any(
        c.case_id == case_id
        and c.supervised
        and (v := view(c, now)).state == "overdue"
        and v.days_overdue >= overdue_days
        for c in clocks
    )


def leader_ownership_reasons(
    facts: CaseFacts,
    clocks: Iterable[ClockState],
    now: datetime,
    thresholds: SupervisionThresholds = DEFAULT_THRESHOLDS,
) -> tuple[LeaderOwnershipReason, ...]:
    """Every S5 trigger that holds for the case at ``now``, in the order DOMAIN.md lists them."""
    reasons: list[LeaderOwnershipReason] = []
    if facts.leader_instructed:
        reasons.append("leader_instructed")
    if facts.collective and lodged_at_county_or_above(facts.lodged_level):
        reasons.append("collective_at_county_or_above")
    if facts.repeat_number >= thresholds.leader_repeat_count:
        reasons.append("third_repeat")
    if is_backlog(clocks, facts.case_id, now, thresholds.backlog_overdue_days):
        reasons.append("backlog")
    return tuple(reasons)


def leader_ownership_due(
    facts: CaseFacts,
    clocks: Iterable[ClockState],
    now: datetime,
    *,
    taken: Collection[str] = (),
    thresholds: SupervisionThresholds = DEFAULT_THRESHOLDS,
) -> AssignLeaderOwner | None:
    """The S5 action for a case, unless it already has a leader owner or the action was taken."""
    if facts.leader_owner is not None:
        return None
    reasons = leader_ownership_reasons(facts, clocks, now, thresholds)
    if not reasons:
        return None
    action = AssignLeaderOwner(facts.case_id, reasons)
    return None if action.key in taken else action
