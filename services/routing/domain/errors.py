"""Errors raised by the routing domain."""

from __future__ import annotations


class DataFileError(ValueError):
    """A data file (jurisdiction, categories, vocabulary) is invalid.

    ``problems`` lists every problem found, each prefixed with the file and line
    (``jurisdiction.yaml:12: unknown parent "370799" of region "370703001"``).
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the routing data:\n{lines}")


class DirectoryFileError(DataFileError):
    """jurisdiction.yaml or categories.yaml is invalid."""


class VocabularyFileError(DataFileError):
    """The classifier vocabulary file is invalid."""


class RoutingInputError(ValueError):
    """A petition cannot be routed at all (for instance, the receiving unit is not in the directory)."""
