"""The correlation id of the work in progress, kept in a context variable.

The HTTP middleware (:mod:`shared.web.logging`) sets it per request; consumers and timers set it per
event with :func:`correlation_context` (passing the event's ``correlationid``), so log lines and the
events they append carry the same id.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_correlation_id: ContextVar[str | None] = ContextVar("xinfang_correlation_id", default=None)

#: What an incoming id may look like; anything else is replaced (ids end up in logs and headers).
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


def new_correlation_id() -> str:
    return uuid.uuid4().hex


def acceptable_correlation_id(value: str | None) -> str | None:
    """``value`` if it is safe to adopt as a correlation id, else ``None``."""
    if value and _ACCEPTABLE.match(value):
        return value
    return None


def get_correlation_id() -> str | None:
    return _correlation_id.get()


@contextmanager
def correlation_context(correlation_id: str | None = None) -> Iterator[str]:
    """Run a block under ``correlation_id`` (a new one when ``None``); restores the previous id after."""
    cid = correlation_id or new_correlation_id()
    token = _correlation_id.set(cid)
    try:
        yield cid
    finally:
        _correlation_id.reset(token)
