"""Events recorded by intake (the petition aggregate). DOMAIN.md §1–2."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.events.base import EventData, event


@event("intake", "petition_registered")
class PetitionRegistered(EventData):
    case_id: str
    case_no: str
    channel: str
    received_at: datetime
    received_by: str
    headcount: int
    title: str
    content: str
    place: dict[str, Any] = {}
    category_hint: str | None = None
    accused_units: list[str] = []
    petitioners: list[dict[str, Any]] = []
    urgent: bool = False
    leader_instructed: bool = False
    flags: list[str] = []
    external_ref: dict[str, str] | None = None
