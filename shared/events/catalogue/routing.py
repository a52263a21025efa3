"""Events recorded by routing (the assignment aggregate). DOMAIN.md §3."""

from __future__ import annotations

from typing import Any

from shared.events.base import EventData, event


@event("routing", "case_routed")
class CaseRouted(EventData):
    """R1–R14: where the case goes and why."""

    case_id: str
    category: str | None
    category_confidence: float
    region_code: str | None
    unit_id: str | None
    disposition: str
    flags: list[str] = []
    explanation: list[str] = []
    directory_version: str = ""
    detail: dict[str, Any] = {}
