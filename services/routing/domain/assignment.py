"""The assignment of one case: a fold of its routing history, and what units and clerks may do to it.

    state = fold(entries)                       # entries: the case's routing events, oldest first
    signed = decide_sign(state, unit_id, at)    # or raises Refused

- **sign for** (签收): the unit the case is forwarded, assigned, diverted or recorded to acknowledges it;
- **return** (退回, R13): that unit objects within 5 working days of receiving it, with a reason. The
  case is routed again without it; a second return, or a return of a case a clerk placed, is a
  **dispute** for the petition bureau one level above the disputed units;
- **triage decision** (R9): a clerk of the bureau whose queue holds the case places it, with a reason;
- **dispute decision** (R13): the bureau's decision, binding: it cannot be returned;
- **reassignment**: a supervisor moves the case, with a reason.

Each decision returns plain facts; the service turns them into events. The routing decision that
follows each placement is built by :func:`placed` (the trail keeps every earlier step: "why here?").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from services.routing.domain.decision import RoutingDecision
from services.routing.domain.directory import Directory, Unit
from services.routing.domain.rules import dispute_bureau
from services.routing.domain.working_days import RETURN_WORKING_DAYS, return_deadline
from shared.calendar.statutory import StatutoryCalendar

#: dispositions a unit signs for (签收)
SIGNABLE = frozenset({"forwarded", "assigned", "diverted", "recorded"})
#: dispositions a unit may return (R13)
RETURNABLE = frozenset({"forwarded", "assigned", "diverted"})
#: what a clerk may decide for a case in triage, or a supervisor when reassigning
PLACEMENTS = ("forwarded", "assigned", "diverted", "recorded")

DISPOSITION_LABELS = {
    "forwarded": "转送",
    "assigned": "交办",
    "diverted": "诉访分离转政法部门",
    "recorded": "作为人民建议登记",
    "triage": "人工分流",
    "merged": "并入原件",
    "not_accepted": "不予受理",
}

RefusalKind = Literal["not_routed", "not_yours", "conflict", "invalid"]


class Refused(Exception):
    """A command the case's state does not allow. ``kind`` says why in general (the service maps it to an
    HTTP status), ``code`` in particular; ``rule`` cites DOMAIN.md; ``extra`` carries facts (a deadline)."""

    def __init__(
        self, kind: RefusalKind, code: str, message: str, *, rule: str | None = None, **extra: Any
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.code = code
        self.message = message
        self.rule = rule
        self.extra = extra


@dataclass(frozen=True)
class Entry:
    """One routing event of the case: its name (``case_routed``, ``case_signed``...), data and envelope."""

    name: str
    data: Mapping[str, Any]
    at: datetime
    actor: str | None = None
    actor_unit: str | None = None
    sequence: int = 0


@dataclass(frozen=True)
class Return:
    unit_id: str
    reason: str
    at: datetime


@dataclass(frozen=True)
class Assignment:
    """Where the case is now and what happened to it on the way."""

    version: int = 0
    unit_id: str | None = None
    disposition: str | None = None
    category: str | None = None
    region_code: str | None = None
    flags: tuple[str, ...] = ()
    #: when the current unit received the case (the R13 window runs from here)
    received_at: datetime | None = None
    signed_at: datetime | None = None
    signed_by: str | None = None
    returns: tuple[Return, ...] = ()
    #: a clerk or supervisor has placed the case (triage decision, dispute decision, reassignment)
    placed_by_clerk: bool = False
    #: waiting for the binding decision of ``dispute_bureau`` (R13)
    disputed: bool = False
    dispute_bureau: str | None = None
    disputed_units: tuple[str, ...] = ()
    #: placed by a bureau's binding decision: cannot be returned (R13)
    binding: bool = False
    #: the data of the latest ``case_routed`` (the next decision starts from it)
    last: Mapping[str, Any] = field(default_factory=dict)

    @property
    def routed(self) -> bool:
        return bool(self.last)


def evolve(state: Assignment, entry: Entry) -> Assignment:
    d = entry.data
    state = replace(state, version=entry.sequence or state.version + 1)
    match entry.name:
        case "case_routed":
            return replace(
                state,
                unit_id=d.get("unit_id"),
                disposition=d.get("disposition"),
                category=d.get("category"),
                region_code=d.get("region_code"),
                flags=tuple(d.get("flags") or ()),
                received_at=entry.at,
                signed_at=None,
                signed_by=None,
                last=dict(d),
            )
        case "case_signed":
            return replace(state, signed_at=entry.at, signed_by=entry.actor)
        case "case_returned":
            back = Return(str(d.get("unit_id")), str(d.get("reason") or ""), entry.at)
            return replace(state, returns=(*state.returns, back))
        case "case_disputed":
            return replace(
                state,
                disputed=True,
                dispute_bureau=d.get("bureau_id"),
                disputed_units=tuple(d.get("disputed_units") or ()),
            )
        case "triage_decided":
            binding = bool(d.get("binding"))
            return replace(state, placed_by_clerk=True, disputed=False, binding=binding or state.binding)
        case "dispute_decided":
            return replace(state, placed_by_clerk=True, disputed=False, binding=True)
        case "case_reassigned":
            return replace(state, placed_by_clerk=True, disputed=False, binding=False)
    return state


def fold(entries: Iterable[Entry]) -> Assignment:
    state = Assignment()
    for entry in entries:
        state = evolve(state, entry)
    return state


# -- decisions -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signed:
    unit_id: str
    at: datetime


@dataclass(frozen=True)
class Returned:
    """R13: the return itself, and — for a second return or a return of a placed case — the dispute."""

    unit_id: str
    reason: str
    received_at: datetime
    deadline: datetime
    #: the units that returned before, with this one: routing again excludes them all
    all_returns: tuple[Return, ...]
    dispute_bureau: Unit | None = None
    disputed_units: tuple[Unit, ...] = ()
    dispute_sentence: str = ""


@dataclass(frozen=True)
class Placement:
    """A clerk's, bureau's or supervisor's decision of where the case goes."""

    cause: Literal["triage", "dispute_decision", "reassign"]
    by_unit: str | None
    unit: Unit
    disposition: str
    category: str | None
    reason: str
    binding: bool
    previous_unit_id: str | None
    sentence: str


