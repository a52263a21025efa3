"""The classifier vocabulary (``data/routing_vocabulary.yaml``): weighted words per category.

Operators extend it without a release: add a word with a weight under a category, restart (or reload)
the routing service, and the classifier (R1) uses it. Format::

    version: 1
    settings:                 # all optional; defaults below
      threshold: 0.6          # confidence below this → triage (R9)
      tie_margin: 1.0         # top two scores closer than this → triage (R9)
      temperature: 2.0        # softmax temperature over category scores
      none_score: 4.0         # score of "no category fits": weak evidence stays below it
      title_factor: 2.0       # a word in the title weighs this many times its weight
      request_factor: 1.5     # ... and a word of the request (请……, 要求……) this many times
      example_weight: 3.0     # a seed example of categories.yaml found verbatim in the text
      example_word_weight: 1.0  # each distinctive word of a seed example
    negations: [没有, 未, ...]   # words that, just before a "negatable" word, cancel it
    request_markers: [请, 要求, 希望, ...]   # where what the petitioner asks for begins
    not_requests: [申请, 邀请, ...]          # words that contain a marker but ask for nothing
    ignore_in_examples: [纠纷, 问题, ...]  # generic words of seed examples that prove nothing
    categories:
      land_resources:
        terms: {征地: 4, 宅基地: 4, ...}     # word: weight (negative weights count against)
        cues:                               # co-occurrence: one word of each group, anywhere
          - {all: [[举报, 检举], [科长, 局长]], weight: 3}
        patterns:                           # regular expressions over title and content
          - {regex: "^建议", weight: 4, where: title}
        negatable: [起诉, 打官司]            # cancelled by a negation just before them
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml

from services.routing.domain.errors import VocabularyFileError
from services.routing.domain.yaml_lines import YamlDocument, read_yaml

FORMAT_VERSION = 1
PatternField = Literal["title", "content", "any"]


@dataclass(frozen=True)
class ClassifierSettings:
    """Tunable numbers of the classifier; each is a key of the vocabulary's ``settings``."""

    threshold: float = 0.6
    tie_margin: float = 1.0
    temperature: float = 2.0
    none_score: float = 4.0
    title_factor: float = 2.0
    request_factor: float = 1.5
    example_weight: float = 3.0
    example_word_weight: float = 1.0


@dataclass(frozen=True)
class Cue:
    """Words that count only together: one word from each group must appear (e.g. 举报 + 科长)."""

    groups: tuple[frozenset[str], ...]
    weight: float

    @property
    def label(self) -> str:
        return "+".join("/".join(sorted(g)[:3]) for g in self.groups)


@dataclass(frozen=True)
class WeightedPattern:
    """A regular expression that adds ``weight`` when it matches the title, the content or either."""

    regex: re.Pattern[str]
    weight: float
    where: PatternField = "any"


@dataclass(frozen=True)
class CategoryVocabulary:
    """The words, cues and patterns that point to one category."""

    code: str
    terms: Mapping[str, float]
    cues: tuple[Cue, ...] = ()
    patterns: tuple[WeightedPattern, ...] = ()
    negatable: frozenset[str] = frozenset()
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Vocabulary:
    """The whole vocabulary file."""

    categories: Mapping[str, CategoryVocabulary]
    settings: ClassifierSettings = ClassifierSettings()
    negations: tuple[str, ...] = ()
    ignore_in_examples: frozenset[str] = frozenset()
    #: where the request of a sentence begins (请, 要求, 希望...): from there to the sentence's end the
    #: petitioner says what they want, which weighs more than the background (``request_factor``)
    request_markers: tuple[str, ...] = ()
    #: words that contain a marker but ask for nothing (申请, 邀请, 请假)
    not_requests: tuple[str, ...] = ()
    source: str = field(default="routing_vocabulary.yaml", compare=False)

    def words(self) -> frozenset[str]:
        """Every word of every category (to teach the tokenizer)."""
        out: set[str] = set(self.negations)
        for cat in self.categories.values():
            out.update(cat.terms)
            out.update(cat.negatable)
            for cue in cat.cues:
                for group in cue.groups:
                    out.update(group)
        return frozenset(out)


