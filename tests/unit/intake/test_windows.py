"""Periods counted as the Civil Code counts them (DOMAIN.md §4), used for the D4 / D5 windows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.intake.domain.windows import months_before, period_end
from tests.unit.intake.builders import CST, at


def test_start_day_not_counted_and_period_ends_at_midnight_china_time() -> None:
    # reply received Monday 2 March 2026 at 16:00; day 30 is Wednesday 1 April; ends 2 April 00:00
    assert period_end(at("2026-03-02", 16), 30) == datetime(2026, 4, 2, tzinfo=CST)


def test_utc_input_is_counted_in_china_time() -> None:
    # 2 March 20:00 UTC is already 3 March in China
    start = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)
    assert period_end(start, 30) == datetime(2026, 4, 3, tzinfo=CST)


def test_last_day_on_a_weekend_moves_to_monday() -> None:
    # 30 days after Wednesday 4 March is Friday 3 April; 31 days is Saturday 4 April → Monday 6 April
    assert period_end(at("2026-03-04"), 31) == datetime(2026, 4, 7, tzinfo=CST)


def test_statutory_holidays_come_from_the_calendar_given() -> None:
    holidays = {date(2026, 4, 1), date(2026, 4, 2)}

    def is_working_day(day: date) -> bool:
        return day.weekday() < 5 and day not in holidays

    assert period_end(at("2026-03-02"), 30, is_working_day=is_working_day) == datetime(2026, 4, 4, tzinfo=CST)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        period_end(datetime(2026, 3, 2), 30)


def test_twelve_months_before() -> None:
    assert months_before(at("2026-03-17"), 12) == at("2025-03-17")
    assert months_before(at("2024-02-29"), 12) == at("2023-02-28")
    assert months_before(at("2026-03-31"), 1) == at("2026-02-28")
    assert months_before(at("2026-01-15"), 1) == at("2025-12-15")
    assert at("2026-03-17") - months_before(at("2026-03-17"), 12) == timedelta(days=365)
