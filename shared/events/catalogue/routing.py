"""Events recorded by routing (the assignment aggregate and the directory). DOMAIN.md §3.

A case's routing stream (subject = case id) holds every step of its assignment: ``case_routed`` for each
decision — the first one and every later one after a return, a dispute, a triage decision or a
reassignment, with ``detail.cause`` saying which — and the steps in between (signed, returned, disputed,
decided, reassigned). Supervision starts D2 on each forwarded or assigned ``case_routed``.

The directory (jurisdiction.yaml + categories.yaml) and the classifier vocabulary are versioned: each
published version is an event on the ``directory`` or ``vocabulary`` stream (subject = that name), with
the full YAML text, so any routing decision can be explained with the directory it was made with.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.events.base import EventData, event


@event("routing", "case_routed")
class CaseRouted(EventData):
    """R1–R14: where the case goes and why.

    ``detail``: ``cause`` (registration, return, dispute, triage, dispute_decision, reassign, merge),
    ``evidence``, ``excluded_units``, ``accused_units`` (the accused units the petition names, resolved to
    unit ids: none of them may see the case, P2), ``notify``, ``key_case``, ``unit_name``, ``unit_rule``,
    ``place_name``, ``place_source``, ``vocabulary_version``, ``why`` (the explanation in a clerk's words),
    and for later decisions ``reason``, ``previous_unit_id``, ``decided_by_unit``, ``binding``.
    """

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


@event("routing", "case_signed")
class CaseSigned(EventData):
    """签收: the unit the case was sent to acknowledges it."""

    case_id: str
    unit_id: str
    signed_at: datetime


@event("routing", "case_returned")
class CaseReturned(EventData):
    """R13 退回: the unit objects, with a reason, within 5 working days of receiving the case
    (``received_at``; the window closed at ``deadline``). A ``case_routed`` or ``case_disputed`` follows."""

    case_id: str
    unit_id: str
    reason: str
    received_at: datetime
    deadline: datetime
    returned_at: datetime


@event("routing", "case_disputed")
class CaseDisputed(EventData):
    """R13: a second return, or a return of a case a clerk placed: the petition bureau one level above the
    disputed units decides, bindingly (it is then in that bureau's triage queue, flagged ``dispute``)."""

    case_id: str
    disputed_units: list[str]
    bureau_id: str | None
    reason: str
    disputed_at: datetime


@event("routing", "triage_decided")
class TriageDecided(EventData):
    """R9: a clerk of the bureau whose triage queue held the case decided where it goes, with a reason.
    ``binding`` when it settled a dispute (R13)."""

    case_id: str
    bureau_id: str
    unit_id: str
    disposition: str
    category: str | None = None
    reason: str
    binding: bool = False
    decided_at: datetime


@event("routing", "dispute_decided")
class DisputeDecided(EventData):
    """R13: the binding decision of the petition bureau one level above the disputed units."""

    case_id: str
    bureau_id: str
    unit_id: str
    reason: str
    decided_at: datetime


@event("routing", "case_reassigned")
class CaseReassigned(EventData):
    """A supervisor moved the case to another unit, with a reason."""

    case_id: str
    from_unit_id: str | None
    unit_id: str
    disposition: str
    reason: str
    reassigned_at: datetime


@event("routing", "directory_published")
class DirectoryPublished(EventData):
    """A version of the directory: jurisdiction.yaml and categories.yaml as imported. ``directory_version``
    is the hash every routing decision made with it records."""

    directory_version: str
    jurisdiction_yaml: str
    categories_yaml: str
    published_by: str
    note: str = ""
    regions: int = 0
    units: int = 0
    categories: int = 0
    published_at: datetime


@event("routing", "vocabulary_published")
class VocabularyPublished(EventData):
    """A version of the classifier vocabulary (routing_vocabulary.yaml), extended by operators (R1)."""

    vocabulary_version: str
    vocabulary_yaml: str
    published_by: str
    note: str = ""
    terms: int = 0
    published_at: datetime
