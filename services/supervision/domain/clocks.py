"""The clock aggregate: one statutory deadline of one case.

- :func:`evolve` folds events into a :class:`ClockState` (``None`` before the clock starts);
- :func:`decide` checks a command against the state and returns the events it causes, or raises
  :class:`DomainError`;
- :func:`view` says what a clock is at ``now``: ``running``, ``paused``, ``met``, ``overdue``,
  ``met_late`` or ``cancelled`` (DESIGN.md §6), with the effective deadline, paused time,
  due soon (S1) and days overdue.

An act before the deadline instant (24:00 of the last day) meets the clock; from that instant on
the clock is overdue. Paused time (S7 hearings) does not count: the effective deadline is the period's end plus the
total time paused, so a clock cannot fall overdue while paused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Literal

from services.supervision.domain.commands import (
    CancelClock,
    ClockCommand,
    ExtendClock,
    PauseClock,
    RecalculateDeadline,
    ResumeClock,
    StartClock,
    StopClock,
)
from services.supervision.domain.errors import DomainError
from services.supervision.domain.events import (
    ClockCancelled,
    ClockDeadlineRecalculated,
    ClockEvent,
    ClockExtended,
    ClockPaused,
    ClockResumed,
    ClockStarted,
    ClockStopped,
    Outcome,
)
from shared.calendar.periods import (
    Deadline,
    PeriodUnit,
    deadline_on,
    extend_period,
    local_date,
    period_end,
    require_aware,
)
from shared.calendar.statutory import CalendarWarning, StatutoryCalendar

Status = Literal["running", "paused", "stopped", "cancelled"]
ClockStateName = Literal["running", "paused", "met", "overdue", "met_late", "cancelled"]

_MS = timedelta(milliseconds=1)
_DAY = timedelta(days=1)
#: S1 default; escalation rules pass the configured value
DUE_SOON_DAYS = 3


def _ms(delta: timedelta) -> int:
    return max(0, delta // _MS)


@dataclass(frozen=True)
class ClockState:
    """Everything the rules need to know about a clock, folded from its events."""

    clock_id: str
    case_id: str
    kind: str
    rule: str
    unit_id: str | None
    started_at: datetime
    length: int
    unit: PeriodUnit
    due_at: datetime
    """End of the period with extensions, before pauses are added."""
    last_day: date
    supervised: bool
    pausable: bool
    extension_max_count: int
    extension_max_days: int
    extension_before_due: bool
    override_last_day: date | None
    regarding: str | None
    unknown_calendar_years: tuple[int, ...]
    status: Status = "running"
    extensions: tuple[int, ...] = ()
    """Days of each approved extension, in order."""
    paused_since: datetime | None = None
    closed_pauses_ms: int = 0
    """Total of the pauses that have ended, in milliseconds."""
    last_change_at: datetime | None = None
    stopped_at: datetime | None = None
    outcome: Outcome | None = None
    stopped_by: str | None = None
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None

    def paused_ms(self, now: datetime) -> int:
        """Total paused time in milliseconds, counting an open pause up to ``now``."""
        if self.paused_since is None:
            return self.closed_pauses_ms
        return self.closed_pauses_ms + _ms(now - self.paused_since)

    def effective_due_at(self, now: datetime) -> datetime:
        """The deadline moved by the time paused (up to ``now`` for an open pause)."""
        return self.due_at + self.paused_ms(now) * _MS

    @property
    def extended_days(self) -> int:
        return sum(self.extensions)

    @property
    def open(self) -> bool:
        return self.status in ("running", "paused")


# --- evolve ----------------------------------------------------------------------------------


def evolve(state: ClockState | None, event: ClockEvent) -> ClockState:
    """The state after ``event``. A stream that does not begin with ``ClockStarted`` is corrupt."""
    if isinstance(event, ClockStarted):
        if state is not None:
            raise ValueError(f"clock {event.clock_id} started twice")
        return ClockState(
            clock_id=event.clock_id,
            case_id=event.case_id,
            kind=event.kind,
            rule=event.rule,
            unit_id=event.unit_id,
            started_at=event.started_at,
            length=event.length,
            unit="working_days" if event.unit == "working_days" else "days",
            due_at=event.due_at,
            last_day=event.last_day,
            supervised=event.supervised,
            pausable=event.pausable,
            extension_max_count=event.extension_max_count,
            extension_max_days=event.extension_max_days,
            extension_before_due=event.extension_before_due,
            override_last_day=event.override_last_day,
            regarding=event.regarding,
            unknown_calendar_years=event.unknown_calendar_years,
            last_change_at=event.started_at,
        )
    if state is None:
        raise ValueError(f"clock {event.clock_id}: {type(event).__name__} before ClockStarted")
    if isinstance(event, ClockPaused):
        return replace(state, status="paused", paused_since=event.paused_at, last_change_at=event.paused_at)
    if isinstance(event, ClockResumed):
        return replace(
            state,
            status="running",
            paused_since=None,
            closed_pauses_ms=state.closed_pauses_ms + event.paused_ms,
            last_change_at=event.resumed_at,
        )
    if isinstance(event, ClockExtended):
        return replace(
            state,
            extensions=(*state.extensions, event.days),
            due_at=event.due_at,
            last_day=event.last_day,
            unknown_calendar_years=_merge_years(state.unknown_calendar_years, event.unknown_calendar_years),
        )
    if isinstance(event, ClockDeadlineRecalculated):
        return replace(
            state,
            due_at=event.due_at,
            last_day=event.last_day,
            unknown_calendar_years=event.unknown_calendar_years,
        )
    if isinstance(event, ClockStopped):
        return replace(
            state,
            status="stopped",
            paused_since=None,
            closed_pauses_ms=state.closed_pauses_ms + event.paused_ms,
            stopped_at=event.stopped_at,
            outcome=event.outcome,
            stopped_by=event.stopped_by,
            last_change_at=event.stopped_at,
        )
    if isinstance(event, ClockCancelled):
        return replace(
            state,
            status="cancelled",
            paused_since=None,
            closed_pauses_ms=state.paused_ms(event.cancelled_at),
            cancelled_at=event.cancelled_at,
            cancel_reason=event.reason,
            last_change_at=event.cancelled_at,
        )
    raise TypeError(f"not a clock event: {event!r}")


def fold(events: Iterable[ClockEvent]) -> ClockState | None:
    """The state of a clock from its whole stream (``None`` for an empty stream)."""
    state: ClockState | None = None
    for event in events:
        state = evolve(state, event)
    return state


def _merge_years(*groups: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(sorted({y for g in groups for y in g}))


def _years(warnings: tuple[CalendarWarning, ...]) -> tuple[int, ...]:
    return tuple(sorted({w.year for w in warnings}))


# --- decide ----------------------------------------------------------------------------------


def decide(command: ClockCommand, state: ClockState | None, calendar: StatutoryCalendar) -> list[ClockEvent]:
    """The events a command causes, or :class:`DomainError` when a rule refuses it.

    ``calendar`` is needed to work deadlines out (start, extension, recalculation).
    """
    if isinstance(command, StartClock):
        return _start(command, state, calendar)
    if state is None:
        raise DomainError("clock_not_started", f"clock {command.clock_id} has not started")
    if command.clock_id != state.clock_id:
        raise DomainError(
            "wrong_clock", f"command for clock {command.clock_id} sent to clock {state.clock_id}"
        )
    if isinstance(command, PauseClock):
        return _pause(command, state)
    if isinstance(command, ResumeClock):
        return _resume(command, state)
    if isinstance(command, ExtendClock):
        return _extend(command, state, calendar)
    if isinstance(command, StopClock):
        return _stop(command, state)
    if isinstance(command, CancelClock):
        return _cancel(command, state)
    if isinstance(command, RecalculateDeadline):
        return _recalculate(command, state, calendar)
    raise TypeError(f"not a clock command: {command!r}")


def _start(command: StartClock, state: ClockState | None, calendar: StatutoryCalendar) -> list[ClockEvent]:
    if state is not None:
        raise DomainError(
            "clock_already_started", f"clock {command.clock_id} started at {state.started_at.isoformat()}"
        )
    require_aware(command.started_at, "started_at")
    policy = command.policy
    if command.last_day is not None:
        if not policy.due_override:
            raise DomainError(
                "deadline_not_settable",
                f"the {policy.kind} clock ({policy.rule}) runs {policy.length} {policy.unit}; "
                "its last day cannot be set by hand",
            )
        try:
            deadline = deadline_on(command.started_at, command.last_day, calendar)
        except ValueError as exc:
            raise DomainError("invalid_deadline", str(exc)) from exc
    else:
        deadline = period_end(command.started_at, policy.length, policy.unit, calendar)
    return [
        ClockStarted(
            clock_id=command.clock_id,
            case_id=command.case_id,
            kind=policy.kind,
            rule=policy.rule,
            started_at=command.started_at,
            due_at=deadline.due_at,
            last_day=deadline.last_day,
            length=policy.length,
            unit=policy.unit,
            unit_id=command.unit_id,
            supervised=policy.supervised,
            pausable=policy.pausable,
            extension_max_count=policy.extension.max_count,
            extension_max_days=policy.extension.max_days,
            extension_before_due=policy.extension.before_due,
            override_last_day=command.last_day,
            regarding=command.regarding,
            unknown_calendar_years=_years(deadline.warnings),
        )
    ]


def _require_open(state: ClockState, action: str) -> None:
    if state.status == "stopped":
        raise DomainError("clock_closed", f"cannot {action} clock {state.clock_id}: it was {state.outcome}")
    if state.status == "cancelled":
        raise DomainError("clock_closed", f"cannot {action} clock {state.clock_id}: it was cancelled")


def _require_in_order(state: ClockState, at: datetime, what: str) -> None:
    require_aware(at, what)
    if state.last_change_at is not None and at < state.last_change_at:
        raise DomainError(
            "out_of_order",
            f"{what} {at.isoformat()} is before the clock's last change at {state.last_change_at.isoformat()}",
        )


def _pause(command: PauseClock, state: ClockState) -> list[ClockEvent]:
    _require_open(state, "pause")
    if not state.pausable:
        raise DomainError("not_pausable", f"the {state.kind} clock ({state.rule}) cannot be paused")
    if state.status == "paused":
        raise DomainError("already_paused", f"clock {state.clock_id} is paused since {state.paused_since}")
    _require_in_order(state, command.at, "pause time")
    return [ClockPaused(state.clock_id, state.case_id, command.at, command.reason)]


def _resume(command: ResumeClock, state: ClockState) -> list[ClockEvent]:
    _require_open(state, "resume")
    if state.status != "paused" or state.paused_since is None:
        raise DomainError("not_paused", f"clock {state.clock_id} is not paused")
    _require_in_order(state, command.at, "resume time")
    return [ClockResumed(state.clock_id, state.case_id, command.at, _ms(command.at - state.paused_since))]


def _extend(command: ExtendClock, state: ClockState, calendar: StatutoryCalendar) -> list[ClockEvent]:
    _require_open(state, "extend")
    require_aware(command.approved_at, "approved_at")
    if state.extension_max_count < 1:
        raise DomainError("not_extendable", f"the {state.kind} clock ({state.rule}) cannot be extended")
    if state.status != "running":
        raise DomainError("not_running", f"clock {state.clock_id} is paused; extend it while it runs")
    if len(state.extensions) >= state.extension_max_count:
        raise DomainError(
            "extension_used",
            f"the {state.kind} clock ({state.rule}) may be extended {state.extension_max_count} time(s); "
            f"already extended by {', '.join(str(d) for d in state.extensions)} days",
        )
    if isinstance(command.days, bool) or not isinstance(command.days, int) or command.days < 1:
        raise DomainError(
            "invalid_extension", f"an extension is a whole number of days ≥ 1, got {command.days!r}"
        )
    if command.days > state.extension_max_days:
        raise DomainError(
            "extension_too_long",
            f"the {state.kind} clock ({state.rule}) may be extended by at most {state.extension_max_days} days, "
            f"not {command.days}",
        )
    if command.approved_at < state.started_at:
        raise DomainError("out_of_order", "an extension cannot be approved before the clock started")
    due = state.effective_due_at(command.approved_at)
    if state.extension_before_due and command.approved_at >= due:
        raise DomainError(
            "extension_after_deadline",
            f"the extension was approved at {command.approved_at.isoformat()}, after the deadline {due.isoformat()}",
        )
    if not command.reason.strip():
        raise DomainError("reason_required", "an extension needs a reason, which is told to the petitioner")
    if not command.approved_by.strip():
        raise DomainError("approver_required", "an extension must be approved by the unit's head")
    extended = extend_period(_current_deadline(state), command.days, calendar)
    return [
        ClockExtended(
            clock_id=state.clock_id,
            case_id=state.case_id,
            days=command.days,
            approved_at=command.approved_at,
            approved_by=command.approved_by,
            reason=command.reason,
            due_at=extended.due_at,
            last_day=extended.last_day,
            unknown_calendar_years=_years(extended.warnings),
        )
    ]


def _current_deadline(state: ClockState) -> Deadline:
    """The state's deadline as a :class:`Deadline` (to extend it further)."""
    return Deadline(
        start_date=local_date(state.started_at),
        length=state.length + state.extended_days,
        unit=state.unit,
        nominal_last_day=state.last_day,
        last_day=state.last_day,
        due_at=state.due_at,
        warnings=tuple(CalendarWarning(y) for y in state.unknown_calendar_years),
    )


