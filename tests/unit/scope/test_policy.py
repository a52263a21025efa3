"""P3 scope and P2/R5 accusations, as pure rules."""

from __future__ import annotations

import pytest

from shared.scope.policy import CaseFacts, Viewer, can_see
from shared.scope.regions import level_of, subtree_prefix

GAOLI = "370703004:township_government"  # 高里街道, 寒亭区
GUDI = "370703003:township_government"  # 固堤街道, 寒亭区
HANTING_BUREAU = "370703:petition_bureau"
HANTING_NR = "370703:natural_resources"
HANTING_GOV = "370703:government"
WEICHENG_BUREAU = "370702:petition_bureau"
CITY_BUREAU = "370700:petition_bureau"

LAND_CASE = CaseFacts(
    received_by=HANTING_BUREAU,
    handling_units=frozenset({HANTING_NR}),
    place_region="370703004201",  # 高里村
    accused_units=frozenset(),
    accusation=False,
)
ACCUSATION = CaseFacts(
    received_by=HANTING_BUREAU,
    handling_units=frozenset({"370700:discipline"}),
    place_region="370703004201",
    accused_units=frozenset({HANTING_GOV}),
    accusation=True,
)


@pytest.mark.parametrize(
    ("roles", "unit", "sees"),
    [
        (["clerk"], HANTING_BUREAU, True),  # received it
        (["handler"], HANTING_NR, True),  # handles it
        (["handler"], GAOLI, True),  # P3: placed in the township's region
        (["handler"], GUDI, False),  # another township
        (["handler"], "370703:education", False),  # a county department not involved
        (["supervisor"], CITY_BUREAU, True),  # the city's subtree
        (["supervisor"], WEICHENG_BUREAU, False),  # another county's bureau
        (["analyst"], "370702:education", False),  # region role, but another county
        (["auditor"], WEICHENG_BUREAU, True),
    ],
)
def test_p3_a_unit_sees_what_it_received_handles_or_supervises(roles: list[str], unit: str, sees: bool) -> None:
    assert can_see(Viewer.of(roles, unit), LAND_CASE) is sees


@pytest.mark.parametrize(
    ("roles", "unit", "sees"),
    [
        (["handler"], HANTING_GOV, False),  # P2: the accused never
        (["leader"], HANTING_GOV, False),  # whatever the role
        (["supervisor"], CITY_BUREAU, False),  # R5: not through region either
        (["handler"], GAOLI, False),
        (["clerk"], HANTING_BUREAU, True),  # the receiving bureau
        (["handler"], "370700:discipline", True),  # the discipline unit handling it
        (["admin"], CITY_BUREAU, True),
    ],
)
def test_p2_an_accusation_is_seen_only_by_the_receiving_bureau_and_the_discipline_unit(
    roles: list[str], unit: str, sees: bool
) -> None:
    assert can_see(Viewer.of(roles, unit), ACCUSATION) is sees


def test_r6_a_unit_named_accused_does_not_see_the_petition_even_if_it_received_it() -> None:
    case = CaseFacts(HANTING_NR, frozenset({"370700:natural_resources"}), "370703004201", frozenset({HANTING_NR}), False)
    assert not can_see(Viewer.of(["handler"], HANTING_NR), case)


def test_region_codes_name_their_level_and_subtree() -> None:
    assert level_of("000000") == "national" and subtree_prefix("000000") == ""
    assert level_of("370000") == "province" and subtree_prefix("370000") == "37"
    assert level_of("370700") == "city" and subtree_prefix("370700") == "3707"
    assert level_of("370703") == "county" and subtree_prefix("370703") == "370703"
    assert level_of("370703004") == "township" and level_of("370703004201") == "village"
