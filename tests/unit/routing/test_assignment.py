"""The assignment aggregate: sign for, return within 5 working days (R13), disputes one level up, binding
decisions, triage (R9) and reassignment, with the trail a clerk reads."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from services.routing.domain.assignment import (
    Entry,
    Refused,
    decide_dispute,
    decide_reassign,
    decide_return,
    decide_sign,
    decide_triage,
    evolve,
    fold,
    placed,
    step_summary,
)
from services.routing.domain.directory import Directory
from services.routing.domain.rules import dispute_bureau
from shared.calendar.statutory import StatutoryCalendar

CST = timezone(timedelta(hours=8))
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=CST)
NR = "370703:natural_resources"
AG = "370703:agriculture_rural"


@pytest.fixture(scope="module")
def calendar() -> StatutoryCalendar:
    return StatutoryCalendar()


def routed(unit: str, disposition: str = "forwarded", at: datetime = MONDAY, **detail: Any) -> Entry:
    data = {
        "category": "land_resources",
        "category_confidence": 0.9,
        "region_code": "370703004201",
        "unit_id": unit,
        "disposition": disposition,
        "flags": [],
        "explanation": ["R3 主管单位：…"],
        "directory_version": "v",
        "detail": {"cause": "registration", **detail},
    }
    return Entry("case_routed", data, at)


def test_the_unit_holding_the_case_signs_for_it_once() -> None:
    state = fold([routed(NR)])
    with pytest.raises(Refused) as other:
        decide_sign(state, AG, MONDAY)
    assert other.value.kind == "not_yours"
    signed = decide_sign(state, NR, MONDAY + timedelta(hours=1))
    state = evolve(state, Entry("case_signed", {"unit_id": NR}, signed.at, actor="h-1"))
    assert state.signed_by == "h-1"
    with pytest.raises(Refused) as again:
        decide_sign(state, NR, MONDAY + timedelta(hours=2))
    assert again.value.code == "already-signed"


def test_a_case_in_triage_is_not_signed_for() -> None:
    state = fold([routed("370703:petition_bureau", "triage")])
    with pytest.raises(Refused) as refused:
        decide_sign(state, "370703:petition_bureau", MONDAY)
    assert refused.value.kind == "conflict"


def test_a_first_return_within_five_working_days_excludes_the_unit(directory: Directory, calendar: StatutoryCalendar) -> None:
    state = fold([routed(NR)])
    ret = decide_return(state, NR, "不属本部门职责", MONDAY + timedelta(days=7, hours=13), calendar, directory)
    assert ret.deadline == datetime(2026, 3, 10, 0, 0, tzinfo=CST)
    assert [r.unit_id for r in ret.all_returns] == [NR]
    assert ret.disputed_units == () and ret.dispute_bureau is None


def test_a_return_after_five_working_days_is_refused_citing_r13_and_the_deadline(
    directory: Directory, calendar: StatutoryCalendar
) -> None:
    state = fold([routed(NR)])
    with pytest.raises(Refused) as late:
        decide_return(state, NR, "不属本部门职责", datetime(2026, 3, 10, 0, 0, tzinfo=CST), calendar, directory)
    assert (late.value.kind, late.value.rule) == ("conflict", "R13")
    assert late.value.extra["deadline"] == "2026-03-10T00:00:00+08:00"
    assert "5个工作日" in late.value.message


def test_a_return_needs_a_reason(directory: Directory, calendar: StatutoryCalendar) -> None:
    with pytest.raises(Refused) as refused:
        decide_return(fold([routed(NR)]), NR, "  ", MONDAY, calendar, directory)
    assert refused.value.kind == "invalid"


def test_a_second_return_is_a_dispute_for_the_city_bureau_above_two_county_departments(
    directory: Directory, calendar: StatutoryCalendar
) -> None:
    state = fold(
        [
            routed(AG),
            Entry("case_returned", {"unit_id": AG, "reason": "不属农业部门"}, MONDAY + timedelta(days=1)),
            routed(NR, at=MONDAY + timedelta(days=1), cause="return"),
        ]
    )
    ret = decide_return(state, NR, "属农业部门", MONDAY + timedelta(days=2), calendar, directory)
    assert [u.id for u in ret.disputed_units] == [AG, NR]
    assert ret.dispute_bureau is not None and ret.dispute_bureau.id == "370700:petition_bureau"
    assert "不得再退回" in ret.dispute_sentence


def test_a_return_of_a_case_a_clerk_placed_is_a_dispute_at_once(directory: Directory, calendar: StatutoryCalendar) -> None:
    state = fold(
        [
            routed("370703:petition_bureau", "triage"),
            Entry("triage_decided", {"unit_id": "370703004:township_government"}, MONDAY),
            routed("370703004:township_government", at=MONDAY, cause="triage"),
        ]
    )
    ret = decide_return(state, "370703004:township_government", "应由村委会解决", MONDAY, calendar, directory)
    assert ret.dispute_bureau is not None and ret.dispute_bureau.id == "370703:petition_bureau"


def test_one_level_above_two_townships_of_a_county_is_the_county_bureau(directory: Directory) -> None:
    units = [directory.unit("370703004:township_government"), directory.unit("370703003:township_government")]
    step = dispute_bureau(directory, [u for u in units if u is not None])
    assert step.unit is not None and step.unit.id == "370703:petition_bureau"
    assert "寒亭区信访局" in step.sentence


def test_departments_of_two_counties_are_decided_by_the_city_bureau(directory: Directory) -> None:
    units = [directory.unit("370703:education"), directory.unit("370783001:township_government")]
    step = dispute_bureau(directory, [u for u in units if u is not None])
    assert step.unit is not None and step.unit.id == "370700:petition_bureau"


def disputed_history() -> list[Entry]:
    """Agriculture returned it, natural resources too: a dispute for the city bureau (R13)."""
    return [
        routed(AG),
        Entry("case_returned", {"unit_id": AG, "reason": "a"}, MONDAY),
        routed(NR, cause="return"),
        Entry("case_returned", {"unit_id": NR, "reason": "b"}, MONDAY),
        Entry(
            "case_disputed",
            {"disputed_units": [AG, NR], "bureau_id": "370700:petition_bureau", "reason": "b"},
            MONDAY,
        ),
        routed("370700:petition_bureau", "triage", cause="dispute"),
    ]


def test_only_the_deciding_bureau_decides_a_dispute_and_its_decision_is_binding(
    directory: Directory, calendar: StatutoryCalendar
) -> None:
    state = fold(disputed_history())
    assert state.disputed and state.dispute_bureau == "370700:petition_bureau"
    with pytest.raises(Refused) as other:
        decide_dispute(state, "370703:petition_bureau", NR, "x", directory)
    assert other.value.kind == "not_yours"
    placement = decide_dispute(state, "370700:petition_bureau", NR, "取土毁田属自然资源部门查处", directory)
    data = placed(state.last, placement, directory)
    assert (data["unit_id"], data["disposition"]) == (NR, "assigned")
    assert {"dispute", "binding"} <= set(data["flags"])
    assert data["explanation"][-1].startswith("R13 裁决：潍坊市信访局决定交寒亭区自然资源局办理")
    decided = [Entry("dispute_decided", {"unit_id": NR}, MONDAY), Entry("case_routed", data, MONDAY)]
    state = fold([*disputed_history(), *decided])
    assert state.binding and not state.disputed
    with pytest.raises(Refused) as binding:
        decide_return(state, NR, "还是不归我们", MONDAY, calendar, directory)
    assert (binding.value.code, binding.value.rule) == ("binding-decision", "R13")


def test_a_triage_decision_needs_the_bureau_holding_the_case_a_known_unit_and_a_reason(directory: Directory) -> None:
    state = fold([routed("370703:petition_bureau", "triage")])
    with pytest.raises(Refused) as other:
        decide_triage(state, "370783:petition_bureau", NR, "forwarded", None, "x", directory)
    assert other.value.kind == "not_yours"
    with pytest.raises(Refused) as unknown:
        decide_triage(state, "370703:petition_bureau", "370703:nowhere", "forwarded", None, "x", directory)
    assert unknown.value.code == "unknown-unit"
    placement = decide_triage(
        state, "370703:petition_bureau", NR, "forwarded", "国土资源", "反映的是非法占地", directory
    )
    assert placement.category == "land_resources" and not placement.binding
    assert placement.sentence == "R9 分流决定：寒亭区信访局决定由寒亭区自然资源局办理（转送），理由：反映的是非法占地"


def test_a_reassignment_keeps_the_disposition_and_says_from_where(directory: Directory) -> None:
    state = fold([routed(NR, "assigned")])
    placement = decide_reassign(state, AG, "涉及设施农业用地", directory, by_unit="370703:petition_bureau")
    assert placement.disposition == "assigned"
    assert placement.sentence == "改派：由寒亭区自然资源局改交寒亭区农业农村局办理（交办），理由：涉及设施农业用地"
    with pytest.raises(Refused):
        decide_reassign(state, NR, "x", directory, by_unit=None)


def test_each_step_reads_as_a_sentence_in_the_history(directory: Directory) -> None:
    returned = Entry("case_returned", {"unit_id": NR, "reason": "不属本部门"}, MONDAY)
    assert step_summary(returned, directory) == "寒亭区自然资源局退回，理由：不属本部门（R13）"
    assert step_summary(routed(NR), directory) == "分办：转送，寒亭区自然资源局"
