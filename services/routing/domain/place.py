"""R2 Place: where the matter arose, as the finest region of the directory that can be known.

Order of evidence:

1. a structured ``region_code`` that the directory knows;
2. otherwise the place names of the address and of the text (title and content): county, township and
   village names, full or short (寒亭 for 寒亭区, 高里 for 高里街道, 王家庄 for 王家庄村). A short name is
   taken only where a word of the text begins (the text is cut into words knowing every place name): in
   由于河水 or 希望留下 the characters 于河 and 望留 belong to the words 由于 and 希望, not to 于河街道 or
   望留街道. The names found are combined: the region named most often along one line of the tree wins,
   the finest first (``寒亭区高里街道高里村`` → 高里村).

The address field is often the writer's home, not where the matter arose. When the text says where the
matter is (a clause such as "要反映的是……的事" or "这事是……") and that place differs from the address,
the text wins; likewise when the text says the writer lives at the address ("我现在住在……"), or the
address is a petitioner's own address, and the text names another place. Otherwise the address wins
and the text's other place is only listed as a candidate. Where the writer lives refines the place when it
lies inside it (the text names the county, and a township of that county as the writer's home), unless
the text says where the matter is.

A name that fits several regions (王家庄村 in two counties) is ambiguous: if the receiving unit lies in
the county of one of them, that one is taken; if they all lie in one county, the place is known at that
county; otherwise the place is unknown and the petition goes to triage (R9).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from services.routing.domain.directory import Directory, Level, Region

Source = Literal["region_code", "address", "title", "content"]
Role = Literal["matter", "residence", "plain"]

_SOURCE_LABEL = {"region_code": "区划代码", "address": "地址", "title": "标题", "content": "正文"}
_CLAUSE_SPLIT = re.compile(r"[，。；;！!？?,\n]")
#: a clause with one of these says where the matter is
_MATTER_CUES = (
    "反映的是",
    "要反映",
    "反映的",
    "这事",
    "此事",
    "这件事",
    "的事",
    "事情",
    "发生在",
    "事发",
    "出事",
)
#: a clause with one of these says where the writer lives or writes from
_RESIDENCE_CUES = (
    "住在",
    "家住",
    "现住",
    "现居",
    "居住",
    "暂住",
    "借住",
    "住到",
    "搬到",
    "搬去",
    "寄",
    "安家",
    "定居",
    "闺女家",
    "女儿家",
    "儿子家",
)


@dataclass(frozen=True)
class Mention:
    """A place name found in the petition."""

    words: str
    regions: tuple[Region, ...]
    source: Source
    role: Role


@dataclass(frozen=True)
class PlaceCandidate:
    """A region considered for the place, with where it was seen (for the explanation)."""

    region_code: str
    name: str
    source: str
    words: str


@dataclass(frozen=True)
class PlaceResolution:
    """What R2 concluded: the region (None when unknown or ambiguous), how, and what was considered."""

    region: Region | None
    how: str
    candidates: tuple[PlaceCandidate, ...] = ()
    ambiguous: bool = False
    #: where the place was read, as a clerk says it: 区划代码, 地址, 正文, 地址和正文, 正文所写的住处
    source: str = ""


def resolve_place(
    directory: Directory,
    *,
    region_code: str | None,
    address: str | None,
    title: str,
    content: str,
    receiving_region: str | None,
    petitioner_addresses: Sequence[str] = (),
) -> PlaceResolution:
    """R2: resolve the place of the matter (see the module docstring for the rule).

    ``petitioner_addresses`` are the petitioners' own addresses: a place address that matches one of them
    is the writer's home, like one the text says the writer lives at."""
    notes: list[str] = []
    if region_code:
        region = directory.region(region_code)
        if region is not None:
            cand = PlaceCandidate(region.code, directory.full_name(region.code), "区划代码", region_code)
            return PlaceResolution(
                region, f"按登记的区划代码 {region.code} 确定为{cand.name}", (cand,), source="区划代码"
            )
        notes.append(f"登记的区划代码 {region_code} 不在目录中，已忽略")

    address_mentions = find_mentions(directory, address or "", "address")
    text_mentions = find_mentions(directory, title, "title") + find_mentions(directory, content, "content")
    candidates = _candidates(directory, address_mentions + text_mentions)
    prefix = "；".join(notes) + "；" if notes else ""

    if not address_mentions and not text_mentions:
        return PlaceResolution(None, prefix + "地址和正文中都没有目录里的地名，事项发生地不明", candidates)

    lives = [m for m in text_mentions if m.role == "residence"]
    declared = [m for m in text_mentions if m.role == "matter"]
    said = [m for m in text_mentions if m.role != "residence"]
    if declared:  # where the text says the matter is outweighs other places it names
        said = [m for m in said if _consistent(directory, declared, [m])]
    pool: list[Mention]
    how: str
    source = "正文"
    if address_mentions and said and not _consistent(directory, address_mentions, said):
        if declared:
            pool = said
            how = "地址栏与正文所说的事项发生地不一致，正文写明了事项发生在此处，按正文认定"
        elif lives and _consistent(directory, address_mentions, lives):
            pool, how = said, "正文说明地址栏是信访人住处，事项发生在正文所写的地方，按正文认定"
        elif _is_home(directory, address_mentions, petitioner_addresses):
            pool, how = said, "地址栏填的是信访人住址，事项发生在正文所写的地方，按正文认定"
        else:
            pool, how = address_mentions, "地址栏与正文地名不一致，正文未说明事项发生地，按地址栏认定"
            source = "地址"
    elif address_mentions:
        pool, how = address_mentions + said, "按地址" + ("和正文" if said else "") + "中的地名认定"
        source = "地址和正文" if said else "地址"
        finer = [] if declared else _inside(directory, pool, lives)
        if finer:
            pool, how = pool + finer, how + "，正文所写的信访人住处在其范围内，据此细化"
    elif said:
        pool, how = said, "地址栏没有地名，按正文中的地名认定"
        finer = [] if declared else _inside(directory, pool, lives)
        if finer:
            pool, how = pool + finer, how + "，正文所写的信访人住处在其范围内，据此细化"
    else:
        pool, how = lives, "只从正文所写的信访人住处得知地点，按此认定"
        source = "正文所写的住处"

    region, ambiguity = _best(directory, pool, receiving_region)
    if region is None:
        return PlaceResolution(None, prefix + ambiguity, candidates, ambiguous=True)
    where = directory.full_name(region.code)
    detail = f"{how}：{where}（{region.level.label}）"
    if ambiguity:
        detail += f"；{ambiguity}"
    return PlaceResolution(region, prefix + detail, candidates, source=source)


