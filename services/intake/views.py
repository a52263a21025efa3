"""What people are shown of a case: the staff view, the petitioner's progress page and the Open311
request. Built from the case's stream and the progress reported by routing and supervision.

The petitioner's page names units, never people: no handler names, no actor ids, nothing about other
petitioners (not even their number), no internal marks (abnormal, urgent, clusters, corrections).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from services.intake.directory import Directory
from services.intake.domain.petition import PetitionState, fold
from services.intake.domain.repeats import RE_REVIEW_WINDOW_DAYS, REVIEW_WINDOW_DAYS
from services.intake.domain.windows import CHINA, WorkingDayCalendar, dispatch_deadline, period_end
from shared.events.catalogue.intake import (
    CollectiveClusterFlagged,
    EvaluationRecorded,
    FieldCorrected,
    MarkedAbnormal,
    MaterialAdded,
    PetitionRegistered,
    PetitionWithdrawn,
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
from shared.events.envelope import CloudEvent

STATUS_TEXT: dict[str, str] = {
    "open": "办理中",
    "merged": "已并入原件办理",
    "not_accepted": "已登记，不予受理",
    "withdrawn": "已撤回",
    "replied": "已答复",
    "review_requested": "已申请复查",
    "reviewed": "已复查",
    "re_review_requested": "已申请复核",
    "re_reviewed": "已复核，终结",
    "terminated": "已终结",
}

DISPOSITION_TEXT: dict[str, str] = {
    "forwarded": "转送有权处理的单位",
    "assigned": "交办有权处理的单位",
    "diverted": "属涉法涉诉事项，导入法律程序",
    "recorded": "作为人民建议登记转送",
    "triage": "正在分办",
    "merged": "并入原件办理",
    "not_accepted": "不予受理",
}

EVALUATION_TEXT: dict[str, str] = {"satisfied": "满意", "basically_satisfied": "基本满意", "unsatisfied": "不满意"}

#: Evaluations as petitioners write them.
EVALUATION_WORDS: dict[str, str] = {
    "满意": "satisfied",
    "基本满意": "basically_satisfied",
    "不满意": "unsatisfied",
    "satisfied": "satisfied",
    "basically_satisfied": "basically_satisfied",
    "unsatisfied": "unsatisfied",
}

#: Open311 ``status``: closed once the matter has an answer or ends without one.
OPEN_STATUSES: frozenset[str] = frozenset({"open", "review_requested", "re_review_requested"})


def state_of(events: Sequence[CloudEvent]) -> PetitionState:
    return fold(e.payload() for e in events)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _unit(directory: Directory, unit_id: str | None) -> dict[str, Any] | None:
    if unit_id is None:
        return None
    return {"id": unit_id, "name": directory.unit_name(unit_id)}


def _progress_detail(row: Mapping[str, Any]) -> Mapping[str, Any]:
    detail = row["detail"]
    return detail if isinstance(detail, Mapping) else {}


def clocks_from(progress: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The deadlines supervision reported: ``[{kind, rule, due_at, state}]`` (latest per kind)."""
    clocks: dict[str, dict[str, Any]] = {}
    for row in progress:
        detail = _progress_detail(row)
        if row["type"].startswith("xinfang.supervision.clock_started"):
            clocks[str(detail.get("kind"))] = {
                "kind": detail.get("kind"),
                "rule": detail.get("rule"),
                "due_at": detail.get("due_at"),
                "state": "running",
            }
        elif row["type"].startswith("xinfang.supervision.clock_stopped"):
            clock = clocks.get(str(detail.get("kind")))
            if clock is not None:
                clock["state"] = detail.get("outcome") or "stopped"
    return list(clocks.values())


def responsible_unit(progress: Sequence[Mapping[str, Any]]) -> str | None:
    """The unit of the latest routing decision."""
    unit = None
    for row in progress:
        if row["type"].startswith("xinfang.routing.case_routed") and row["unit_id"]:
            unit = row["unit_id"]
    return unit


def expected_at(
    received_at: datetime, progress: Sequence[Mapping[str, Any]], calendar: WorkingDayCalendar
) -> datetime:
    """When the petitioner can expect the next step: the due time of the furthest running clock that
    supervision reported (handling before acceptance before dispatch), else D1 counted here."""
    running = {c["kind"]: c for c in clocks_from(progress) if c["state"] == "running" and c.get("due_at")}
    for kind in ("handling", "acceptance", "dispatch"):
        if kind in running:
            return datetime.fromisoformat(str(running[kind]["due_at"]))
    return dispatch_deadline(received_at, is_working_day=calendar)


# --- staff -----------------------------------------------------------------------------------------


