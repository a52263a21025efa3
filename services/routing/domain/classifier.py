"""R1 Category: classify a petition from its title and content, with confidence and evidence.

The text is cut into words with jieba (its bundled dictionary, taught every word of the vocabulary), and
each category scores the weighted words, co-occurrence cues and patterns of ``routing_vocabulary.yaml``
that the text contains, plus the seed ``examples`` of categories.yaml.

What a petition is about is said most plainly in its title and in its request (the part of a sentence
from 请, 要求, 希望... to the sentence's end); the rest is often background, where other matters are
mentioned in passing (a wage claim that mentions the building site, a land dispute that mentions a
court). So a word in the title weighs ``title_factor`` times more, and a word in a request
``request_factor`` times more; a word found several times counts once, where it weighs most. A
"negatable" word preceded in its clause by a negation (没有起诉, 不想打官司) does not count.

Confidence is a softmax over the scores of the categories the text gives evidence for, with an extra
"no category fits" score (``none_score``): weak evidence stays below that score and gives low
confidence, close rivals share it. Categories without any evidence are not rivals, so the confidence does
not depend on how many categories the taxonomy has. Below the threshold, or when the two best categories
are within ``tie_margin`` of each other, the petition goes to triage (R9).
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from services.routing.domain.directory import Category
from services.routing.domain.vocabulary import ClassifierSettings, Vocabulary

#: a clause ends at these characters; a negation never reaches across them
_CLAUSE_END = re.compile(r"[，。；;！!？?,\n：:“”\"]")
#: how many characters before a word a negation may stand (没有去法院起诉 → 起诉 is negated)
_NEGATION_REACH = 8
#: a sentence ends at these characters; a request runs from its marker to the end of its sentence
_SENTENCE_END = re.compile(r"[。！!？?；;\n]")


@dataclass(frozen=True)
class Evidence:
    """One word, cue, pattern or seed example that counted for a category, and how much."""

    category: str
    word: str
    weight: float
    where: str  # title | content | cue | example

    def describe(self) -> str:
        place = {"title": "标题", "content": "正文", "cue": "组合", "example": "示例"}.get(
            self.where, self.where
        )
        return f"“{self.word}”（{place}，{self.weight:+.1f}）"


@dataclass(frozen=True)
class Classification:
    """What R1 concluded. ``category`` is None when the petition goes to triage; ``best`` is then the
    category that scored highest, for the clerk to consider."""

    category: str | None
    confidence: float
    best: str | None
    runner_up: str | None
    scores: Mapping[str, float]
    evidence: tuple[Evidence, ...]
    triage_reason: str | None = None


@lru_cache(maxsize=8)
def _build_tokenizer(words: frozenset[str]) -> Any:
    """A jieba tokenizer that knows every vocabulary word. Built on first use and cached."""
    import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for word in sorted(words):
        if len(word) >= 2:
            tokenizer.add_word(word)
    return tokenizer


def _tokens(tokenizer: Any, text: str) -> list[tuple[str, int, int]]:
    """Words of ``text`` with their spans; search mode also yields the words inside longer ones
    (低保户 → 低保, 低保户)."""
    return [(str(w), int(a), int(b)) for w, a, b in tokenizer.tokenize(text, mode="search", HMM=False)]


def _longest(spans: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Drop each span that lies inside a longer one: 拖欠工资 counts once, not also as 拖欠 and 工资."""
    kept: list[tuple[str, int, int]] = []
    reach = -1
    for word, start, end in sorted(spans, key=lambda t: (t[1], -t[2])):
        if end <= reach:  # inside an earlier span that starts no later and is at least as long
            continue
        kept.append((word, start, end))
        reach = end
    return kept