def _require_routed(state: Assignment) -> None:
    if not state.routed:
        raise Refused("not_routed", "case-not-routed", "本件尚未分办 / the case has not been routed yet")


def _require_holder(state: Assignment, unit_id: str, what: str) -> None:
    if state.unit_id != unit_id:
        raise Refused(
            "not_yours",
            "not-assigned-to-unit",
            f"本件不在该单位，不能{what} / the case is not with unit {unit_id}",
        )


def decide_sign(state: Assignment, unit_id: str, at: datetime) -> Signed:
    """签收: the unit holding the case acknowledges it, once."""
    _require_routed(state)
    _require_holder(state, unit_id, "签收")
    if state.disposition not in SIGNABLE:
        label = DISPOSITION_LABELS.get(state.disposition or "", state.disposition)
        raise Refused("conflict", "not-signable", f"本件处于“{label}”状态，无需签收 / nothing to sign for")
    if state.signed_at is not None:
        raise Refused(
            "conflict",
            "already-signed",
            f"本件已于 {state.signed_at.isoformat()} 签收 / already signed for",
            signed_at=state.signed_at.isoformat(),
        )
    return Signed(unit_id, at)


def decide_return(
    state: Assignment,
    unit_id: str,
    reason: str,
    at: datetime,
    calendar: StatutoryCalendar,
    directory: Directory,
) -> Returned:
    """R13 退回: within 5 working days of receiving the case, with a reason; never a binding placement."""
    _require_routed(state)
    _require_holder(state, unit_id, "退回")
    if not reason.strip():
        raise Refused("invalid", "reason-required", "退回须说明理由 / a return needs a reason", rule="R13")
    if state.binding:
        raise Refused(
            "conflict",
            "binding-decision",
            "本件由上级信访部门裁决交办，该决定具有约束力，不得退回（R13） / "
            "a binding decision of the petition bureau above cannot be returned (R13)",
            rule="R13",
        )
    if state.disposition not in RETURNABLE:
        label = DISPOSITION_LABELS.get(state.disposition or "", state.disposition)
        raise Refused("conflict", "not-returnable", f"本件处于“{label}”状态，不能退回 / cannot be returned")
    received = state.received_at
    assert received is not None  # set with every case_routed
    deadline = return_deadline(received, calendar)
    if at >= deadline:
        raise Refused(
            "conflict",
            "return-window-closed",
            f"退回须在收到后{RETURN_WORKING_DAYS}个工作日内提出，期限已于 {deadline.isoformat()} 届满（R13） / "
            f"the return window of {RETURN_WORKING_DAYS} working days closed at {deadline.isoformat()} (R13)",
            rule="R13",
            deadline=deadline.isoformat(),
            received_at=received.isoformat(),
        )
    all_returns = (*state.returns, Return(unit_id, reason.strip(), at))
    if not state.returns and not state.placed_by_clerk:
        return Returned(unit_id, reason.strip(), received, deadline, all_returns)
    ids: list[str] = []
    for r in all_returns:
        if r.unit_id not in ids:
            ids.append(r.unit_id)
    units = tuple(u for u in (directory.unit(i) for i in ids) if u is not None)
    step = dispute_bureau(directory, units)
    return Returned(
        unit_id,
        reason.strip(),
        received,
        deadline,
        all_returns,
        dispute_bureau=step.unit,
        disputed_units=units,
        dispute_sentence=step.sentence,
    )


