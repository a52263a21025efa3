"""Flags set at intake: collective petitions (R11) and urgent-matter suggestions (S11).

Urgent is only *suggested* from the text, with the phrases that triggered it as evidence; a clerk
confirms it (``ConfirmUrgent``), because a suggestion is no more than a keyword match. An abnormal
petition (非正常上访) is never inferred: a clerk records it (``MarkAbnormal``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

#: R11: five or more people raising one matter together.
COLLECTIVE_MIN_HEADCOUNT = 5
#: R11 / I2: more than twenty people lodged at county level or above is a large collective petition.
LARGE_COLLECTIVE_ABOVE = 20
COUNTY_OR_ABOVE: frozenset[str] = frozenset({"national", "province", "city", "county"})


def collective_flags(headcount: int, receiving_level: str | None = None) -> list[str]:
    """``collective`` from 5 people; ``large_collective`` above 20 when lodged at county level or above.

    ``receiving_level`` is the level of the receiving unit (``county``, ``township``...); when unknown,
    headcount alone decides.
    """
    flags: list[str] = []
    if headcount >= COLLECTIVE_MIN_HEADCOUNT:
        flags.append("collective")
    if headcount > LARGE_COLLECTIVE_ABOVE and (receiving_level is None or receiving_level in COUNTY_OR_ABOVE):
        flags.append("large_collective")
    return flags


UrgentKind = Literal["extreme_act", "beijing", "mass_incident"]
URGENT_KINDS: tuple[UrgentKind, ...] = ("extreme_act", "beijing", "mass_incident")

_UNTIL_CLAUSE_END = r"[^，。！？；,.!?;\n]"

_PATTERNS: tuple[tuple[UrgentKind, re.Pattern[str]], ...] = (
    # threats of extreme acts (扬言)
    ("extreme_act", re.compile(r"扬言")),
    (
        "extreme_act",
        re.compile(r"跳楼|跳河|跳桥|跳井|跳崖|卧轨|从" + _UNTIL_CLAUSE_END + r"{0,6}[楼桥顶]上?跳"),
    ),
    ("extreme_act", re.compile(r"自焚|浇汽油|泼汽油|点火烧")),
    ("extreme_act", re.compile(r"喝农药|喝药|服毒|喝敌敌畏|喝百草枯|吃安眠药")),
    # 上吊 (hang oneself), not 窗户上吊根电线 (hang a cable from the window)
    ("extreme_act", re.compile(r"(?<![户楼门墙顶梁树架杆台])上吊(?![根个着起条只盏])")),
    ("extreme_act", re.compile(r"割腕|自杀|轻生|寻死|不想活了|一死了之|以死相逼|死给.{0,3}看")),
    ("extreme_act", re.compile(r"同归于尽|拼个你死我活")),
    (
        "extreme_act",
        re.compile(f"[跟和与]{_UNTIL_CLAUSE_END}{{0,8}}拼(?:命|了)|拼了这条(?:老)?命|豁出这条(?:老)?命"),
    ),
    ("extreme_act", re.compile(r"炸(?:药|掉|平|毁|死)|把" + _UNTIL_CLAUSE_END + r"{1,8}炸了|引爆|放火|纵火")),
    ("extreme_act", re.compile(r"(?:杀|砍|捅|弄)死(?:他|她|你|他们|你们)|杀了(?:他|她|你|他们|你们)")),
    # going to Beijing (进京)
    ("beijing", re.compile(r"进京")),
    (
        "beijing",
        re.compile(f"(?:去|到|上|跑|赴)北京{_UNTIL_CLAUSE_END}{{0,8}}(?:访|告|反映|讨|说理|喊冤|中央|领导)"),
    ),
    ("beijing", re.compile(r"北京上访|天安门|中南海|(?:去|到|找)国家信访局")),
    # mass incidents (群体性事件)
    (
        "mass_incident",
        re.compile(r"堵路|堵门|封路|拦路|拦车|围堵|堵(?:政府|工地|厂门|大门|路口|高速|国道|马路|公路)"),
    ),
    ("mass_incident", re.compile(r"把" + _UNTIL_CLAUSE_END + r"{1,6}堵(?:了|住|上|死)")),
    (
        "mass_incident",
        re.compile(r"聚集|集体上访|拉横幅|打横幅|拉条幅|挂横幅|举牌|静坐|游行|示威|围攻|冲击|打砸"),
    ),
    (
        "mass_incident",
        re.compile(
            # an announced move (要 / 准备 / 就 一起去...), not the account of this very visit (一起到省里来反映)
            r"(?:要|准备|打算|就|还要|再|将|会)(?:一起|集体|全村|全体|都)(?:去|到)"
            + _UNTIL_CLAUSE_END
            + r"{0,4}?(?:政府|市委|县委|区委|信访局|市里|省里|县里|区里)"
        ),
    ),
)

_CONTEXT = 12


@dataclass(frozen=True)
class UrgentEvidence:
    kind: UrgentKind
    phrase: str  # the words that matched
    context: str  # a few characters around them, for the clerk


@dataclass(frozen=True)
class UrgentSuggestion:
    evidence: tuple[UrgentEvidence, ...] = ()

    @property
    def kinds(self) -> tuple[UrgentKind, ...]:
        return tuple(kind for kind in URGENT_KINDS if any(item.kind == kind for item in self.evidence))

    def __bool__(self) -> bool:
        return bool(self.evidence)


def suggest_urgent(title: str, content: str) -> UrgentSuggestion:
    """S11: phrases that suggest a threat of extreme acts, going to Beijing or a mass incident."""
    text = unicodedata.normalize("NFKC", f"{title}\n{content}")
    found: list[tuple[int, UrgentEvidence]] = []
    spans: list[tuple[int, int]] = []
    phrases: set[tuple[UrgentKind, str]] = set()
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            phrase = match.group(0)
            # one piece of evidence per place in the text and per phrase: 去北京上访 is not also 北京上访
            if (kind, phrase) in phrases or any(start < e and s < end for s, e in spans):
                continue
            phrases.add((kind, phrase))
            spans.append((start, end))
            context = text[max(0, start - _CONTEXT) : end + _CONTEXT].replace("\n", " ")
            found.append((start, UrgentEvidence(kind=kind, phrase=phrase, context=context)))
    found.sort(key=lambda item: item[0])
    return UrgentSuggestion(evidence=tuple(evidence for _, evidence in found))
