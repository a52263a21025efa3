"""Rules R3–R12 as pure functions, one or more tests per rule."""

from __future__ import annotations

from services.routing.domain.directory import Category, Directory, Region, Unit
from services.routing.domain.rules import (
    collective,
    competent_unit,
    discipline_unit,
    diverted_unit,
    exclude_accused,
    forward_or_assign,
    is_level_skipping,
    repeat_disposition,
    suggestion_unit,
    triage_unit,
)


def unit(directory: Directory, unit_id: str) -> Unit:
    found = directory.unit(unit_id)
    assert found is not None, unit_id
    return found


def uid(found: Unit | None) -> str | None:
    return found.id if found else None


def region(directory: Directory, code: str) -> Region:
    found = directory.region(code)
    assert found is not None, code
    return found


def category(directory: Directory, code: str) -> Category:
    found = directory.category(code)
    assert found is not None, code
    return found


def test_r3_county_matter_goes_to_the_county_department_of_the_place(directory: Directory) -> None:
    step = competent_unit(directory, category(directory, "environment"), region(directory, "370783004201"))
    assert step.unit is not None and step.unit.id == "370783:ecology_environment"
    assert step.sentence.startswith("R3")


def test_r3_village_affairs_go_to_the_township_government(directory: Directory) -> None:
    step = competent_unit(
        directory, category(directory, "village_affairs"), region(directory, "370702006202")
    )
    assert step.unit is not None and step.unit.id == "370702006:township_government"


def test_r3_place_known_only_at_city_level_gives_the_city_department(directory: Directory) -> None:
    step = competent_unit(directory, category(directory, "education"), region(directory, "370700"))
    assert step.unit is not None and step.unit.id == "370700:education"


def test_r3_township_matter_known_only_at_county_level_finds_no_unit(directory: Directory) -> None:
    step = competent_unit(directory, category(directory, "village_affairs"), region(directory, "370703"))
    assert step.unit is None


def test_r3_no_place_no_unit(directory: Directory) -> None:
    assert competent_unit(directory, category(directory, "health"), None).unit is None


def test_r4_litigation_goes_to_the_political_legal_committee_of_the_receiving_level(
    directory: Directory,
) -> None:
    step = diverted_unit(directory, unit(directory, "370700:petition_bureau"), region(directory, "370783004"))
    assert step.unit is not None and step.unit.id == "370700:political_legal"
    assert "诉讼" in step.sentence


def test_r4_receiving_level_without_one_uses_the_county_of_the_place(directory: Directory) -> None:
    township = unit(directory, "370783103:township_government")
    step = diverted_unit(directory, township, region(directory, "370703004201"))
    assert step.unit is not None and step.unit.id == "370703:political_legal"


def test_r4_else_the_city(directory: Directory) -> None:
    province = unit(directory, "370000:petition_bureau")
    step = diverted_unit(directory, province, region(directory, "370700"))
    assert step.unit is not None and step.unit.id == "370700:political_legal"
    assert diverted_unit(directory, province, None).unit is None


def test_r5_accused_village_or_township_unit_goes_to_the_county_commission(directory: Directory) -> None:
    for accused, commission in (
        ("370702001002:village_committee", "370702:discipline"),
        ("370703005:township_government", "370703:discipline"),
    ):
        step = discipline_unit(directory, [unit(directory, accused)], None)
        assert step.unit is not None and step.unit.id == commission
        assert "不交被检举单位" in step.sentence


def test_r5_accused_county_department_goes_to_that_county_commission(directory: Directory) -> None:
    step = discipline_unit(directory, [unit(directory, "370702:civil_affairs")], None)
    assert step.unit is not None and step.unit.id == "370702:discipline"


def test_r5_accused_county_government_bureau_or_commission_goes_to_the_city(directory: Directory) -> None:
    for accused in ("370783:government", "370783:petition_bureau", "370783:discipline"):
        step = discipline_unit(directory, [unit(directory, accused)], None)
        assert step.unit is not None and step.unit.id == "370700:discipline", accused


def test_r5_nobody_named_goes_to_the_county_commission_of_the_place(directory: Directory) -> None:
    step = discipline_unit(directory, [], region(directory, "370783101202"))
    assert step.unit is not None and step.unit.id == "370783:discipline"
    assert "P2" in step.sentence


