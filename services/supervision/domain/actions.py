"""Supervision actions (DOMAIN.md §5) that the rules in ``escalation.py`` and ``leader_ownership.py``
ask the service to carry out.

Every action has a ``key``: the service records the keys of the actions it has carried out and
passes them back, so an action is never returned twice (the rules are idempotent).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

UrgingReason = Literal["due_soon", "overdue"]
EscalationReason = Literal["overdue", "notice_unanswered"]
LeaderOwnershipReason = Literal[
    "leader_instructed", "collective_at_county_or_above", "third_repeat", "backlog"
]


@dataclass(frozen=True)
class ClockRef:
    """The clock an action is about, as it stood when the action was decided."""

    case_id: str
    clock_id: str
    kind: str
    rule: str
    """The clock's own rule (D2, D3, ...)."""
    unit_id: str | None
    """The responsible unit."""
    due_at: datetime
    last_day: date
    days_overdue: int


@dataclass(frozen=True)
class ClockAction:
    clock: ClockRef

    @property
    def case_id(self) -> str:
        return self.clock.case_id

    @property
    def clock_id(self) -> str:
        return self.clock.clock_id


@dataclass(frozen=True)
class MarkDueSoon(ClockAction):
    """S1: the clock is due within the due-soon window (3 days by default)."""

    rule = "S1"

    @property
    def key(self) -> str:
        return f"S1:due_soon:{self.clock_id}@{self.clock.last_day.isoformat()}"


@dataclass(frozen=True)
class MarkOverdue(ClockAction):
    """S1: the clock's deadline has passed without the obligation being met."""

    rule = "S1"

    @property
    def key(self) -> str:
        return f"S1:overdue:{self.clock_id}@{self.clock.last_day.isoformat()}"


@dataclass(frozen=True)
class Urge(ClockAction):
    """S2: an automatic reminder (催办) to the responsible unit, once when due soon and once when overdue."""

    reason: UrgingReason = "due_soon"
    rule = "S2"

    @property
    def key(self) -> str:
        return f"S2:{self.reason}:{self.clock_id}@{self.clock.last_day.isoformat()}"


@dataclass(frozen=True)
class IssueSupervisionNotice(ClockAction):
    """S3: an automatic supervision notice (督办) to the unit, to be answered within ``answer_within_days``.

    The service records it as ``supervision.notice_issued``, which starts a ``supervision_notice``
    clock with ``regarding`` = this clock.
    """

    answer_within_days: int = 10
    rule = "S3"

    @property
    def key(self) -> str:
        return f"S3:{self.clock_id}"


@dataclass(frozen=True)
class Escalate(ClockAction):
    """S4: the matter goes to the petition bureau one level above the responsible unit.

    ``regarding_clock_id`` is the obligation that is late (for an unanswered notice, the clock the
    notice was about, when known); one escalation per obligation.
    """

    reason: EscalationReason = "overdue"
    regarding_clock_id: str = ""
    rule = "S4"

    @property
    def key(self) -> str:
        return f"S4:{self.regarding_clock_id or self.clock.clock_id}"


@dataclass(frozen=True)
class AssignLeaderOwner:
    """S5: a named leader must take ownership of the case (领导包案)."""

    case_id: str
    reasons: tuple[LeaderOwnershipReason, ...]
    rule = "S5"

    @property
    def key(self) -> str:
        return f"S5:{self.case_id}"


SupervisionAction = MarkDueSoon | MarkOverdue | Urge | IssueSupervisionNotice | Escalate | AssignLeaderOwner
