"""The router: one pure entry point applying R1–R12 in order and writing the trail (R14).

    decision = route(RoutingInput.model_validate(body), directory, classifier)

Order: R1 category → R2 place → R12 repeat (merged / not accepted stop here) → by the category's
channel R7 suggestion, R4 litigation, R5 discipline or R3 administrative → R6 accused excluded →
R10 level-skipping → R11 collective → R8 forward or assign. Whatever cannot be placed goes to R9 triage.
A decision in triage carries no category: the clerk settles it (the classifier's best guess is in the
explanation and the evidence).

Routing again after a return (R13): ``route(..., returned=[ReturnedUnit(unit_id, reason)])`` never
chooses a unit that returned the case. When the category leads to such a unit, that category is ruled
out and the next one the text supports is tried (its confidence shared among the categories left); when
none is left with enough confidence, the case goes to triage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.routing.domain.accused import AccusedUnits, resolve_accused
from services.routing.domain.classifier import Classification, Classifier
from services.routing.domain.decision import (
    FLAG_ORDER,
    LEADER_RECEPTION,
    EvidenceItem,
    ExcludedUnit,
    Flag,
    NotifiedUnit,
    ReturnedUnit,
    RoutingDecision,
    RoutingInput,
)
from services.routing.domain.directory import Category, Channel, Directory, Unit
from services.routing.domain.errors import RoutingInputError
from services.routing.domain.place import PlaceResolution, resolve_place
from services.routing.domain.rules import (
    Disposition,
    Exclusion,
    collective,
    competent_unit,
    discipline_unit,
    diverted_unit,
    exclude_accused,
    forward_or_assign,
    is_level_skipping,
    level_skipping_sentence,
    repeat_disposition,
    suggestion_unit,
    triage_unit,
)

#: at most this many words of evidence are quoted in the explanation
_QUOTED_EVIDENCE = 6
_MAX_EVIDENCE = 12


@dataclass(frozen=True)
class _CategoryChoice:
    category: Category | None
    confidence: float
    evidence: tuple[EvidenceItem, ...]
    sentence: str
    triage_reason: str | None


def route(
    petition: RoutingInput,
    directory: Directory,
    classifier: Classifier,
    *,
    returned: Sequence[ReturnedUnit] = (),
) -> RoutingDecision:
    """Decide where a petition goes, and why. Raises :class:`RoutingInputError` when the receiving unit
    is not in the directory. ``returned``: units that returned the case (R13), never chosen again."""
    returned_ids = {r.unit_id for r in returned}
    ruled_out: list[str] = []
    while True:
        decision = _route(petition, directory, classifier, returned, tuple(ruled_out))
        if (
            decision.unit_id in returned_ids
            and decision.category is not None
            and decision.disposition not in ("merged", "not_accepted")
            and decision.category not in ruled_out
        ):
            ruled_out.append(decision.category)
            continue
        return decision


def _route(
    petition: RoutingInput,
    directory: Directory,
    classifier: Classifier,
    returned: Sequence[ReturnedUnit],
    ruled_out: tuple[str, ...],
) -> RoutingDecision:
    receiving = directory.unit(petition.received_by)
    if receiving is None:
        raise RoutingInputError(f"receiving unit {petition.received_by!r} is not in the directory")

    trail: list[str] = []
    flags: set[Flag] = set()
    excluded: list[Exclusion] = []
    for r in returned:
        unit = directory.unit(r.unit_id)
        if unit is not None and all(e.unit.id != unit.id for e in excluded):
            reason = f"已退回本件（R13）：{r.reason}" if r.reason else "已退回本件（R13）"
            excluded.append(Exclusion(unit, reason))
    if excluded:
        trail.append(
            "R13 退回后重新分办：" + "、".join(e.unit.name for e in excluded) + "已退回本件，不再交其办理"
        )
    if ruled_out:
        names = {c.code: c.name for c in directory.categories}
        trail.append(
            "R13 重新分办：" + "、".join(f"“{names.get(c, c)}”" for c in ruled_out)
            + "类事项的办理单位已退回，改按正文支持的其他类别判断"
        )

    choice = _choose_category(petition, directory, classifier, ruled_out)
    trail.append(choice.sentence)

    place = resolve_place(
        directory,
        region_code=petition.place.region_code,
        address=petition.place.address,
        title=petition.title,
        content=petition.content,
        receiving_region=receiving.region,
        petitioner_addresses=[p.address for p in petition.petitioners if p.address],
    )
    trail.append(f"R2 地点：{place.how}")
    region_code = place.region.code if place.region else None
    place_name = directory.full_name(region_code) if region_code else None

    accused = resolve_accused(directory, petition.accused_units)
    if accused.units or accused.unresolved:
        trail.append(_accused_sentence(accused))

    group = collective(directory, petition.people, receiving)
    if group.collective:
        flags.add("collective")
    if group.large:
        flags.add("large_collective")

    def decide(
        unit: Unit | None,
        disposition: Disposition,
        rule: str,
        *,
        category: Category | None = choice.category,
    ) -> RoutingDecision:
        """The decision with its trail. R11 (who is told, key case) holds however the case is routed."""
        if group.sentence and group.sentence not in trail:
            trail.append(group.sentence)
        return RoutingDecision.model_validate(
            {
                "category": category.code if category else None,
                "category_confidence": choice.confidence,
                "region_code": region_code,
                "unit_id": unit.id if unit else None,
                "disposition": disposition,
                "flags": [f for f in FLAG_ORDER if f in flags],
                "explanation": trail,
                "directory_version": directory.version,
                "evidence": choice.evidence,
                "excluded_units": [
                    ExcludedUnit(unit_id=e.unit.id, name=e.unit.name, reason=e.reason) for e in excluded
                ],
                "accused_units": [u.id for u in accused.units],
                "notify": [
                    NotifiedUnit(unit_id=n.unit.id, name=n.unit.name, reason=n.reason, rule=n.rule)
                    for n in group.notify
                ],
                "key_case": group.key_case,
                "unit_name": unit.name if unit else None,
                "unit_rule": rule,
                "place_name": place_name,
                "place_source": place.source if place.region else "",
            }
        )

    def triage(reason: str) -> RoutingDecision:
        """R9: to the triage queue of the receiving level's petition bureau."""
        bureau = triage_unit(directory, receiving)
        where = bureau.name if bureau else "（受理层级没有信访局）"
        trail.append(f"R9 人工分流：{reason}，转{where}分流，由工作人员决定去向并记录理由")
        return decide(bureau, "triage", "R9", category=None)

    # R12: a repeat of an open or terminated case is not routed again
    repeat_after_reply = False
    if petition.repeat is not None:
        flags.add("repeat")
        disposition, sentence = repeat_disposition(petition.repeat.status, petition.repeat.of_case)
        trail.append(sentence)
        if disposition == "merged":
            original = directory.unit(petition.repeat.unit_id) if petition.repeat.unit_id else None
            return decide(original, "merged", "R12")
        if disposition == "not_accepted":
            return decide(triage_unit(directory, receiving), "not_accepted", "R12")
        repeat_after_reply = True

    category = choice.category
    if category is None:
        return triage(f"类别无法确定（{choice.triage_reason}）")

    if category.channel == Channel.SUGGESTION:
        step, rule = suggestion_unit(directory, receiving), "R7"
    elif category.channel == Channel.DIVERTED:
        step, rule = diverted_unit(directory, receiving, place.region), "R4"
    elif category.channel == Channel.DISCIPLINE:
        step, rule = discipline_unit(directory, accused.units, place.region), "R5"
    else:
        step, rule = competent_unit(directory, category, place.region), "R3"
    trail.append(step.sentence)
    if step.unit is None:
        return triage(_why_no_unit(place))

    unit, exclusions, sentence = exclude_accused(directory, step.unit, accused.ids)
    if exclusions:
        excluded.extend(exclusions)
        flags.add("accused_excluded")
        trail.append(sentence)
        rule = "R6"
    if unit is None:
        return triage("被反映单位回避后没有可办理的单位")

    skipping = is_level_skipping(directory, unit, receiving)
    if skipping:
        flags.add("level_skipping")
        trail.append(level_skipping_sentence(directory, unit, receiving, place.region))
    if group.sentence:
        trail.append(group.sentence)

    if category.channel == Channel.SUGGESTION:
        return decide(unit, "recorded", rule)
    if category.channel == Channel.DIVERTED:
        return decide(unit, "diverted", rule)
    disposition, sentence = forward_or_assign(
        collective=group.collective,
        level_skipping=skipping,
        repeat_after_reply=repeat_after_reply,
        leader_reception=petition.channel == LEADER_RECEPTION,
        leader_instructed=petition.leader_instructed,
    )
    trail.append(sentence)
    return decide(unit, disposition, rule)


