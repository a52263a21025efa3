"""The petition aggregate: its state is a fold of its events; a command is decided against the state.

    state = fold(events)
    new_events = decide(command, state)      # or DomainError
    state = fold(new_events, state)

Lifecycle as intake sees it (DOMAIN.md §2): open → replied → review_requested → reviewed →
re_review_requested → re_reviewed, or terminated / withdrawn at the points the rules allow. A repeat of an
open matter is ``merged``; a repeat of a terminated one is ``not_accepted`` (R12). Replies, review
opinions and termination are facts that other services report (``Record*`` commands).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from services.intake.domain.commands import (
    EVALUATIONS,
    MATERIAL_KINDS,
    AddMaterial,
    AttachRepeat,
    Command,
    ConfirmUrgent,
    CorrectField,
    Evaluate,
    MarkAbnormal,
    Merge,
    RecordReply,
    RecordReReviewOpinion,
    RecordReviewOpinion,
    RecordTermination,
    Register,
    ReissueQueryCode,
    RequestReReview,
    RequestReview,
    Withdraw,
)
from services.intake.domain.corrections import CORRECTABLE, NOT_CORRECTABLE, check_correction
from services.intake.domain.errors import DomainError
from services.intake.domain.flags import URGENT_KINDS, collective_flags, suggest_urgent
from services.intake.domain.repeats import RE_REVIEW_WINDOW_DAYS, REVIEW_WINDOW_DAYS
from services.intake.domain.validation import check_draft
from services.intake.domain.windows import CHINA, WorkingDayCalendar, period_end, weekdays
from shared.events.base import EventData
from shared.events.catalogue.intake import (
    CollectiveClusterFlagged,
    EvaluationRecorded,
    FieldCorrected,
    MarkedAbnormal,
    MaterialAdded,
    PetitionRegistered,
    PetitionWithdrawn,
    QueryCodeReissued,
    RepeatMerged,
    RepeatSuspected,
    ReplySeen,
    ReReviewOpinionSeen,
    ReReviewRequested,
    ReviewOpinionSeen,
    ReviewRequested,
    TerminationSeen,
    UrgentConfirmed,
)

Status = Literal[
    "unregistered",
    "open",
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
#: Nothing more happens to the matter in these states (withdrawal, merge, R12/D6 not accepted, D6 end).
CLOSED: frozenset[str] = frozenset({"merged", "not_accepted", "withdrawn", "re_reviewed", "terminated"})
#: R12: a repeat is merged into an original in these states (the same matter is being handled).
TAKES_REPEATS: frozenset[str] = frozenset({"open", "review_requested", "re_review_requested"})


@dataclass(frozen=True)
class PetitionState:
    status: Status = "unregistered"
    version: int = 0
    case_id: str = ""
    case_no: str = ""
    channel: str = ""
    received_at: datetime | None = None
    received_by: str = ""
    received_by_level: str | None = None
    headcount: int = 0
    petitioner_count: int = 0
    title: str = ""
    content: str = ""
    place: Mapping[str, Any] = field(default_factory=dict)
    category_hint: str | None = None
    accused_units: tuple[str, ...] = ()
    leader_instructed: bool = False
    flags: frozenset[str] = frozenset()
    urgent: bool = False
    urgent_kinds: tuple[str, ...] = ()
    abnormal_marks: int = 0
    materials: tuple[str, ...] = ()
    corrections: int = 0
    merged_into: str | None = None
    repeat_of: str | None = None
    #: repeats merged into this case (R12), oldest first
    repeats: tuple[str, ...] = ()
    #: an earlier case shown to the clerk as possibly the same matter
    repeat_candidate: str | None = None
    replied_at: datetime | None = None
    reply_delivered_at: datetime | None = None
    evaluation: str | None = None
    review_requested_at: datetime | None = None
    review_opinion_at: datetime | None = None
    review_opinion_delivered_at: datetime | None = None
    re_review_requested_at: datetime | None = None
    re_review_opinion_at: datetime | None = None
    terminated_at: datetime | None = None
    withdrawn_at: datetime | None = None
    seen_sources: frozenset[str] = frozenset()

    @property
    def registered(self) -> bool:
        return self.status != "unregistered"

    @property
    def closed(self) -> bool:
        return self.status in CLOSED


# --- evolve ----------------------------------------------------------------------------------------


def evolve(state: PetitionState, event: EventData) -> PetitionState:
    """The state after one more event. Events of unknown types only advance the version."""
    state = replace(state, version=state.version + 1)
    match event:
        case PetitionRegistered():
            return replace(
                state,
                status="not_accepted" if event.repeat_outcome == "not_accepted" else "open",
                case_id=event.case_id,
                case_no=event.case_no,
                channel=event.channel,
                received_at=event.received_at,
                received_by=event.received_by,
                received_by_level=event.received_by_level,
                headcount=event.headcount,
                petitioner_count=len(event.petitioners),
                title=event.title,
                content=event.content,
                place=dict(event.place),
                category_hint=event.category_hint,
                accused_units=tuple(event.accused_units),
                leader_instructed=event.leader_instructed,
                flags=frozenset(event.flags),
                urgent=event.urgent,
                repeat_of=event.repeat_of,
            )
        case MaterialAdded():
            return replace(state, materials=(*state.materials, event.material_id))
        case FieldCorrected():
            return _corrected(replace(state, corrections=state.corrections + 1), event.field, event.new_value)
        case PetitionWithdrawn():
            return replace(state, status="withdrawn", withdrawn_at=event.withdrawn_at)
        case MarkedAbnormal():
            return replace(state, abnormal_marks=state.abnormal_marks + 1, flags=state.flags | {"abnormal"})
        case UrgentConfirmed():
            return replace(
                state, urgent=True, urgent_kinds=tuple(event.kinds), flags=state.flags | {"urgent"}
            )
        case RepeatMerged() if event.original_case_id == state.case_id != event.case_id:
            # recorded on the original's stream: it received a repeat and stays as it is
            return replace(state, repeats=(*state.repeats, event.case_id))
        case RepeatMerged():
            return replace(
                state, status="merged", merged_into=event.original_case_id, flags=state.flags | {"repeat"}
            )
        case RepeatSuspected():
            return replace(
                state, repeat_candidate=event.candidate_case_id, flags=state.flags | {"possible_repeat"}
            )
        case QueryCodeReissued():
            return state
        case CollectiveClusterFlagged():
            return replace(state, flags=state.flags | {"possible_cluster"})
        case ReplySeen():
            status: Status = "replied" if state.status == "open" else state.status
            return replace(
                _seen(state, event.source_event_id),
                status=status,
                replied_at=event.replied_at,
                reply_delivered_at=event.delivered_at,
            )
        case ReviewOpinionSeen():
            status = "reviewed" if state.status in ("open", "replied", "review_requested") else state.status
            return replace(
                _seen(state, event.source_event_id),
                status=status,
                review_opinion_at=event.decided_at,
                review_opinion_delivered_at=event.delivered_at,
            )
        case ReReviewOpinionSeen():
            status = (
                state.status if state.status in ("withdrawn", "merged", "not_accepted") else "re_reviewed"
            )
            return replace(
                _seen(state, event.source_event_id), status=status, re_review_opinion_at=event.decided_at
            )
        case TerminationSeen():
            status = state.status if state.status in ("withdrawn", "merged") else "terminated"
            return replace(
                _seen(state, event.source_event_id), status=status, terminated_at=event.terminated_at
            )
        case EvaluationRecorded():
            return replace(state, evaluation=event.evaluation)
        case ReviewRequested():
            return replace(state, status="review_requested", review_requested_at=event.requested_at)
        case ReReviewRequested():
            return replace(state, status="re_review_requested", re_review_requested_at=event.requested_at)
    return state


def fold(events: Iterable[EventData], state: PetitionState | None = None) -> PetitionState:
    current = state if state is not None else PetitionState()
    for event in events:
        current = evolve(current, event)
    return current


def _seen(state: PetitionState, source_event_id: str | None) -> PetitionState:
    if source_event_id is None:
        return state
    return replace(state, seen_sources=state.seen_sources | {source_event_id})


def _corrected(state: PetitionState, name: str, value: Any) -> PetitionState:
    if name == "received_at":
        return replace(state, received_at=datetime.fromisoformat(value) if isinstance(value, str) else value)
    if name == "headcount":
        flags = state.flags - {"collective", "large_collective"}
        return replace(
            state, headcount=value, flags=flags | set(collective_flags(value, state.received_by_level))
        )
    if name == "place":
        return replace(state, place=dict(value))
    if name == "accused_units":
        return replace(state, accused_units=tuple(value))
    if name in ("title", "content", "channel", "category_hint", "leader_instructed"):
        return replace(state, **{name: value})
    return state


# --- decide ----------------------------------------------------------------------------------------


def decide(
    command: Command, state: PetitionState, *, is_working_day: WorkingDayCalendar = weekdays
) -> list[EventData]:
    """The events a command produces against ``state``, or :class:`DomainError`.

    ``is_working_day`` is the statutory calendar used to end the D4/D5 windows (default Monday–Friday).
    Facts reported twice (same ``source_event_id``) produce no new events.
    """
    if isinstance(command, Register):
        return _register(command, state)
    if not state.registered:
        raise DomainError("not_registered", "案件尚未登记 / the case is not registered")
    match command:
        case AddMaterial():
            return _add_material(command, state)
        case CorrectField():
            return _correct_field(command, state)
        case Withdraw():
            _require_not_closed(state, "撤回 / withdraw")
            return [
                PetitionWithdrawn(
                    case_id=state.case_id, reason=command.reason.strip(), withdrawn_at=command.at
                )
            ]
        case MarkAbnormal():
            _require_text(command.reason, "reason", "请写明非正常上访的情形 / say what happened")
            return [
                MarkedAbnormal(case_id=state.case_id, reason=command.reason.strip(), marked_at=command.at)
            ]
        case ConfirmUrgent():
            return _confirm_urgent(command, state)
        case Merge():
            return _merge(command, state)
        case AttachRepeat():
            return _attach_repeat(command, state)
        case ReissueQueryCode():
            _require_text(command.query_code_digest, "query_code_digest", "缺少查询码摘要 / no digest")
            return [
                QueryCodeReissued(
                    case_id=state.case_id, query_code_digest=command.query_code_digest, reissued_at=command.at
                )
            ]
        case RecordReply():
            if _already_seen(state, command.source_event_id) or (
                state.replied_at == command.replied_at and state.reply_delivered_at == command.delivered_at
            ):
                return []
            return [
                ReplySeen(
                    case_id=state.case_id,
                    replied_at=command.replied_at,
                    delivered_at=command.delivered_at,
                    source_event_id=command.source_event_id,
                )
            ]
        case RecordReviewOpinion():
            if _already_seen(state, command.source_event_id) or (
                state.review_opinion_at == command.decided_at
                and state.review_opinion_delivered_at == command.delivered_at
            ):
                return []
            return [
                ReviewOpinionSeen(
                    case_id=state.case_id,
                    decided_at=command.decided_at,
                    delivered_at=command.delivered_at,
                    source_event_id=command.source_event_id,
                )
            ]
        case RecordReReviewOpinion():
            if (
                _already_seen(state, command.source_event_id)
                or state.re_review_opinion_at == command.decided_at
            ):
                return []  # the end of the procedure: its delivery time changes nothing
            return [
                ReReviewOpinionSeen(
                    case_id=state.case_id,
                    decided_at=command.decided_at,
                    delivered_at=command.delivered_at,
                    source_event_id=command.source_event_id,
                )
            ]
        case RecordTermination():
            if _already_seen(state, command.source_event_id) or state.terminated_at is not None:
                return []
            return [
                TerminationSeen(
                    case_id=state.case_id,
                    terminated_at=command.terminated_at,
                    reason=command.reason,
                    source_event_id=command.source_event_id,
                )
            ]
        case Evaluate():
            return _evaluate(command, state)
        case RequestReview():
            return _request_review(command, state, is_working_day)
        case RequestReReview():
            return _request_re_review(command, state, is_working_day)
    raise TypeError(f"unknown command {command!r}")  # pragma: no cover - the union is exhaustive


def _register(command: Register, state: PetitionState) -> list[EventData]:
    if state.registered:
        raise DomainError("already_registered", f"案件 {state.case_no} 已登记 / already registered")
    draft = command.draft
    checked = check_draft(draft, now=command.at, limits=command.limits)
    if not checked.ok:
        raise DomainError(
            "invalid_petition", "登记信息有误 / the petition has invalid fields", errors=checked.errors
        )

    flags = collective_flags(draft.headcount, command.received_by_level)
    suggestion = suggest_urgent(draft.title, draft.content)
    if suggestion:
        flags.append("urgent_suggested")
    if draft.urgent:
        flags.append("urgent")
    repeat = command.repeat if command.repeat is not None and command.repeat.is_repeat else None
    if repeat is not None:
        flags.append("repeat")
        if repeat.outcome == "review":
            flags.append("repeat_after_reply")
        elif repeat.outcome == "re_review":
            flags.append("repeat_after_review")
    candidate = command.repeat_candidate
    if repeat is None and candidate is not None and candidate.is_repeat and candidate.original_case_id:
        flags.append("possible_repeat")
    else:
        candidate = None
    if command.cluster is not None:
        flags.append("possible_cluster")

    events: list[EventData] = [
        PetitionRegistered(
            case_id=command.case_id,
            case_no=command.case_no,
            channel=draft.channel,
            received_at=draft.received_at,
            received_by=draft.received_by,
            received_by_level=command.received_by_level,
            headcount=draft.headcount,
            title=draft.title.strip(),
            content=draft.content.strip(),
            place=dict(draft.place),
            category_hint=draft.category_hint,
            accused_units=list(draft.accused_units),
            petitioners=[dict(p) for p in command.stored_petitioners]
            if command.stored_petitioners is not None
            else [p.as_dict() for p in draft.petitioners],
            urgent=draft.urgent,
            leader_instructed=draft.leader_instructed,
            flags=flags,
            external_ref=dict(draft.external_ref) if draft.external_ref else None,
            query_code_digest=command.query_code_digest,
            repeat_of=repeat.original_case_id if repeat else None,
            repeat_outcome=repeat.outcome if repeat else None,
            repeat_rules=list(repeat.rules) if repeat else [],
            repeat_window_ends_at=repeat.window_ends_at if repeat else None,
            urgent_evidence=[
                {"kind": item.kind, "phrase": item.phrase, "context": item.context}
                for item in suggestion.evidence
            ],
        )
    ]
    if repeat is not None and repeat.outcome == "merge" and repeat.original_case_id:
        events.append(
            RepeatMerged(
                case_id=command.case_id,
                original_case_id=repeat.original_case_id,
                similarity=repeat.similarity,
                reason=repeat.reason,
                merged_at=command.at,
            )
        )
    if candidate is not None and candidate.original_case_id:
        events.append(
            RepeatSuspected(
                case_id=command.case_id,
                candidate_case_id=candidate.original_case_id,
                candidate_case_no=candidate.original_case_no,
                similarity=candidate.similarity,
                outcome=candidate.outcome,
                rules=list(candidate.rules),
                reason=candidate.reason,
                shared_words=list(candidate.shared_words),
                suspected_at=command.at,
            )
        )
    if command.cluster is not None:
        events.append(
            CollectiveClusterFlagged(
                case_id=command.case_id,
                linked_case_ids=list(command.cluster.case_ids),
                petitioners=command.cluster.petitioners,
                min_similarity=command.cluster.min_similarity,
                window_days=command.cluster.window_days,
                shared_words=list(command.cluster.shared_words),
                flagged_at=command.at,
            )
        )
    return events


def _add_material(command: AddMaterial, state: PetitionState) -> list[EventData]:
    if state.status == "merged":
        raise DomainError(
            "merged",
            f"本件已并入 {state.merged_into}，请将材料补充到原件 / add material to the original case",
        )
    _require_not_closed(state, "补充材料 / add material")
    if command.material_id in state.materials:
        return []  # the same upload retried
    if command.kind not in MATERIAL_KINDS:
        raise DomainError(
            "invalid_material_kind",
            f"未知的材料类型 / material kinds are {', '.join(sorted(MATERIAL_KINDS))}",
        )
    _require_text(command.title, "title", "请填写材料名称 / give the material a title")
    return [
        MaterialAdded(
            case_id=state.case_id,
            material_id=command.material_id,
            kind=command.kind,
            title=command.title.strip(),
            added_at=command.at,
            media_type=command.media_type,
            size_bytes=command.size_bytes,
            sha256=command.sha256,
        )
    ]


def _correct_field(command: CorrectField, state: PetitionState) -> list[EventData]:
    if command.field in NOT_CORRECTABLE:
        raise DomainError("field_not_correctable", NOT_CORRECTABLE[command.field])
    if command.field not in CORRECTABLE:
        raise DomainError(
            "unknown_field", f"没有此可更正字段 / correctable fields are {', '.join(sorted(CORRECTABLE))}"
        )
    _require_text(command.reason, "reason", "更正须写明理由 / a correction needs a reason")
    new_value, problem = check_correction(
        command.field, command.value, now=command.at, petitioners=state.petitioner_count
    )
    if problem is not None:
        raise DomainError("invalid_value", problem.message, errors=[problem])
    old_value = _current_value(state, command.field)
    if old_value == new_value:
        raise DomainError("unchanged", "新值与原值相同 / the new value is the current value")
    return [
        FieldCorrected(
            case_id=state.case_id,
            field=command.field,
            old_value=old_value,
            new_value=new_value,
            reason=command.reason.strip(),
            corrected_at=command.at,
        )
    ]


def _current_value(state: PetitionState, name: str) -> Any:
    value = getattr(state, name)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Mapping):
        return dict(value)
    return value


def _confirm_urgent(command: ConfirmUrgent, state: PetitionState) -> list[EventData]:
    if state.urgent:
        raise DomainError("already_urgent", "已确认为紧急事项 / already confirmed urgent", rule="S11")
    unknown = [kind for kind in command.kinds if kind not in URGENT_KINDS]
    if not command.kinds or unknown:
        raise DomainError(
            "invalid_urgent_kind",
            f"紧急类型应为 {', '.join(URGENT_KINDS)} / urgent kinds are {', '.join(URGENT_KINDS)}",
            rule="S11",
        )
    return [
        UrgentConfirmed(
            case_id=state.case_id,
            kinds=list(dict.fromkeys(command.kinds)),
            evidence=list(command.evidence),
            note=command.note.strip(),
            confirmed_at=command.at,
        )
    ]


def _merge(command: Merge, state: PetitionState) -> list[EventData]:
    if command.original_case_id == state.case_id:
        raise DomainError("self_merge", "不能并入自身 / a case cannot be merged into itself", rule="R12")
    if state.status == "merged":
        raise DomainError("already_merged", f"已并入 {state.merged_into} / already merged", rule="R12")
    if state.status != "open":
        raise DomainError(
            "not_open", "只有在办的案件可以作为重复件并入 / only an open case can be merged", rule="R12"
        )
    return [
        RepeatMerged(
            case_id=state.case_id,
            original_case_id=command.original_case_id,
            similarity=command.similarity,
            reason=command.reason.strip(),
            merged_at=command.at,
        )
    ]


def _attach_repeat(command: AttachRepeat, state: PetitionState) -> list[EventData]:
    """On the original: take in a repeat while the matter is being handled (R12)."""
    if command.repeat_case_id == state.case_id:
        raise DomainError("self_merge", "不能并入自身 / a case cannot be merged into itself", rule="R12")
    if state.status not in TAKES_REPEATS:
        raise DomainError(
            "original_not_open",
            f"原件{_STATUS_WORDS.get(state.status, '不在办理中')}，不能并入 / the original is {state.status}: "
            "only a case being handled takes in repeats",
            rule="R12",
        )
    if command.repeat_case_id in state.repeats:
        return []
    return [
        RepeatMerged(
            case_id=command.repeat_case_id,
            original_case_id=state.case_id,
            similarity=command.similarity,
            reason=command.reason.strip(),
            merged_at=command.at,
        )
    ]


def _evaluate(command: Evaluate, state: PetitionState) -> list[EventData]:
    if command.evaluation not in EVALUATIONS:
        raise DomainError(
            "invalid_evaluation", "评价应为满意、基本满意或不满意 / satisfied, basically, unsatisfied"
        )
    if state.status in ("withdrawn", "merged", "not_accepted"):
        raise DomainError("closed", "本件没有可评价的答复 / this case has no reply to evaluate")
    if state.replied_at is None:
        raise DomainError("no_reply_yet", "答复后才能评价 / evaluation comes after the reply", rule="I7")
    if state.evaluation is not None:
        raise DomainError(
            "already_evaluated", "已评价，不能重复评价 / the reply was already evaluated", rule="I7"
        )
    return [
        EvaluationRecorded(
            case_id=state.case_id,
            evaluation=command.evaluation,
            comment=command.comment.strip(),
            evaluated_at=command.at,
        )
    ]


def _request_review(
    command: RequestReview, state: PetitionState, calendar: WorkingDayCalendar
) -> list[EventData]:
    _require_not_closed(state, "申请复查 / request a review")
    if state.replied_at is None:
        raise DomainError("no_reply_yet", "尚未答复，不能申请复查 / no reply to review yet", rule="D4")
    if state.status in ("review_requested", "reviewed", "re_review_requested"):
        raise DomainError(
            "review_already_requested", "已申请过复查 / a review was already requested", rule="D4"
        )
    _require_text(command.reason, "reason", "请写明复查请求和理由 / give the reasons for the review")
    ends = period_end(
        state.reply_delivered_at or state.replied_at, REVIEW_WINDOW_DAYS, is_working_day=calendar
    )
    if command.at >= ends:
        raise DomainError(
            "review_window_closed",
            f"复查应在收到答复意见之日起 30 日内提出，期限已于 {_deadline(ends)} 届满 / "
            f"the 30-day review window ended {_deadline(ends)}",
            rule="D4",
        )
    return [
        ReviewRequested(
            case_id=state.case_id, reason=command.reason.strip(), requested_at=command.at, window_ends_at=ends
        )
    ]


def _request_re_review(
    command: RequestReReview, state: PetitionState, calendar: WorkingDayCalendar
) -> list[EventData]:
    _require_not_closed(state, "申请复核 / request a re-review")
    if state.status == "re_review_requested":
        raise DomainError(
            "re_review_already_requested", "已申请过复核 / a re-review was already requested", rule="D5"
        )
    if state.status == "review_requested":
        raise DomainError(
            "review_pending", "复查意见作出后才能申请复核 / re-review follows the review opinion", rule="D5"
        )
    if state.review_opinion_at is None:
        raise DomainError(
            "no_review_opinion", "尚无复查意见，不能申请复核 / no review opinion to re-review", rule="D5"
        )
    _require_text(command.reason, "reason", "请写明复核请求和理由 / give the reasons for the re-review")
    start = state.review_opinion_delivered_at or state.review_opinion_at
    ends = period_end(start, RE_REVIEW_WINDOW_DAYS, is_working_day=calendar)
    if command.at >= ends:
        raise DomainError(
            "re_review_window_closed",
            f"复核应在收到复查意见之日起 30 日内提出，期限已于 {_deadline(ends)} 届满 / "
            f"the 30-day re-review window ended {_deadline(ends)}",
            rule="D5",
        )
    return [
        ReReviewRequested(
            case_id=state.case_id, reason=command.reason.strip(), requested_at=command.at, window_ends_at=ends
        )
    ]


def _require_not_closed(state: PetitionState, action: str) -> None:
    if state.closed:
        raise DomainError(
            "closed", f"案件已{_STATUS_WORDS[state.status]}，不能{action} / the case is {state.status}"
        )


def _require_text(value: str, name: str, message: str) -> None:
    if not value.strip():
        raise DomainError(f"{name}_required", message)


def _already_seen(state: PetitionState, source_event_id: str | None) -> bool:
    return source_event_id is not None and source_event_id in state.seen_sources


def _deadline(ends: datetime) -> str:
    """The last day of a window ending at 24:00 of that day, written as people say it."""
    last_day = (ends.astimezone(CHINA) - timedelta(days=1)).date()
    return f"{last_day.isoformat()} 24:00"


_STATUS_WORDS: dict[str, str] = {
    "replied": "已答复",
    "reviewed": "已复查",
    "merged": "并入原件",
    "not_accepted": "不予受理",
    "withdrawn": "撤回",
    "re_reviewed": "复核终结",
    "terminated": "终结",
}
