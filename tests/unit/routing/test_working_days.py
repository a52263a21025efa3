"""R13: the 5-working-day return window follows the statutory calendar (make-up working days included)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from services.routing.domain.working_days import return_deadline
from shared.calendar.errors import CalendarFileError
from shared.calendar.statutory import StatutoryCalendar
from shared.calendar.years import parse_year_text

CST = timezone(timedelta(hours=8))


@pytest.fixture(scope="module")
def calendar() -> StatutoryCalendar:
    return StatutoryCalendar()


def test_an_ordinary_week_ends_five_working_days_after_the_day_of_receipt(calendar: StatutoryCalendar) -> None:
    # received Monday 2026-03-02: Tue..Fri and Monday 03-09 are the five days; the window closes at 24:00
    deadline = return_deadline(datetime(2026, 3, 2, 10, 30, tzinfo=CST), calendar)
    assert deadline == datetime(2026, 3, 10, 0, 0, tzinfo=CST)


def test_the_may_day_holiday_does_not_count_and_the_make_up_saturday_does(calendar: StatutoryCalendar) -> None:
    # 2026-05-01..05 are the Labour Day holiday; Saturday 05-09 is a make-up working day (调休).
    # Counted Monday to Friday the window would close on 05-07; by the statutory calendar it is 05-11.
    assert not calendar.is_working_day(date(2026, 5, 4))
    assert calendar.is_working_day(date(2026, 5, 9))
    deadline = return_deadline(datetime(2026, 4, 30, 16, 0, tzinfo=CST), calendar)
    assert deadline == datetime(2026, 5, 12, 0, 0, tzinfo=CST)


def test_the_day_of_receipt_is_local_time_in_shanghai(calendar: StatutoryCalendar) -> None:
    # 2026-03-01T17:00Z is already Monday 03-02 01:00 in Shanghai
    utc = datetime(2026, 3, 1, 17, 0, tzinfo=UTC)
    assert return_deadline(utc, calendar) == datetime(2026, 3, 10, 0, 0, tzinfo=CST)


def test_a_year_beyond_the_known_calendar_counts_monday_to_friday(calendar: StatutoryCalendar) -> None:
    assert not calendar.knows(2031)
    # Friday 2031-01-03: Mon 6 .. Fri 10
    assert return_deadline(datetime(2031, 1, 3, 9, 0, tzinfo=CST), calendar) == datetime(2031, 1, 11, 0, 0, tzinfo=CST)


def test_an_operator_loaded_year_file_replaces_the_package(calendar: StatutoryCalendar) -> None:
    text = """
version: 1
year: 2031
holidays:
  - name: 元旦
    from: 2031-01-06
    to: 2031-01-07
make_up_workdays:
  - name: 元旦
    dates: [2031-01-04]
"""
    loaded = calendar.with_year(parse_year_text(text, origin="2031.yaml"))
    assert loaded.knows(2031)
    # Sat 4 (make-up), Wed 8, Thu 9, Fri 10, Mon 13
    deadline = return_deadline(datetime(2031, 1, 3, 9, 0, tzinfo=CST), loaded)
    assert deadline == datetime(2031, 1, 14, 0, 0, tzinfo=CST)


def test_a_year_file_with_a_date_of_another_year_is_refused_naming_the_file() -> None:
    with pytest.raises(CalendarFileError, match="2031.yaml"):
        parse_year_text("version: 1\nyear: 2031\nholidays:\n  - {name: x, dates: [2030-12-31]}\n", origin="2031.yaml")
