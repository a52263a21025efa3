"""Supervision rules S1–S4: due soon / overdue marks, urging, automatic supervision notices and
escalation, each returned once (idempotent when the keys of actions taken are given back)."""

from __future__ import annotations

from datetime import datetime, timedelta

from services.supervision.domain.actions import (
    Escalate,
    IssueSupervisionNotice,
    MarkDueSoon,
    MarkOverdue,
    SupervisionAction,
    Urge,
)
from services.supervision.domain.clocks import ClockState
from services.supervision.domain.commands import ExtendClock, PauseClock, StopClock
from services.supervision.domain.escalation import due_actions, next_check_at
from services.supervision.domain.policies import PolicySet, SupervisionThresholds
from shared.calendar.statutory import StatutoryCalendar
from tests.unit.supervision.helpers import apply, sh, started

# D2 acceptance clock started 2026-03-02 10:00: day 15 is Tuesday 03-17, due 2026-03-18 00:00.
DUE = sh(2026, 3, 18)


def _acceptance(policies: PolicySet, calendar: StatutoryCalendar) -> ClockState:
    clock = started(policies.get("acceptance"), sh(2026, 3, 2, 10), calendar, clock_id="a")
    assert clock.due_at == DUE
    return clock


def _summary(actions: list[SupervisionAction]) -> list[tuple[str, str]]:
    out = []
    for a in actions:
        detail = getattr(a, "reason", "")
        out.append((f"{a.rule} {type(a).__name__}", detail if isinstance(detail, str) else ""))
    return out


def _run(clocks: list[ClockState], now: datetime, taken: set[str]) -> list[SupervisionAction]:
    """Evaluate as the service does, recording what was done."""
    actions = due_actions(clocks, now, taken=taken)
    taken.update(a.key for a in actions)
    return actions


