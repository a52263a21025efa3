"""The request and response bodies of intake's HTTP API (DESIGN.md §6).

Request models check types and bound sizes only; the rules (GB 11643 ID numbers, phones, headcount,
receipt time, receiving unit, empty or oversized text) are the domain's ``validate_petition``, so a
clerk, an integration and an import get the same field errors.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.intake.domain.drafts import PetitionDraft

Channel = Literal["visit", "letter", "online", "hotline", "mailbox", "green_post", "leader_reception", "proxy"]


class PetitionerIn(BaseModel):
    name: str = Field(default="", max_length=200)
    id_number: str | None = Field(default=None, max_length=40, description="GB 11643, 18 characters (15 accepted)")
    phone: str | None = Field(default=None, max_length=40)
    address: str | None = Field(default=None, max_length=500)
    representative: bool = Field(default=False, description="chosen by a collective visit to speak for it (R11)")


class PlaceIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    address: str | None = Field(default=None, max_length=500)
    region_code: str | None = Field(default=None, max_length=12)


class ExternalRef(BaseModel):
    system: str = Field(min_length=1, max_length=80)
    id: str = Field(min_length=1, max_length=200)


class PetitionIn(BaseModel):
    channel: Channel
    received_at: datetime = Field(description="with a time zone offset; may lie in the past (D8)")
    received_by: str = Field(max_length=80, description="unit id, e.g. 370703:petition_bureau")
    petitioners: list[PetitionerIn] = Field(default_factory=list, max_length=1000)
    headcount: int = Field(default=1, description="涉及人数: at least the number of petitioners")
    title: str = ""
    content: str = ""
    place: PlaceIn = Field(default_factory=PlaceIn)
    category: str | None = Field(default=None, max_length=80, description="optional hint from the clerk")
    accused_units: list[str] = Field(default_factory=list, max_length=50)
    urgent: bool = False
    leader_instructed: bool = False
    external_ref: ExternalRef | None = None

    def draft(self) -> PetitionDraft:
        data = self.model_dump()
        data["place"] = self.place.model_dump(exclude_none=True)
        return PetitionDraft.from_mapping(data)

    def digest(self) -> str:
        """Of the request as sent: an Idempotency-Key reused for another body is refused."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()


class FieldProblem(BaseModel):
    field: str
    code: str
    message: str


class RepeatOut(BaseModel):
    """R12: the earlier case this one repeats; ``applied`` false means shown to the clerk only."""

    outcome: str
    applied: bool
    original_case_id: str | None
    original_case_no: str | None
    similarity: float
    rules: list[str]
    reason: str
    window_ends_at: datetime | None = None
    shared_words: list[str] = []


class LinkedCase(BaseModel):
    case_id: str
    case_no: str | None


class ClusterOut(BaseModel):
    """R12: similar matters from other petitioners within a few days (a possible collective petition)."""

    linked: list[LinkedCase]
    petitioners: int
    min_similarity: float
    window_days: int
    shared_words: list[str] = []


class UrgentEvidenceOut(BaseModel):
    kind: str
    phrase: str
    context: str


class PetitionCreated(BaseModel):
    case_id: str
    case_no: str
    query_code: str | None = Field(
        description="查询码 for the petitioner, shown once; null when a retry found the earlier registration"
    )
    status: str
    flags: list[str]
    warnings: list[FieldProblem] = []
    repeat: RepeatOut | None = None
    cluster: ClusterOut | None = None
    urgent_suggestion: list[UrgentEvidenceOut] = Field(
        default_factory=list, description="S11: phrases suggesting urgency, for the clerk to confirm"
    )


# --- the clerk's side --------------------------------------------------------------------------------


class MaterialIn(BaseModel):
    kind: str = Field(description="letter, photo, video, recording, transcript, certificate, contract, judgment, other")
    title: str = Field(max_length=200)
    material_id: str | None = Field(default=None, max_length=80, description="stable id: a retried upload adds nothing")
    media_type: str | None = Field(default=None, max_length=100)
    size_bytes: int | None = Field(default=None, ge=0)
    sha256: str | None = Field(default=None, max_length=64)


class CorrectionIn(BaseModel):
    field: str = Field(max_length=40)
    value: Any = None
    reason: str = Field(max_length=1000)


class ReasonIn(BaseModel):
    reason: str = Field(default="", max_length=2000)


class UrgentConfirmIn(BaseModel):
    kinds: list[str] = Field(description="extreme_act, beijing, mass_incident", max_length=3)
    evidence: list[str] = Field(default_factory=list, max_length=20)
    note: str = Field(default="", max_length=2000)


class MergeIn(BaseModel):
    original_case_id: str | None = Field(default=None, max_length=36)
    original_case_no: str | None = Field(default=None, max_length=40)
    reason: str = Field(default="", max_length=2000)
    similarity: float | None = None


class ReplyIn(BaseModel):
    replied_at: AwareDatetime
    delivered_at: AwareDatetime | None = Field(default=None, description="when the petitioner received it (D4 runs from it)")


class OpinionIn(BaseModel):
    decided_at: AwareDatetime
    delivered_at: AwareDatetime | None = None


class TerminationIn(BaseModel):
    terminated_at: AwareDatetime
    reason: str = Field(default="", max_length=2000)


class CaseChanged(BaseModel):
    case_id: str
    case_no: str
    status: str
    flags: list[str]
    version: int
    recorded: list[str] = Field(description="types of the events recorded (empty: nothing changed)")


class QueryCodeOut(BaseModel):
    case_id: str
    case_no: str
    query_code: str


# --- the petitioner's side -------------------------------------------------------------------------


class EvaluationIn(BaseModel):
    code: str = Field(max_length=40, description="查询码")
    evaluation: str = Field(max_length=20, description="满意 / 基本满意 / 不满意 (or satisfied, basically_satisfied, unsatisfied)")
    comment: str = Field(default="", max_length=2000)


class ReviewIn(BaseModel):
    code: str = Field(max_length=40, description="查询码")
    reason: str = Field(max_length=5000, description="复查/复核请求和理由")
