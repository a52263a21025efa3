"""R12: the same matter in other words scores at or above SIMILAR; different matters score below.

The pairs are in ``data/``: ``similarity_pairs.json`` (used to choose the threshold) and
``similarity_holdout.json`` (written afterwards, never used for tuning). Each pair says what makes it
hard: same village, same category, same employer, same shop.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from services.intake.domain.similarity import (
    SIMILAR,
    Fingerprint,
    fingerprint,
    is_similar,
    shared_words,
    similarity,
)

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Scored:
    pair_id: str
    same: bool
    score: float
    note: str


def score(path: Path) -> list[Scored]:
    pairs: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["pairs"]
    out = []
    for pair in pairs:
        a = fingerprint(pair["a"]["title"], pair["a"]["content"])
        b = fingerprint(pair["b"]["title"], pair["b"]["content"])
        out.append(Scored(pair["id"], pair["same"], similarity(a, b), pair["note"]))
    return out


def precision_recall(scored: list[Scored]) -> tuple[float, float, list[str]]:
    tp = sum(s.same and s.score >= SIMILAR for s in scored)
    fp = sum(not s.same and s.score >= SIMILAR for s in scored)
    fn = sum(s.same and s.score < SIMILAR for s in scored)
    wrong = [f"{s.pair_id} {s.score:.3f} {s.note}" for s in scored if s.same != (s.score >= SIMILAR)]
    return tp / (tp + fp), tp / (tp + fn), wrong


def test_fixture_has_enough_pairs_of_each_kind() -> None:
    scored = score(DATA / "similarity_pairs.json")
    assert sum(s.same for s in scored) >= 15
    assert sum(not s.same for s in scored) >= 15


def test_precision_and_recall_on_the_tuning_pairs() -> None:
    """Measured: precision 1.00, recall 0.96 (23/24; p09 — 老粮所大院 / 原粮管所院落 — is missed)."""
    precision, recall, wrong = precision_recall(score(DATA / "similarity_pairs.json"))
    assert precision >= 0.95, wrong
    assert recall >= 0.95, wrong


def test_precision_and_recall_on_held_out_pairs() -> None:
    """Measured: precision 0.82 (9/11), recall 0.90 (9/10). Misses: a pig farm described without shared
    words; false matches: different matters at the same estate's water supply and the same factory."""
    precision, recall, wrong = precision_recall(score(DATA / "similarity_holdout.json"))
    assert precision >= 0.8, wrong
    assert recall >= 0.9, wrong


def test_same_matter_scores_well_above_different_matters_on_average() -> None:
    scored = score(DATA / "similarity_pairs.json") + score(DATA / "similarity_holdout.json")
    same = [s.score for s in scored if s.same]
    different = [s.score for s in scored if not s.same]
    assert sum(same) / len(same) > 2 * sum(different) / len(different)


def test_unpaid_wages_letter_and_hotline_call_are_the_same_matter() -> None:
    letter = fingerprint(
        "包工头拖欠木工工资四万六",
        "我2025年3月到12月在圣城街道宏达家园工地干木工。包工头李二明一共欠我们工资46000元。",
    )
    call = fingerprint(
        "工地木工工钱没给", "喂，俺们在宏达家园的工地上干木工，包工头叫李二明，钱一直没给，四万六千块。"
    )
    assert is_similar(letter, call)
    assert {"李二明", "46000", "工资"} <= set(shared_words(letter, call))


def test_identical_text_scores_one_and_unrelated_text_scores_low() -> None:
    a = fingerprint("小区暖气不热", "十笏园社区翰林苑小区暖气只有十四五度")
    assert similarity(a, a) == pytest.approx(1.0)
    b = fingerprint("加油站少给油", "顺通加油站加油机加20升实际只有18升")
    assert similarity(a, b) < 0.05


def test_fingerprint_survives_storage() -> None:
    a = fingerprint("村里收钱安路灯一年没动静", "每户收了100块，一盏灯也没安")
    stored = json.loads(json.dumps(a.to_json()))
    assert Fingerprint.from_json(stored) == a
    assert all(isinstance(value, int) for value in stored["shingles"])


def test_fingerprints_of_other_versions_are_not_compared() -> None:
    a = fingerprint("标题", "村里收钱安路灯")
    old = Fingerprint(words=a.words, shingles=a.shingles, version=a.version - 1)
    with pytest.raises(ValueError, match="version"):
        similarity(a, old)


def test_empty_text_is_similar_to_nothing() -> None:
    assert similarity(fingerprint("", ""), fingerprint("", "")) == 0.0
