"""The clock aggregate: start, stop (met / met_late), overdue, cancel, D3 extension, D7 deadline set
on assignment, recalculation after a year is loaded, and the states of DESIGN.md §6."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from services.supervision.domain.clocks import ClockState, decide, evolve, fold, view
from services.supervision.domain.commands import (
    CancelClock,
    ExtendClock,
    PauseClock,
    RecalculateDeadline,
    StartClock,
    StopClock,
)
from services.supervision.domain.errors import DomainError
from services.supervision.domain.events import ClockStarted, ClockStopped
from services.supervision.domain.policies import PolicySet
from shared.calendar.statutory import StatutoryCalendar
from tests.unit.supervision.helpers import apply, sh, started


def _acceptance(policies: PolicySet, calendar: StatutoryCalendar) -> ClockState:
    """D2 acceptance clock: matter received 2026-02-01 10:00; due 2026-02-25 00:00 (Spring Festival)."""
    return started(policies.get("acceptance"), sh(2026, 2, 1, 10), calendar)


def test_d2_start_records_the_deadline(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    [event] = decide(
        StartClock("c1:acceptance", "c1", policies.get("acceptance"), sh(2026, 2, 1, 10), unit_id="u1"),
        None,
        calendar,
    )
    assert isinstance(event, ClockStarted)
    assert (event.kind, event.rule, event.length, event.unit) == ("acceptance", "D2", 15, "days")
    assert event.due_at == sh(2026, 2, 25)
    assert event.last_day == date(2026, 2, 24)
    assert event.unknown_calendar_years == ()


def test_running_then_overdue_at_the_deadline(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    """S1 / DESIGN §6: running until 24:00 of the last day, overdue from then on."""
    clock = _acceptance(policies, calendar)
    before = view(clock, sh(2026, 2, 24, 23, 59))
    assert (before.state, before.due_at, before.paused_ms, before.days_overdue) == (
        "running",
        sh(2026, 2, 25),
        0,
        0,
    )
    at_deadline = view(clock, sh(2026, 2, 25))
    assert (at_deadline.state, at_deadline.days_overdue) == ("overdue", 0)
    later = view(clock, sh(2026, 3, 2, 8))
    assert (later.state, later.days_overdue) == ("overdue", 5)


def test_due_soon_three_days_before_the_deadline(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    """S1: due soon from 3 days before the deadline instant."""
    clock = _acceptance(policies, calendar)
    assert not view(clock, sh(2026, 2, 21, 23, 59)).due_soon
    assert view(clock, sh(2026, 2, 22)).due_soon
    assert not view(clock, sh(2026, 2, 25)).due_soon  # overdue, no longer "due soon"
    assert view(clock, sh(2026, 2, 19), due_soon_days=6).due_soon


def test_stop_before_the_deadline_is_met(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    """D2 met: accepted on the last day, 2026-02-24 at 17:00."""
    clock = apply(
        _acceptance(policies, calendar),
        StopClock("case-1:acceptance", sh(2026, 2, 24, 17), "supervision.case_accepted"),
        calendar,
    )
    seen = view(clock, sh(2026, 4, 1))
    assert (seen.state, seen.stopped_at, seen.days_overdue) == ("met", sh(2026, 2, 24, 17), 0)


def test_stop_after_the_deadline_is_met_late(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    """D2 met_late: accepted on 2026-02-27, two days after the deadline."""
    [event] = decide(
        StopClock("case-1:acceptance", sh(2026, 2, 27, 9), "supervision.case_accepted"),
        _acceptance(policies, calendar),
        calendar,
    )
    assert isinstance(event, ClockStopped) and event.outcome == "met_late"
    seen = view(evolve(_acceptance(policies, calendar), event), sh(2026, 4, 1))
    assert (seen.state, seen.days_overdue) == ("met_late", 2)


def test_a_stopped_clock_refuses_further_commands(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    clock = apply(
        _acceptance(policies, calendar),
        StopClock("case-1:acceptance", sh(2026, 2, 3), "supervision.case_accepted"),
        calendar,
    )
    for command in (
        StopClock("case-1:acceptance", sh(2026, 2, 4), "supervision.case_not_accepted"),
        CancelClock("case-1:acceptance", sh(2026, 2, 4), "merged"),
    ):
        with pytest.raises(DomainError) as caught:
            decide(command, clock, calendar)
        assert caught.value.code == "clock_closed"


def test_cancelled_clock(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    """R13 return cancels the returning unit's acceptance clock."""
    clock = apply(
        _acceptance(policies, calendar),
        CancelClock("case-1:acceptance", sh(2026, 2, 3), "returned"),
        calendar,
    )
    seen = view(clock, sh(2026, 3, 30))
    assert (seen.state, seen.due_soon, seen.days_overdue) == ("cancelled", False, 0)