def _target(directory: Directory, unit_id: str) -> Unit:
    unit = directory.unit(unit_id)
    if unit is None:
        raise Refused("invalid", "unknown-unit", f"单位 {unit_id} 不在目录中 / unit {unit_id} is not in the directory")
    return unit


def _placement_kind(disposition: str) -> str:
    if disposition not in PLACEMENTS:
        raise Refused(
            "invalid",
            "unknown-disposition",
            f"处理方式须为 {', '.join(PLACEMENTS)} 之一 / disposition must be one of {', '.join(PLACEMENTS)}",
        )
    return disposition


def _category(directory: Directory, category: str | None) -> str | None:
    if category is None or not category.strip():
        return None
    found = directory.category(category.strip()) or next(
        (c for c in directory.categories if c.name == category.strip()), None
    )
    if found is None:
        raise Refused("invalid", "unknown-category", f"类别 {category} 不在分类表中 / unknown category")
    return found.code


def decide_triage(
    state: Assignment,
    bureau_id: str,
    unit_id: str,
    disposition: str,
    category: str | None,
    reason: str,
    directory: Directory,
) -> Placement:
    """R9: a clerk of the bureau whose triage queue holds the case decides where it goes, with a reason.
    On a disputed case (R13) the decision is the bureau's binding decision."""
    _require_routed(state)
    if state.disposition != "triage":
        raise Refused("conflict", "not-in-triage", "本件不在人工分流队列中 / the case is not in triage")
    _require_holder(state, bureau_id, "分流")
    if not reason.strip():
        raise Refused("invalid", "reason-required", "分流决定须说明理由 / a triage decision needs a reason", rule="R9")
    unit = _target(directory, unit_id)
    kind = _placement_kind(disposition)
    code = _category(directory, category)
    bureau = directory.unit(bureau_id)
    who = bureau.name if bureau else bureau_id
    label = DISPOSITION_LABELS[kind]
    if state.disputed:
        sentence = (
            f"R13 裁决：{who}决定由{unit.name}办理（{label}），理由：{reason.strip()}；该决定具有约束力，不得再退回"
        )
    else:
        sentence = f"R9 分流决定：{who}决定由{unit.name}办理（{label}），理由：{reason.strip()}"
    return Placement(
        cause="dispute_decision" if state.disputed else "triage",
        by_unit=bureau_id,
        unit=unit,
        disposition=kind,
        category=code,
        reason=reason.strip(),
        binding=state.disputed,
        previous_unit_id=state.unit_id,
        sentence=sentence,
    )


