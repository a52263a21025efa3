"""Period arithmetic (DOMAIN.md §4, Civil Code Arts 200–203) on real 2025/2026 holidays.

The day of the starting event is not counted; the period ends at 24:00 Asia/Shanghai of its
last day (due_at = 00:00 of the next day, +08:00); a last day on a rest day or holiday moves to
the next working day; working-day periods count working days only.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.calendar.periods import deadline_on, end_of_day, extend_period, local_date, period_end
from shared.calendar.statutory import CalendarWarning, StatutoryCalendar
from tests.unit.supervision.helpers import sh


def test_d2_fifteen_days_ending_on_an_ordinary_working_day(calendar: StatutoryCalendar) -> None:
    """D2: received 2026-02-10, day 15 is Wednesday 2026-02-25: due at 24:00 that day."""
    deadline = period_end(sh(2026, 2, 10, 15, 30), 15, "days", calendar)
    assert deadline.start_date == date(2026, 2, 10)
    assert deadline.last_day == date(2026, 2, 25)
    assert not deadline.moved
    assert deadline.due_at == sh(2026, 2, 26)
    assert deadline.due_at.isoformat() == "2026-02-26T00:00:00+08:00"


def test_d1_fifteen_days_ending_in_the_spring_festival_moves_past_it(calendar: StatutoryCalendar) -> None:
    """D1: registered 2026-02-01; day 15 (02-16) is in the 2026-02-15..23 holiday, so the last day
    is the first working day after it, Tuesday 2026-02-24."""
    deadline = period_end(sh(2026, 2, 1, 10), 15, "days", calendar)
    assert deadline.nominal_last_day == date(2026, 2, 16)
    assert deadline.last_day == date(2026, 2, 24)
    assert deadline.moved
    assert deadline.due_at == sh(2026, 2, 25)


def test_the_start_day_is_the_shanghai_date_not_the_utc_date(calendar: StatutoryCalendar) -> None:
    """2026-01-31T17:00Z is 01:00 on 2026-02-01 in Shanghai: the period counts from 02-01."""
    utc = datetime(2026, 1, 31, 17, 0, tzinfo=UTC)
    new_york = utc.astimezone(ZoneInfo("America/New_York"))
    assert local_date(utc) == date(2026, 2, 1)
    for instant in (utc, new_york):
        assert period_end(instant, 15, "days", calendar).due_at == sh(2026, 2, 25)
    # 14 days from 02-01 end on 02-15 (holiday) and move to 02-24; two hours earlier it is still
    # 01-31 in Shanghai, and 14 days end on the make-up Saturday 02-14
    assert period_end(utc, 14, "days", calendar).last_day == date(2026, 2, 24)
    assert period_end(utc - timedelta(hours=2), 14, "days", calendar).last_day == date(2026, 2, 14)


def test_start_late_in_the_evening_counts_from_the_next_day(calendar: StatutoryCalendar) -> None:
    """Art 201: the day of the event is not counted, whatever the hour."""
    assert period_end(sh(2025, 6, 9, 23, 59), 15, "days", calendar).last_day == date(2025, 6, 24)
    assert period_end(sh(2025, 6, 9, 0, 0), 15, "days", calendar).last_day == date(2025, 6, 24)


def test_d3_sixty_days_into_national_day_2026(calendar: StatutoryCalendar) -> None:
    """D3: accepted 2026-08-02, day 60 is 2026-10-01 (National Day, 10-01..10-07): last day 10-08."""
    deadline = period_end(sh(2026, 8, 2, 9), 60, "days", calendar)
    assert deadline.nominal_last_day == date(2026, 10, 1)
    assert deadline.last_day == date(2026, 10, 8)
    assert deadline.due_at == sh(2026, 10, 9)


def test_d3_extension_runs_from_the_end_of_the_period(calendar: StatutoryCalendar) -> None:
    """D3 extension of 30 days: from 2026-10-08, day 30 is Saturday 2026-11-07, so Monday 11-09."""
    extended = extend_period(period_end(sh(2026, 8, 2, 9), 60, "days", calendar), 30, calendar)
    assert extended.nominal_last_day == date(2026, 11, 7)
    assert extended.last_day == date(2026, 11, 9)
    assert extended.due_at == sh(2026, 11, 10)
    assert extended.length == 90


def test_d4_review_window_over_national_day_2025(calendar: StatutoryCalendar) -> None:
    """D4: reply received 2025-09-05; day 30 is 2025-10-05, inside 10-01..10-08: last day 10-09."""
    deadline = period_end(sh(2025, 9, 5, 16), 30, "days", calendar)
    assert deadline.last_day == date(2025, 10, 9)
    assert deadline.due_at == sh(2025, 10, 10)


def test_d5_re_review_over_qingming_2026(calendar: StatutoryCalendar) -> None:
    """D5: review opinion 2026-03-06; day 30 is 2026-04-05 (清明 04-04..04-06): last day 04-07."""
    deadline = period_end(sh(2026, 3, 6, 11), 30, "days", calendar)
    assert deadline.nominal_last_day == date(2026, 4, 5)
    assert deadline.last_day == date(2026, 4, 7)


def test_a_make_up_saturday_can_be_the_last_day(calendar: StatutoryCalendar) -> None:
    """2026-02-28 is a Saturday but a working day (调休): a period ending then does not move."""
    deadline = period_end(sh(2026, 2, 13, 10), 15, "days", calendar)
    assert deadline.last_day == date(2026, 2, 28)
    assert not deadline.moved


@pytest.mark.parametrize(
    ("routed", "last_day"),
    [
        # Thursday before the Spring Festival: 02-13 (Fri), 02-14 (make-up Sat), 02-24, 02-25, 02-26
        (sh(2026, 2, 12, 10), date(2026, 2, 26)),
        # an ordinary week: Friday 2025-06-06 -> Mon 06-09 .. Fri 06-13
        (sh(2025, 6, 6, 10), date(2025, 6, 13)),
        # before National Day: 10-08, 10-09, 10-10 (make-up Sat), 10-12, 10-13
        (sh(2026, 9, 30, 10), date(2026, 10, 13)),
    ],
)
def test_r13_return_window_counts_five_working_days(
    calendar: StatutoryCalendar, routed: datetime, last_day: date
) -> None:
    """R13: a case may be returned within 5 working days of receiving it."""
    deadline = period_end(routed, 5, "working_days", calendar)
    assert deadline.last_day == last_day
    assert deadline.due_at == end_of_day(last_day)


def test_one_working_day_from_a_friday_before_qingming(calendar: StatutoryCalendar) -> None:
    """Hotline sign-for: routed Friday 2026-04-03 17:00; 04-04..04-06 off; due end of Tuesday 04-07."""
    assert period_end(sh(2026, 4, 3, 17), 1, "working_days", calendar).due_at == sh(2026, 4, 8)


def test_loaded_2027_year_moves_a_deadline_the_fallback_did_not(
    calendar: StatutoryCalendar, calendar_2027: StatutoryCalendar
) -> None:
    """Day 15 from 2027-01-25 is Tuesday 2027-02-09. Without the 2027 schedule it is a working day
    (with a warning); with the loaded year it is in the Spring Festival and the last day becomes
    the make-up Sunday 2027-02-14."""
    fallback = period_end(sh(2027, 1, 25, 10), 15, "days", calendar)
    assert fallback.last_day == date(2027, 2, 9)
    assert fallback.warnings == (CalendarWarning(2027),)

    loaded = period_end(sh(2027, 1, 25, 10), 15, "days", calendar_2027)
    assert loaded.last_day == date(2027, 2, 14)
    assert loaded.due_at == sh(2027, 2, 15)
    assert loaded.warnings == ()


def test_fallback_2030_is_monday_to_friday_with_a_warning(calendar: StatutoryCalendar) -> None:
    """2030 is not known: National Day 2030 is counted as ordinary days, and the result says so."""
    deadline = period_end(sh(2030, 9, 16, 10), 15, "days", calendar)
    assert deadline.last_day == date(2030, 10, 1)  # a Tuesday, taken as a working day
    assert [w.year for w in deadline.warnings] == [2030]
    assert "2030" in deadline.warnings[0].message
    saturday = period_end(sh(2030, 9, 13, 10), 15, "days", calendar)  # day 15 is Saturday 09-28
    assert saturday.last_day == date(2030, 9, 30)


def test_period_crossing_from_a_known_into_an_unknown_year_warns(calendar: StatutoryCalendar) -> None:
    deadline = period_end(sh(2026, 12, 28, 10), 5, "working_days", calendar)
    assert deadline.last_day == date(2027, 1, 4)
    assert deadline.warnings == (CalendarWarning(2027),)
    assert period_end(sh(2026, 11, 2, 10), 5, "working_days", calendar).warnings == ()


def test_deadline_set_by_hand_moves_off_a_holiday(calendar: StatutoryCalendar) -> None:
    """D7: the assigning bureau sets 2026-10-03 as last day; it is National Day, so 10-08."""
    deadline = deadline_on(sh(2026, 9, 1, 9), date(2026, 10, 3), calendar)
    assert deadline.last_day == date(2026, 10, 8)
    with pytest.raises(ValueError, match="must be after the start date"):
        deadline_on(sh(2026, 9, 1, 9), date(2026, 9, 1), calendar)


@pytest.mark.parametrize("length", [0, -3, True])
def test_length_must_be_a_positive_whole_number(calendar: StatutoryCalendar, length: int) -> None:
    with pytest.raises(ValueError, match="length must be a whole number"):
        period_end(sh(2026, 3, 2), length, "days", calendar)


def test_naive_instants_are_refused(calendar: StatutoryCalendar) -> None:
    with pytest.raises(ValueError, match="has no timezone"):
        period_end(datetime(2026, 3, 2, 9), 15, "days", calendar)


def test_unknown_unit_is_refused(calendar: StatutoryCalendar) -> None:
    with pytest.raises(ValueError, match="unit must be one of"):
        period_end(sh(2026, 3, 2), 15, "weeks", calendar)  # type: ignore[arg-type]
