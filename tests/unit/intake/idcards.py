"""Resident ID numbers for tests, with check digits computed here from GB 11643 (not by the code under test)."""

from __future__ import annotations


def gb11643_check(first17: str) -> str:
    """ISO 7064 MOD 11-2 as GB 11643 states it: a_1 = (12 - (Σ a_i · W_i mod 11)) mod 11, 10 written X."""
    total = 0
    for position, digit in zip(range(18, 1, -1), first17, strict=True):
        total += int(digit) * (2 ** (position - 1) % 11)
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def make_id(region: str = "370703", birth: str = "19630214", sequence: str = "451") -> str:
    first17 = region + birth + sequence
    return first17 + gb11643_check(first17)


def with_wrong_check(number: str) -> str:
    right = number[-1]
    wrong = "0" if right != "0" else "1"
    return number[:-1] + wrong


def id_ending_in_x() -> str:
    """A valid number whose check character is X (searched, not hard-coded)."""
    for sequence in range(1, 1000):
        number = make_id("370783", "19800512", f"{sequence:03d}")
        if number.endswith("X"):
            return number
    raise AssertionError("no X check digit in 999 sequences")  # pragma: no cover
