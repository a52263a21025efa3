"""Events recorded by a clock (D1–D7, R13, S3, S7). One stream per clock, keyed by ``clock_id``.

Payloads are frozen dataclasses; instants are aware datetimes, ``due_at`` is the instant the
period ends (24:00 Asia/Shanghai of ``last_day``) *before* any pause is added (see
:func:`services.supervision.domain.clocks.view` for the effective deadline).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

Outcome = Literal["met", "met_late"]


@dataclass(frozen=True)
class ClockStarted:
    """A clock starts: its policy's rule, length and options are copied so the stream stands alone."""

    clock_id: str
    case_id: str
    kind: str
    rule: str
    started_at: datetime
    due_at: datetime
    last_day: date
    length: int
    unit: str
    unit_id: str | None = None
    supervised: bool = True
    pausable: bool = False
    extension_max_count: int = 0
    extension_max_days: int = 0
    extension_before_due: bool = True
    override_last_day: date | None = None
    """The last day set by the starting event (D7), when the policy allows it."""
    regarding: str | None = None
    """For a supervision notice (S3): the clock it is about."""
    unknown_calendar_years: tuple[int, ...] = ()
    """Years counted as Monday–Friday because their holiday schedule was not loaded."""


@dataclass(frozen=True)
class ClockPaused:
    """The clock stops counting (S7: a hearing pauses review and re-review)."""

    clock_id: str
    case_id: str
    paused_at: datetime
    reason: str = ""


@dataclass(frozen=True)
class ClockResumed:
    clock_id: str
    case_id: str
    resumed_at: datetime
    paused_ms: int
    """Length of the pause that ends here, in milliseconds."""


@dataclass(frozen=True)
class ClockExtended:
    """An approved extension (D3: once, at most 30 days, approved by the unit's head before the deadline)."""

    clock_id: str
    case_id: str
    days: int
    approved_at: datetime
    approved_by: str
    reason: str
    due_at: datetime
    last_day: date
    unknown_calendar_years: tuple[int, ...] = ()


@dataclass(frozen=True)
class ClockDeadlineRecalculated:
    """The deadline moved because the calendar changed (a year's schedule was loaded)."""

    clock_id: str
    case_id: str
    recalculated_at: datetime
    due_at: datetime
    last_day: date
    previous_due_at: datetime
    unknown_calendar_years: tuple[int, ...] = ()


@dataclass(frozen=True)
class ClockStopped:
    """The obligation was fulfilled: ``met`` on or before the deadline, ``met_late`` after it."""

    clock_id: str
    case_id: str
    stopped_at: datetime
    outcome: Outcome
    stopped_by: str
    """The event that met it, e.g. ``supervision.case_accepted``."""
    paused_ms: int = 0
    """Length of a pause still open when the clock stopped, in milliseconds."""


@dataclass(frozen=True)
class ClockCancelled:
    """The clock ends without an outcome (case merged, withdrawn, returned, ...)."""

    clock_id: str
    case_id: str
    cancelled_at: datetime
    reason: str


ClockEvent = (
    ClockStarted
    | ClockPaused
    | ClockResumed
    | ClockExtended
    | ClockDeadlineRecalculated
    | ClockStopped
    | ClockCancelled
)