def test_nothing_while_far_from_the_deadline(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    assert due_actions([_acceptance(policies, calendar)], sh(2026, 3, 10)) == []


def test_s1_s2_due_soon_marks_and_urges_once(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    clock = _acceptance(policies, calendar)
    taken: set[str] = set()
    actions = _run([clock], sh(2026, 3, 15, 8), taken)
    assert _summary(actions) == [("S1 MarkDueSoon", ""), ("S2 Urge", "due_soon")]
    urge = actions[1]
    assert isinstance(urge, Urge)
    assert (urge.clock.unit_id, urge.clock.due_at, urge.clock.rule) == ("370703:civil_affairs", DUE, "D2")
    # the next evaluation, a day later, finds nothing new
    assert _run([clock], sh(2026, 3, 16, 8), taken) == []


def test_s1_s2_overdue_marks_and_urges_once(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    clock = _acceptance(policies, calendar)
    taken: set[str] = set()
    _run([clock], sh(2026, 3, 15, 8), taken)
    actions = _run([clock], sh(2026, 3, 18, 0), taken)
    assert _summary(actions) == [("S1 MarkOverdue", ""), ("S2 Urge", "overdue")]
    assert _run([clock], sh(2026, 3, 19), taken) == []


def test_a_clock_first_seen_overdue_is_not_urged_as_due_soon(
    policies: PolicySet, calendar: StatutoryCalendar
) -> None:
    actions = due_actions([_acceptance(policies, calendar)], sh(2026, 3, 19))
    assert _summary(actions) == [("S1 MarkOverdue", ""), ("S2 Urge", "overdue")]


def test_s3_supervision_notice_when_overdue_by_5_days(
    policies: PolicySet, calendar: StatutoryCalendar
) -> None:
    clock = _acceptance(policies, calendar)
    taken: set[str] = set()
    _run([clock], DUE, taken)
    assert _run([clock], DUE + timedelta(days=5) - timedelta(minutes=1), taken) == []
    [notice] = _run([clock], DUE + timedelta(days=5), taken)
    assert isinstance(notice, IssueSupervisionNotice)
    assert (notice.answer_within_days, notice.clock.days_overdue, notice.clock_id) == (10, 5, "a")
    assert _run([clock], DUE + timedelta(days=6), taken) == []


def test_s3_no_automatic_notice_when_one_was_issued_by_hand(
    policies: PolicySet, calendar: StatutoryCalendar
) -> None:
    clock = _acceptance(policies, calendar)
    by_hand = started(
        policies.get("supervision_notice"), sh(2026, 3, 19, 9), calendar, clock_id="n", regarding="a"
    )
    actions = due_actions(
        [clock, by_hand],
        DUE + timedelta(days=6),
        taken={"S1:overdue:a@2026-03-17", "S2:overdue:a@2026-03-17"},
    )
    assert not any(isinstance(a, IssueSupervisionNotice) for a in actions)


def test_s4_escalation_when_overdue_by_15_days(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    clock = _acceptance(policies, calendar)
    taken: set[str] = set()
    _run([clock], DUE + timedelta(days=5), taken)
    assert _run([clock], DUE + timedelta(days=14, hours=23), taken) == []
    [escalate] = _run([clock], DUE + timedelta(days=15), taken)
    assert isinstance(escalate, Escalate)
    assert (escalate.reason, escalate.regarding_clock_id, escalate.clock.unit_id) == (
        "overdue",
        "a",
        "370703:civil_affairs",
    )
    assert _run([clock], DUE + timedelta(days=20), taken) == []


def test_s4_unanswered_supervision_notice_escalates(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    """A notice issued by hand on 2026-03-19 is due in 10 days: day 10 is Sunday 03-29, so the end
    of Monday 03-30. Unanswered then, the matter escalates, before the 15-day threshold."""
    clock = _acceptance(policies, calendar)
    notice = started(
        policies.get("supervision_notice"), sh(2026, 3, 19, 9), calendar, clock_id="n", regarding="a"
    )
    assert notice.due_at == sh(2026, 3, 31)
    taken: set[str] = set()
    _run([clock, notice], sh(2026, 3, 30, 12), taken)
    actions = _run([clock, notice], sh(2026, 3, 31, 0), taken)
    assert _summary(actions) == [
        ("S1 MarkOverdue", ""),
        ("S2 Urge", "overdue"),
        ("S4 Escalate", "notice_unanswered"),
    ]
    escalate = actions[-1]
    assert isinstance(escalate, Escalate)
    assert (escalate.regarding_clock_id, escalate.clock_id) == ("a", "n")
    # the 15-day threshold of the same obligation is reached on 04-02: no second escalation
    assert not any(isinstance(a, Escalate) for a in _run([clock, notice], DUE + timedelta(days=16), taken))


def test_answered_notice_does_not_escalate(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    notice = started(
        policies.get("supervision_notice"), sh(2026, 3, 23), calendar, clock_id="n", regarding="a"
    )
    answered = apply(notice, StopClock("n", sh(2026, 3, 30), "supervision.notice_answered"), calendar)
    assert due_actions([answered], sh(2026, 4, 10)) == []


def test_windows_lapse_without_urging(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    """D4 review window and R13 return window are the petitioner's / unit's rights, not obligations."""
    window = started(policies.get("review_window"), sh(2026, 3, 2), calendar, clock_id="w")
    ret = started(policies.get("return_window"), sh(2026, 3, 2), calendar, clock_id="r")
    assert due_actions([window, ret], sh(2026, 6, 1)) == []


def test_met_paused_and_cancelled_clocks_call_for_nothing(
    policies: PolicySet, calendar: StatutoryCalendar
) -> None:
    met = apply(
        _acceptance(policies, calendar),
        StopClock("a", sh(2026, 3, 20), "supervision.case_accepted"),
        calendar,
    )
    review = started(policies.get("review"), sh(2026, 3, 2), calendar, clock_id="rv")
    paused = apply(review, PauseClock("rv", sh(2026, 3, 20), "听证"), calendar)
    assert due_actions([met, paused], sh(2026, 5, 1)) == []


def test_after_an_extension_the_new_deadline_is_urged_again(
    policies: PolicySet, calendar: StatutoryCalendar
) -> None:
    """D3 + S2: urged when due soon, then extended by 30 days; due soon again near the new deadline."""
    # day 60 from 2026-03-02 is 05-01, Labour Day (05-01..05-05): last day 05-06
    handling = started(policies.get("handling"), sh(2026, 3, 2), calendar, clock_id="h")
    assert handling.due_at == sh(2026, 5, 7)
    taken: set[str] = set()
    assert _summary(_run([handling], sh(2026, 5, 4, 10), taken)) == [
        ("S1 MarkDueSoon", ""),
        ("S2 Urge", "due_soon"),
    ]
    extended = apply(handling, ExtendClock("h", 30, sh(2026, 5, 4, 11), "head", "需要补充调查"), calendar)
    assert extended.due_at == sh(2026, 6, 6)  # 30 days from 05-06: Friday 06-05
    assert _run([extended], sh(2026, 5, 8), taken) == []
    again = _run([extended], extended.due_at - timedelta(days=2), taken)
    assert _summary(again) == [("S1 MarkDueSoon", ""), ("S2 Urge", "due_soon")]


def test_thresholds_are_configurable(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    clock = _acceptance(policies, calendar)
    strict = SupervisionThresholds(
        due_soon_days=5, notice_after_overdue_days=2, escalate_after_overdue_days=4
    )
    assert _summary(due_actions([clock], sh(2026, 3, 13), thresholds=strict)) == [
        ("S1 MarkDueSoon", ""),
        ("S2 Urge", "due_soon"),
    ]
    late = due_actions([clock], DUE + timedelta(days=4), thresholds=strict, notice_answer_days=7)
    assert [type(a) for a in late] == [MarkOverdue, Urge, IssueSupervisionNotice, Escalate]
    notice = late[2]
    assert isinstance(notice, IssueSupervisionNotice) and notice.answer_within_days == 7


def test_actions_are_listed_once_even_with_duplicate_clocks(
    policies: PolicySet, calendar: StatutoryCalendar
) -> None:
    clock = _acceptance(policies, calendar)
    actions = due_actions([clock, clock], sh(2026, 3, 16))
    assert [type(a) for a in actions] == [MarkDueSoon, Urge]


def test_next_check_at_is_the_next_rule_threshold(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    clock = _acceptance(policies, calendar)
    assert next_check_at([clock], sh(2026, 3, 10)) == DUE - timedelta(days=3)
    assert next_check_at([clock], DUE - timedelta(days=1)) == DUE
    assert next_check_at([clock], DUE) == DUE + timedelta(days=5)
    assert next_check_at([clock], DUE + timedelta(days=5)) == DUE + timedelta(days=15)
    assert next_check_at([clock], DUE + timedelta(days=15)) == DUE + timedelta(days=30)
    assert next_check_at([clock], DUE + timedelta(days=31)) is None
    met = apply(clock, StopClock("a", sh(2026, 3, 11), "supervision.case_accepted"), calendar)
    assert next_check_at([met], sh(2026, 3, 12)) is None