def _stop(command: StopClock, state: ClockState) -> list[ClockEvent]:
    _require_open(state, "stop")
    _require_in_order(state, command.at, "stop time")
    outcome: Outcome = "met" if command.at < state.effective_due_at(command.at) else "met_late"
    open_pause = _ms(command.at - state.paused_since) if state.paused_since is not None else 0
    return [ClockStopped(state.clock_id, state.case_id, command.at, outcome, command.by, open_pause)]


def _cancel(command: CancelClock, state: ClockState) -> list[ClockEvent]:
    _require_open(state, "cancel")
    _require_in_order(state, command.at, "cancel time")
    return [ClockCancelled(state.clock_id, state.case_id, command.at, command.reason)]


def deadline_with(state: ClockState, calendar: StatutoryCalendar) -> Deadline:
    """The clock's deadline (before pauses) worked out from its start with ``calendar``."""
    if state.override_last_day is not None:
        deadline = deadline_on(state.started_at, state.override_last_day, calendar)
    else:
        deadline = period_end(state.started_at, state.length, state.unit, calendar)
    for days in state.extensions:
        deadline = extend_period(deadline, days, calendar)
    return deadline


def _recalculate(
    command: RecalculateDeadline, state: ClockState, calendar: StatutoryCalendar
) -> list[ClockEvent]:
    _require_open(state, "recalculate")
    require_aware(command.at, "recalculation time")
    deadline = deadline_with(state, calendar)
    years = _years(deadline.warnings)
    if deadline.due_at == state.due_at and years == state.unknown_calendar_years:
        return []
    return [
        ClockDeadlineRecalculated(
            clock_id=state.clock_id,
            case_id=state.case_id,
            recalculated_at=command.at,
            due_at=deadline.due_at,
            last_day=deadline.last_day,
            previous_due_at=state.due_at,
            unknown_calendar_years=years,
        )
    ]


