"""Small helpers for the supervision unit tests."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from services.supervision.domain.clocks import ClockState, decide, evolve
from services.supervision.domain.commands import ClockCommand, StartClock
from services.supervision.domain.policies import ClockPolicy
from shared.calendar.statutory import StatutoryCalendar

REPO = Path(__file__).resolve().parents[3]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An instant in Asia/Shanghai."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def apply(state: ClockState | None, command: ClockCommand, calendar: StatutoryCalendar) -> ClockState:
    """Decide a command and fold the resulting events into the state."""
    for event in decide(command, state, calendar):
        state = evolve(state, event)
    assert state is not None
    return state


def started(
    policy: ClockPolicy,
    at: datetime,
    calendar: StatutoryCalendar,
    *,
    clock_id: str | None = None,
    case_id: str = "case-1",
    unit_id: str | None = "370703:civil_affairs",
    last_day: date | None = None,
    regarding: str | None = None,
) -> ClockState:
    command = StartClock(
        clock_id=clock_id or f"{case_id}:{policy.kind}",
        case_id=case_id,
        policy=policy,
        started_at=at,
        unit_id=unit_id,
        last_day=last_day,
        regarding=regarding,
    )
    return apply(None, command, calendar)
