"""The Chinese statutory calendar: is a date a working day?

Sources, in order of precedence for a year:

1. years loaded from ``data/calendar/<year>.yaml`` or added at run time (:meth:`StatutoryCalendar.with_year`);
2. the ``chinese-calendar`` package (statutory holidays and 调休 make-up working days, up to the last
   year it ships);
3. beyond both: Monday to Friday are working days, with a :class:`CalendarWarning` so that a person
   knows the deadline may move once the year's schedule is loaded. Never an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

import chinese_calendar

from shared.calendar.years import YearSchedule, load_year_directory

DaySource = Literal["year_file", "package", "weekday_fallback"]
DayKind = Literal["holiday", "make_up_workday", "weekend", "weekday"]


@dataclass(frozen=True)
class CalendarWarning:
    """A year the calendar does not know: its days were taken as Monday–Friday working days."""

    year: int

    @property
    def message(self) -> str:
        return (
            f"the statutory holiday schedule of {self.year} is not loaded; "
            f"working days in {self.year} were taken as Monday to Friday"
        )

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class DayInfo:
    """What the calendar says about one date, and why."""

    day: date
    working: bool
    kind: DayKind
    name: str | None
    source: DaySource

    @property
    def warning(self) -> CalendarWarning | None:
        return CalendarWarning(self.day.year) if self.source == "weekday_fallback" else None


@cache
def _package_schedules() -> Mapping[int, YearSchedule]:
    """The years the ``chinese-calendar`` package knows, as schedules with Chinese names."""
    chinese_names = {h.value: h.chinese for h in chinese_calendar.Holiday}
    holidays: dict[int, dict[date, str]] = {}
    workdays: dict[int, dict[date, str]] = {}
    for day, name in chinese_calendar.holidays.items():
        holidays.setdefault(day.year, {})[day] = chinese_names.get(name, name)
    for day, name in chinese_calendar.workdays.items():
        workdays.setdefault(day.year, {})[day] = chinese_names.get(name, name)
    first, last = min(holidays), max(holidays)
    schedules: Mapping[int, YearSchedule] = {
        year: YearSchedule(
            year=year,
            holidays=holidays.get(year, {}),
            make_up_workdays=workdays.get(year, {}),
            source=f"chinese-calendar {chinese_calendar.__version__}",
            origin="package",
        )
        for year in range(first, last + 1)
    }
    return schedules


class StatutoryCalendar:
    """Working days in China. Immutable: :meth:`with_year` returns a new calendar."""

    def __init__(self, years: Iterable[YearSchedule] = (), *, include_package: bool = True) -> None:
        self._package: Mapping[int, YearSchedule] = _package_schedules() if include_package else {}
        loaded: dict[int, YearSchedule] = {}
        for schedule in years:
            loaded[schedule.year] = schedule
        self._loaded: Mapping[int, YearSchedule] = loaded

    @classmethod
    def from_directory(cls, directory: Path) -> StatutoryCalendar:
        """The package's calendar plus every ``<year>.yaml`` in ``directory`` (``data/calendar``).

        Raises :class:`~shared.calendar.errors.CalendarFileError` naming the file and
        every problem in it.
        """
        return cls(load_year_directory(directory))

    def with_year(self, schedule: YearSchedule) -> StatutoryCalendar:
        """A calendar that also knows ``schedule`` (replacing what it knew of that year)."""
        new = StatutoryCalendar.__new__(StatutoryCalendar)
        new._package = self._package
        new._loaded = {**self._loaded, schedule.year: schedule}
        return new

    @property
    def known_years(self) -> tuple[int, ...]:
        """Years whose schedule is known (from the package or loaded), ascending."""
        return tuple(sorted(set(self._package) | set(self._loaded)))

    @property
    def loaded_years(self) -> tuple[int, ...]:
        """Years loaded from year files or added at run time, ascending."""
        return tuple(sorted(self._loaded))

    def schedule(self, year: int) -> YearSchedule | None:
        """The schedule in force for ``year`` (a loaded one wins over the package's), if known."""
        return self._loaded.get(year) or self._package.get(year)

    def knows(self, year: int) -> bool:
        return year in self._loaded or year in self._package

    def day(self, day: date) -> DayInfo:
        """Whether ``day`` is a working day, what kind of day it is and where that comes from."""
        schedule = self.schedule(day.year)
        if schedule is None:
            weekday = day.weekday() < 5
            return DayInfo(day, weekday, "weekday" if weekday else "weekend", None, "weekday_fallback")
        source: DaySource = "year_file" if day.year in self._loaded else "package"
        if day in schedule.holidays:
            return DayInfo(day, False, "holiday", schedule.holidays[day], source)
        if day in schedule.make_up_workdays:
            return DayInfo(day, True, "make_up_workday", schedule.make_up_workdays[day], source)
        weekday = day.weekday() < 5
        return DayInfo(day, weekday, "weekday" if weekday else "weekend", None, source)

    def is_working_day(self, day: date) -> bool:
        """True on working days (including 调休 make-up working days), False on rest days and holidays.

        For a year the calendar does not know, Monday to Friday; see :meth:`warning_for`.
        """
        return self.day(day).working

    def warning_for(self, day: date) -> CalendarWarning | None:
        """A warning when ``day`` lies in a year whose schedule is not known."""
        return None if self.knows(day.year) else CalendarWarning(day.year)
