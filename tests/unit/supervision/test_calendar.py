"""Statutory calendar (DOMAIN.md §4): working days with holidays and 调休 make-up working days,
year files that extend or override the package, and the Monday–Friday fallback with a warning."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from shared.calendar.statutory import CalendarWarning, StatutoryCalendar
from shared.calendar.years import parse_year_text
from tests.unit.supervision.helpers import FIXTURES


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 2, 14), True),  # Saturday, make-up working day for the Spring Festival
        (date(2026, 2, 15), False),  # first day of the Spring Festival holiday
        (date(2026, 2, 17), False),  # 春节 (Tuesday)
        (date(2026, 2, 23), False),  # last day of the holiday (Monday)
        (date(2026, 2, 24), True),  # back to work
        (date(2026, 2, 28), True),  # Saturday, make-up working day
        (date(2026, 3, 1), False),  # an ordinary Sunday
        (date(2026, 10, 1), False),  # National Day
        (date(2026, 10, 7), False),
        (date(2026, 10, 8), True),
        (date(2026, 10, 10), True),  # Saturday, make-up working day for National Day
        (date(2026, 9, 20), True),  # Sunday, make-up working day for National Day
        (date(2025, 10, 8), False),  # National Day and Mid-autumn 2025
        (date(2025, 10, 11), True),  # Saturday, make-up working day 2025
        (date(2025, 1, 28), False),  # Spring Festival eve 2025
        (date(2025, 1, 26), True),  # Sunday, make-up working day 2025
    ],
)
def test_working_days_around_2025_2026_holidays(
    calendar: StatutoryCalendar, day: date, working: bool
) -> None:
    assert calendar.is_working_day(day) is working
    # and the package itself says the same, so the expectations above are not made up
    assert chinese_calendar.is_workday(day) is working


def test_agrees_with_the_package_on_every_day_it_knows(calendar: StatutoryCalendar) -> None:
    day, last = date(2004, 1, 1), date(2026, 12, 31)
    while day <= last:
        assert calendar.is_working_day(day) is chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def test_day_info_names_the_holiday_in_chinese(calendar: StatutoryCalendar) -> None:
    info = calendar.day(date(2026, 2, 17))
    assert (info.working, info.kind, info.name, info.source) == (False, "holiday", "春节", "package")
    make_up = calendar.day(date(2026, 2, 28))
    assert (make_up.working, make_up.kind, make_up.name) == (True, "make_up_workday", "春节")
    assert info.warning is None


def test_known_years_are_those_of_the_package(calendar: StatutoryCalendar) -> None:
    assert calendar.known_years[0] == 2004
    assert calendar.known_years[-1] == 2026
    assert calendar.loaded_years == ()


def test_beyond_the_known_calendar_monday_to_friday_with_a_warning(calendar: StatutoryCalendar) -> None:
    # 2030-10-01 is a Tuesday: certainly a holiday in reality, but no schedule is loaded
    national_day = calendar.day(date(2030, 10, 1))
    assert national_day.working is True
    assert national_day.source == "weekday_fallback"
    assert national_day.warning == CalendarWarning(2030)
    assert "2030" in str(national_day.warning)
    assert calendar.is_working_day(date(2030, 10, 5)) is False  # Saturday
    assert calendar.warning_for(date(2030, 10, 5)) == CalendarWarning(2030)
    assert calendar.warning_for(date(2026, 10, 5)) is None


def test_a_loaded_year_extends_the_calendar(
    calendar: StatutoryCalendar, calendar_2027: StatutoryCalendar
) -> None:
    assert 2027 in calendar_2027.known_years
    assert calendar_2027.loaded_years == (2027,)
    assert calendar_2027.is_working_day(date(2027, 2, 8)) is False  # Monday in the fixture's 春节
    assert calendar_2027.is_working_day(date(2027, 2, 14)) is True  # Sunday, make-up working day
    assert calendar_2027.day(date(2027, 2, 8)).source == "year_file"
    assert calendar_2027.warning_for(date(2027, 2, 8)) is None
    # the calendar it was derived from is unchanged
    assert 2027 not in calendar.known_years
    assert calendar.is_working_day(date(2027, 2, 8)) is True


def test_a_loaded_year_overrides_the_package(calendar: StatutoryCalendar) -> None:
    # a correction of 2026: Monday 2026-03-02 declared a holiday
    correction = parse_year_text(
        """
        version: 1
        year: 2026
        holidays:
          - {name: 特别假日, dates: [2026-03-02]}
        make_up_workdays: []
        """
    )
    corrected = calendar.with_year(correction)
    assert calendar.is_working_day(date(2026, 3, 2)) is True
    assert corrected.is_working_day(date(2026, 3, 2)) is False
    # the whole year comes from the file: the package's Spring Festival is gone
    assert corrected.is_working_day(date(2026, 2, 17)) is True
    assert corrected.schedule(2026) is correction


def test_runtime_added_year_replaces_an_earlier_load(calendar_2027: StatutoryCalendar) -> None:
    replacement = parse_year_text(
        "year: 2027\nholidays: [{name: 春节, from: 2027-02-06, to: 2027-02-12}]\nmake_up_workdays: []\n"
    )
    updated = calendar_2027.with_year(replacement)
    assert updated.is_working_day(date(2027, 2, 5)) is True  # was a holiday in the first file
    assert updated.is_working_day(date(2027, 2, 14)) is False  # no longer a make-up working day
    assert updated.loaded_years == (2027,)


def test_calendar_without_the_package_knows_only_loaded_years() -> None:
    bare = StatutoryCalendar(include_package=False)
    assert bare.known_years == ()
    assert bare.is_working_day(date(2026, 2, 17)) is True  # Tuesday, by fallback
    assert bare.warning_for(date(2026, 2, 17)) == CalendarWarning(2026)


def test_calendar_from_a_directory_of_year_files(tmp_path: Path) -> None:
    (tmp_path / "2027.yaml").write_bytes((FIXTURES / "calendar" / "2027.yaml").read_bytes())
    loaded = StatutoryCalendar.from_directory(tmp_path)
    assert loaded.loaded_years == (2027,)
    assert loaded.known_years[-2:] == (2026, 2027)
    assert loaded.is_working_day(date(2027, 10, 4)) is False  # Monday, National Day in the fixture
    assert loaded.is_working_day(date(2026, 10, 4)) is False  # 2026 still from the package
