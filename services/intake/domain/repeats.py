"""Repeat petitions (重信重访) and possible collective clusters. DOMAIN.md R12, D4, D5, D6.

A repeat is the same petitioner (ID number, else phone) raising a similar matter (``similarity``) within
12 months. What happens to it depends on where the earlier case stands:

====================================  =========================================================
earlier case                          outcome for the new petition
====================================  =========================================================
open, being handled, under review     ``merge`` into it (the same matter is not accepted twice)
replied, D4 window still open         ``review``: point the petitioner to review (复查)
reviewed, D5 window still open        ``re_review``: point the petitioner to re-review (复核)
replied / reviewed, window lapsed     ``not_accepted`` (D6: closed when the window lapses)
re-reviewed or terminated             ``not_accepted`` (R12, D6: same facts not accepted again)
withdrawn, or nothing similar         ``new``
====================================  =========================================================

A cluster is similar matters from *different* petitioners within 7 days: a possible collective
petition split into single ones, flagged for the clerk (never merged automatically).

Petitioner keys are compared for equality only, so the service may pass keyed hashes of them instead of
the ID numbers and phones themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from services.intake.domain.drafts import PetitionerInput
from services.intake.domain.id_numbers import canonical_id_number, normalize_id_number
from services.intake.domain.phones import canonical_phone
from services.intake.domain.similarity import SIMILAR, Fingerprint, shared_words, similarity
from services.intake.domain.windows import (
    WorkingDayCalendar,
    months_before,
    period_end,
    require_aware,
    weekdays,
)

REPEAT_WINDOW_MONTHS = 12
REVIEW_WINDOW_DAYS = 30  # D4
RE_REVIEW_WINDOW_DAYS = 30  # D5
CLUSTER_WINDOW = timedelta(days=7)
#: The new petition and earlier ones from at least two other petitioners.
CLUSTER_MIN_PETITIONERS = 3
#: A repeat is acted on without a clerk (merged, pointed to review, not accepted) only at or above this
#: similarity. Between :data:`~services.intake.domain.similarity.SIMILAR` and this, the earlier case is
#: shown to the clerk as a candidate. On the tuning pairs no different-matter pair scores above 0.19
#: (different matters at the same site reach 0.18), while ten of 24 same-matter pairs reach 0.30.
AUTO_APPLY_THRESHOLD = 0.30

CaseStatus = Literal[
    "open",
    "handling",
    "merged",
    "not_accepted",
    "withdrawn",
    "replied",
    "review_requested",
    "reviewed",
    "re_review_requested",
    "re_reviewed",
    "terminated",
]
_BEING_HANDLED: frozenset[str] = frozenset({"open", "handling", "review_requested", "re_review_requested"})
_FINISHED: frozenset[str] = frozenset({"re_reviewed", "terminated", "not_accepted"})

RepeatOutcome = Literal["new", "merge", "review", "re_review", "not_accepted"]
_PRIORITY: dict[str, int] = {"merge": 0, "review": 1, "re_review": 1, "not_accepted": 2}


def petitioner_key(id_number: str | None, phone: str | None) -> str | None:
    """``id:<18 characters>`` when an ID number is given, else ``phone:<digits>``, else None."""
    if id_number and id_number.strip():
        return "id:" + (canonical_id_number(id_number) or normalize_id_number(id_number))
    if phone and phone.strip():
        canonical = canonical_phone(phone)
        return "phone:" + (
            canonical if canonical is not None else "".join(ch for ch in phone if ch.isdigit())
        )
    return None


def petitioner_keys(petitioners: Iterable[PetitionerInput]) -> frozenset[str]:
    keys = (petitioner_key(p.id_number, p.phone) for p in petitioners)
    return frozenset(key for key in keys if key)


@dataclass(frozen=True)
class IncomingPetition:
    petitioner_keys: frozenset[str]
    fingerprint: Fingerprint
    received_at: datetime


@dataclass(frozen=True)
class EarlierCase:
    """What the service knows of an earlier case, from its read model."""

    case_id: str
    petitioner_keys: frozenset[str]
    fingerprint: Fingerprint
    received_at: datetime
    status: CaseStatus
    #: when the petitioner received the reply (D4 runs from it)
    replied_at: datetime | None = None
    #: when the petitioner received the review opinion (D5 runs from it)
    review_opinion_at: datetime | None = None
    case_no: str | None = None


@dataclass(frozen=True)
class RepeatDecision:
    outcome: RepeatOutcome
    original_case_id: str | None = None
    original_case_no: str | None = None
    similarity: float = 0.0
    rules: tuple[str, ...] = ()
    reason: str = ""
    #: end of the review (D4) or re-review (D5) window the petitioner is pointed to
    window_ends_at: datetime | None = None
    shared_words: tuple[str, ...] = ()

    @property
    def is_repeat(self) -> bool:
        return self.outcome != "new"

    @property
    def automatic(self) -> bool:
        """Sure enough to act on without a clerk (:data:`AUTO_APPLY_THRESHOLD`)."""
        return self.is_repeat and self.similarity >= AUTO_APPLY_THRESHOLD


NEW = RepeatDecision(
    outcome="new", rules=("R12",), reason="无相同信访人的相似事项 / no similar earlier matter"
)


def decide_repeat(
    new: IncomingPetition,
    earlier: Iterable[EarlierCase],
    *,
    threshold: float = SIMILAR,
    is_working_day: WorkingDayCalendar = weekdays,
) -> RepeatDecision:
    """R12: what to do with a petition given the earlier cases of its petitioners (any order, any source)."""
    require_aware(new.received_at, "received_at")
    if not new.petitioner_keys:
        return NEW
    since = months_before(new.received_at, REPEAT_WINDOW_MONTHS)
    candidates: list[tuple[int, float, float, RepeatDecision]] = []
    for case in earlier:
        if not (case.petitioner_keys & new.petitioner_keys):
            continue
        if case.received_at < since:
            continue  # older than 12 months: a new matter as far as R12 goes
        # (a case received *after* a backdated petition (D8) still counts: it may be the one being handled)
        score = similarity(new.fingerprint, case.fingerprint)
        if score < threshold:
            continue
        outcome = _outcome(case, new.received_at, is_working_day)
        if outcome is None:
            continue
        found = replace(
            outcome,
            original_case_id=case.case_id,
            original_case_no=case.case_no,
            similarity=round(score, 4),
            shared_words=shared_words(new.fingerprint, case.fingerprint),
        )
        candidates.append((_PRIORITY[found.outcome], -score, -case.received_at.timestamp(), found))
    if not candidates:
        return NEW
    # an earlier case still being handled wins; then the most similar, then the most recent
    return min(candidates, key=lambda item: item[:3])[3]


def _outcome(case: EarlierCase, at: datetime, is_working_day: WorkingDayCalendar) -> RepeatDecision | None:
    if case.status in _BEING_HANDLED:
        return RepeatDecision(
            outcome="merge",
            rules=("R12",),
            reason="同一事项正在办理中，并入原件，不再重复受理 / the same matter is being handled: merged",
        )
    if case.status == "replied":
        return _pointed(
            case.replied_at,
            REVIEW_WINDOW_DAYS,
            at,
            is_working_day,
            outcome="review",
            rule="D4",
            open_reason="已答复，可在收到答复意见之日起 30 日内申请复查 / replied: the petitioner may request a review",
            lapsed_reason="答复后 30 日内未申请复查，事项已办结 / no review requested within 30 days of the reply",
        )
    if case.status == "reviewed":
        return _pointed(
            case.review_opinion_at,
            RE_REVIEW_WINDOW_DAYS,
            at,
            is_working_day,
            outcome="re_review",
            rule="D5",
            open_reason="已复查，可在收到复查意见之日起 30 日内申请复核 / reviewed: the petitioner may request a re-review",
            lapsed_reason="复查意见后 30 日内未申请复核，事项已办结 / no re-review requested within 30 days of the review",
        )
    if case.status in _FINISHED:
        return RepeatDecision(
            outcome="not_accepted",
            rules=("R12", "D6"),
            reason="同一事实和理由已终结，登记但不予受理 / terminated: registered, not accepted again",
        )
    return None  # withdrawn, or itself merged into another case (that one is the original)


def _pointed(
    delivered_at: datetime | None,
    days: int,
    at: datetime,
    is_working_day: WorkingDayCalendar,
    *,
    outcome: RepeatOutcome,
    rule: str,
    open_reason: str,
    lapsed_reason: str,
) -> RepeatDecision:
    if delivered_at is None:
        # the reply is recorded but not when it reached the petitioner: do not shut the door on them
        return RepeatDecision(outcome=outcome, rules=("R12", rule), reason=open_reason)
    ends = period_end(delivered_at, days, is_working_day=is_working_day)
    if at < ends:
        return RepeatDecision(outcome=outcome, rules=("R12", rule), reason=open_reason, window_ends_at=ends)
    return RepeatDecision(
        outcome="not_accepted", rules=("R12", rule, "D6"), reason=lapsed_reason, window_ends_at=ends
    )


@dataclass(frozen=True)
class ClusterFlag:
    """A possible collective cluster (R12): similar matters from several petitioners within a few days."""

    case_ids: tuple[str, ...]  # the earlier cases, oldest first
    petitioners: int  # distinct petitioners, the new one included
    min_similarity: float
    window_days: int
    shared_words: tuple[str, ...] = ()


def find_cluster(
    new: IncomingPetition,
    recent: Iterable[EarlierCase],
    *,
    threshold: float = SIMILAR,
    window: timedelta = CLUSTER_WINDOW,
    min_petitioners: int = CLUSTER_MIN_PETITIONERS,
) -> ClusterFlag | None:
    """R12: similar petitions from different petitioners within ``window`` of this one, or None."""
    require_aware(new.received_at, "received_at")
    linked: list[tuple[EarlierCase, float]] = []
    for case in recent:
        if case.petitioner_keys & new.petitioner_keys:
            continue  # the same petitioner again is a repeat, not a cluster
        if abs(new.received_at - case.received_at) > window:
            continue
        score = similarity(new.fingerprint, case.fingerprint)
        if score >= threshold:
            linked.append((case, score))
    linked.sort(key=lambda item: item[0].received_at)

    seen_keys = set(new.petitioner_keys)
    petitioners = 1
    for case, _ in linked:
        # a petitioner with several similar cases counts once; a case without keys is somebody else
        if not case.petitioner_keys or not (case.petitioner_keys & seen_keys):
            petitioners += 1
        seen_keys |= case.petitioner_keys
    if petitioners < min_petitioners:
        return None
    common = set(new.fingerprint.words)
    for case, _ in linked:
        common &= set(case.fingerprint.words)
    return ClusterFlag(
        case_ids=tuple(case.case_id for case, _ in linked),
        petitioners=petitioners,
        min_similarity=round(min(score for _, score in linked), 4),
        window_days=window.days,
        shared_words=tuple(sorted(common, key=lambda word: (-len(word), word))[:12]),
    )