# --- query -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClockView:
    """A clock as seen at ``now``: the fields of ``GET /cases/{case_id}/clocks`` and more."""

    clock_id: str
    case_id: str
    kind: str
    rule: str
    unit_id: str | None
    started_at: datetime
    due_at: datetime
    """Effective deadline: end of the period (with extensions) plus the time paused."""
    state: ClockStateName
    paused_ms: int
    due_soon: bool
    """S1: running and within ``due_soon_days`` of the deadline."""
    days_overdue: int
    """Whole days (24 h) elapsed since the deadline: 0 on the first day after the last day, 5 once
    five full days have passed (S3). At ``now`` while overdue; at the stop for ``met_late``."""
    last_day: date
    extended_days: int
    supervised: bool
    stopped_at: datetime | None
    warnings: tuple[str, ...]
    """Calendar warnings: years counted as Monday–Friday because their schedule was not loaded."""


def view(state: ClockState, now: datetime, *, due_soon_days: int = DUE_SOON_DAYS) -> ClockView:
    """What the clock is at ``now`` (DESIGN.md §6 states)."""
    require_aware(now, "now")
    end = state.stopped_at or state.cancelled_at or now
    paused_ms = state.paused_ms(end)
    due = state.due_at + paused_ms * _MS
    name: ClockStateName
    days_overdue = 0
    if state.status == "cancelled":
        name = "cancelled"
    elif state.status == "stopped":
        name = "met" if state.outcome == "met" else "met_late"
        if state.stopped_at is not None and state.stopped_at >= due:
            days_overdue = (state.stopped_at - due) // _DAY
    elif state.status == "paused":
        name = "paused"
    elif now >= due:
        name = "overdue"
        days_overdue = (now - due) // _DAY
    else:
        name = "running"
    due_soon = name == "running" and due - timedelta(days=due_soon_days) <= now
    return ClockView(
        clock_id=state.clock_id,
        case_id=state.case_id,
        kind=state.kind,
        rule=state.rule,
        unit_id=state.unit_id,
        started_at=state.started_at,
        due_at=due,
        state=name,
        paused_ms=paused_ms,
        due_soon=due_soon,
        days_overdue=days_overdue,
        last_day=state.last_day,
        extended_days=state.extended_days,
        supervised=state.supervised,
        stopped_at=state.stopped_at,
        warnings=tuple(CalendarWarning(y).message for y in state.unknown_calendar_years),
    )