def test_start_twice_and_commands_before_start_are_refused(
    policies: PolicySet, calendar: StatutoryCalendar
) -> None:
    clock = _acceptance(policies, calendar)
    with pytest.raises(DomainError) as twice:
        decide(
            StartClock("case-1:acceptance", "case-1", policies.get("acceptance"), sh(2026, 2, 2)),
            clock,
            calendar,
        )
    assert twice.value.code == "clock_already_started"
    with pytest.raises(DomainError) as not_started:
        decide(StopClock("x", sh(2026, 2, 2), "supervision.case_accepted"), None, calendar)
    assert not_started.value.code == "clock_not_started"


def test_stop_before_the_start_is_out_of_order(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    with pytest.raises(DomainError) as caught:
        decide(
            StopClock("case-1:acceptance", sh(2026, 1, 30), "supervision.case_accepted"),
            _acceptance(policies, calendar),
            calendar,
        )
    assert caught.value.code == "out_of_order"


def test_command_for_another_clock_is_refused(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    with pytest.raises(DomainError) as caught:
        decide(
            StopClock("case-2:acceptance", sh(2026, 2, 3), "x.y"), _acceptance(policies, calendar), calendar
        )
    assert caught.value.code == "wrong_clock"


def test_d8_backdated_start_runs_from_the_real_receipt_time(
    policies: PolicySet, calendar: StatutoryCalendar
) -> None:
    """D8: a paper petition received 2025-09-16 but entered on 2025-10-20 is already overdue."""
    clock = started(policies.get("dispatch"), sh(2025, 9, 16, 9), calendar)
    seen = view(clock, sh(2025, 10, 20, 10))
    assert seen.due_at == sh(2025, 10, 10)  # day 15 is National Day 10-01, moved to 10-09
    assert (seen.state, seen.days_overdue) == ("overdue", 10)


# --- D3 extension ------------------------------------------------------------------------------


def _handling(policies: PolicySet, calendar: StatutoryCalendar) -> ClockState:
    """D3: accepted 2026-08-02; day 60 is National Day, so the last day is 2026-10-08."""
    return started(policies.get("handling"), sh(2026, 8, 2, 9), calendar)


def _extend(days: int, at: datetime, reason: str = "需要补充调查", by: str = "head-1") -> ExtendClock:
    return ExtendClock("case-1:handling", days, at, by, reason)


def test_d3_one_extension_of_30_days_before_the_deadline(
    policies: PolicySet, calendar: StatutoryCalendar
) -> None:
    clock = _handling(policies, calendar)
    assert view(clock, sh(2026, 9, 1)).due_at == sh(2026, 10, 9)
    extended = apply(clock, _extend(30, sh(2026, 9, 30, 16)), calendar)
    seen = view(extended, sh(2026, 10, 20))
    # 30 days from 10-08 is Saturday 11-07, moved to Monday 11-09
    assert (seen.state, seen.due_at, seen.extended_days) == ("running", sh(2026, 11, 10), 30)
    # replied on 11-09: met, thanks to the extension
    replied = apply(
        extended, StopClock("case-1:handling", sh(2026, 11, 9, 15), "supervision.case_replied"), calendar
    )
    assert view(replied, sh(2026, 12, 1)).state == "met"


def test_d3_a_second_extension_is_refused(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    extended = apply(_handling(policies, calendar), _extend(10, sh(2026, 9, 30)), calendar)
    with pytest.raises(DomainError) as caught:
        decide(_extend(10, sh(2026, 10, 12)), extended, calendar)
    assert caught.value.code == "extension_used"


def test_d3_extension_longer_than_30_days_is_refused(
    policies: PolicySet, calendar: StatutoryCalendar
) -> None:
    with pytest.raises(DomainError) as caught:
        decide(_extend(31, sh(2026, 9, 30)), _handling(policies, calendar), calendar)
    assert caught.value.code == "extension_too_long"
    assert "at most 30 days" in caught.value.message


def test_d3_extension_after_the_deadline_is_refused(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    clock = _handling(policies, calendar)
    decide(_extend(30, sh(2026, 10, 8, 23, 59)), clock, calendar)  # last minute: allowed
    with pytest.raises(DomainError) as caught:
        decide(_extend(30, sh(2026, 10, 9)), clock, calendar)
    assert caught.value.code == "extension_after_deadline"


def test_d3_extension_needs_a_reason_and_an_approver(
    policies: PolicySet, calendar: StatutoryCalendar
) -> None:
    clock = _handling(policies, calendar)
    with pytest.raises(DomainError) as no_reason:
        decide(_extend(30, sh(2026, 9, 30), reason=" "), clock, calendar)
    assert no_reason.value.code == "reason_required"
    with pytest.raises(DomainError) as no_head:
        decide(_extend(30, sh(2026, 9, 30), by=""), clock, calendar)
    assert no_head.value.code == "approver_required"


def test_d2_acceptance_cannot_be_extended(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    with pytest.raises(DomainError) as caught:
        decide(
            ExtendClock("case-1:acceptance", 5, sh(2026, 2, 3), "head", "busy"),
            _acceptance(policies, calendar),
            calendar,
        )
    assert caught.value.code == "not_extendable"


def test_extension_is_refused_while_paused(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    """Only a running clock can be extended (here a deployment's review clock that allows both)."""
    from dataclasses import replace

    from services.supervision.domain.policies import ExtensionRule

    policy = replace(policies.get("review"), extension=ExtensionRule(1, 30))
    clock = started(policy, sh(2026, 3, 2, 9), calendar, clock_id="r")
    paused = apply(clock, PauseClock("r", sh(2026, 3, 10, 9), "hearing"), calendar)
    with pytest.raises(DomainError) as caught:
        decide(ExtendClock("r", 10, sh(2026, 3, 11), "head", "more time"), paused, calendar)
    assert caught.value.code == "not_running"


# --- D7 deadline set on assignment -------------------------------------------------------------


def test_d7_report_back_deadline_set_on_assignment(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    """D7: the assigning bureau asks for the result by 2026-10-03 (National Day): due after 10-08."""
    clock = started(policies.get("report_back"), sh(2026, 9, 1, 9), calendar, last_day=date(2026, 10, 3))
    assert view(clock, sh(2026, 9, 2)).due_at == sh(2026, 10, 9)


def test_d7_report_back_defaults_to_the_handling_deadline(
    policies: PolicySet, calendar: StatutoryCalendar
) -> None:
    report = started(policies.get("report_back"), sh(2026, 8, 2, 9), calendar)
    assert report.due_at == _handling(policies, calendar).due_at


def test_only_policies_that_allow_it_take_a_deadline_by_hand(
    policies: PolicySet, calendar: StatutoryCalendar
) -> None:
    with pytest.raises(DomainError) as caught:
        started(policies.get("acceptance"), sh(2026, 9, 1), calendar, last_day=date(2026, 9, 5))
    assert caught.value.code == "deadline_not_settable"
    with pytest.raises(DomainError) as before:
        started(policies.get("report_back"), sh(2026, 9, 1), calendar, last_day=date(2026, 8, 30))
    assert before.value.code == "invalid_deadline"


# --- calendar changes ---------------------------------------------------------------------------


def test_fallback_deadline_is_recalculated_once_the_year_is_loaded(
    policies: PolicySet, calendar: StatutoryCalendar, calendar_2027: StatutoryCalendar
) -> None:
    """Started 2027-01-25 before the 2027 schedule was known: due after Tuesday 02-09 with a
    warning. With the 2027 year file loaded the last day is the make-up Sunday 02-14."""
    clock = started(policies.get("acceptance"), sh(2027, 1, 25, 10), calendar)
    assert clock.last_day == date(2027, 2, 9)
    assert view(clock, sh(2027, 1, 26)).warnings == (
        "the statutory holiday schedule of 2027 is not loaded; working days in 2027 were taken as Monday to Friday",
    )
    recalculated = apply(clock, RecalculateDeadline("case-1:acceptance", sh(2027, 1, 28)), calendar_2027)
    seen = view(recalculated, sh(2027, 2, 10))
    assert (seen.due_at, seen.state, seen.warnings) == (sh(2027, 2, 15), "running", ())
    # nothing changes a second time
    assert (
        decide(RecalculateDeadline("case-1:acceptance", sh(2027, 1, 29)), recalculated, calendar_2027) == []
    )


def test_naive_now_is_refused(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    with pytest.raises(ValueError, match="has no timezone"):
        view(_acceptance(policies, calendar), datetime(2026, 2, 3))


def test_fold_rebuilds_the_state_from_the_stream(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    start = decide(StartClock("k", "case-1", policies.get("handling"), sh(2026, 8, 2, 9)), None, calendar)
    extension = decide(ExtendClock("k", 30, sh(2026, 9, 30), "head", "reason"), fold(start), calendar)
    state = fold([*start, *extension])
    assert state is not None and state.due_at == sh(2026, 11, 10)
    assert fold([]) is None
    with pytest.raises(ValueError, match="before ClockStarted"):
        fold(extension)


def test_due_at_is_an_offset_aware_shanghai_instant(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    due = view(_acceptance(policies, calendar), sh(2026, 2, 2)).due_at
    assert due.utcoffset() == timedelta(hours=8)
    assert due.isoformat() == "2026-02-25T00:00:00+08:00"
