"""Supervision rules S1–S4 (DOMAIN.md §5), and S5 through ``leader_ownership.py``.

Pure functions of the clocks and ``now``: they return the actions due, leaving out any action
whose key is in ``taken`` (the keys of actions already carried out), so calling them again
changes nothing.

- S1 a clock is due soon 3 days before its deadline and overdue after it;
- S2 the responsible unit is urged once when due soon and once when overdue;
- S3 overdue by 5 days: an automatic supervision notice, to be answered within 10 days;
- S4 overdue by 15 days, or a supervision notice unanswered: escalate one level up.

Only supervised clocks are watched: windows (D4/D5 request windows, R13 return window) lapse
without anyone being urged. Paused clocks (S7) are not overdue.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime, timedelta

from services.supervision.domain.actions import (
    ClockRef,
    Escalate,
    IssueSupervisionNotice,
    MarkDueSoon,
    MarkOverdue,
    SupervisionAction,
    Urge,
)
from services.supervision.domain.clocks import ClockState, ClockView, view
from services.supervision.domain.leader_ownership import CaseFacts, leader_ownership_due
from services.supervision.domain.policies import DEFAULT_THRESHOLDS, SupervisionThresholds

#: kind of the clock a supervision notice starts (S3)
SUPERVISION_NOTICE = "supervision_notice"
#: S3 default answer window; the policy file's ``supervision_notice`` length is the configured value
NOTICE_ANSWER_DAYS = 10


def _ref(state: ClockState, v: ClockView) -> ClockRef:
    return ClockRef(
        case_id=state.case_id,
        clock_id=state.clock_id,
        kind=state.kind,
        rule=state.rule,
        unit_id=state.unit_id,
        due_at=v.due_at,
        last_day=state.last_day,
        days_overdue=v.days_overdue,
    )


def clock_actions(
    state: ClockState,
    now: datetime,
    *,
    thresholds: SupervisionThresholds = DEFAULT_THRESHOLDS,
    notice_answer_days: int = NOTICE_ANSWER_DAYS,
    noticed: bool = False,
) -> list[SupervisionAction]:
    """S1–S4 actions a single clock calls for at ``now`` (before removing those already taken).

    ``noticed``: a supervision notice about this clock already exists (issued by hand or before).
    """
    if not state.supervised or not state.open:
        return []
    v = view(state, now, due_soon_days=thresholds.due_soon_days)
    ref = _ref(state, v)
    actions: list[SupervisionAction] = []
    if v.due_soon:
        actions += [MarkDueSoon(ref), Urge(ref, "due_soon")]
    if v.state != "overdue":
        return actions
    actions += [MarkOverdue(ref), Urge(ref, "overdue")]
    if state.kind == SUPERVISION_NOTICE:
        # S4: the notice was not answered in time
        actions.append(Escalate(ref, "notice_unanswered", state.regarding or state.clock_id))
        return actions
    if v.days_overdue >= thresholds.notice_after_overdue_days and not noticed:
        actions.append(IssueSupervisionNotice(ref, notice_answer_days))
    if v.days_overdue >= thresholds.escalate_after_overdue_days:
        actions.append(Escalate(ref, "overdue", state.clock_id))
    return actions


def due_actions(
    clocks: Iterable[ClockState],
    now: datetime,
    *,
    taken: Collection[str] = (),
    thresholds: SupervisionThresholds = DEFAULT_THRESHOLDS,
    notice_answer_days: int = NOTICE_ANSWER_DAYS,
    cases: Mapping[str, CaseFacts] | None = None,
) -> list[SupervisionAction]:
    """Every S1–S5 action due at ``now`` for these clocks (and these cases' facts, for S5).

    Actions whose key is in ``taken`` are left out, and each key appears at most once.
    """
    states = list(clocks)
    noticed = {c.regarding for c in states if c.kind == SUPERVISION_NOTICE and c.regarding}
    seen = set(taken)
    result: list[SupervisionAction] = []
    for state in sorted(states, key=lambda c: (c.case_id, c.started_at, c.clock_id)):
        for action in clock_actions(
            state,
            now,
            thresholds=thresholds,
            notice_answer_days=notice_answer_days,
            noticed=state.clock_id in noticed,
        ):
            if action.key not in seen:
                seen.add(action.key)
                result.append(action)
    for case_id in sorted(cases or {}):
        facts = (cases or {})[case_id]
        s5 = leader_ownership_due(facts, states, now, taken=seen, thresholds=thresholds)
        if s5 is not None:
            seen.add(s5.key)
            result.append(s5)
    return result


def next_check_at(
    clocks: Iterable[ClockState],
    now: datetime,
    *,
    thresholds: SupervisionThresholds = DEFAULT_THRESHOLDS,
) -> datetime | None:
    """The next instant after ``now`` at which a rule may call for an action (a timer's fire time).

    Paused clocks have none: resuming them is an event that calls for a new check.
    """
    instants: list[datetime] = []
    for state in clocks:
        if not state.supervised or state.status != "running":
            continue
        due = state.effective_due_at(now)
        offsets = [-thresholds.due_soon_days, 0]
        if state.kind != SUPERVISION_NOTICE:
            offsets += [
                thresholds.notice_after_overdue_days,
                thresholds.escalate_after_overdue_days,
                thresholds.backlog_overdue_days,
            ]
        instants += [due + timedelta(days=d) for d in offsets]
    later = [t for t in instants if t > now]
    return min(later) if later else None
