"""Commands on the petition aggregate. Each carries ``at``: the moment it is issued (the service's clock)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from services.intake.domain.drafts import PetitionDraft
from services.intake.domain.flags import UrgentKind
from services.intake.domain.repeats import ClusterFlag, RepeatDecision
from services.intake.domain.validation import DEFAULT_LIMITS, Limits

Evaluation = Literal["satisfied", "basically_satisfied", "unsatisfied"]
EVALUATIONS: tuple[Evaluation, ...] = ("satisfied", "basically_satisfied", "unsatisfied")

MATERIAL_KINDS: frozenset[str] = frozenset(
    {"letter", "photo", "video", "recording", "transcript", "certificate", "contract", "judgment", "other"}
)


@dataclass(frozen=True)
class Register:
    """登记. The service has allocated ``case_no`` and checked the receiving unit against the directory."""

    case_id: str
    case_no: str
    draft: PetitionDraft
    at: datetime
    received_by_level: str | None = None
    query_code_digest: str | None = None
    repeat: RepeatDecision | None = None
    #: the petitioners as the event keeps them (P1: the service's encrypted form); None: as entered
    stored_petitioners: tuple[Mapping[str, Any], ...] | None = None
    #: an earlier case that may be the same matter, below the automatic threshold: shown to the clerk
    repeat_candidate: RepeatDecision | None = None
    cluster: ClusterFlag | None = None
    limits: Limits = DEFAULT_LIMITS


@dataclass(frozen=True)
class AddMaterial:
    material_id: str
    kind: str
    title: str
    at: datetime
    media_type: str | None = None
    size_bytes: int | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class CorrectField:
    """Correct a registered field; the history keeps the old value and the reason."""

    field: str
    value: Any
    reason: str
    at: datetime


@dataclass(frozen=True)
class Withdraw:
    at: datetime
    reason: str = ""


@dataclass(frozen=True)
class MarkAbnormal:
    """非正常上访, recorded by a clerk with what happened."""

    reason: str
    at: datetime


@dataclass(frozen=True)
class ConfirmUrgent:
    """S11: the clerk confirms the suggestion (or raises it unprompted)."""

    kinds: tuple[UrgentKind, ...]
    at: datetime
    evidence: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Merge:
    """R12: a clerk merges this case, a repeat, into the original that is being handled."""

    original_case_id: str
    at: datetime
    similarity: float | None = None
    reason: str = ""


@dataclass(frozen=True)
class AttachRepeat:
    """R12, on the original: a repeat (``repeat_case_id``) is merged into this case while it is handled."""

    repeat_case_id: str
    at: datetime
    similarity: float | None = None
    reason: str = ""


@dataclass(frozen=True)
class ReissueQueryCode:
    """A new query code for the petitioner (the old one is lost); the service keeps only its digest."""

    query_code_digest: str
    at: datetime


@dataclass(frozen=True)
class RecordReply:
    """Fact from supervision: the reply was given (and delivered)."""

    replied_at: datetime
    at: datetime
    delivered_at: datetime | None = None
    source_event_id: str | None = None


@dataclass(frozen=True)
class RecordReviewOpinion:
    decided_at: datetime
    at: datetime
    delivered_at: datetime | None = None
    source_event_id: str | None = None


@dataclass(frozen=True)
class RecordReReviewOpinion:
    decided_at: datetime
    at: datetime
    delivered_at: datetime | None = None
    source_event_id: str | None = None


@dataclass(frozen=True)
class RecordTermination:
    terminated_at: datetime
    at: datetime
    reason: str = ""
    source_event_id: str | None = None


@dataclass(frozen=True)
class Evaluate:
    """The petitioner's evaluation of the reply (满意 / 基本满意 / 不满意)."""

    evaluation: Evaluation
    at: datetime
    comment: str = ""


@dataclass(frozen=True)
class RequestReview:
    """复查 (D4)."""

    reason: str
    at: datetime


@dataclass(frozen=True)
class RequestReReview:
    """复核 (D5)."""

    reason: str
    at: datetime


Command = (
    Register
    | AddMaterial
    | CorrectField
    | Withdraw
    | MarkAbnormal
    | ConfirmUrgent
    | Merge
    | AttachRepeat
    | ReissueQueryCode
    | RecordReply
    | RecordReviewOpinion
    | RecordReReviewOpinion
    | RecordTermination
    | Evaluate
    | RequestReview
    | RequestReReview
)
