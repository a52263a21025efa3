"""Is this the same matter, told in other words? (R12)

A :class:`Fingerprint` keeps what the comparison needs from a petition's title and content: its content
words (normalised, segmented with jieba, synonyms merged, stop words dropped; see ``text`` and
``lexicon``) and the character bigrams inside those words, hashed to stable 32-bit integers. Bigrams catch
what word segmentation splits differently (粮所 / 粮管所, 钢构 / 钢结构, unknown place names).

``similarity`` = ½ · Jaccard(words) + ½ · Jaccard(bigrams), between 0 and 1. Two petitions are about
the same matter when it reaches :data:`SIMILAR`.

Tuned on ``tests/unit/intake/data/similarity_pairs.json`` (24 same-matter pairs: letters against hotline
transcripts, visit records against clerks' summaries; 25 different-matter pairs sharing a village, a
category, an employer or a shop): precision 1.00, recall 0.96 at 0.19. On the held-out pairs of
``similarity_holdout.json``, never used for tuning: precision 0.82, recall 0.90. Different matters at the
same factory, shop or estate are the typical false match; a clerk confirms every repeat and cluster.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from services.intake.domain.text import tokens

#: Changes whenever normalisation, segmentation or the lexicon change: fingerprints of another version
#: cannot be compared and must be recomputed from the stored text.
FINGERPRINT_VERSION = 1

#: Same matter at or above this score.
SIMILAR = 0.19

WORD_WEIGHT = 0.5


@dataclass(frozen=True)
class Fingerprint:
    """Serialisable summary of a petition text: sorted unique words and sorted bigram hashes."""

    words: tuple[str, ...]
    shingles: tuple[int, ...]
    version: int = FINGERPRINT_VERSION

    def to_json(self) -> dict[str, Any]:
        return {"v": self.version, "words": list(self.words), "shingles": list(self.shingles)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Fingerprint:
        return cls(
            words=tuple(str(word) for word in data["words"]),
            shingles=tuple(int(value) for value in data["shingles"]),
            version=int(data["v"]),
        )

    @property
    def empty(self) -> bool:
        return not self.words


def fingerprint(title: str, content: str) -> Fingerprint:
    """Fingerprint of one petition (title and content together)."""
    words = sorted(set(tokens(f"{title}\n{content}")))
    return Fingerprint(words=tuple(words), shingles=tuple(sorted(_shingles(words))))


def similarity(a: Fingerprint, b: Fingerprint) -> float:
    """How alike two petitions are, 0 (nothing shared) to 1 (same words)."""
    if a.version != b.version:
        raise ValueError(f"fingerprints of versions {a.version} and {b.version} cannot be compared")
    if a.empty or b.empty:
        return 0.0
    words = _jaccard(set(a.words), set(b.words))
    shingles = _jaccard(set(a.shingles), set(b.shingles))
    return WORD_WEIGHT * words + (1 - WORD_WEIGHT) * shingles


def is_similar(a: Fingerprint, b: Fingerprint, *, threshold: float = SIMILAR) -> bool:
    return similarity(a, b) >= threshold


def shared_words(a: Fingerprint, b: Fingerprint, *, limit: int = 12) -> tuple[str, ...]:
    """The words both petitions use, longest first: shown to the clerk as the reason for a match."""
    common = set(a.words) & set(b.words)
    return tuple(sorted(common, key=lambda word: (-len(word), word))[:limit])


def _shingles(words: Iterable[str]) -> set[int]:
    grams: set[str] = set()
    for word in words:
        if len(word) == 1:
            grams.add(word)
        grams.update(word[i : i + 2] for i in range(len(word) - 1))
    return {zlib.crc32(gram.encode("utf-8")) for gram in grams}


def _jaccard(a: set[Any], b: set[Any]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0
