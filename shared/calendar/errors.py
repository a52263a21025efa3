"""Errors of the calendar data files."""

from __future__ import annotations


class CalendarFileError(ValueError):
    """A calendar year file is invalid. ``problems`` lists every problem, each saying where it is."""

    def __init__(self, origin: str, problems: list[str]) -> None:
        self.origin = origin
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{origin}: {len(self.problems)} problem(s):\n{lines}")
