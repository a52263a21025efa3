"""Collective flags (R11) and urgent suggestions with evidence (S11)."""

from __future__ import annotations

import pytest

from services.intake.domain.flags import collective_flags, suggest_urgent


@pytest.mark.parametrize(
    ("headcount", "level", "flags"),
    [
        (1, "county", []),
        (4, "county", []),
        (5, "county", ["collective"]),
        (20, "county", ["collective"]),
        (21, "county", ["collective", "large_collective"]),
        (35, "province", ["collective", "large_collective"]),
        (21, "township", ["collective"]),  # R11: large collective counts when lodged at county or above
        (21, None, ["collective", "large_collective"]),
    ],
)
def test_r11_collective_and_large_collective(headcount: int, level: str | None, flags: list[str]) -> None:
    assert collective_flags(headcount, level) == flags


@pytest.mark.parametrize(
    ("text", "kind", "phrase"),
    [
        ("再不给钱我就从楼上跳下去", "extreme_act", "从楼上跳"),
        ("他扬言要喝农药", "extreme_act", "扬言"),
        ("逼急了就在政府门口自焚", "extreme_act", "自焚"),
        ("实在不行就跟他同归于尽", "extreme_act", "同归于尽"),
        ("我就跟他们拼命", "extreme_act", "跟他们拼命"),
        ("要把他家厂子炸了", "extreme_act", "把他家厂子炸了"),
        ("解决不了我们就进京上访", "beijing", "进京"),
        ("下个月准备到北京去告状", "beijing", "到北京去告"),
        ("去天安门讨个说法", "beijing", "天安门"),
        ("明天全村人去堵路", "mass_incident", "堵路"),
        ("工人们把厂门围堵了", "mass_incident", "围堵"),
        ("我们要一起去市政府拉横幅", "mass_incident", "要一起去市政府"),
    ],
)
def test_s11_urgent_suggestion_names_its_evidence(text: str, kind: str, phrase: str) -> None:
    suggestion = suggest_urgent("", text)
    assert suggestion
    assert kind in suggestion.kinds
    matched = [e for e in suggestion.evidence if e.kind == kind]
    assert phrase in [e.phrase for e in matched]
    assert all(e.phrase in e.context for e in matched)


@pytest.mark.parametrize(
    "text",
    [
        "我拼命干活挣的钱，老板一分没给",  # working hard, not a threat
        "锅炉炸了，幸好没伤人",  # an accident report
        "从窗户上吊根电线下来给电动车充电",  # a cable, not hanging oneself
        "儿子在北京打工，没法回来照顾老人",  # living in Beijing is no risk
        "我们三十五户一起到省里来反映",  # the account of this very visit, not an announced move
        "村里卖了老粮所大院，钱去哪了",
    ],
)
def test_ordinary_petitions_raise_no_suggestion(text: str) -> None:
    assert not suggest_urgent("", text)


def test_evidence_from_title_and_content_in_text_order_without_repeats() -> None:
    suggestion = suggest_urgent("扬言进京", "他说要去北京上访，还要喝农药。扬言好几次了。")
    assert suggestion.kinds == ("extreme_act", "beijing")
    phrases = [e.phrase for e in suggestion.evidence]
    assert phrases == ["扬言", "进京", "去北京上访", "喝农药"]
