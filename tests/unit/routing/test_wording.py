"""Ways petitioners say things that the first vocabulary missed, each as a rule of thumb: the everyday word
for wages, noise and dust told by how they are felt, reimbursement as a 医保 matter, farmland taken or
built on as a land matter (whoever holds the contract), and a home inside the place named refining it."""

from __future__ import annotations

from typing import Any


def test_the_everyday_word_for_wages_is_a_wage_matter(decide: Any) -> None:
    d = decide(title="辛苦一年拿不到钱", content="在寒亭区开元街道的装修队干了一年活，老板一直不给钱，这是我们的血汗钱。")
    assert (d.category, d.unit_id) == ("labor_social_security", "370703:hr_social_security")


def test_not_paid_alone_is_not_a_wage_matter(decide: Any) -> None:
    d = decide(title="买的电动车坏了商家不给钱", content="在寒亭区开元街道买的电动车三天就坏了，商家不给退钱。")
    assert d.category != "labor_social_security"


def test_noise_told_by_how_it_is_felt_at_night_is_an_environment_matter(decide: Any) -> None:
    d = decide(title="深夜打桩", content="寒亭区朱里街道朱里村旁边的工地深夜打桩，震耳欲聋，全家失眠。")
    assert (d.category, d.unit_id) == ("environment", "370703:ecology_environment")


def test_reimbursing_an_operation_is_for_medical_insurance_not_health(decide: Any) -> None:
    d = decide(
        received_by="370702:petition_bureau",
        title="做完手术报销被拒",
        content="我在潍城区南关街道住，母亲做了心脏手术，去报销时说用药不在目录里，只能报三成。",
    )
    assert (d.category, d.unit_id) == ("medical_insurance", "370702:medical_security")


def test_a_contracted_field_built_on_is_a_land_matter_a_contract_dispute_stays_agricultural(decide: Any) -> None:
    built = decide(
        received_by="370783:petition_bureau",
        title="企业建厂房占了责任田",
        content="寿光市台头镇南台头村的一家企业在我们的责任田上盖厂房，没见过任何批文，也没谈补偿。",
    )
    assert (built.category, built.unit_id) == ("land_resources", "370783:natural_resources")
    taken_back = decide(
        received_by="370783:petition_bureau",
        title="承包地被村里收回",
        content="寿光市台头镇南台头村委会提前收回我家的承包地转包给别人，承包期还没到。",
    )
    assert (taken_back.category, taken_back.unit_id) == ("agriculture_rural", "370783:agriculture_rural")


def test_a_home_inside_the_place_named_refines_it(decide: Any) -> None:
    d = decide(
        received_by="370783:petition_bureau",
        title="退休工资算少了",
        content="我原来在寿光市一家国营厂上班，现在家住侯镇侯镇村，退休后养老金比别人少，请社保部门重新核算。",
    )
    assert d.region_code == "370783101202"
    assert "信访人住处在其范围内，据此细化" in d.explanation[1]


def test_a_home_elsewhere_does_not_move_the_place(decide: Any) -> None:
    d = decide(title="化工厂排废气", content="寒亭区固堤街道的化工厂天天排废气。我现在住在潍城区于河街道于河村。")
    assert d.region_code == "370703003"
