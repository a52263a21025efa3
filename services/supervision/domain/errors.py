"""Errors raised by the supervision domain."""

from __future__ import annotations


class DomainError(Exception):
    """A command was refused by a rule. ``code`` is stable and machine-readable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class DataFileError(ValueError):
    """A data file (calendar year, clock policies) is invalid.

    ``problems`` lists every problem found, each prefixed with where it is
    (``file: key[index].field: what is wrong``).
    """

    def __init__(self, origin: str, problems: list[str]) -> None:
        self.origin = origin
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{origin}: {len(self.problems)} problem(s):\n{lines}")


class PolicyFileError(DataFileError):
    """The clock policy file is invalid."""
