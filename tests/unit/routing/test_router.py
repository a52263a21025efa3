"""The router end to end on the demo directory: rule combinations and the explanation (R14)."""

from __future__ import annotations

from typing import Any

import pytest

from services.routing.domain.classifier import Classifier
from services.routing.domain.directory import Directory
from services.routing.domain.errors import RoutingInputError
from services.routing.domain.router import route
from tests.unit.routing.conftest import petition

NOISE = ("化工厂夜里排废气", "厂子每天后半夜往外排废气，刺鼻的味道熏得人睡不着，请环保部门查处。")
WAGES = ("工地欠薪", "我们在工地干了半年活，包工头拖欠工资一直不给，请人社部门帮忙讨薪。")


def test_r6_and_r10_accused_competent_unit_and_level_skipping(decide: Any) -> None:
    decision = decide(
        received_by="000000:petition_bureau",
        title=NOISE[0],
        content=NOISE[1],
        address="寒亭区固堤街道",
        accused_units=["370703:ecology_environment"],
    )
    assert decision.unit_id == "370700:ecology_environment"
    assert decision.disposition == "assigned"
    assert set(decision.flags) == {"accused_excluded", "level_skipping"}
    assert [(e.unit_id, "R6" in e.reason) for e in decision.excluded_units] == [
        ("370703:ecology_environment", True)
    ]


def test_r4_litigation_received_at_a_township_goes_to_the_county_of_the_place(decide: Any) -> None:
    decision = decide(
        received_by="370703004:township_government",
        title="判决生效了执行不了",
        content="法院判决对方赔偿我八万元，判决生效一年了，我申请强制执行，法院说对方没有财产。",
        address="寒亭区高里街道高里村",
    )
    assert (decision.category, decision.unit_id, decision.disposition) == (
        "litigation",
        "370703:political_legal",
        "diverted",
    )
    assert decision.flags == ()


def test_r4_and_r10_litigation_lodged_nationally_is_diverted_and_level_skipping(decide: Any) -> None:
    decision = decide(
        received_by="000000:petition_bureau",
        title="不服二审判决",
        content="我对潍城区人民法院的一审判决和中院的二审判决都不服，申请再审被驳回。",
        address="潍城区",
    )
    assert (decision.unit_id, decision.disposition, decision.flags) == (
        "370702:political_legal",
        "diverted",
        ("level_skipping",),
    )


def test_r5_discipline_with_accused_county_government_named_in_words(decide: Any) -> None:
    decision = decide(
        received_by="370702:petition_bureau",
        title="举报区政府领导公款吃喝",
        content="我举报潍城区政府个别领导违反八项规定，经常公款吃喝，请纪检监察机关调查。",
        address="潍城区",
        accused_units=["潍城区政府"],
    )
    assert decision.category == "discipline"
    assert decision.unit_id == "370700:discipline"
    assert decision.disposition == "forwarded"
    assert "accused_excluded" not in decision.flags
    assert any("被反映单位：潍城区人民政府" in line for line in decision.explanation)


def test_r2_village_in_two_counties_received_inside_one_of_them(decide: Any) -> None:
    decision = decide(
        received_by="370783:petition_bureau", title=NOISE[0], content=NOISE[1], address="王家庄村"
    )
    assert (decision.region_code, decision.unit_id) == ("370783101201", "370783:ecology_environment")


def test_r2_r9_village_in_two_counties_received_outside_both_goes_to_triage(decide: Any) -> None:
    decision = decide(
        received_by="370700:petition_bureau", title=NOISE[0], content=NOISE[1], address="王家庄村"
    )
    assert (decision.category, decision.region_code, decision.unit_id, decision.disposition) == (
        None,
        None,
        "370700:petition_bureau",
        "triage",
    )
    assert any(line.startswith("R9") for line in decision.explanation)


def test_r3_place_only_at_city_level_goes_to_the_city_department(decide: Any) -> None:
    decision = decide(
        received_by="370700:petition_bureau", title=WAGES[0], content=WAGES[1], address="潍坊市"
    )
    assert (decision.region_code, decision.unit_id, decision.disposition) == (
        "370700",
        "370700:hr_social_security",
        "forwarded",
    )


def test_r9_no_place_goes_to_triage_at_the_receiving_levels_bureau(decide: Any) -> None:
    decision = decide(received_by="370783101:township_government", title=WAGES[0], content=WAGES[1])
    assert (decision.category, decision.region_code, decision.unit_id, decision.disposition) == (
        None,
        None,
        "370783:petition_bureau",
        "triage",
    )
    assert any("事项发生地不明" in line for line in decision.explanation)
    # the classifier's reading stays in the trail for the clerk
    assert decision.explanation[0].startswith("R1 类别：劳动和社会保障")


def test_r9_a_matter_of_no_category_keeps_its_place(decide: Any) -> None:
    decision = decide(
        received_by="370702006201:village_committee",
        title="村里停电频繁",
        content="我们村这个夏天三天两头停电，找供电所说线路老化，希望给换换变压器。",
        address="潍城区望留街道望留村",
    )
    assert (decision.category, decision.region_code, decision.unit_id, decision.disposition) == (
        None,
        "370702006201",
        "370702:petition_bureau",
        "triage",
    )


