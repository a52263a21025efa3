"""R13: routing again after a return never chooses a unit that returned the case."""

from __future__ import annotations

from typing import Any

from services.routing.domain.decision import ReturnedUnit

LAND = dict(
    title="取土挖坏耕地",
    content="有人在寒亭区高里街道高里村的耕地里取土，挖了好几个大坑，耕地全毁了。",
    address="寒亭区高里街道高里村",
)


def test_a_clerk_set_category_whose_unit_returned_gives_way_to_the_text(decide: Any) -> None:
    first = decide(category="agriculture_rural", **LAND)
    assert first.unit_id == "370703:agriculture_rural"
    again = decide(
        category="agriculture_rural",
        returned=[ReturnedUnit(unit_id="370703:agriculture_rural", reason="取土毁田不属农业部门")],
        **LAND,
    )
    assert (again.category, again.unit_id, again.disposition) == (
        "land_resources",
        "370703:natural_resources",
        "forwarded",
    )
    assert again.explanation[0] == "R13 退回后重新分办：寒亭区农业农村局已退回本件，不再交其办理"
    assert [(e.unit_id, e.reason) for e in again.excluded_units] == [
        ("370703:agriculture_rural", "已退回本件（R13）：取土毁田不属农业部门")
    ]


def test_when_no_other_category_is_supported_the_case_goes_to_triage(decide: Any) -> None:
    again = decide(returned=[ReturnedUnit(unit_id="370703:natural_resources", reason="x")], **LAND)
    assert (again.category, again.unit_id, again.disposition) == (None, "370703:petition_bureau", "triage")
    assert any(line.startswith("R9 人工分流") for line in again.explanation)


def test_the_decision_names_the_rule_the_unit_and_the_place(decide: Any) -> None:
    decision = decide(**LAND)
    assert (decision.unit_rule, decision.unit_name) == ("R3", "寒亭区自然资源局")
    assert (decision.place_name, decision.place_source) == ("寒亭区高里街道高里村", "地址和正文")