def decide_dispute(
    state: Assignment, bureau_id: str, unit_id: str, reason: str, directory: Directory
) -> Placement:
    """R13: the bureau one level above the disputed units decides; the decision is binding (assigned: the
    unit reports its result back to the bureau)."""
    _require_routed(state)
    if not state.disputed:
        raise Refused("conflict", "not-disputed", "本件没有待裁决的争议 / the case is not disputed", rule="R13")
    if state.dispute_bureau != bureau_id:
        raise Refused(
            "not_yours",
            "not-the-deciding-bureau",
            f"本件争议由 {state.dispute_bureau} 裁决 / the dispute is decided by {state.dispute_bureau}",
            rule="R13",
        )
    if not reason.strip():
        raise Refused("invalid", "reason-required", "裁决须说明理由 / a decision needs a reason", rule="R13")
    unit = _target(directory, unit_id)
    bureau = directory.unit(bureau_id)
    who = bureau.name if bureau else bureau_id
    return Placement(
        cause="dispute_decision",
        by_unit=bureau_id,
        unit=unit,
        disposition="assigned",
        category=None,
        reason=reason.strip(),
        binding=True,
        previous_unit_id=state.unit_id,
        sentence=f"R13 裁决：{who}决定交{unit.name}办理（交办），理由：{reason.strip()}；该决定具有约束力，不得再退回",
    )


def decide_reassign(
    state: Assignment,
    unit_id: str,
    reason: str,
    directory: Directory,
    *,
    by_unit: str | None,
    disposition: str | None = None,
) -> Placement:
    """A supervisor moves the case to another unit, with a reason. The disposition stays what it was
    (an assignment from triage becomes ``assigned``) unless one is given."""
    _require_routed(state)
    if state.disposition in ("merged", "not_accepted"):
        label = DISPOSITION_LABELS[state.disposition]
        raise Refused("conflict", "not-reassignable", f"本件已{label}，不能改派 / cannot be reassigned")
    if not reason.strip():
        raise Refused("invalid", "reason-required", "改派须说明理由 / a reassignment needs a reason")
    unit = _target(directory, unit_id)
    if unit.id == state.unit_id:
        raise Refused("conflict", "same-unit", f"本件已在{unit.name} / the case is with that unit already")
    current = state.disposition if state.disposition in PLACEMENTS else "assigned"
    kind = _placement_kind(disposition or current)
    before = directory.unit(state.unit_id) if state.unit_id else None
    was = before.name if before else (state.unit_id or "（无）")
    return Placement(
        cause="reassign",
        by_unit=by_unit,
        unit=unit,
        disposition=kind,
        category=None,
        reason=reason.strip(),
        binding=False,
        previous_unit_id=state.unit_id,
        sentence=f"改派：由{was}改交{unit.name}办理（{DISPOSITION_LABELS[kind]}），理由：{reason.strip()}",
    )


# -- the routing decision that follows a placement or a dispute --------------------------------------------


