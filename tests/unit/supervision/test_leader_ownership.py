"""S5 leader ownership (领导包案): leader-instructed, collective at county level or above, third
repeat, backlog overdue 30+ days; returned once per case."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.supervision.domain.actions import AssignLeaderOwner
from services.supervision.domain.clocks import ClockState
from services.supervision.domain.escalation import due_actions
from services.supervision.domain.leader_ownership import (
    CaseFacts,
    leader_ownership_due,
    leader_ownership_reasons,
)
from services.supervision.domain.policies import PolicySet
from shared.calendar.statutory import StatutoryCalendar
from tests.unit.supervision.helpers import sh, started

NOW = sh(2026, 3, 10)


def _handling(policies: PolicySet, calendar: StatutoryCalendar) -> ClockState:
    """D3 accepted 2025-11-03: day 60 is Friday 2026-01-02 (New Year holiday), last day 01-05."""
    clock = started(policies.get("handling"), sh(2025, 11, 3), calendar, case_id="c1", clock_id="h")
    assert clock.due_at == sh(2026, 1, 5)
    return clock


def test_s5_leader_instructed_case() -> None:
    assert leader_ownership_reasons(CaseFacts("c1", leader_instructed=True), [], NOW) == (
        "leader_instructed",
    )


@pytest.mark.parametrize(
    ("level", "owned"),
    [
        ("national", True),
        ("province", True),
        ("city", True),
        ("county", True),
        ("township", False),
        ("village", False),
    ],
)
def test_s5_collective_lodged_at_county_level_or_above(level: str, owned: bool) -> None:
    facts = CaseFacts("c1", collective=True, lodged_level=level)
    assert (leader_ownership_due(facts, [], NOW) is not None) is owned


def test_s5_individual_petition_at_county_level_is_not_owned() -> None:
    assert leader_ownership_due(CaseFacts("c1", collective=False, lodged_level="county"), [], NOW) is None


def test_s5_third_repeat() -> None:
    assert leader_ownership_due(CaseFacts("c1", repeat_number=2), [], NOW) is None
    action = leader_ownership_due(CaseFacts("c1", repeat_number=3), [], NOW)
    assert action == AssignLeaderOwner("c1", ("third_repeat",))


def test_s5_backlog_overdue_30_days(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    clock = _handling(policies, calendar)
    facts = CaseFacts("c1")
    assert leader_ownership_due(facts, [clock], clock.due_at + timedelta(days=29, hours=23)) is None
    action = leader_ownership_due(facts, [clock], clock.due_at + timedelta(days=30))
    assert action is not None and action.reasons == ("backlog",)
    # another case's overdue clock does not make this one a backlog case
    assert leader_ownership_due(CaseFacts("c2"), [clock], clock.due_at + timedelta(days=40)) is None


def test_s5_all_reasons_are_given(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    facts = CaseFacts("c1", leader_instructed=True, collective=True, lodged_level="city", repeat_number=4)
    reasons = leader_ownership_reasons(facts, [_handling(policies, calendar)], sh(2026, 3, 1))
    assert reasons == ("leader_instructed", "collective_at_county_or_above", "third_repeat", "backlog")


def test_s5_not_again_once_owned_or_taken() -> None:
    facts = CaseFacts("c1", leader_instructed=True)
    action = leader_ownership_due(facts, [], NOW)
    assert action is not None and action.key == "S5:c1"
    assert leader_ownership_due(facts, [], NOW, taken={action.key}) is None
    owned = CaseFacts("c1", leader_instructed=True, leader_owner="county-head-1")
    assert leader_ownership_due(owned, [], NOW) is None


def test_s5_through_due_actions(policies: PolicySet, calendar: StatutoryCalendar) -> None:
    clock = _handling(policies, calendar)
    cases = {"c1": CaseFacts("c1"), "c2": CaseFacts("c2", leader_instructed=True)}
    actions = due_actions([clock], clock.due_at + timedelta(days=30), cases=cases)
    owners = [a for a in actions if isinstance(a, AssignLeaderOwner)]
    assert [(a.case_id, a.reasons) for a in owners] == [("c1", ("backlog",)), ("c2", ("leader_instructed",))]
    taken = {a.key for a in actions}
    assert due_actions([clock], clock.due_at + timedelta(days=31), cases=cases, taken=taken) == []


def test_unknown_level_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown level 'district'"):
        leader_ownership_due(CaseFacts("c1", collective=True, lodged_level="district"), [], NOW)
