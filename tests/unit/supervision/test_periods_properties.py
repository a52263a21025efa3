"""Properties of period arithmetic (DOMAIN.md §4) over 2004–2031, including unknown years."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.calendar.periods import SHANGHAI, extend_period, local_date, period_end
from shared.calendar.statutory import StatutoryCalendar

CALENDAR = StatutoryCalendar()

instants = st.datetimes(
    min_value=datetime(2004, 1, 1), max_value=datetime(2031, 12, 31), timezones=st.timezones()
).filter(lambda d: d.utcoffset() is not None)
lengths = st.integers(min_value=1, max_value=120)
units = st.sampled_from(["days", "working_days"])


@settings(max_examples=300)
@given(instants, lengths, units)
def test_due_at_is_midnight_shanghai_after_the_start(start: datetime, length: int, unit: str) -> None:
    deadline = period_end(start, length, unit, CALENDAR)  # type: ignore[arg-type]
    assert deadline.due_at.utcoffset() == timedelta(hours=8)
    assert (deadline.due_at.hour, deadline.due_at.minute, deadline.due_at.second) == (0, 0, 0)
    assert deadline.due_at > start
    # the period never ends before N whole days have passed after the start day
    assert deadline.last_day >= local_date(start) + timedelta(days=length)
    assert deadline.due_at.date() == deadline.last_day + timedelta(days=1)


@settings(max_examples=300)
@given(instants, lengths, units)
def test_last_day_is_a_working_day(start: datetime, length: int, unit: str) -> None:
    deadline = period_end(start, length, unit, CALENDAR)  # type: ignore[arg-type]
    assert CALENDAR.is_working_day(deadline.last_day)


@settings(max_examples=300)
@given(instants, lengths)
def test_calendar_days_move_only_over_rest_days(start: datetime, length: int) -> None:
    deadline = period_end(start, length, "days", CALENDAR)
    assert deadline.nominal_last_day == local_date(start) + timedelta(days=length)
    day = deadline.nominal_last_day
    while day < deadline.last_day:
        assert not CALENDAR.is_working_day(day)
        day += timedelta(days=1)


@settings(max_examples=300)
@given(instants, lengths)
def test_working_day_periods_count_exactly_n_working_days(start: datetime, length: int) -> None:
    deadline = period_end(start, length, "working_days", CALENDAR)
    day, counted = local_date(start), 0
    while day < deadline.last_day:
        day += timedelta(days=1)
        counted += CALENDAR.is_working_day(day)
    assert counted == length


@settings(max_examples=300)
@given(instants, lengths, units)
def test_monotonic_in_length(start: datetime, length: int, unit: str) -> None:
    shorter = period_end(start, length, unit, CALENDAR)  # type: ignore[arg-type]
    longer = period_end(start, length + 1, unit, CALENDAR)  # type: ignore[arg-type]
    assert longer.due_at >= shorter.due_at
    if unit == "working_days":
        assert longer.due_at > shorter.due_at


@settings(max_examples=200)
@given(instants, lengths, units)
def test_same_instant_in_any_timezone_gives_the_same_deadline(
    start: datetime, length: int, unit: str
) -> None:
    in_utc = period_end(start.astimezone(UTC), length, unit, CALENDAR)  # type: ignore[arg-type]
    in_shanghai = period_end(start.astimezone(SHANGHAI), length, unit, CALENDAR)  # type: ignore[arg-type]
    assert in_utc == in_shanghai


@settings(max_examples=200)
@given(instants, lengths, st.integers(min_value=1, max_value=30))
def test_extension_prolongs_by_at_least_its_days(start: datetime, length: int, days: int) -> None:
    deadline = period_end(start, length, "days", CALENDAR)
    extended = extend_period(deadline, days, CALENDAR)
    assert extended.due_at >= deadline.due_at + timedelta(days=days)
    assert CALENDAR.is_working_day(extended.last_day)


@settings(max_examples=200)
@given(instants, lengths, units)
def test_warnings_name_exactly_the_unknown_years_that_were_counted(
    start: datetime, length: int, unit: str
) -> None:
    deadline = period_end(start, length, unit, CALENDAR)  # type: ignore[arg-type]
    warned = {w.year for w in deadline.warnings}
    assert all(not CALENDAR.knows(year) for year in warned)
    if not CALENDAR.knows(deadline.last_day.year):
        assert deadline.last_day.year in warned
    if CALENDAR.knows(deadline.last_day.year) and CALENDAR.knows(local_date(start).year):
        assert warned == set()
