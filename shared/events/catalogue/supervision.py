"""Events recorded by supervision (clocks and obligations). DOMAIN.md §4–5."""

from __future__ import annotations

from datetime import datetime

from shared.events.base import EventData, event


@event("supervision", "clock_started")
class ClockStarted(EventData):
    """A statutory clock starts (D1–D8)."""

    case_id: str
    kind: str
    rule: str
    started_at: datetime
    due_at: datetime
    unit_id: str | None = None


@event("supervision", "clock_stopped")
class ClockStopped(EventData):
    """A clock's obligation is fulfilled (``met`` / ``met_late``) or no longer applies (``cancelled``)."""

    case_id: str
    kind: str
    stopped_at: datetime
    outcome: str  # met | met_late | cancelled
    reason: str = ""