def find_mentions(directory: Directory, text: str, source: Source) -> list[Mention]:
    """Place names in ``text``, longest first and not overlapping, each with the role of its clause. A short
    name (without its level's suffix) counts only where a word of the text begins."""
    names = directory.names
    by_first = directory.names_by_first_character
    starts: frozenset[int] | None = None  # where words begin; cut only when a short name is found
    mentions: list[Mention] = []
    i = 0
    while i < len(text):
        for name in by_first.get(text[i], ()):
            if not text.startswith(name, i):
                continue
            regions = names[name]
            if all(r.name != name for r in regions):  # a short name
                if starts is None:
                    starts = _word_starts(frozenset(names), text)
                if i not in starts:
                    continue
            role = _role(text, i, i + len(name)) if source != "address" else "plain"
            mentions.append(Mention(name, regions, source, role))
            i += len(name)
            break
        else:
            i += 1
    return mentions


@lru_cache(maxsize=4)
def _place_tokenizer(names: frozenset[str]) -> Any:
    """A jieba tokenizer that knows every place name of the directory. Built on first use and cached."""
    import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for name in sorted(names):
        tokenizer.add_word(name)
    return tokenizer


def _word_starts(names: frozenset[str], text: str) -> frozenset[int]:
    """The positions of ``text`` where a word begins, cutting it with the place names known."""
    return frozenset(int(start) for _, start, _ in _place_tokenizer(names).tokenize(text, HMM=False))


