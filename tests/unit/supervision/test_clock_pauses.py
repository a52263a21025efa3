"""S7: a hearing pauses the review / re-review clock (D4, D5); paused time moves the deadline."""

from __future__ import annotations

import pytest

from services.supervision.domain.clocks import ClockState, decide, view
from services.supervision.domain.commands import PauseClock, ResumeClock, StopClock
from services.supervision.domain.errors import DomainError
from services.supervision.domain.policies import PolicySet
from shared.calendar.statutory import StatutoryCalendar
from tests.unit.supervision.helpers import apply, sh, started

DAY_MS = 24 * 3600 * 1000


def _review(policies: PolicySet, calendar: StatutoryCalendar) -> ClockState:
    """D4 review requested 2026-03-02: day 30 is Wednesday 04-01, due 2026-04-02 00:00."""
    clock = started(policies.get("review"), sh(2026, 3, 2, 9), calendar, clock_id="rv")
    assert clock.due_at == sh(2026, 4, 2)
    return clock


def test_s7_hearing_pause_moves_the_deadline_by_its_length(
    policies: PolicySet, calendar: StatutoryCalendar
) -> None:
    clock = apply(_review(policies, calendar), PauseClock("rv", sh(2026, 3, 10, 9), "听证"), calendar)
    clock = apply(clock, ResumeClock("rv", sh(2026, 3, 13, 9)), calendar)
    seen = view(clock, sh(2026, 4, 2, 1))
    assert seen.paused_ms == 3 * DAY_MS
    assert seen.due_at == sh(2026, 4, 5)
    assert seen.state == "running"  # would be overdue without the hearing
    decided = apply(clock, StopClock("rv", sh(2026, 4, 4, 10), "supervision.review_decided"), calendar)
    assert view(decided, sh(2026, 5, 1)).state == "met"


def test_a_paused_clock_is_paused_not_overdue(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    clock = apply(_review(policies, calendar), PauseClock("rv", sh(2026, 3, 30, 9), "听证"), calendar)
    seen = view(clock, sh(2026, 4, 10, 9))
    assert (seen.state, seen.due_soon, seen.days_overdue) == ("paused", False, 0)
    assert seen.paused_ms == 11 * DAY_MS
    assert seen.due_at == sh(2026, 4, 13)


def test_two_hearings_add_up(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    clock = _review(policies, calendar)
    for start, end in ((sh(2026, 3, 5, 9), sh(2026, 3, 5, 21)), (sh(2026, 3, 20, 9), sh(2026, 3, 21, 9))):
        clock = apply(clock, PauseClock("rv", start, "听证"), calendar)
        clock = apply(clock, ResumeClock("rv", end), calendar)
    assert view(clock, sh(2026, 3, 25)).paused_ms == DAY_MS + DAY_MS // 2


def test_stopped_during_a_hearing(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    """Decided while the hearing is still open: the open pause counts until the decision."""
    clock = apply(_review(policies, calendar), PauseClock("rv", sh(2026, 3, 31, 9), "听证"), calendar)
    decided = apply(clock, StopClock("rv", sh(2026, 4, 6, 9), "supervision.review_decided"), calendar)
    seen = view(decided, sh(2026, 6, 1))
    assert (seen.state, seen.paused_ms) == ("met", 6 * DAY_MS)


def test_met_late_despite_a_hearing(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    clock = apply(_review(policies, calendar), PauseClock("rv", sh(2026, 3, 10), "听证"), calendar)
    clock = apply(clock, ResumeClock("rv", sh(2026, 3, 11)), calendar)
    late = apply(clock, StopClock("rv", sh(2026, 4, 3, 0, 1), "supervision.review_decided"), calendar)
    assert view(late, sh(2026, 5, 1)).state == "met_late"


def test_d3_handling_clock_cannot_be_paused(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    clock = started(policies.get("handling"), sh(2026, 3, 2), calendar, clock_id="h")
    with pytest.raises(DomainError) as caught:
        decide(PauseClock("h", sh(2026, 3, 3), "听证"), clock, calendar)
    assert caught.value.code == "not_pausable"


def test_pause_and_resume_errors(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    clock = _review(policies, calendar)
    with pytest.raises(DomainError) as not_paused:
        decide(ResumeClock("rv", sh(2026, 3, 3)), clock, calendar)
    assert not_paused.value.code == "not_paused"
    paused = apply(clock, PauseClock("rv", sh(2026, 3, 10), "听证"), calendar)
    with pytest.raises(DomainError) as twice:
        decide(PauseClock("rv", sh(2026, 3, 11), "听证"), paused, calendar)
    assert twice.value.code == "already_paused"
    with pytest.raises(DomainError) as early:
        decide(ResumeClock("rv", sh(2026, 3, 9)), paused, calendar)
    assert early.value.code == "out_of_order"
