"""R13: the 5-working-day window in which the assigned unit may return a case (退回, 条例 Art 23).

Working days are those of the statutory calendar every service shares (``shared/calendar``: the
``chinese-calendar`` package plus the year files an operator loads into ``data/calendar``); the count
follows the Civil Code for periods: the day the unit received the case is not counted, and the window
ends at 24:00 Asia/Shanghai of the fifth working day after it.
"""

from __future__ import annotations

from datetime import datetime

from shared.calendar.periods import period_end
from shared.calendar.statutory import StatutoryCalendar

#: R13: working days the assigned unit has to return a case
RETURN_WORKING_DAYS = 5


def return_deadline(
    received_at: datetime, calendar: StatutoryCalendar, days: int = RETURN_WORKING_DAYS
) -> datetime:
    """The instant the R13 return window closes (the next midnight after its last working day)."""
    return period_end(received_at, days, "working_days", calendar).due_at