def routed(
    decision: RoutingDecision,
    directory: Directory,
    *,
    cause: str,
    vocabulary_version: str = "",
    reason: str = "",
    previous_unit_id: str | None = None,
) -> dict[str, Any]:
    """The ``case_routed`` data of a router decision: the fields of ``POST /routing/preview``, with the
    evidence, excluded units, notifications and the clerk's "why here?" in ``detail``."""
    detail: dict[str, Any] = {
        "cause": cause,
        "evidence": [e.model_dump() for e in decision.evidence],
        "excluded_units": [e.model_dump() for e in decision.excluded_units],
        "accused_units": list(decision.accused_units),
        "notify": [n.model_dump() for n in decision.notify],
        "key_case": decision.key_case,
        "unit_name": decision.unit_name,
        "unit_rule": decision.unit_rule,
        "place_name": decision.place_name,
        "place_source": decision.place_source,
        "vocabulary_version": vocabulary_version,
    }
    if reason:
        detail["reason"] = reason
    if previous_unit_id:
        detail["previous_unit_id"] = previous_unit_id
    data: dict[str, Any] = {
        "category": decision.category,
        "category_confidence": decision.category_confidence,
        "region_code": decision.region_code,
        "unit_id": decision.unit_id,
        "disposition": decision.disposition,
        "flags": list(decision.flags),
        "explanation": list(decision.explanation),
        "directory_version": decision.directory_version,
        "detail": detail,
    }
    detail["why"] = why_here(data, directory)
    return data


def placed(last: Mapping[str, Any], placement: Placement, directory: Directory) -> dict[str, Any]:
    """The ``case_routed`` data after a placement: the earlier trail, then the placement and its reason."""
    detail = dict(last.get("detail") or {})
    flags = [f for f in last.get("flags") or () if f not in ("dispute", "binding")]
    if placement.binding:
        flags += ["dispute", "binding"]
    category = placement.category or last.get("category")
    confidence = 1.0 if placement.category else float(last.get("category_confidence") or 0.0)
    detail.update(
        cause=placement.cause,
        reason=placement.reason,
        previous_unit_id=placement.previous_unit_id,
        decided_by_unit=placement.by_unit,
        binding=placement.binding,
        unit_name=placement.unit.name,
        unit_rule={"triage": "R9", "dispute_decision": "R13", "reassign": "改派"}[placement.cause],
    )
    data = {
        "category": category,
        "category_confidence": confidence,
        "region_code": last.get("region_code"),
        "unit_id": placement.unit.id,
        "disposition": placement.disposition,
        "flags": flags,
        "explanation": [*(last.get("explanation") or ()), placement.sentence],
        "directory_version": directory.version,
        "detail": detail,
    }
    detail["why"] = why_here(data, directory)
    return data


def disputed(last: Mapping[str, Any], returned: Returned, directory: Directory) -> dict[str, Any]:
    """The ``case_routed`` data after a disputed return: triage at the bureau one level up, flagged."""
    detail = dict(last.get("detail") or {})
    bureau = returned.dispute_bureau
    who = directory.unit(returned.unit_id)
    sentence = f"R13 退回：{who.name if who else returned.unit_id}退回本件，理由：{returned.reason}"
    detail.update(
        cause="dispute",
        reason=returned.reason,
        previous_unit_id=returned.unit_id,
        binding=False,
        disputed_units=[u.id for u in returned.disputed_units],
        excluded_units=[
            {"unit_id": r.unit_id, "name": _name(directory, r.unit_id), "reason": f"已退回本件（R13）：{r.reason}"}
            for r in returned.all_returns
        ],
        unit_name=bureau.name if bureau else None,
        unit_rule="R13",
    )
    flags = [f for f in last.get("flags") or () if f not in ("dispute", "binding")] + ["dispute"]
    data = {
        "category": last.get("category"),
        "category_confidence": float(last.get("category_confidence") or 0.0),
        "region_code": last.get("region_code"),
        "unit_id": bureau.id if bureau else None,
        "disposition": "triage",
        "flags": flags,
        "explanation": [*(last.get("explanation") or ()), sentence, returned.dispute_sentence],
        "directory_version": directory.version,
        "detail": detail,
    }
    detail["why"] = why_here(data, directory)
    return data


