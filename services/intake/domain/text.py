"""Text normalisation and word segmentation for petition texts (R12 similarity).

``normalize`` folds full-width forms (NFKC), lower-cases Latin letters, writes Chinese numerals as Arabic
digits (三万 → 30000, 四万六 → 46000, 二十六万 → 260000, 3万 → 30000) and turns punctuation into spaces.
``tokens`` segments the normalised text with jieba, merges synonyms and drops stop words (``lexicon``).

jieba is imported and its dictionary loaded on first use only (importing this module does nothing), and
the tokenizer is cached for the life of the process.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

from services.intake.domain.lexicon import DOMAIN_WORDS, STOP_WORDS, SYNONYMS

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)
_NUMERAL_RUN = re.compile(f"[{_NUMERAL_CHARS}]+")
#: A run of numerals is read as a number only when a measure word follows it or it is unmistakably a
#: number (two or more characters with a unit character: 二十六, 一百, 四万六). 一直, 一起, 万一 stay words.
_MEASURES = set("元块角分亩年月日号岁个人户间层米度升天次家位名辆台只斤吨克楼栋套口周小")
_NOT_NUMBERS = {"万一", "千万", "一一", "十分", "百分", "万分", "三三两两", "七七八八", "一五一十"}
_ARABIC_MYRIAD = re.compile(r"(\d+(?:\.\d+)?)(?:多|余)?(万|亿)")
_APPROX = re.compile(r"(\d)(?:多|余)")
_NON_WORD = re.compile(r"(?<!\d)\.|\.(?!\d)|[^\w.]+")
_SPACES = re.compile(r"\s+")


def _parse_chinese_number(run: str) -> int | None:
    """Value of a run of Chinese numerals, or None when it is not a well-formed number."""
    if all(ch in _DIGITS for ch in run):
        # 二〇二六 → 2026, read digit by digit; 三四 (米) is a range "three or four": left alone
        if len(run) == 1 or len(run) >= 3 or "〇" in run or "零" in run:
            return int("".join(str(_DIGITS[ch]) for ch in run))
        return None
    total = 0  # completed 万/亿 groups
    section = 0  # value below the current 万 group
    digit: int | None = None
    last_unit = 1
    for ch in run:
        if ch in _DIGITS:
            if digit is not None and _DIGITS[ch] != 0 and digit != 0:
                return None  # 二三十: a range, not one number
            digit = _DIGITS[ch]
        elif ch in _SMALL_UNITS:
            unit = _SMALL_UNITS[ch]
            section += (1 if digit is None else digit) * unit
            digit = None
            last_unit = unit
        else:
            unit = _BIG_UNITS[ch]
            section += digit or 0
            if section == 0:
                return None
            total = (total + section) * unit
            section = 0
            digit = None
            last_unit = unit
    if digit is not None:
        # 四万六 → 46000, 三百五 → 350: a trailing digit counts one place below the last unit
        section += digit * (last_unit // 10 if last_unit >= 10 else 1)
    return total + section


def _replace_numeral(match: re.Match[str]) -> str:
    run = match.group(0)
    after = match.string[match.end() : match.end() + 1]
    if run in _NOT_NUMBERS or (
        run + after in _NOT_NUMBERS and match.string[match.end() + 1 : match.end() + 2] != "钟"
    ):
        return run
    has_unit = any(ch in _SMALL_UNITS or ch in _BIG_UNITS for ch in run)
    if not (after in _MEASURES or after in "多余" or (has_unit and len(run) >= 2)):
        return run
    if len(run) == 1 and run in "一两" and after not in _MEASURES:
        return run
    value = _parse_chinese_number(run)
    return run if value is None else str(value)


def _expand_myriads(match: re.Match[str]) -> str:
    factor = 10_000 if match.group(2) == "万" else 100_000_000
    value = float(match.group(1)) * factor
    return str(int(value)) if value.is_integer() else str(value)


def normalize(text: str) -> str:
    """Canonical form of a petition text for comparison (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _NUMERAL_RUN.sub(_replace_numeral, text)
    text = _ARABIC_MYRIAD.sub(_expand_myriads, text)
    text = _APPROX.sub(r"\1", text)  # 80多 / 80余 → 80
    text = _NON_WORD.sub(" ", text.replace("_", " "))
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=1)
def _segmenter() -> Callable[[str], Iterable[str]]:
    import jieba  # imported here: loading the dictionary takes a second

    logging.getLogger("jieba").setLevel(logging.WARNING)  # not "Building prefix dict..." in service logs
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word in DOMAIN_WORDS:
        tokenizer.add_word(word)

    def cut(text: str) -> Iterable[str]:
        return (str(token) for token in tokenizer.cut(text, HMM=True))

    return cut


def words(normalized: str) -> list[str]:
    """All words of an already normalised text, in order, without spaces."""
    cut = _segmenter()
    return [token for token in cut(normalized) if token.strip()]


def tokens(text: str) -> list[str]:
    """Content words of a raw text, in order: normalised, segmented, synonyms merged, stop words dropped."""
    canonical = (SYNONYMS.get(token, token) for token in words(normalize(text)))
    return [token for token in canonical if token not in STOP_WORDS and not _is_small_number(token)]


def _is_small_number(token: str) -> bool:
    """A lone digit (1 家, 3 号楼, 6 个人): too common to tell matters apart."""
    return len(token) == 1 and token.isdigit()