class Classifier:
    """R1: categories of ``categories`` scored with ``vocabulary``. Vocabulary entries for categories that
    the directory does not have are ignored (see :attr:`ignored_categories`)."""

    def __init__(
        self,
        vocabulary: Vocabulary,
        categories: Sequence[Category],
        *,
        settings: ClassifierSettings | None = None,
    ) -> None:
        self.vocabulary = vocabulary
        self.settings = settings or vocabulary.settings
        self.categories = tuple(categories)
        known = {c.code for c in self.categories}
        self.ignored_categories = tuple(sorted(c for c in vocabulary.categories if c not in known))

    # -- the word index (built on first use: it needs the tokenizer) -------------------------------

    @cached_property
    def _tokenizer(self) -> Any:
        return _build_tokenizer(self.vocabulary.words())

    @cached_property
    def _index(self) -> Mapping[str, tuple[tuple[str, float], ...]]:
        """word → ((category, weight), ...): the vocabulary plus the distinctive words of seed examples."""
        index: dict[str, dict[str, float]] = {}
        for category in self.categories:
            vocab = self.vocabulary.categories.get(category.code)
            if vocab is None:
                continue
            for word, weight in vocab.terms.items():
                index.setdefault(word, {})[category.code] = weight

        # seed example words: only those pointing to one category and not generic
        example_words: dict[str, set[str]] = {}
        for category in self.categories:
            for example in category.examples:
                for word in self._tokenizer.lcut(example, HMM=False):
                    if len(word) >= 2 and word not in self.vocabulary.ignore_in_examples:
                        example_words.setdefault(str(word), set()).add(category.code)
        for word, codes in example_words.items():
            if len(codes) == 1:
                code = next(iter(codes))
                index.setdefault(word, {}).setdefault(code, self.settings.example_word_weight)
        return {w: tuple(sorted(c.items())) for w, c in index.items()}

    # -- classification ------------------------------------------------------------------------------

    def classify(self, title: str, content: str, *, exclude: Collection[str] = ()) -> Classification:
        """R1 over every category except those in ``exclude`` (categories ruled out already, e.g. because
        their competent unit returned the case, R13): confidence is then shared among the rest."""
        s = self.settings
        categories = [c for c in self.categories if c.code not in exclude]
        scores: dict[str, float] = {c.code: 0.0 for c in categories}
        evidence: list[Evidence] = []
        present: set[str] = set()

        for where, text, factor in (("title", title or "", s.title_factor), ("content", content or "", 1.0)):
            spans = self._request_spans(text) if where == "content" else []  # the title weighs as a whole
            scored, seen = self._read(text, spans)
            present |= seen
            for word, (anywhere, unnegated) in scored.items():
                for code, weight in self._index.get(word, ()):
                    if code not in scores:
                        continue
                    vocab = self.vocabulary.categories.get(code)
                    prominence = unnegated if vocab is not None and word in vocab.negatable else anywhere
                    if prominence is None:
                        continue
                    scores[code] += weight * factor * prominence
                    evidence.append(Evidence(code, word, weight * factor * prominence, where))
            for category in categories:
                vocab = self.vocabulary.categories.get(category.code)
                if vocab is None:
                    continue
                for pattern in vocab.patterns:
                    if pattern.where not in ("any", where):
                        continue
                    hits = [
                        (self._prominence(m.start(), spans), m.group(0)) for m in pattern.regex.finditer(text)
                    ]
                    if hits:  # a pattern counts once, where it weighs most
                        prominence, matched = max(hits, key=lambda h: h[0])
                        weight = pattern.weight * factor * prominence
                        scores[category.code] += weight
                        evidence.append(Evidence(category.code, matched, weight, where))

        text = f"{title}\n{content}"
        for category in categories:
            vocab = self.vocabulary.categories.get(category.code)
            for cue in vocab.cues if vocab else ():
                if all(group & present for group in cue.groups):
                    scores[category.code] += cue.weight
                    found = "+".join(sorted(group & present)[0] for group in cue.groups)
                    evidence.append(Evidence(category.code, found, cue.weight, "cue"))
            for example in category.examples:
                if example in text:
                    scores[category.code] += s.example_weight
                    evidence.append(Evidence(category.code, example, s.example_weight, "example"))

        return self._conclude(scores, evidence)

    def _read(
        self, text: str, spans: Sequence[tuple[int, int]]
    ) -> tuple[dict[str, tuple[float, float | None]], set[str]]:
        """The vocabulary words of ``text`` that score, each with how prominent its most prominent
        occurrence is (``request_factor`` inside a request span, else 1) over all its occurrences and over
        those not negated (None when every occurrence is negated); and all words not negated (for cues).
        Of vocabulary words that overlap only the longest scores (医疗保险 is not also 医疗; 拖欠工资 is
        not also 工资)."""
        tokens = _tokens(self._tokenizer, text)
        scored: dict[str, tuple[float, float | None]] = {}
        for word, start, _ in _longest([t for t in tokens if t[0] in self._index]):
            prominence = self._prominence(start, spans)
            anywhere, unnegated = scored.get(word, (0.0, None))
            if not self._negated(text, start):
                unnegated = max(unnegated or 0.0, prominence)
            scored[word] = (max(anywhere, prominence), unnegated)
        present = {word for word, start, _ in tokens if not self._negated(text, start)}
        return scored, present

    def _prominence(self, start: int, spans: Sequence[tuple[int, int]]) -> float:
        """``request_factor`` for a position inside a request span, else 1."""
        if any(a <= start < b for a, b in spans):
            return self.settings.request_factor
        return 1.0

    def _request_spans(self, text: str) -> list[tuple[int, int]]:
        """The requests of ``text``: in each sentence, from the first request marker (请, 要求, 希望...) that
        is not part of a word asking for nothing (申请, 邀请) to the end of the sentence."""
        markers = self.vocabulary.request_markers
        if not markers:
            return []
        masked = [False] * len(text)
        for word in self.vocabulary.not_requests:
            at = text.find(word)
            while at >= 0:
                masked[at : at + len(word)] = [True] * len(word)
                at = text.find(word, at + 1)
        spans: list[tuple[int, int]] = []
        begin = 0
        for end in [m.start() for m in _SENTENCE_END.finditer(text)] + [len(text)]:
            first: int | None = None
            for marker in markers:
                at = text.find(marker, begin, end)
                while at >= 0 and any(masked[at : at + len(marker)]):
                    at = text.find(marker, at + 1, end)
                if at >= 0 and (first is None or at < first):
                    first = at
            if first is not None:
                spans.append((first, end))
            begin = end + 1
        return spans

    def _negated(self, text: str, start: int) -> bool:
        window = text[max(0, start - _NEGATION_REACH) : start]
        clause = _CLAUSE_END.split(window)[-1]
        return any(neg in clause for neg in self.vocabulary.negations)

    def _conclude(self, scores: dict[str, float], evidence: list[Evidence]) -> Classification:
        s = self.settings
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        best, top = ranked[0] if ranked else (None, 0.0)
        runner_up, second = ranked[1] if len(ranked) > 1 else (None, 0.0)

        # rivals are the categories with evidence; "no category fits" is always one
        logits = [v / s.temperature for v in scores.values() if v > 0] + [s.none_score / s.temperature]
        peak = max(logits)
        total = sum(math.exp(x - peak) for x in logits)
        confidence = math.exp(top / s.temperature - peak) / total if best is not None and top > 0 else 0.0
        confidence = round(confidence, 4)

        kept = tuple(sorted((e for e in evidence if e.category == best), key=lambda e: (-e.weight, e.word)))
        reason: str | None = None
        if best is None or top <= 0:
            reason = "文中没有能判断类别的词语"
            best = None
            kept = ()
        elif top - second < s.tie_margin and runner_up is not None and second > 0:
            names = {c.code: c.name for c in self.categories}
            reason = f"“{names[best]}”与“{names[runner_up]}”得分接近（{top:.1f} 比 {second:.1f}）"
        elif confidence < s.threshold:
            reason = f"置信度 {confidence:.2f} 低于阈值 {s.threshold:.2f}"
        return Classification(
            category=None if reason else best,
            confidence=confidence,
            best=best,
            runner_up=runner_up,
            scores=dict(ranked),
            evidence=kept,
            triage_reason=reason,
        )
