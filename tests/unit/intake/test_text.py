"""Normalisation behind R12 similarity: what a petitioner writes one way, a clerk writes another."""

from __future__ import annotations

import subprocess
import sys

import pytest

from services.intake.domain.text import normalize, tokens


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("一共四万六千块", "一共46000块"),
        ("四万六", "46000"),
        ("应补十一万五千元", "应补115000元"),
        ("评估只给了二十六万", "评估只给了260000"),
        ("每亩5万元", "每亩50000元"),
        ("卖了八十多万", "卖了800000"),
        ("成交价约80余万元", "成交价约800000元"),
        ("二〇二六年三月", "2026年3月"),
        ("２．３亩，ＡＢＣ！", "2.3亩 abc"),
    ],
)
def test_numbers_are_written_one_way(raw: str, normal: str) -> None:
    assert normalize(raw) == normal


@pytest.mark.parametrize("raw", ["一直没给", "一起去", "万一出事", "三四米深", "十分困难"])
def test_words_that_contain_numerals_are_left_alone(raw: str) -> None:
    assert normalize(raw) == raw


def test_letter_and_transcript_wording_meet() -> None:
    letter = set(tokens("包工头欠我们工资四万六千元"))
    call = set(tokens("喂，你好，那个工头欠俺们工钱，一共46000块"))
    assert {"包工头", "拖欠", "工资", "46000"} <= letter & call


def test_boilerplate_and_fillers_are_dropped() -> None:
    assert tokens("尊敬的领导您好！来电人反映：喂，那个，请相关部门尽快解决。") == []


def test_importing_does_not_load_the_dictionary() -> None:
    """No import-time side effects: jieba is loaded on first use only."""
    code = "import sys, services.intake.domain.similarity; print('jieba' in sys.modules)"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "False"