def test_r1_a_clerk_set_category_wins_over_the_classifier(decide: Any) -> None:
    decision = decide(title=NOISE[0], content=NOISE[1], address="寒亭区朱里街道", category="health")
    assert (decision.category, decision.category_confidence, decision.unit_id) == (
        "health",
        1.0,
        "370703:health",
    )
    assert "登记人员指定" in decision.explanation[0] and "生态环境" in decision.explanation[0]


def test_r1_the_intake_event_field_category_hint_is_read_as_the_clerks_category(decide: Any) -> None:
    decision = decide(title=NOISE[0], content=NOISE[1], address="寒亭区朱里街道", category_hint="education")
    assert decision.category == "education"


def test_r1_an_unknown_clerk_category_falls_back_to_the_classifier(decide: Any) -> None:
    decision = decide(title=NOISE[0], content=NOISE[1], address="寒亭区朱里街道", category="noise")
    assert decision.category == "environment"
    assert "不在分类表中" in decision.explanation[0]


def test_r11_large_collective_at_county_notifies_its_discipline_commission(decide: Any) -> None:
    decision = decide(
        received_by="370783:petition_bureau",
        headcount=26,
        title=WAGES[0],
        content=WAGES[1],
        address="寿光市羊口镇",
    )
    assert decision.flags == ("collective", "large_collective")
    assert decision.disposition == "assigned"
    assert [(n.unit_id, n.rule) for n in decision.notify] == [("370783:discipline", "R11")]
    assert decision.key_case


def test_r11_a_large_group_is_reported_even_when_the_case_goes_to_triage(decide: Any) -> None:
    decision = decide(received_by="370702:petition_bureau", headcount=40, title=WAGES[0], content=WAGES[1])
    assert decision.disposition == "triage"
    assert decision.flags == ("collective", "large_collective")
    assert [n.unit_id for n in decision.notify] == ["370702:discipline"] and decision.key_case


def test_r11_headcount_counts_at_least_the_petitioners_listed(decide: Any) -> None:
    people = [{"name": f"村民{i}"} for i in range(6)]
    decision = decide(petitioners=people, headcount=None, title=WAGES[0], content=WAGES[1], address="寒亭区")
    assert decision.flags == ("collective",)


def test_r7_a_suggestion_without_place_is_recorded_at_the_receiving_bureau(decide: Any) -> None:
    decision = decide(
        received_by="000000:petition_bureau",
        title="建议推广电子证照",
        content="提个建议：办事总要带一堆证件复印件，建议推广电子证照，群众少跑腿。",
    )
    assert (decision.category, decision.unit_id, decision.disposition, decision.region_code) == (
        "suggestion",
        "000000:petition_bureau",
        "recorded",
        None,
    )


@pytest.mark.parametrize(
    ("status", "disposition", "unit_id", "flags"),
    [
        ("open", "merged", "370703:hr_social_security", ("repeat",)),
        ("terminated", "not_accepted", "370703:petition_bureau", ("repeat",)),
        ("replied", "assigned", "370703:hr_social_security", ("repeat",)),
        ("merge", "merged", "370703:hr_social_security", ("repeat",)),
    ],
)
def test_r12_repeat_petitions(
    decide: Any, status: str, disposition: str, unit_id: str, flags: tuple[str, ...]
) -> None:
    decision = decide(
        title=WAGES[0],
        content=WAGES[1],
        address="寒亭区开元街道",
        repeat={"of_case": "XF-2026-000123", "status": status, "unit_id": "370703:hr_social_security"},
    )
    assert (decision.disposition, decision.unit_id, decision.flags) == (disposition, unit_id, flags)
    assert any(line.startswith("R12") and "XF-2026-000123" in line for line in decision.explanation)


def test_r14_the_explanation_lists_category_place_and_rules_in_order(
    decide: Any, directory: Directory
) -> None:
    decision = decide(title=WAGES[0], content=WAGES[1], address="寒亭区开元街道", leader_instructed=True)
    rules = [line.split(" ", 1)[0] for line in decision.explanation]
    assert rules == ["R1", "R2", "R3", "R8"]
    assert "包工头" in decision.explanation[0] or "拖欠工资" in decision.explanation[0]
    assert "寒亭区开元街道" in decision.explanation[1]
    assert "寒亭区人力资源和社会保障局" in decision.explanation[2]
    assert "领导有批示" in decision.explanation[3]
    assert decision.directory_version == directory.version
    assert decision.evidence and all(e.category == "labor_social_security" for e in decision.evidence)


def test_r14_unresolved_accused_names_are_reported(decide: Any) -> None:
    decision = decide(title=WAGES[0], content=WAGES[1], address="寒亭区", accused_units=["某某公司"])
    assert any("某某公司" in line and "找不到" in line for line in decision.explanation)


def test_the_preview_fields_are_all_there(decide: Any) -> None:
    body = decide(title=WAGES[0], content=WAGES[1], address="寒亭区").model_dump(mode="json")
    assert {
        "category",
        "category_confidence",
        "region_code",
        "unit_id",
        "disposition",
        "flags",
        "explanation",
        "directory_version",
        "evidence",
        "excluded_units",
        "notify",
    } <= set(body)
    assert isinstance(body["flags"], list) and isinstance(body["explanation"], list)


def test_an_unknown_receiving_unit_is_refused(directory: Directory, classifier: Classifier) -> None:
    with pytest.raises(RoutingInputError):
        route(petition(received_by="999999:petition_bureau"), directory, classifier)
