"""Statutory periods as the petition rules count them (DOMAIN.md §4).

The day of the starting event is not counted; the period ends at 24:00 Asia/Shanghai of its last day; a
last day that is a rest day moves to the next working day (民法典 Arts 200–203). Which days are working
days is the supervision service's calendar (with 调休); here it is a parameter, defaulting to Monday–Friday.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone

#: China Standard Time. China has kept UTC+8 without daylight saving since 1991.
CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")

WorkingDayCalendar = Callable[[date], bool]


def weekdays(day: date) -> bool:
    """Monday to Friday: the fallback when no statutory calendar is known for a year."""
    return day.weekday() < 5


def require_aware(moment: datetime, name: str = "moment") -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must carry a time zone offset")


def local_date(moment: datetime) -> date:
    """The calendar date in China of an instant."""
    require_aware(moment)
    return moment.astimezone(CHINA).date()


def period_end(start: datetime, days: int, *, is_working_day: WorkingDayCalendar = weekdays) -> datetime:
    """The instant a period of ``days`` days starting with the event at ``start`` ends."""
    last = local_date(start) + timedelta(days=days)
    for _ in range(60):  # the longest run of rest days in a year is far shorter
        if is_working_day(last):
            break
        last += timedelta(days=1)
    else:
        raise ValueError("the working-day calendar has no working day in 60 days")
    return datetime.combine(last + timedelta(days=1), time(0), CHINA)


#: D1: a registered petition is forwarded or assigned within 15 days of receipt (条例 Art 22).
DISPATCH_DAYS = 15


def dispatch_deadline(received_at: datetime, *, is_working_day: WorkingDayCalendar = weekdays) -> datetime:
    """D1: the instant the 15-day dispatch period from the receipt ends (what a petitioner is told)."""
    return period_end(received_at, DISPATCH_DAYS, is_working_day=is_working_day)


def months_before(moment: datetime, months: int) -> datetime:
    """The same local date and time ``months`` calendar months earlier (31 March − 1 month = 28/29 Feb)."""
    local = moment.astimezone(CHINA)
    month_index = local.year * 12 + (local.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    day = min(local.day, _days_in_month(year, month))
    return local.replace(year=year, month=month, day=day)


def _days_in_month(year: int, month: int) -> int:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return (following - timedelta(days=1)).day
