"""Errors of the intake domain: field errors of a draft, and refusals of a command."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One problem with one field. ``field`` is a dotted path into the request (``petitioners.0.phone``)."""

    field: str
    code: str
    message: str


class DomainError(Exception):
    """A command refused by the rules. ``code`` is stable (clients switch on it); ``rule`` cites DOMAIN.md."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        rule: str | None = None,
        errors: Sequence[FieldError] = (),
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.rule = rule
        self.errors: tuple[FieldError, ...] = tuple(errors)

    def __repr__(self) -> str:
        return f"DomainError(code={self.code!r}, message={self.message!r}, rule={self.rule!r})"
