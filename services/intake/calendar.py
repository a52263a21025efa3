"""Working days for the deadlines intake tells people before supervision has answered.

The authoritative deadlines are supervision's clocks (its statutory calendar loads the year files of
``data/calendar``); intake reads them from ``clock_started`` events (``handlers/progress.py``). Until the
dispatch clock of a case has arrived, intake computes D1 itself with the ``chinese-calendar`` package
(statutory holidays and 调休 up to the last year it ships), Monday to Friday beyond it.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import chinese_calendar


@lru_cache(maxsize=4096)
def is_working_day(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # a year the package does not know yet
        return day.weekday() < 5