def staff_view(
    events: Sequence[CloudEvent],
    progress: Sequence[Mapping[str, Any]],
    directory: Directory,
    case_nos: Mapping[str, str],
    calendar: WorkingDayCalendar,
    petitioners: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    state = state_of(events)
    registered: PetitionRegistered | None = None
    view: dict[str, Any] = {
        "materials": [],
        "corrections": [],
        "abnormal": [],
        "urgent_confirmations": [],
        "repeats": [],
        "repeat_candidate": None,
        "cluster": None,
    }
    for envelope in events:
        payload = envelope.payload()
        match payload:
            case PetitionRegistered():
                registered = payload
            case MaterialAdded():
                view["materials"].append(payload.model_dump(mode="json", exclude={"case_id"}))
            case FieldCorrected():
                view["corrections"].append(
                    payload.model_dump(mode="json", exclude={"case_id"}) | {"by": envelope.actor}
                )
            case MarkedAbnormal():
                view["abnormal"].append({"reason": payload.reason, "marked_at": _iso(payload.marked_at), "by": envelope.actor})
            case UrgentConfirmed():
                view["urgent_confirmations"].append(payload.model_dump(mode="json", exclude={"case_id"}))
            case RepeatMerged() if payload.original_case_id == envelope.subject:
                view["repeats"].append(
                    {"case_id": payload.case_id, "case_no": case_nos.get(payload.case_id), "merged_at": _iso(payload.merged_at)}
                )
            case RepeatSuspected():
                view["repeat_candidate"] = {
                    "case_id": payload.candidate_case_id,
                    "case_no": payload.candidate_case_no,
                    "similarity": payload.similarity,
                    "outcome": payload.outcome,
                    "rules": payload.rules,
                    "reason": payload.reason,
                    "shared_words": payload.shared_words,
                }
            case CollectiveClusterFlagged():
                view["cluster"] = {
                    "linked": [{"case_id": c, "case_no": case_nos.get(c)} for c in payload.linked_case_ids],
                    "petitioners": payload.petitioners,
                    "min_similarity": payload.min_similarity,
                    "window_days": payload.window_days,
                    "shared_words": payload.shared_words,
                }
    assert registered is not None
    received_at = state.received_at or registered.received_at
    return {
        "case_id": state.case_id,
        "case_no": state.case_no,
        "status": state.status,
        "version": state.version,
        "channel": state.channel,
        "received_at": _iso(received_at),
        "received_by": _unit(directory, state.received_by),
        "received_by_level": state.received_by_level,
        "headcount": state.headcount,
        "title": state.title,
        "content": state.content,
        "place": dict(state.place),
        "category_hint": state.category_hint,
        "accused_units": list(state.accused_units),
        "leader_instructed": state.leader_instructed,
        "urgent": state.urgent,
        "urgent_kinds": list(state.urgent_kinds),
        "urgent_suggestion": registered.urgent_evidence,
        "flags": sorted(state.flags),
        # P1: clear or masked by the caller's roles (``personal.present_petitioners``)
        "petitioners": list(petitioners),
        "external_ref": registered.external_ref,
        "repeat_of": state.repeat_of,
        "repeat_of_case_no": case_nos.get(state.repeat_of) if state.repeat_of else None,
        "repeat_outcome": registered.repeat_outcome,
        "repeat_rules": registered.repeat_rules,
        "merged_into": state.merged_into,
        "merged_into_case_no": case_nos.get(state.merged_into) if state.merged_into else None,
        "replied_at": _iso(state.replied_at),
        "reply_delivered_at": _iso(state.reply_delivered_at),
        "evaluation": state.evaluation,
        "review_requested_at": _iso(state.review_requested_at),
        "review_opinion_at": _iso(state.review_opinion_at),
        "re_review_requested_at": _iso(state.re_review_requested_at),
        "re_review_opinion_at": _iso(state.re_review_opinion_at),
        "terminated_at": _iso(state.terminated_at),
        "withdrawn_at": _iso(state.withdrawn_at),
        "responsible_unit": _unit(directory, responsible_unit(progress)),
        "clocks": clocks_from(progress),
        "expected_at": _iso(expected_at(received_at, progress, calendar)),
        **view,
    }


def without_cases(view: dict[str, Any], hidden: Collection[str]) -> dict[str, Any]:
    """The staff view without other cases the caller may not see (P3, P2): a cluster or a repeat may link
    this case to another unit's case, or to an accusation; not even its number is shown then."""
    if not hidden:
        return view
    shown = dict(view)
    shown["repeats"] = [r for r in view["repeats"] if r["case_id"] not in hidden]
    candidate = view["repeat_candidate"]
    if candidate is not None and candidate["case_id"] in hidden:
        shown["repeat_candidate"] = None
    cluster = view["cluster"]
    if cluster is not None:
        shown["cluster"] = cluster | {"linked": [c for c in cluster["linked"] if c["case_id"] not in hidden]}
    for key in ("repeat_of", "merged_into"):
        if view[key] in hidden:
            shown[key], shown[f"{key}_case_no"] = None, None
    return shown


# --- the petitioner ----------------------------------------------------------------------------------


def _window(start: datetime | None, days: int, calendar: WorkingDayCalendar) -> datetime | None:
    return period_end(start, days, is_working_day=calendar) if start else None


def public_view(
    events: Sequence[CloudEvent],
    progress: Sequence[Mapping[str, Any]],
    directory: Directory,
    case_nos: Mapping[str, str],
    calendar: WorkingDayCalendar,
    now: datetime,
) -> dict[str, Any]:
    state = state_of(events)
    steps: list[dict[str, Any]] = []

    order: list[datetime] = []

    def step(at: datetime | None, kind: str, text: str, unit_id: str | None = None) -> None:
        local = at.astimezone(CHINA) if at else None
        steps.append({"at": _iso(local), "step": kind, "text": text, "unit": directory.unit_name(unit_id)})
        order.append(local or datetime.max.replace(tzinfo=CHINA))

    for envelope in events:
        payload = envelope.payload()
        match payload:
            case PetitionRegistered():
                step(payload.received_at, "registered", "已登记", payload.received_by)
                if payload.repeat_outcome == "not_accepted":
                    step(envelope.time, "not_accepted", "同一事项已办结，登记但不予受理（R12）", payload.received_by)
                elif payload.repeat_outcome in ("review", "re_review"):
                    text = "同一事项已答复，可依法申请复查" if payload.repeat_outcome == "review" else "同一事项已复查，可依法申请复核"
                    step(envelope.time, "pointed_to_" + payload.repeat_outcome, text, payload.received_by)
            case RepeatMerged() if payload.case_id == envelope.subject:
                original = case_nos.get(payload.original_case_id, "")
                step(payload.merged_at, "merged", f"与正在办理的{original or '原件'}为同一事项，并入办理")
            case PetitionWithdrawn():
                step(payload.withdrawn_at, "withdrawn", "已撤回")
            case ReplySeen():
                step(payload.delivered_at or payload.replied_at, "replied", "已作出答复意见")
            case EvaluationRecorded():
                step(payload.evaluated_at, "evaluated", f"已评价：{EVALUATION_TEXT.get(payload.evaluation, payload.evaluation)}")
            case ReviewRequested():
                step(payload.requested_at, "review_requested", "已申请复查")
            case ReviewOpinionSeen():
                step(payload.delivered_at or payload.decided_at, "reviewed", "已作出复查意见")
            case ReReviewRequested():
                step(payload.requested_at, "re_review_requested", "已申请复核")
            case ReReviewOpinionSeen():
                step(payload.delivered_at or payload.decided_at, "re_reviewed", "已作出复核意见")
            case TerminationSeen():
                step(payload.terminated_at, "terminated", "已终结")
    for row in progress:
        if row["type"].startswith("xinfang.routing.case_routed"):
            disposition = str(_progress_detail(row).get("disposition") or "")
            step(row["at"], "routed", DISPOSITION_TEXT.get(disposition, "已分办"), row["unit_id"])
        elif row["type"].startswith("xinfang.routing.case_signed"):
            step(row["at"], "signed", "承办单位已签收", row["unit_id"])
    steps = [s for _, _, s in sorted(zip(order, range(len(steps)), steps, strict=True), key=lambda t: t[:2])]

    reply_start = state.reply_delivered_at or state.replied_at
    review_ends = _window(reply_start, REVIEW_WINDOW_DAYS, calendar)
    opinion_start = state.review_opinion_delivered_at or state.review_opinion_at
    re_review_ends = _window(opinion_start, RE_REVIEW_WINDOW_DAYS, calendar)
    closed = state.closed
    received_at = state.received_at
    assert received_at is not None
    return {
        "case_no": state.case_no,
        "status": state.status,
        "status_text": STATUS_TEXT.get(state.status, state.status),
        "title": state.title,
        "channel": state.channel,
        "received_at": _iso(received_at),
        "received_by": directory.unit_name(state.received_by),
        "responsible_unit": directory.unit_name(responsible_unit(progress)),
        "merged_into": case_nos.get(state.merged_into) if state.merged_into else None,
        "steps": steps,
        "deadlines": [
            {"kind": c["kind"], "due_at": c["due_at"], "state": c["state"]} for c in clocks_from(progress)
        ],
        "expected_at": _iso(expected_at(received_at, progress, calendar)) if not closed else None,
        "reply": {"replied_at": _iso(state.replied_at), "delivered_at": _iso(state.reply_delivered_at)}
        if state.replied_at
        else None,
        "evaluation": {
            "value": state.evaluation,
            "text": EVALUATION_TEXT.get(state.evaluation or ""),
            "can_evaluate": state.replied_at is not None
            and state.evaluation is None
            and state.status not in ("withdrawn", "merged", "not_accepted"),
        },
        "review": {
            "window_ends_at": _iso(review_ends),
            "can_request": state.status == "replied" and review_ends is not None and now < review_ends,
            "requested_at": _iso(state.review_requested_at),
        },
        "re_review": {
            "window_ends_at": _iso(re_review_ends),
            "can_request": state.status == "reviewed" and re_review_ends is not None and now < re_review_ends,
            "requested_at": _iso(state.re_review_requested_at),
        },
    }