def _choose_category(
    petition: RoutingInput, directory: Directory, classifier: Classifier, ruled_out: tuple[str, ...] = ()
) -> _CategoryChoice:
    """R1: a category set by a clerk wins (unless ruled out after a return, R13); otherwise the
    classifier's, if confident enough."""
    result = classifier.classify(petition.title, petition.content, exclude=ruled_out)
    evidence = tuple(
        EvidenceItem(category=e.category, word=e.word, weight=round(e.weight, 2), where=e.where)
        for e in result.evidence[:_MAX_EVIDENCE]
    )
    names = {c.code: c.name for c in directory.categories}
    hint = (petition.category or "").strip()
    prefix = ""
    if hint:
        chosen = directory.category(hint) or next((c for c in directory.categories if c.name == hint), None)
        if chosen is not None and chosen.code in ruled_out:
            prefix = f"登记人员指定的类别“{chosen.name}”的办理单位已退回，改用自动分类；"
        elif chosen is not None:
            own = ""
            if result.best and result.best != chosen.code:
                own = f"（自动分类为“{names.get(result.best, result.best)}”，置信度 {result.confidence:.2f}，以人工为准）"
            clerk = EvidenceItem(category=chosen.code, word=chosen.name, weight=0.0, where="clerk")
            return _CategoryChoice(
                chosen, 1.0, (clerk,), f"R1 类别：登记人员指定为“{chosen.name}”{own}", None
            )
        else:
            prefix = f"登记人员指定的类别“{hint}”不在分类表中，改用自动分类；"

    if result.category is not None:
        category = directory.category(result.category)
        return _CategoryChoice(
            category,
            result.confidence,
            evidence,
            f"R1 类别：{prefix}{names[result.category]}（置信度 {result.confidence:.2f}），依据{_quote(result)}",
            None,
        )
    guess = ""
    if result.best is not None:
        guess = f"；最接近的是“{names.get(result.best, result.best)}”（置信度 {result.confidence:.2f}），依据{_quote(result)}"
    reason = result.triage_reason or ""
    return _CategoryChoice(
        None, result.confidence, evidence, f"R1 类别：{prefix}无法确定，{reason}{guess}", reason
    )


def _quote(result: Classification) -> str:
    return "、".join(e.describe() for e in result.evidence[:_QUOTED_EVIDENCE]) or "（无）"


def _accused_sentence(accused: AccusedUnits) -> str:
    parts = []
    if accused.units:
        parts.append("被反映单位：" + "、".join(u.name for u in accused.units))
    if accused.unresolved:
        parts.append("目录中找不到的被反映单位：" + "、".join(accused.unresolved) + "（未能据此回避）")
    return "；".join(parts)


def _why_no_unit(place: PlaceResolution) -> str:
    if place.region is None:
        return "事项发生地不明" if not place.ambiguous else "事项发生地有歧义"
    return "找不到可办理的单位"