def test_r5_with_several_accused_the_highest_competent_commission_takes_it(directory: Directory) -> None:
    accused = [unit(directory, "370703003201:village_committee"), unit(directory, "370703:government")]
    step = discipline_unit(directory, accused, None)
    assert step.unit is not None and step.unit.id == "370700:discipline"


def test_r6_accused_competent_unit_is_replaced_by_the_same_kind_one_level_up(directory: Directory) -> None:
    chosen, excluded, sentence = exclude_accused(
        directory, unit(directory, "370703:ecology_environment"), {"370703:ecology_environment"}
    )
    assert chosen is not None and chosen.id == "370700:ecology_environment"
    assert [e.unit.id for e in excluded] == ["370703:ecology_environment"]
    assert sentence.startswith("R6")


def test_r6_an_accused_township_government_gives_way_to_the_county_government(directory: Directory) -> None:
    chosen, excluded, _ = exclude_accused(
        directory, unit(directory, "370702006:township_government"), {"370702006:township_government"}
    )
    assert chosen is not None and chosen.id == "370702:government"
    assert len(excluded) == 1


def test_r6_a_unit_not_accused_stays(directory: Directory) -> None:
    chosen, excluded, sentence = exclude_accused(
        directory, unit(directory, "370703:health"), {"370703:government"}
    )
    assert chosen is not None and chosen.id == "370703:health" and excluded == () and sentence == ""


def test_r7_suggestions_are_recorded_at_the_petition_bureau_of_the_receiving_level(
    directory: Directory,
) -> None:
    step = suggestion_unit(directory, unit(directory, "370700:petition_bureau"))
    assert uid(step.unit) == "370700:petition_bureau" and "不计答复期限" in step.sentence
    # a township receiver has no bureau of its own: the county's records it
    township = unit(directory, "370783103:township_government")
    assert uid(suggestion_unit(directory, township).unit) == "370783:petition_bureau"


def test_r8_assigned_for_each_reason_forwarded_otherwise() -> None:
    base = dict(
        collective=False,
        level_skipping=False,
        repeat_after_reply=False,
        leader_reception=False,
        leader_instructed=False,
    )
    assert forward_or_assign(**base)[0] == "forwarded"
    for reason in base:
        disposition, sentence = forward_or_assign(**{**base, reason: True})
        assert disposition == "assigned", reason
        assert sentence.startswith("R8 交办")


def test_r9_triage_goes_to_the_petition_bureau_of_the_receiving_level(directory: Directory) -> None:
    assert uid(triage_unit(directory, unit(directory, "000000:petition_bureau"))) == "000000:petition_bureau"
    village = unit(directory, "370702006201:village_committee")
    assert uid(triage_unit(directory, village)) == "370702:petition_bureau"
    department = unit(directory, "370783:education")
    assert uid(triage_unit(directory, department)) == "370783:petition_bureau"


def test_r10_level_skipping_is_two_ranks_or_more(directory: Directory) -> None:
    county_unit = unit(directory, "370703:health")
    assert is_level_skipping(directory, county_unit, unit(directory, "370000:petition_bureau"))  # 3 - 1
    assert not is_level_skipping(directory, county_unit, unit(directory, "370700:petition_bureau"))  # 3 - 2
    township = unit(directory, "370703001:township_government")
    assert is_level_skipping(directory, township, unit(directory, "370700:petition_bureau"))  # 4 - 2
    assert not is_level_skipping(directory, county_unit, unit(directory, "370703001:township_government"))


def test_r11_five_people_is_collective_and_over_twenty_at_county_or_above_is_large(
    directory: Directory,
) -> None:
    county = unit(directory, "370783:petition_bureau")
    assert not collective(directory, 4, county).collective
    five = collective(directory, 5, county)
    assert five.collective and not five.large and five.key_case and five.notify == ()
    twenty_one = collective(directory, 21, county)
    assert twenty_one.large and [n.unit.id for n in twenty_one.notify] == ["370783:discipline"]
    at_township = collective(directory, 30, unit(directory, "370783102:township_government"))
    assert at_township.collective and not at_township.large and not at_township.key_case


def test_r12_repeat_of_an_open_terminated_or_replied_case() -> None:
    assert repeat_disposition("open", "X1")[0] == "merged"
    disposition, sentence = repeat_disposition("terminated", "X1")
    assert disposition == "not_accepted" and "不予受理" in sentence
    disposition, sentence = repeat_disposition("replied", "X1")
    assert disposition is None and "复查" in sentence
