"""Commands a clock accepts. Each carries the instant it happened at; nothing reads the system clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from services.supervision.domain.policies import ClockPolicy


@dataclass(frozen=True)
class StartClock:
    """Start a clock of ``policy`` at ``started_at`` (the business time of the starting event, D8)."""

    clock_id: str
    case_id: str
    policy: ClockPolicy
    started_at: datetime
    unit_id: str | None = None
    last_day: date | None = None
    """A last day set by the starting event (D7); only when the policy has ``due_override``."""
    regarding: str | None = None
    """For a supervision notice (S3): the clock it is about."""


@dataclass(frozen=True)
class PauseClock:
    """S7: a hearing starts; the clock stops counting."""

    clock_id: str
    at: datetime
    reason: str = ""


@dataclass(frozen=True)
class ResumeClock:
    """S7: the hearing ends; the clock counts again and its deadline moves by the pause."""

    clock_id: str
    at: datetime


@dataclass(frozen=True)
class ExtendClock:
    """D3: extend by ``days``, approved by ``approved_by`` at ``approved_at``, for ``reason``."""

    clock_id: str
    days: int
    approved_at: datetime
    approved_by: str
    reason: str


@dataclass(frozen=True)
class StopClock:
    """The obligation was fulfilled at ``at`` by the event ``by``."""

    clock_id: str
    at: datetime
    by: str


@dataclass(frozen=True)
class CancelClock:
    clock_id: str
    at: datetime
    reason: str


@dataclass(frozen=True)
class RecalculateDeadline:
    """Work the deadline out again with the current calendar (after a year's schedule was loaded)."""

    clock_id: str
    at: datetime


ClockCommand = (
    StartClock | PauseClock | ResumeClock | ExtendClock | StopClock | CancelClock | RecalculateDeadline
)