def merged_into(last: Mapping[str, Any], original_case: str, unit_id: str | None, directory: Directory) -> dict[str, Any]:
    """The ``case_routed`` data when a clerk merges an already routed case into an open one (R12)."""
    detail = dict(last.get("detail") or {})
    unit = directory.unit(unit_id) if unit_id else None
    detail.update(cause="merge", previous_unit_id=last.get("unit_id"), unit_name=unit.name if unit else None, unit_rule="R12")
    data = {
        "category": last.get("category"),
        "category_confidence": float(last.get("category_confidence") or 0.0),
        "region_code": last.get("region_code"),
        "unit_id": unit_id,
        "disposition": "merged",
        "flags": [*[f for f in last.get("flags") or () if f != "repeat"], "repeat"],
        "explanation": [
            *(last.get("explanation") or ()),
            f"R12 重复信访：经登记人员确认，本件与原件{original_case}为同一事项，并入原件，不再另行交转",
        ],
        "directory_version": directory.version,
        "detail": detail,
    }
    detail["why"] = why_here(data, directory)
    return data


def _name(directory: Directory, unit_id: str | None) -> str:
    if not unit_id:
        return "（无）"
    unit = directory.unit(unit_id)
    return unit.name if unit else unit_id


# -- "why here?" ------------------------------------------------------------------------------------------

_FLAG_LABELS = {
    "collective": "集体访",
    "large_collective": "大规模集体访（超过20人）",
    "level_skipping": "越级访",
    "accused_excluded": "被反映单位回避",
    "repeat": "重复信访",
    "dispute": "退回争议",
    "binding": "上级裁决，不得退回",
}


def why_here(data: Mapping[str, Any], directory: Directory) -> list[str]:
    """R14 in a clerk's words: category and its evidence, the place and where it was read, the unit and the
    rule that chose it, how it is sent, the flags. ``data`` is a ``case_routed`` payload."""
    detail: Mapping[str, Any] = data.get("detail") or {}
    out: list[str] = []
    names = {c.code: c.name for c in directory.categories}
    category = data.get("category")
    evidence = [e for e in detail.get("evidence") or () if isinstance(e, Mapping)]
    if category:
        words = [
            str(e.get("word"))
            for e in evidence
            if e.get("category") == category and e.get("where") in ("title", "content", "example")
        ]
        by_clerk = any(e.get("where") == "clerk" for e in evidence)
        if by_clerk or not words:
            basis = "登记或分流人员指定" if by_clerk or float(data.get("category_confidence") or 0) >= 1 else "依据：正文"
        else:
            basis = "依据：" + "、".join(_unique(words)[:5])
        out.append(f"类别：{names.get(category, category)}（{basis}）")
    else:
        guess = [str(e.get("word")) for e in evidence][:3]
        out.append("类别：未能自动确定" + (f"（相关词语：{'、'.join(_unique(guess))}）" if guess else ""))
    place = detail.get("place_name")
    source = detail.get("place_source")
    if place:
        out.append(f"地点：{place}" + (f"（来自{source}）" if source else ""))
    else:
        out.append("地点：不明")
    unit = _name(directory, data.get("unit_id")) if data.get("unit_id") else None
    rule = detail.get("unit_rule") or ""
    cause = detail.get("cause") or ""
    reason = detail.get("reason") or ""
    disposition = str(data.get("disposition") or "")
    if cause == "dispute":
        units = "、".join(_name(directory, u) for u in detail.get("disputed_units") or ())
        out.append(f"R13：{units}先后退回，有争议，交{unit}裁决（理由：{reason}）")
    elif cause in ("triage", "dispute_decision", "reassign"):
        by = _name(directory, detail.get("decided_by_unit")) if detail.get("decided_by_unit") else "督办人员"
        what = {"triage": "分流决定", "dispute_decision": "裁决", "reassign": "改派"}[cause]
        out.append(f"{rule}：{by}{what}，由{unit}办理（理由：{reason}）")
    elif unit:
        out.append(_unit_sentence(rule, unit, names.get(category or "", ""), data, detail, directory))
    for excluded in detail.get("excluded_units") or ():
        if isinstance(excluded, Mapping):
            out.append(f"不交{excluded.get('name')}：{excluded.get('reason')}")
    label = DISPOSITION_LABELS.get(disposition, disposition)
    if disposition == "assigned":
        out.append(f"处理方式：{label}，须按期报送办结报告")
    elif disposition == "forwarded":
        out.append(f"处理方式：{label}，由办理单位直接答复信访人")
    elif disposition:
        out.append(f"处理方式：{label}")
    flags = [_FLAG_LABELS.get(str(f), str(f)) for f in data.get("flags") or ()]
    if flags:
        out.append("标记：" + "、".join(flags))
    return out


