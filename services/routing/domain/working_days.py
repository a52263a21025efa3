"""R13: the 5-working-day window in which the assigned unit may return a case (退回, 条例 Art 23).

Working days follow the Chinese statutory calendar with its make-up working days (调休): the
``chinese-calendar`` package for the years it ships, replaced year by year by schedules an operator
loads (the same ``data/calendar/<year>.yaml`` files supervision reads; see :func:`parse_year_file`).
A day in a year known to neither counts Monday to Friday.

The count follows the Civil Code for periods (民法典 Arts 200–203): the day the unit received the case
is not counted; the window ends at 24:00 Asia/Shanghai of the fifth working day after it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from services.routing.domain.errors import DataFileError

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: R13: working days the assigned unit has to return a case
RETURN_WORKING_DAYS = 5


@dataclass(frozen=True)
class YearSchedule:
    """One year's days off (法定节假日 and the days joined to them) and make-up working days (调休上班)."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]


def _package_schedules() -> dict[int, YearSchedule]:
    import chinese_calendar

    holidays: dict[int, set[date]] = {}
    workdays: dict[int, set[date]] = {}
    for day in chinese_calendar.holidays:
        holidays.setdefault(day.year, set()).add(day)
    for day in chinese_calendar.workdays:
        workdays.setdefault(day.year, set()).add(day)
    years = set(holidays) | set(workdays)
    return {
        y: YearSchedule(y, frozenset(holidays.get(y, ())), frozenset(workdays.get(y, ()))) for y in years
    }


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days are working days. Build it with :meth:`statutory` (package + loaded years)."""

    years: dict[int, YearSchedule] = field(default_factory=dict)

    @classmethod
    def statutory(cls, loaded: Iterable[YearSchedule] = ()) -> WorkingCalendar:
        """The package's years, each replaced by a loaded schedule of the same year."""
        years = _package_schedules()
        for schedule in loaded:
            years[schedule.year] = schedule
        return cls(years)

    def knows(self, year: int) -> bool:
        return year in self.years

    def is_working_day(self, day: date) -> bool:
        schedule = self.years.get(day.year)
        if schedule is not None:
            if day in schedule.workdays:
                return True
            if day in schedule.holidays:
                return False
        return day.weekday() < 5

    def add_working_days(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (``start`` itself not counted)."""
        if days < 1:
            raise ValueError("count at least one working day")
        day = start
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day


def return_deadline(
    received_at: datetime, calendar: WorkingCalendar, days: int = RETURN_WORKING_DAYS
) -> datetime:
    """The instant the R13 return window closes: 24:00 Asia/Shanghai of the ``days``-th working day after
    the day the unit received the case (given as the next midnight, like every deadline in the system)."""
    if received_at.tzinfo is None:
        raise ValueError("received_at needs a time zone")
    last = calendar.add_working_days(received_at.astimezone(SHANGHAI).date(), days)
    return datetime.combine(last + timedelta(days=1), time(0), tzinfo=SHANGHAI)


def parse_year_file(text: str, source: str) -> YearSchedule:
    """A ``<year>.yaml`` schedule (format: ``data/calendar/README.md``). Supervision's loader checks the
    file fully; this reads the two lists routing needs and names the file for anything it cannot read."""
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DataFileError([f"{source}: not valid YAML ({exc})"]) from exc
    if not isinstance(data, dict) or not isinstance(data.get("year"), int):
        raise DataFileError([f"{source}: expected a mapping with an integer 'year'"])
    year = int(data["year"])

    def days(key: str) -> frozenset[date]:
        out: set[date] = set()
        for entry in data.get(key) or []:
            if not isinstance(entry, dict):
                raise DataFileError([f"{source}: each entry of {key!r} must be a mapping"])
            for day in entry.get("dates") or []:
                if not isinstance(day, date):
                    raise DataFileError([f"{source}: {day!r} in {key!r} is not a date"])
                out.add(day)
            start, end = entry.get("from"), entry.get("to")
            if isinstance(start, date) and isinstance(end, date):
                day = start
                while day <= end:
                    out.add(day)
                    day += timedelta(days=1)
        if any(d.year != year for d in out):
            raise DataFileError([f"{source}: a date in {key!r} lies outside {year}"])
        return frozenset(out)

    return YearSchedule(year, days("holidays"), days("make_up_workdays"))