def _inside(directory: Directory, pool: Sequence[Mention], lives: Sequence[Mention]) -> list[Mention]:
    """The residence mentions that lie strictly inside the place ``pool`` names: they refine it (a pension
    matter of "潍城区 …, 家住城关街道北门社区" is at 北门社区), but never move it elsewhere."""
    best, _ = _best(directory, list(pool), None)
    if best is None or not lives:
        return []
    return [
        m
        for m in lives
        if m.regions and all(directory.contains(best.code, r.code) and r.code != best.code for r in m.regions)
    ]


def _is_home(directory: Directory, address: Sequence[Mention], homes: Sequence[str]) -> bool:
    """Whether the place address is (part of) one of the petitioners' own addresses."""
    for home in homes:
        mentions = find_mentions(directory, home or "", "address")
        if mentions and _consistent(directory, address, mentions):
            return True
    return False


def _role(text: str, start: int, end: int) -> Role:
    left = _CLAUSE_SPLIT.split(text[:start])[-1]
    right = _CLAUSE_SPLIT.split(text[end:])[0]
    clause = left + right
    if any(cue in clause for cue in _MATTER_CUES):
        return "matter"
    if any(cue in clause for cue in _RESIDENCE_CUES):
        return "residence"
    return "plain"


def _on_line(directory: Directory, a: Region, b: Region) -> bool:
    """True when one region contains the other."""
    return directory.contains(a.code, b.code) or directory.contains(b.code, a.code)


def _consistent(directory: Directory, left: Sequence[Mention], right: Sequence[Mention]) -> bool:
    """Whether the places of ``left`` and of ``right`` can be the same place (some pair on one line)."""
    left_best, _ = _best(directory, list(left), None)
    right_best, _ = _best(directory, list(right), None)
    if left_best is None or right_best is None:
        lefts = [r for m in left for r in m.regions]
        rights = [r for m in right for r in m.regions]
        return any(_on_line(directory, a, b) for a in lefts for b in rights)
    return _on_line(directory, left_best, right_best)


def _best(
    directory: Directory, mentions: list[Mention], receiving_region: str | None
) -> tuple[Region | None, str]:
    """The region most mentions agree on, finest first; or None with the reason it is ambiguous."""
    regions = {r.code: r for m in mentions for r in m.regions}
    if not regions:
        return None, "没有可用的地名"

    def support(region: Region) -> int:
        return sum(1 for m in mentions if any(directory.contains(r.code, region.code) for r in m.regions))

    scored = sorted(regions.values(), key=lambda r: (-support(r), -r.rank, r.code))
    top = scored[0]
    tied = [r for r in scored if support(r) == support(top) and r.rank == top.rank]
    if len(tied) == 1:
        return top, ""

    names = "、".join(directory.full_name(r.code) for r in tied)
    if receiving_region is not None:
        receiving_county = directory.county_of(receiving_region)
        if receiving_county is not None:
            local = [r for r in tied if directory.contains(receiving_county.code, r.code)]
            if len(local) == 1:
                return local[0], (
                    f"“{top.name}”有多处（{names}），受理单位在{receiving_county.name}，取{receiving_county.name}的一处"
                )
    common = _common_ancestor(directory, tied)
    if common is not None and common.rank >= Level.COUNTY.rank:
        return common, f"“{top.name}”有多处（{names}），都在{common.name}，只能确定到{common.name}"
    return None, f"“{top.name}”有多处（{names}），受理单位不在其中任何一处所在的县（区），无法确定事项发生地"


def _common_ancestor(directory: Directory, regions: Iterable[Region]) -> Region | None:
    chains = [directory.ancestors(r.code, include_self=True) for r in regions]
    if not chains:
        return None
    shared = set.intersection(*(set(c.code for c in chain) for chain in chains))
    for region in chains[0]:
        if region.code in shared:
            return region
    return None


def _candidates(directory: Directory, mentions: Sequence[Mention]) -> tuple[PlaceCandidate, ...]:
    seen: set[tuple[str, str]] = set()
    out: list[PlaceCandidate] = []
    for m in mentions:
        label = (
            _SOURCE_LABEL[m.source]
            + {"matter": "（事项发生地）", "residence": "（住处）", "plain": ""}[m.role]
        )
        for r in m.regions:
            key = (r.code, label)
            if key not in seen:
                seen.add(key)
                out.append(PlaceCandidate(r.code, directory.full_name(r.code), label, m.words))
    return tuple(out)
