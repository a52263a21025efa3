"""R1 Category: classification from title and content, with confidence, evidence and triage."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from services.routing.domain.classifier import Classifier
from services.routing.domain.directory import Directory, parse_directory
from services.routing.domain.errors import VocabularyFileError
from services.routing.domain.vocabulary import load_vocabulary, parse_vocabulary
from tests.unit.routing.conftest import DATA


@pytest.mark.parametrize(
    ("title", "content", "expected"),
    [
        (
            "拆迁户过渡费停发",
            "我们是旧城改造的拆迁户，签协议时说好每月发过渡费直到回迁，今年开始一分没发。",
            "urban_rural_construction",
        ),
        (
            "工地干了半年拿不到钱",
            "去年跟着包工头在城里盖楼，说好的工钱一直拖着，包工头说上面没拨款。",
            "labor_social_security",
        ),
        (
            "采石场炸山粉尘大",
            "山脚下的采石场天天放炮，粉尘落得到处都是，庄稼叶子一层灰，夜里机器轰鸣。",
            "environment",
        ),
        (
            "村委会卖树不公开",
            "村委会把村集体的一片杨树卖了，卖了多少钱、钱怎么用，村民代表都不知道，要求公开账目。",
            "village_affairs",
        ),
        (
            "老兵的生活补助没发",
            "我父亲是参战退役老兵，按政策每月有生活补助，这半年没有发放，请落实优抚政策。",
            "veterans",
        ),
        (
            "一审判决认定错误",
            "区法院一审判我败诉，二审维持原判，我认为认定事实错误，请求再审。",
            "litigation",
        ),
        (
            "举报镇长收受好处",
            "我举报镇长在工程招标中收受承包商好处费二十万，利用职务便利为其中标打招呼。",
            "discipline",
        ),
        (
            "建议增设夜间公交线路",
            "提一个建议：城区晚上九点以后就没有公交了，建议增设几条夜间公交线路，方便上夜班的人。",
            "suggestion",
        ),
    ],
)
def test_r1_classifies_petitions_by_their_words(
    classifier: Classifier, title: str, content: str, expected: str
) -> None:
    result = classifier.classify(title, content)
    assert result.category == expected
    assert result.confidence >= classifier.settings.threshold


def test_r1_records_the_words_that_led_to_the_category(classifier: Classifier) -> None:
    result = classifier.classify("低保被取消", "我家的低保上个月被取消了，请民政部门复核。")
    assert result.category == "civil_affairs"
    words = {e.word for e in result.evidence}
    assert {"低保", "民政部门"} <= words
    assert all(e.category == "civil_affairs" for e in result.evidence)
    assert {e.where for e in result.evidence} >= {"title", "content"}


def test_r1_a_word_in_the_title_weighs_more_than_in_the_content(classifier: Classifier) -> None:
    in_title = classifier.classify("工伤", "请帮帮我。")
    in_content = classifier.classify("求助", "工伤。请帮帮我。")
    key = "labor_social_security"
    assert in_title.scores[key] == pytest.approx(in_content.scores[key] * classifier.settings.title_factor)


def test_r1_a_court_named_in_passing_does_not_make_it_litigation(classifier: Classifier) -> None:
    text = "饭店老板拖欠我们三个月工资。我们{}去法院打官司，请劳动监察帮我们讨薪。"
    refused = classifier.classify("饭店欠工资", text.format("不想"))
    went = classifier.classify("饭店欠工资", text.format("已经"))
    assert refused.category == "labor_social_security"
    assert refused.scores["litigation"] == 0 < went.scores["litigation"]


def test_r1_a_complaint_that_a_unit_does_not_do_its_job_is_not_an_accusation(classifier: Classifier) -> None:
    result = classifier.classify(
        "区交通局对烂路不作为",
        "通往镇上的公路坑坑洼洼两年了，我们向区交通运输局反映多次，一直推诿不作为，请上级交通部门督促修路。",
    )
    assert result.category == "transport"
    assert result.scores["discipline"] <= 0


def test_r1_a_matter_of_no_category_goes_to_triage_with_a_reason(classifier: Classifier) -> None:
    result = classifier.classify(
        "手机没信号", "我们村里手机信号很差，打电话要跑到房顶上，希望通信公司建个基站。"
    )
    assert result.category is None
    assert result.confidence < classifier.settings.threshold
    assert result.triage_reason is not None and "低于阈值" in result.triage_reason


def test_r1_the_threshold_is_configurable(classifier: Classifier) -> None:
    text = ("医保报销", "住院费用报销比例太低。")
    assert classifier.classify(*text).category == "medical_insurance"
    strict = Classifier(
        classifier.vocabulary, classifier.categories, settings=replace(classifier.settings, threshold=0.9999)
    )
    result = strict.classify(*text)
    assert result.category is None and result.best == "medical_insurance"


def test_r1_two_categories_that_tie_go_to_triage(directory: Directory) -> None:
    vocabulary = parse_vocabulary(
        "version: 1\ncategories:\n  health: {terms: {体检: 3}}\n  labor_social_security: {terms: {入职: 3}}\n"
    )
    result = Classifier(vocabulary, directory.categories).classify("入职体检", "单位要求的入职体检")
    assert result.category is None
    assert result.triage_reason is not None and "得分接近" in result.triage_reason
    assert {result.best, result.runner_up} == {"health", "labor_social_security"}


def test_r1_seed_examples_of_categories_count_too() -> None:
    directory = parse_directory(
        'version: 1\nregions:\n  - {code: "000000", name: 中国, level: national}\n'
        'units:\n  - {id: "000000:petition_bureau", name: 国家信访局, region: "000000", kind: petition_bureau}\n',
        "version: 1\ncategories:\n  - {code: a, name: 甲, competent_kind: petition_bureau, lowest_level: national,"
        " channel: administrative, examples: [井盖丢失]}\n",
    )
    result = Classifier(parse_vocabulary("version: 1\ncategories: {}\n"), directory.categories).classify(
        "路口井盖丢失", "路口的井盖丢失了。"
    )
    assert result.category == "a"
    assert "井盖丢失" in {e.word for e in result.evidence}


def test_operator_extends_the_vocabulary_without_a_code_change(directory: Directory, tmp_path: Path) -> None:
    """An operator adds words to routing_vocabulary.yaml; the same petition is then classified."""
    title, content = "快递丢件不赔", "我寄的快递丢了，快递公司只肯按运费赔，包裹里的东西值两千多。"
    before = Classifier(load_vocabulary(DATA / "routing_vocabulary.yaml"), directory.categories)
    assert before.classify(title, content).category is None

    text = (DATA / "routing_vocabulary.yaml").read_text(encoding="utf-8")
    extended = text.replace(
        "  market_regulation:\n    terms: {\n",
        "  market_regulation:\n    terms: {\n      快递: 4, 包裹: 3,\n",
    )
    assert extended != text
    path = tmp_path / "routing_vocabulary.yaml"
    path.write_text(extended, encoding="utf-8")
    after = Classifier(load_vocabulary(path), directory.categories).classify(title, content)
    assert after.category == "market_regulation"
    assert "快递" in {e.word for e in after.evidence}


def test_vocabulary_errors_name_the_file_and_line() -> None:
    text = (
        "version: 1\n"
        "settings: {threshold: 2}\n"
        "categories:\n"
        "  health:\n"
        "    terms: {医院: heavy}\n"
        "    patterns:\n"
        "      - {regex: '(未闭合', weight: 2}\n"
    )
    with pytest.raises(VocabularyFileError) as caught:
        parse_vocabulary(text, source="vocab.yaml")
    found = caught.value.problems
    assert any(p.startswith("vocab.yaml:2: threshold") for p in found)
    assert any(p.startswith("vocab.yaml:5: weight of '医院'") for p in found)
    assert any(p.startswith("vocab.yaml:7: invalid regular expression") for p in found)


def test_importing_the_router_does_not_load_jieba() -> None:
    code = "import sys, services.routing.domain.router; print('jieba' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert out.stdout.strip() == "False"
