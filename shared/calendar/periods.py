"""Period arithmetic: when does a period of N days (or N working days) end?

DOMAIN.md §4, following the Civil Code (民法典) Arts 200–203:

- the day of the starting event is not counted: a period starts on the next day (Art 201);
- a period of N days ends at 24:00 Asia/Shanghai of its last day (Art 203);
- a last day that is a rest day or a statutory holiday moves to the next working day (Art 203);
- a period of N working days (工作日) counts only working days, so it always ends on one
  (R13: a case may be returned within 5 working days of receiving it).

``due_at`` is the instant the period ends: 24:00 of the last day, i.e. 00:00 of the next day in
Asia/Shanghai, as an aware datetime with offset +08:00. An act before ``due_at`` (on or before the
last day, in Shanghai) is in time; from ``due_at`` on, the period has passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal, get_args
from zoneinfo import ZoneInfo

from shared.calendar.statutory import CalendarWarning, StatutoryCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")

PeriodUnit = Literal["days", "working_days"]
PERIOD_UNITS: tuple[str, ...] = get_args(PeriodUnit)

_ONE_DAY = timedelta(days=1)


def require_aware(instant: datetime, what: str = "instant") -> None:
    """Refuse a naive datetime: an instant without a timezone cannot be placed on a Chinese date."""
    if instant.tzinfo is None or instant.tzinfo.utcoffset(instant) is None:
        raise ValueError(f"{what} {instant.isoformat()} has no timezone; give an aware datetime")


def local_date(instant: datetime) -> date:
    """The date in Asia/Shanghai of an aware instant given in any timezone."""
    require_aware(instant)
    return instant.astimezone(SHANGHAI).date()


def end_of_day(day: date) -> datetime:
    """24:00 Asia/Shanghai of ``day``: the instant 00:00 of the next day, offset +08:00."""
    return datetime.combine(day + _ONE_DAY, time(0), tzinfo=SHANGHAI)


@dataclass(frozen=True)
class Deadline:
    """Where a period ends and how that was worked out."""

    start_date: date
    """Date of the starting event in Asia/Shanghai (not counted)."""
    length: int
    unit: PeriodUnit
    nominal_last_day: date
    """The last day before moving off rest days (same as ``last_day`` for working-day periods)."""
    last_day: date
    """The last day of the period: always a working day."""
    due_at: datetime
    """The instant the period ends: 24:00 of ``last_day`` = 00:00 of the next day, +08:00."""
    warnings: tuple[CalendarWarning, ...] = ()
    """Years whose schedule was unknown and taken as Monday–Friday while counting."""

    @property
    def moved(self) -> bool:
        """True when the nominal last day was a rest day or holiday and the period was prolonged."""
        return self.last_day != self.nominal_last_day


def _check_length(length: int, what: str = "length") -> None:
    if isinstance(length, bool) or not isinstance(length, int) or length < 1:
        raise ValueError(f"{what} must be a whole number of days ≥ 1, got {length!r}")


class _Warnings:
    def __init__(self, calendar: StatutoryCalendar) -> None:
        self._calendar = calendar
        self._years: dict[int, CalendarWarning] = {}

    def working(self, day: date) -> bool:
        info = self._calendar.day(day)
        warning = info.warning
        if warning is not None:
            self._years.setdefault(warning.year, warning)
        return info.working

    def collected(self, *previous: CalendarWarning) -> tuple[CalendarWarning, ...]:
        merged = {w.year: w for w in previous}
        merged.update(self._years)
        return tuple(merged[y] for y in sorted(merged))


def _roll_forward(day: date, check: _Warnings) -> date:
    while not check.working(day):
        day += _ONE_DAY
    return day


def _count_working_days(after: date, count: int, check: _Warnings) -> date:
    day = after
    counted = 0
    while counted < count:
        day += _ONE_DAY
        if check.working(day):
            counted += 1
    return day


def period_end(started_at: datetime, length: int, unit: PeriodUnit, calendar: StatutoryCalendar) -> Deadline:
    """The end of a period of ``length`` days or working days started by an event at ``started_at``.

    Example (D2): a matter received on 2026-02-10 must be accepted within 15 days; day 15 is
    2026-02-25, a working day, so the period ends at 2026-02-26T00:00+08:00.
    """
    _check_length(length)
    if unit not in PERIOD_UNITS:
        raise ValueError(f"unit must be one of {PERIOD_UNITS}, got {unit!r}")
    start = local_date(started_at)
    check = _Warnings(calendar)
    if unit == "days":
        nominal = start + timedelta(days=length)
        last = _roll_forward(nominal, check)
    else:
        nominal = last = _count_working_days(start, length, check)
    return Deadline(start, length, unit, nominal, last, end_of_day(last), check.collected())


def extend_period(deadline: Deadline, days: int, calendar: StatutoryCalendar) -> Deadline:
    """The deadline prolonged by ``days`` (D3: at most 30 days, Art 34).

    The extension runs from the end of the period being extended: its first day is the day after
    the current last day, and its last day moves off rest days like any period's.
    """
    _check_length(days, "extension")
    check = _Warnings(calendar)
    if deadline.unit == "days":
        nominal = deadline.last_day + timedelta(days=days)
        last = _roll_forward(nominal, check)
    else:
        nominal = last = _count_working_days(deadline.last_day, days, check)
    return Deadline(
        deadline.start_date,
        deadline.length + days,
        deadline.unit,
        nominal,
        last,
        end_of_day(last),
        check.collected(*deadline.warnings),
    )


def deadline_on(started_at: datetime, last_day: date, calendar: StatutoryCalendar) -> Deadline:
    """A deadline set by hand as a last day (D7: the deadline given when a case is assigned).

    A last day that is a rest day moves to the next working day, as for any period.
    """
    start = local_date(started_at)
    if last_day <= start:
        raise ValueError(f"last day {last_day.isoformat()} must be after the start date {start.isoformat()}")
    check = _Warnings(calendar)
    last = _roll_forward(last_day, check)
    return Deadline(
        start, (last_day - start).days, "days", last_day, last, end_of_day(last), check.collected()
    )
