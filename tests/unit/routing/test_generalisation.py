"""R1 and R2 on petitions that avoid the textbook words: what is asked weighs more than the background,
confidence depends on the evidence and its rivals only, and a place's short name is read only where a word
begins."""

from __future__ import annotations

import pytest

from services.routing.domain.classifier import Classifier
from services.routing.domain.directory import Directory
from services.routing.domain.errors import VocabularyFileError
from services.routing.domain.place import find_mentions
from services.routing.domain.vocabulary import parse_vocabulary


def test_r1_a_word_of_the_request_weighs_more_than_in_the_background(classifier: Classifier) -> None:
    key = "labor_social_security"
    background = classifier.classify("求助", "我是工伤。谢谢。")
    asked = classifier.classify("求助", "我是工伤。请帮我认定工伤。")
    assert asked.scores[key] == pytest.approx(background.scores[key] * classifier.settings.request_factor)


def test_r1_a_word_asking_for_nothing_does_not_open_a_request(classifier: Classifier) -> None:
    key = "labor_social_security"
    plain = classifier.classify("求助", "我是工伤。")
    applied = classifier.classify("求助", "我申请过，是工伤。")
    assert applied.scores[key] == pytest.approx(plain.scores[key])


@pytest.mark.parametrize(
    ("title", "content", "expected"),
    [
        (
            "厂子关门欠我们钱",
            "我们七个人在一家纸箱厂上班，老板年前跑了，欠每人小半年的钱，请劳动部门帮我们讨回来。",
            "labor_social_security",
        ),
        (
            "跟着包工头干活的钱没给",
            "去年在一个楼盘工地上干了八个月，开发商说钱给了包工头，包工头说开发商没结，请帮我们要回血汗钱。",
            "labor_social_security",
        ),
        (
            "宅子的界线说不清",
            "邻居翻盖房子往我家挪了半米，有人说去法院告他，我不想打官司，请管宅基地的部门来量一量。",
            "land_resources",
        ),
        (
            "村干部把补偿款扣了",
            "我举报村支书，征地的补偿款发到我们手里每亩少了几千，他说村里统筹了，请纪委查这笔钱。",
            "discipline",
        ),
        (
            "半夜一股怪味",
            "村东的化工厂一到后半夜就往外放味，刺鼻，关着窗户都挡不住，老人孩子咳嗽，请晚上来查。",
            "environment",
        ),
        (
            "楼道里一股煤气味",
            "单元楼道里一股煤气味好几天了，燃气公司来看了说没事，请查一查管子哪里漏。",
            "urban_rural_construction",
        ),
    ],
)
def test_r1_everyday_words_name_the_matter(
    classifier: Classifier, title: str, content: str, expected: str
) -> None:
    result = classifier.classify(title, content)
    assert result.category == expected, (result.scores, result.triage_reason)


def test_r1_categories_without_evidence_are_not_rivals(classifier: Classifier) -> None:
    """Confidence is shared among the categories the text gives evidence for and "none fits": a taxonomy
    with more categories does not make the same petition less certain."""
    title, content = "劳务派遣工受伤没人管", "我是派遣到厂里干活的，手被机器压伤了，厂里和派遣公司互相推。"
    full = classifier.classify(title, content)
    silent = [code for code, score in full.scores.items() if score <= 0]
    assert silent
    fewer = classifier.classify(title, content, exclude=silent)
    assert fewer.confidence == pytest.approx(full.confidence)
    assert fewer.category == full.category == "labor_social_security"


def test_r1_a_petition_of_no_category_still_goes_to_triage(classifier: Classifier) -> None:
    for title, content in [
        ("村里老停电", "这个夏天三天两头停电，一停大半天，供电所说线路老化。请帮忙反映。"),
        ("宽带网速慢", "家里装的宽带说是一百兆，实际只有十几兆，打客服也没用。"),
    ]:
        result = classifier.classify(title, content)
        assert result.category is None and result.triage_reason


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("由于河水发臭，大家都受不了", []),
        ("关于河道里倒垃圾的事", []),
        ("我希望留下来继续种地", []),
        ("他去于河上班了", ["于河"]),
        ("在望留干活的时候", ["望留"]),
        ("家住于河街道于河村", ["于河街道", "于河村"]),
    ],
)
def test_r2_a_short_place_name_counts_only_where_a_word_begins(
    directory: Directory, text: str, found: list[str]
) -> None:
    assert [m.words for m in find_mentions(directory, text, "content")] == found


def test_vocabulary_reports_a_section_given_twice_but_lets_a_word_be_repeated() -> None:
    text = (
        "version: 1\n"
        "categories:\n"
        "  health:\n"
        "    terms: {医院: 3, 医院: 4}\n"
        "    patterns: [{regex: '医生', weight: 1}]\n"
        "    patterns: [{regex: '护士', weight: 1}]\n"
    )
    with pytest.raises(VocabularyFileError) as caught:
        parse_vocabulary(text, source="vocab.yaml")
    assert caught.value.problems == ["vocab.yaml:6: 'patterns' is given twice; only one counts"]
    repeated_word = parse_vocabulary(text.replace("    patterns: [{regex: '护士', weight: 1}]\n", ""))
    assert repeated_word.categories["health"].terms["医院"] == 4


def test_vocabulary_reads_request_markers_and_the_request_factor() -> None:
    vocabulary = parse_vocabulary(
        "version: 1\nsettings: {request_factor: 3}\nrequest_markers: [请]\nnot_requests: [申请]\n"
        "categories: {health: {terms: {医院: 2}}}\n"
    )
    assert vocabulary.settings.request_factor == 3
    assert vocabulary.request_markers == ("请",) and vocabulary.not_requests == ("申请",)