_TOP_KEYS = {
    "version",
    "settings",
    "negations",
    "ignore_in_examples",
    "request_markers",
    "not_requests",
    "categories",
}
_CATEGORY_KEYS = {"terms", "cues", "patterns", "negatable"}


def load_vocabulary(path: Path) -> Vocabulary:
    """Read and validate a vocabulary file. Raises :class:`VocabularyFileError` naming file and line."""
    return parse_vocabulary(path.read_text(encoding="utf-8"), source=path.name)


def parse_vocabulary(text: str, *, source: str = "routing_vocabulary.yaml") -> Vocabulary:
    doc = read_yaml(text, source)
    if isinstance(doc, str):
        raise VocabularyFileError([doc])
    problems: list[str] = _duplicate_keys(doc)
    data = doc.data
    if not isinstance(data, dict):
        raise VocabularyFileError([f"{doc.where(1)}: expected a mapping at the top of the file"])
    for key in sorted(str(k) for k in data if k not in _TOP_KEYS):
        problems.append(f"{doc.where(doc.line(key))}: unknown key {key!r}")
    if data.get("version", FORMAT_VERSION) != FORMAT_VERSION:
        problems.append(f"{doc.where(doc.line('version'))}: unsupported version {data.get('version')!r}")

    settings = _settings(doc, data.get("settings") or {}, problems)
    negations = _words(doc, data.get("negations") or [], ("negations",), problems)
    ignored = _words(doc, data.get("ignore_in_examples") or [], ("ignore_in_examples",), problems)
    markers = _words(doc, data.get("request_markers") or [], ("request_markers",), problems)
    not_requests = _words(doc, data.get("not_requests") or [], ("not_requests",), problems)

    categories: dict[str, CategoryVocabulary] = {}
    raw_categories = data.get("categories")
    if not isinstance(raw_categories, dict):
        problems.append(
            f"{doc.where(doc.line('categories'))}: 'categories' must be a mapping of category codes"
        )
        raw_categories = {}
    for code, raw in raw_categories.items():
        parsed = _category(doc, str(code), raw, problems)
        if parsed is not None:
            categories[str(code)] = parsed

    if problems:
        raise VocabularyFileError(problems)
    return Vocabulary(
        categories,
        settings,
        tuple(negations),
        frozenset(ignored),
        tuple(markers),
        tuple(not_requests),
        source,
    )


def _duplicate_keys(doc: YamlDocument) -> list[str]:
    """A key of the file's structure given twice in one mapping (a second ``patterns:`` under a category, a
    category listed twice): YAML keeps only the last, which would silently drop the first. Reported with
    the line of the repeat. A word listed twice in ``terms`` is allowed: its last weight counts, so an
    operator may add a word at the top of a list that already has it further down."""
    repeats: list[tuple[int, str]] = []
    stack: list[tuple[yaml.Node, str]] = [(doc.node, "")] if doc.node is not None else []
    while stack:
        node, under = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen and under != "terms":
                        repeats.append((int(key.start_mark.line) + 1, str(key.value)))
                    seen.add(key.value)
                stack.append((value, str(key.value) if isinstance(key, yaml.ScalarNode) else ""))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, under) for item in node.value)
    return [f"{doc.where(line)}: {key!r} is given twice; only one counts" for line, key in sorted(repeats)]


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _settings(doc: YamlDocument, raw: object, problems: list[str]) -> ClassifierSettings:
    if not isinstance(raw, dict):
        problems.append(f"{doc.where(doc.line('settings'))}: 'settings' must be a mapping")
        return ClassifierSettings()
    defaults = ClassifierSettings()
    values: dict[str, float] = {}
    for key, value in raw.items():
        line = doc.line("settings", str(key))
        if not hasattr(defaults, str(key)):
            problems.append(f"{doc.where(line)}: unknown setting {key!r}")
            continue
        number = _number(value)
        if number is None or number < 0:
            problems.append(f"{doc.where(line)}: setting {key!r} must be a number ≥ 0, got {value!r}")
            continue
        if key == "threshold" and number > 1:
            problems.append(f"{doc.where(line)}: threshold is a confidence between 0 and 1, got {value!r}")
            continue
        if key == "temperature" and number == 0:
            problems.append(f"{doc.where(line)}: temperature must be greater than 0")
            continue
        values[str(key)] = number
    return ClassifierSettings(**values)