def _unit_sentence(
    rule: str, unit: str, category: str, data: Mapping[str, Any], detail: Mapping[str, Any], directory: Directory
) -> str:
    if rule == "R3":
        return f"R3：由{unit}主管（{category}类事项按属地由主管部门办理）"
    if rule == "R4":
        return f"R4：涉法涉诉，转{unit}（诉访分离，告知信访人依法走法律途径）"
    if rule == "R5":
        return f"R5：检举控告，按管理权限由{unit}办理，不交被检举单位"
    if rule == "R6":
        return f"R6：原主管单位被反映，回避，改由上一级{unit}办理"
    if rule == "R7":
        return f"R7：建议意见，送{unit}征集研究"
    if rule == "R9":
        return f"R9：转{unit}人工分流，由工作人员决定去向"
    if rule == "R12":
        return f"R12：重复信访，由{unit}" + ("并入原件办理" if data.get("disposition") == "merged" else "处理")
    return f"由{unit}办理"


def _unique(words: Sequence[str]) -> list[str]:
    seen: list[str] = []
    for w in words:
        if w not in seen:
            seen.append(w)
    return seen


# -- the history of routing steps, in words ----------------------------------------------------------------

_CAUSE_LABELS = {
    "registration": "分办",
    "return": "退回后重新分办",
    "dispute": "退回争议",
    "triage": "分流决定",
    "dispute_decision": "上级裁决",
    "reassign": "改派",
    "merge": "并入原件",
}


def step_summary(entry: Entry, directory: Directory) -> str:
    """One routing step of the case as a clerk reads it in the history."""
    d = entry.data
    unit = _name(directory, d.get("unit_id"))
    reason = d.get("reason") or ""
    label = DISPOSITION_LABELS.get(str(d.get("disposition") or ""), str(d.get("disposition") or ""))
    match entry.name:
        case "case_routed":
            detail: Mapping[str, Any] = d.get("detail") or {}
            cause = _CAUSE_LABELS.get(str(detail.get("cause") or "registration"), "分办")
            return f"{cause}：{label}，{unit}" if d.get("unit_id") else f"{cause}：{label}"
        case "case_signed":
            return f"{unit}签收"
        case "case_returned":
            return f"{unit}退回，理由：{reason}（R13）"
        case "case_disputed":
            units = "、".join(_name(directory, u) for u in d.get("disputed_units") or ())
            return f"{units}对办理单位有争议，交{_name(directory, d.get('bureau_id'))}裁决（R13）"
        case "triage_decided":
            binding = "；该决定具有约束力（R13）" if d.get("binding") else ""
            return f"{_name(directory, d.get('bureau_id'))}分流决定：交{unit}（{label}），理由：{reason}{binding}"
        case "dispute_decided":
            return f"{_name(directory, d.get('bureau_id'))}裁决：交{unit}办理，理由：{reason}；该决定具有约束力（R13）"
        case "case_reassigned":
            return f"改派：由{_name(directory, d.get('from_unit_id'))}改交{unit}（{label}），理由：{reason}"
    return entry.name
