"""Routing rules R3–R12 of DOMAIN.md §3 (属地管理、分级负责，谁主管、谁负责), as pure functions.

R1 (category) is in ``classifier.py``, R2 (place) in ``place.py``, R14 (explanation) is assembled by
``router.py``. Each function returns what it decided and one sentence for the explanation, in words a
clerk understands, starting with the rule number.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from services.routing.domain.directory import (
    DISCIPLINE,
    GOVERNMENT,
    PETITION_BUREAU,
    POLITICAL_LEGAL,
    TOWNSHIP_GOVERNMENT,
    VILLAGE_COMMITTEE,
    Category,
    Directory,
    Level,
    Region,
    Unit,
)

Disposition = Literal["forwarded", "assigned", "diverted", "recorded", "triage", "merged", "not_accepted"]
RepeatStatus = Literal["open", "replied", "terminated"]

#: R5: the leadership of a level is overseen by the discipline commission one level up
LEADERSHIP_KINDS = frozenset({GOVERNMENT, PETITION_BUREAU, DISCIPLINE})
#: R6: when a level has no unit of the accused unit's kind, its counterpart one level up
_COUNTERPART = {VILLAGE_COMMITTEE: TOWNSHIP_GOVERNMENT, TOWNSHIP_GOVERNMENT: GOVERNMENT}
#: R10: a difference of this many ranks or more is level-skipping
LEVEL_SKIPPING_RANKS = 2
#: R11
COLLECTIVE_HEADCOUNT = 5
LARGE_COLLECTIVE_ABOVE = 20


@dataclass(frozen=True)
class Step:
    """The unit a rule chose (None when it could not choose one) and why."""

    unit: Unit | None
    sentence: str


@dataclass(frozen=True)
class Exclusion:
    """A unit a rule refused, and why."""

    unit: Unit
    reason: str


@dataclass(frozen=True)
class Notification:
    """A unit to be told about the case when it is routed."""

    unit: Unit
    reason: str
    rule: str


def _name(directory: Directory, region: Region) -> str:
    return directory.full_name(region.code)


# -- R3 ---------------------------------------------------------------------------------------------


def competent_unit(directory: Directory, category: Category, place: Region | None) -> Step:
    """R3 Competent unit (administrative channel): the unit of the category's ``competent_kind`` at the
    category's ``lowest_level`` in the region containing the place. A place known only above that level
    gives the unit of that kind at the place's level (a county matter known only at city level goes to
    the city department). No place → no unit (triage, R9)."""
    if place is None:
        return Step(None, "R3 主管单位：事项发生地不明，无法按属地确定主管单位")
    level = category.lowest_level
    base = directory.ancestor_at(place.code, level) if place.rank >= level.rank else place
    if base is None:
        base = place
    unit = directory.nearest_unit_of_kind(base.code, category.competent_kind)
    if unit is None:
        return Step(
            None,
            f"R3 主管单位：事项发生地只能确定到{_name(directory, place)}（{place.level.label}），"
            f"该地及上级没有{category.name}类事项的主管单位（{category.competent_kind}），无法确定",
        )
    where = _name(directory, base)
    if place.rank < level.rank:
        note = f"事项发生地只能确定到{where}（{place.level.label}），由该级主管单位办理"
    else:
        note = f"事项发生在{_name(directory, place)}，属{where}管辖"
    if unit.region != base.code:
        note += f"；{where}没有该类单位，由上级单位办理"
    return Step(unit, f"R3 主管单位：{category.name}类事项由{level.label}主管部门办理，{note}，交{unit.name}")


# -- R4 ---------------------------------------------------------------------------------------------


def diverted_unit(directory: Directory, receiving: Unit, place: Region | None) -> Step:
    """R4 Diverted (诉访分离): litigation matters go to the political-legal committee of the receiving
    level; where the receiving level has none (township, village, province, national) to that of the
    county of the place, else the city."""
    same_level = directory.unit_of_kind(receiving.region, POLITICAL_LEGAL)
    if same_level is not None:
        return Step(
            same_level,
            f"R4 诉访分离：涉法涉诉事项不作为普通信访办理，转受理单位同级的{same_level.name}，"
            "并告知信访人依法通过诉讼等法律途径解决",
        )
    county = directory.county_of(place.code) if place else None
    unit = directory.unit_of_kind(county.code, POLITICAL_LEGAL) if county else None
    if unit is not None:
        return Step(
            unit,
            f"R4 诉访分离：受理单位所在层级没有政法委，转事项发生地所在县（区）的{unit.name}，"
            "并告知信访人依法通过诉讼等法律途径解决",
        )
    city = (directory.city_of(place.code) if place else None) or directory.city_of(receiving.region)
    unit = directory.unit_of_kind(city.code, POLITICAL_LEGAL) if city else None
    if unit is not None:
        return Step(
            unit,
            f"R4 诉访分离：受理单位所在层级没有政法委，事项发生地不能确定到县（区），转{unit.name}，"
            "并告知信访人依法通过诉讼等法律途径解决",
        )
    return Step(None, "R4 诉访分离：受理层级和事项发生地都找不到政法委，无法转出")


# -- R5 ---------------------------------------------------------------------------------------------


def discipline_unit(directory: Directory, accused: Sequence[Unit], place: Region | None) -> Step:
    """R5 Accusations (检举控告): by management authority, never to an accused unit. An accused village
    or township unit, or a county department → that county's discipline commission; an accused county
    government, petition bureau or discipline commission → the city discipline commission (in general:
    the leadership of a level is overseen one level up); nobody named → the county discipline
    commission of the place. With several accused units, the highest competent commission takes it."""
    privacy = "；检举人身份和检举材料只对受理的信访部门和纪检监察机关可见（P2）"
    found: list[tuple[Unit, Unit]] = []
    for u in accused:
        commission = _managing_commission(directory, u)
        if commission is not None:
            found.append((u, commission))
    if found:
        accused_unit, commission = min(found, key=lambda pair: directory.unit_rank(pair[1]))
        return Step(
            commission,
            f"R5 检举控告：按干部管理权限，被检举的{accused_unit.name}由{commission.name}管辖，"
            f"不交被检举单位{privacy}",
        )
    if accused:
        names = "、".join(u.name for u in accused)
        return Step(None, f"R5 检举控告：找不到对被检举单位（{names}）有管理权限的纪检监察机关")
    if place is None:
        return Step(None, "R5 检举控告：未指明被检举单位，事项发生地也不明，无法确定纪检监察机关")
    region = directory.county_of(place.code) or place
    commission = directory.nearest_unit_of_kind(region.code, DISCIPLINE)
    if commission is None:
        return Step(None, f"R5 检举控告：{_name(directory, region)}及上级没有纪检监察机关")
    return Step(
        commission,
        f"R5 检举控告：未指明被检举单位，交事项发生地{_name(directory, region)}的{commission.name}{privacy}",
    )


def _managing_commission(directory: Directory, accused: Unit) -> Unit | None:
    """The discipline commission with management authority over ``accused`` (R5)."""
    region = directory.unit_region(accused)
    if region.rank >= Level.TOWNSHIP.rank:
        start = directory.county_of(region.code) or region
    elif accused.kind in LEADERSHIP_KINDS and region.parent is not None:
        start = directory.region(region.parent) or region
    else:
        start = region
    commission = directory.nearest_unit_of_kind(start.code, DISCIPLINE)
    if commission is not None and commission.id == accused.id:
        return None
    return commission


# -- R6 ---------------------------------------------------------------------------------------------


def exclude_accused(
    directory: Directory, unit: Unit, accused_ids: Collection[str]
) -> tuple[Unit | None, tuple[Exclusion, ...], str]:
    """R6 Accused excluded: in any category, if the chosen unit is named as accused, route to the unit of
    the same kind one level up (for a township government, the county government; for a village
    committee, the township government) and flag ``accused_excluded``. Repeats while that one is
    accused too."""
    excluded: list[Exclusion] = []
    current: Unit | None = unit
    while current is not None and current.id in accused_ids:
        excluded.append(Exclusion(current, "信访人反映的正是该单位，按回避原则不由其办理（R6）"))
        current = _one_level_up(directory, current)
    if not excluded:
        return unit, (), ""
    names = "、".join(e.unit.name for e in excluded)
    if current is None:
        return None, tuple(excluded), f"R6 回避：{names}被反映，上级没有同类单位，无法改派"
    return (
        current,
        tuple(excluded),
        f"R6 回避：主管单位{names}正是被反映单位，改由上一级同类单位{current.name}办理",
    )


def _one_level_up(directory: Directory, unit: Unit) -> Unit | None:
    for region in directory.ancestors(unit.region):
        same = directory.unit_of_kind(region.code, unit.kind)
        if same is not None:
            return same
        counterpart = _COUNTERPART.get(unit.kind)
        if counterpart is not None:
            other = directory.unit_of_kind(region.code, counterpart)
            if other is not None:
                return other
    return None


# -- R7 and R9 --------------------------------------------------------------------------------------


def suggestion_unit(directory: Directory, receiving: Unit) -> Step:
    """R7 Suggestions (人民建议征集): recorded and sent to the petition bureau of the receiving level
    (for a township or village receiver, the nearest bureau above). No place is needed, no reply clock."""
    bureau = directory.petition_bureau_for(receiving.region)
    if bureau is None:
        return Step(None, "R7 建议意见：受理层级及上级没有信访局，无法登记")
    return Step(bureau, f"R7 建议意见：作为人民建议登记，送{bureau.name}征集研究，不计答复期限")


def triage_unit(directory: Directory, receiving: Unit) -> Unit | None:
    """R9 Triage: the triage queue of the petition bureau of the receiving unit's level (for a township
    or village receiver, the nearest bureau above it). A clerk decides, with a reason."""
    return directory.petition_bureau_for(receiving.region)


# -- R10 --------------------------------------------------------------------------------------------


def is_level_skipping(directory: Directory, responsible: Unit, receiving: Unit) -> bool:
    """R10 Level-skipping (越级): rank(responsible unit) − rank(receiving unit) ≥ 2, ranks national 0,
    province 1, city 2, county 3, township 4, village 5."""
    return directory.unit_rank(responsible) - directory.unit_rank(receiving) >= LEVEL_SKIPPING_RANKS


def level_skipping_sentence(
    directory: Directory, responsible: Unit, receiving: Unit, place: Region | None
) -> str:
    """The R10 sentence: the ranks and against whom the case counts."""
    diff = directory.unit_rank(responsible) - directory.unit_rank(receiving)
    counted = ""
    if place is not None:
        parts = [r.name for r in (directory.county_of(place.code), directory.township_of(place.code)) if r]
        if parts:
            counted = f"，计入事项发生地{'、'.join(parts)}的越级信访"
    return (
        f"R10 越级：办理单位{responsible.name}（{directory.unit_region(responsible).level.label}）比受理单位"
        f"{receiving.name}（{directory.unit_region(receiving).level.label}）低{diff}级，属越级信访，"
        f"由受理单位交办{counted}"
    )


# -- R11 --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Collective:
    """R11 facts about the number of people."""

    collective: bool
    large: bool
    key_case: bool
    notify: tuple[Notification, ...]
    sentence: str


def collective(directory: Directory, headcount: int, receiving: Unit) -> Collective:
    """R11 Collective: headcount ≥ 5 is a collective petition. Headcount > 20 lodged at county level or
    above is a large collective petition and notifies the discipline commission of the receiving level,
    which investigates the cause. Collective petitions lodged at county level or above are key cases
    (S6)."""
    if headcount < COLLECTIVE_HEADCOUNT:
        return Collective(False, False, False, (), "")
    at_county_or_above = directory.unit_rank(receiving) <= Level.COUNTY.rank
    large = headcount > LARGE_COLLECTIVE_ABOVE and at_county_or_above
    notify: list[Notification] = []
    sentence = f"R11 集体访：涉及{headcount}人（5人及以上），属集体访"
    if large:
        commission = directory.unit_of_kind(receiving.region, DISCIPLINE)
        sentence += "；超过20人且在县级及以上受理，属大规模集体访"
        if commission is not None:
            notify.append(Notification(commission, "大规模集体访，由同级纪检监察机关查明原因", "R11"))
            sentence += f"，同时通报{commission.name}查明原因"
        else:
            sentence += "，受理层级没有纪检监察机关可通报"
    if at_county_or_above:
        sentence += "；在县级及以上受理，列为重点案件（一案一报、一天一报）"
    return Collective(True, large, at_county_or_above, tuple(notify), sentence)


# -- R8 ---------------------------------------------------------------------------------------------


def forward_or_assign(
    *,
    collective: bool,
    level_skipping: bool,
    repeat_after_reply: bool,
    leader_reception: bool,
    leader_instructed: bool,
) -> tuple[Disposition, str]:
    """R8 Forward or assign: ``assigned`` (交办, report-back required) when the petition is collective
    (R11), level-skipping (R10), a repeat after a reply, lodged on a leader reception day or instructed
    by a leader (领导批示); otherwise ``forwarded`` (转送)."""
    reasons = [
        text
        for flag, text in (
            (collective, "集体访"),
            (level_skipping, "越级访"),
            (repeat_after_reply, "答复后重复信访"),
            (leader_reception, "领导接访日受理"),
            (leader_instructed, "领导有批示"),
        )
        if flag
    ]
    if reasons:
        return "assigned", f"R8 交办：因{'、'.join(reasons)}，交办主办单位，并要求按期报送办结报告"
    return "forwarded", "R8 转送：非集体访、非越级、非领导接访或批示，转送主办单位办理并直接答复信访人"


# -- R12 --------------------------------------------------------------------------------------------


def repeat_disposition(status: RepeatStatus, of_case: str) -> tuple[Disposition | None, str]:
    """R12 Repeat (重信重访): an earlier case still being handled → ``merged`` into it, not routed again;
    a terminated one → ``not_accepted`` (the same facts are not accepted again, D6); a replied one →
    routed again as a repeat after a reply (assigned, R8), and the petitioner is pointed to review (D4)."""
    if status == "open":
        return "merged", f"R12 重复信访：原件{of_case}仍在办理期限内，本件并入原件，不再另行交转"
    if status == "terminated":
        return "not_accepted", (
            f"R12 重复信访：原件{of_case}已终结，同一事实和理由不再受理（不予受理），登记并告知信访人"
        )
    return None, (
        f"R12 重复信访：原件{of_case}已答复，本件按答复后重复信访交办，并告知信访人可在收到答复30日内申请复查"
    )


# -- R13 --------------------------------------------------------------------------------------------


def dispute_bureau(directory: Directory, disputed: Sequence[Unit]) -> Step:
    """R13 Disputes: a second return, or a return of a case a clerk already placed, goes to the petition
    bureau one level above the disputed units, whose decision is binding. "One level above": the units'
    lowest common region, and one more step up when one of them sits in that region itself (two county
    departments → the city bureau; two township governments of one county → the county bureau)."""
    if not disputed:
        return Step(None, "R13 争议：没有争议单位")
    chains = [directory.ancestors(u.region, include_self=True) for u in disputed]
    shared = set.intersection(*({r.code for r in chain} for chain in chains))
    common = next((r for r in chains[0] if r.code in shared), None)
    names = "、".join(u.name for u in disputed)
    if common is None:
        return Step(None, f"R13 争议：{names}没有共同的上级区域，无法确定裁决的信访部门")
    target = common
    if any(u.region == common.code for u in disputed) and common.parent is not None:
        target = directory.region(common.parent) or common
    bureau = directory.petition_bureau_for(target.code)
    if bureau is None:
        return Step(None, f"R13 争议：{_name(directory, target)}及上级没有信访部门，无法裁决")
    return Step(
        bureau,
        f"R13 争议：{names}对办理单位有争议，交上一级的{bureau.name}作出决定；该决定具有约束力，不得再退回",
    )