def _words(doc: YamlDocument, raw: object, path: tuple[str | int, ...], problems: list[str]) -> list[str]:
    if not isinstance(raw, list):
        problems.append(f"{doc.where(doc.line(*path))}: expected a list of words")
        return []
    words: list[str] = []
    for i, word in enumerate(raw):
        if not isinstance(word, str) or not word.strip():
            problems.append(f"{doc.where(doc.line(*path, i))}: expected a word, got {word!r}")
            continue
        words.append(word.strip())
    return words


def _category(doc: YamlDocument, code: str, raw: object, problems: list[str]) -> CategoryVocabulary | None:
    line = doc.line("categories", code)
    if not isinstance(raw, dict):
        problems.append(f"{doc.where(line)}: category {code!r} must be a mapping with 'terms'")
        return None
    for key in sorted(str(k) for k in raw if k not in _CATEGORY_KEYS):
        problems.append(f"{doc.where(doc.line('categories', code, key))}: unknown key {key!r} in {code!r}")

    terms: dict[str, float] = {}
    raw_terms = raw.get("terms") or {}
    if not isinstance(raw_terms, dict):
        problems.append(f"{doc.where(doc.line('categories', code, 'terms'))}: 'terms' must map word → weight")
        raw_terms = {}
    for word, weight in raw_terms.items():
        where = doc.where(doc.line("categories", code, "terms", str(word)))
        number = _number(weight)
        if not isinstance(word, str) or not word.strip():
            problems.append(f"{where}: a term must be a word, got {word!r}")
        elif number is None:
            problems.append(f"{where}: weight of {word!r} must be a number, got {weight!r}")
        else:
            terms[word.strip()] = number

    cues: list[Cue] = []
    raw_cues = raw.get("cues") or []
    if not isinstance(raw_cues, list):
        problems.append(f"{doc.where(doc.line('categories', code, 'cues'))}: 'cues' must be a list")
        raw_cues = []
    for i, cue in enumerate(raw_cues):
        where = doc.where(doc.line("categories", code, "cues", i))
        groups = cue.get("all") if isinstance(cue, dict) else None
        number = _number(cue.get("weight")) if isinstance(cue, dict) else None
        if (
            not isinstance(groups, list)
            or len(groups) < 2
            or not all(isinstance(g, list) and g and all(isinstance(w, str) for w in g) for g in groups)
            or number is None
        ):
            problems.append(f"{where}: a cue is {{all: [[word, ...], [word, ...]], weight: number}}")
            continue
        cues.append(Cue(tuple(frozenset(w.strip() for w in g) for g in groups), number))

    patterns: list[WeightedPattern] = []
    raw_patterns = raw.get("patterns") or []
    if not isinstance(raw_patterns, list):
        problems.append(f"{doc.where(doc.line('categories', code, 'patterns'))}: 'patterns' must be a list")
        raw_patterns = []
    for i, pattern in enumerate(raw_patterns):
        where = doc.where(doc.line("categories", code, "patterns", i))
        if not isinstance(pattern, dict) or not isinstance(pattern.get("regex"), str):
            problems.append(f"{where}: a pattern is {{regex: ..., weight: number, where: title|content|any}}")
            continue
        number = _number(pattern.get("weight"))
        field_name = pattern.get("where", "any")
        if number is None or field_name not in ("title", "content", "any"):
            problems.append(f"{where}: a pattern needs a numeric weight and where ∈ title, content, any")
            continue
        try:
            compiled = re.compile(pattern["regex"])
        except re.error as exc:
            problems.append(f"{where}: invalid regular expression {pattern['regex']!r}: {exc}")
            continue
        patterns.append(WeightedPattern(compiled, number, field_name))

    negatable = _words(doc, raw.get("negatable") or [], ("categories", code, "negatable"), problems)
    return CategoryVocabulary(code, terms, tuple(cues), tuple(patterns), frozenset(negatable), line)
