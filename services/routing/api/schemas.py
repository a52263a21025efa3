"""Response bodies of routing's API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BaseModel, Field

_SHANGHAI = ZoneInfo("Asia/Shanghai")


def _local(value: datetime) -> datetime:
    return value.astimezone(_SHANGHAI) if value.tzinfo else value


#: times are shown as clerks read them, in Asia/Shanghai with the offset (2026-03-10T00:00:00+08:00)
LocalTime = Annotated[datetime, AfterValidator(_local)]


class Decision(BaseModel):
    """A routing decision (DESIGN.md §6 fields first) and its trail (R14)."""

    category: str | None
    category_confidence: float
    region_code: str | None
    unit_id: str | None
    disposition: str
    flags: list[str]
    explanation: list[str] = Field(description="the rules applied, in order (R14)")
    why: list[str] = Field(default=[], description="“why here?” in a clerk's words")
    unit_name: str | None = None
    category_name: str | None = None
    place_name: str | None = None
    evidence: list[dict[str, Any]] = []
    excluded_units: list[dict[str, Any]] = []
    notify: list[dict[str, Any]] = []
    key_case: bool = False
    directory_version: str
    vocabulary_version: str = ""


class HistoryStep(BaseModel):
    """One routing step of a case: a decision, a sign-for, a return, a dispute, a placement."""

    sequence: int
    at: LocalTime
    event: str
    summary: str
    unit_id: str | None = None
    disposition: str | None = None
    cause: str | None = None
    reason: str | None = None
    actor: str | None = None
    actor_unit: str | None = None


class Assignment(Decision):
    case_id: str
    case_no: str | None = None
    title: str | None = None
    received_by: str | None = None
    routed_at: LocalTime = Field(description="when the current unit received the case")
    cause: str | None = Field(default=None, description="what led to the current decision")
    signed_at: LocalTime | None = None
    signed_by: str | None = None
    return_deadline: LocalTime | None = Field(default=None, description="R13: the unit may return it until then")
    binding: bool = False
    is_open: bool = True
    history: list[HistoryStep] = []


class CaseSummary(BaseModel):
    """A line of an inbox or a triage queue."""

    case_id: str
    case_no: str | None
    title: str | None
    category: str | None
    category_name: str | None = None
    region_code: str | None
    place_name: str | None = None
    unit_id: str | None
    disposition: str
    flags: list[str]
    routed_at: LocalTime
    cause: str | None = None
    signed_at: LocalTime | None = None
    return_deadline: LocalTime | None = None
    received_by: str | None = None
    why: list[str] = []
