"""Events recorded by intake (the petition aggregate). DOMAIN.md §1–2.

Personal data (ID numbers, phones, names, addresses) appears only in ``PetitionRegistered.petitioners``,
which the service encrypts (P1). No other event carries it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.events.base import EventData, event


@event("intake", "petition_registered")
class PetitionRegistered(EventData):
    """登记: every petition is registered, whatever happens next (including repeats, R12)."""

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
    #: level of the receiving unit (county, township...), for R11 large collective
    received_by_level: str | None = None
    #: keyed digest of the query code (查询码); the code itself is never stored
    query_code_digest: str | None = None
    #: R12: the earlier case this one repeats, and what that means: merge, review, re_review, not_accepted
    repeat_of: str | None = None
    repeat_outcome: str | None = None
    repeat_rules: list[str] = []
    #: end of the review / re-review window the petitioner was pointed to (D4 / D5)
    repeat_window_ends_at: datetime | None = None
    #: S11 suggestion from the text, for the clerk: [{"kind", "phrase", "context"}]
    urgent_evidence: list[dict[str, str]] = []


@event("intake", "material_added")
class MaterialAdded(EventData):
    case_id: str
    material_id: str
    kind: str  # letter, photo, recording, transcript, certificate, other
    title: str
    added_at: datetime
    media_type: str | None = None
    size_bytes: int | None = None
    sha256: str | None = None


@event("intake", "field_corrected")
class FieldCorrected(EventData):
    """A registered field corrected: the old value stays in the history; nothing is edited in place."""

    case_id: str
    field: str
    old_value: Any = None
    new_value: Any = None
    reason: str
    corrected_at: datetime


@event("intake", "petition_withdrawn")
class PetitionWithdrawn(EventData):
    case_id: str
    reason: str
    withdrawn_at: datetime


@event("intake", "marked_abnormal")
class MarkedAbnormal(EventData):
    """非正常上访, recorded by a clerk (I9)."""

    case_id: str
    reason: str
    marked_at: datetime


@event("intake", "urgent_confirmed")
class UrgentConfirmed(EventData):
    """S11: a clerk confirms the matter is urgent; it is reported at once."""

    case_id: str
    kinds: list[str]  # extreme_act, beijing, mass_incident
    evidence: list[str] = []
    note: str = ""
    confirmed_at: datetime


@event("intake", "repeat_merged")
class RepeatMerged(EventData):
    """R12: ``case_id`` repeats the open case ``original_case_id`` and is merged into it (not routed again).

    Recorded on both streams: on the repeat's (``subject == case_id``: the repeat is closed as merged) and
    on the original's (``subject == original_case_id``: the original received a repeat). A consumer tells
    the two apart by comparing the envelope's subject with ``case_id``.
    """

    case_id: str
    original_case_id: str
    similarity: float | None = None
    reason: str = ""
    merged_at: datetime


@event("intake", "repeat_suspected")
class RepeatSuspected(EventData):
    """R12: an earlier case of the same petitioner looks like the same matter, but not surely enough to act
    on it automatically. Shown to the clerk, who may merge (``RepeatMerged``) or leave the case as new."""

    case_id: str
    candidate_case_id: str
    candidate_case_no: str | None = None
    similarity: float
    #: what confirming it would mean: merge, review, re_review or not_accepted
    outcome: str
    rules: list[str] = []
    reason: str = ""
    shared_words: list[str] = []
    suspected_at: datetime


@event("intake", "query_code_reissued")
class QueryCodeReissued(EventData):
    """A new query code (查询码) for the petitioner; the earlier one stops working. Only its digest is kept."""

    case_id: str
    query_code_digest: str
    reissued_at: datetime


@event("intake", "collective_cluster_flagged")
class CollectiveClusterFlagged(EventData):
    """R12: similar matters from several petitioners within a few days: a possible collective petition."""

    case_id: str
    linked_case_ids: list[str]
    petitioners: int
    min_similarity: float
    window_days: int
    shared_words: list[str] = []
    flagged_at: datetime


@event("intake", "reply_seen")
class ReplySeen(EventData):
    """The competent unit's reply, as reported by supervision; D4 runs from its delivery."""

    case_id: str
    replied_at: datetime
    delivered_at: datetime | None = None
    source_event_id: str | None = None


@event("intake", "review_opinion_seen")
class ReviewOpinionSeen(EventData):
    """The review opinion (复查意见); D5 runs from its delivery."""

    case_id: str
    decided_at: datetime
    delivered_at: datetime | None = None
    source_event_id: str | None = None


@event("intake", "re_review_opinion_seen")
class ReReviewOpinionSeen(EventData):
    """The re-review opinion (复核意见): the end of the petition procedure (D6)."""

    case_id: str
    decided_at: datetime
    delivered_at: datetime | None = None
    source_event_id: str | None = None


@event("intake", "termination_seen")
class TerminationSeen(EventData):
    """D6: the matter is terminated; the same facts are not accepted again (R12)."""

    case_id: str
    terminated_at: datetime
    reason: str = ""
    source_event_id: str | None = None


@event("intake", "evaluation_recorded")
class EvaluationRecorded(EventData):
    """The petitioner's evaluation of the reply (I7), once."""

    case_id: str
    evaluation: str  # satisfied, basically_satisfied, unsatisfied
    comment: str = ""
    evaluated_at: datetime


@event("intake", "review_requested")
class ReviewRequested(EventData):
    """D4: review (复查) requested within 30 days of receiving the reply."""

    case_id: str
    reason: str
    requested_at: datetime
    window_ends_at: datetime


@event("intake", "re_review_requested")
class ReReviewRequested(EventData):
    """D5: re-review (复核) requested within 30 days of receiving the review opinion."""

    case_id: str
    reason: str
    requested_at: datetime
    window_ends_at: datetime
