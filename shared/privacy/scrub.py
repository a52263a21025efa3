"""Masking ID numbers and mobile numbers in log output: defence in depth for P1.

Code should never log personal values in the first place (events and read models hold tokens, see
:mod:`shared.privacy.vault`); this catches the mistakes — a value echoed in an exception message, a
request model logged whole. :func:`scrub` masks, in any text:

- 18-character resident IDs (17 digits and a digit or ``X``, optionally grouped ``6 8 4`` or
  ``6 4 4 4`` with spaces or dashes) -> ``370703********4519``;
- 15-digit legacy IDs (region, plausible ``YYMMDD``, sequence) -> their masked 18-character form;
- mainland mobiles (``1[3-9]`` and 9 digits, optionally ``+86``/``0086``/``86`` and grouped ``3 4 4``)
  -> ``139****1234``.

Matching is by shape, bounded by non-digits, so it also finds numbers glued to letters or Chinese text
(``身份证号370703196302144519``); the cost is that an unrelated 18-digit number in a log line is masked
too, which is the right trade for logs.

:class:`PiiScrubFilter` applies it to a log record before any formatter sees it: the formatted message
(arguments merged in), string ``extra`` fields (inside lists and dicts too; other objects are turned
into scrubbed strings), the exception text and the stack text. The exception is kept as text only
(``exc_info`` is cleared once ``exc_text`` holds the scrubbed traceback). :func:`install_log_scrubber`
attaches one filter to every handler of the root logger — call it after ``configure_logging``, which
replaces its handler; calling it again is harmless.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from shared.privacy.masking import OPAQUE, mask_id_number, mask_phone

_ID18 = re.compile(r"(?<!\d)\d{6}[ -]?\d{4}[ -]?\d{4}[ -]?\d{3}[\dXx](?!\d)")
_ID15 = re.compile(r"(?<!\d)[1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(?:(?:\+|00)?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)")

#: Attributes every LogRecord has; anything else came from ``extra=`` (``message`` is the cached text).
_RECORD_ATTRS = frozenset(vars(logging.makeLogRecord({}))) | {"asctime", "taskName"}
_MAX_DEPTH = 4


def _masked_id(match: re.Match[str]) -> str:
    return mask_id_number(match.group(0)) or OPAQUE


def _masked_mobile(match: re.Match[str]) -> str:
    return mask_phone(match.group(0)) or OPAQUE


def scrub(text: str) -> str:
    """``text`` with every ID-number-like and mobile-like run masked."""
    if not text:
        return text
    text = _ID18.sub(_masked_id, text)
    text = _ID15.sub(_masked_id, text)
    return _MOBILE.sub(_masked_mobile, text)


def scrub_value(value: Any, depth: int = 0) -> Any:
    """Strings scrubbed, containers scrubbed inside, numbers kept unless they look like an ID or a
    mobile, anything else as scrubbed text."""
    if value is None or isinstance(value, bool | float):
        return value
    if isinstance(value, int):
        digits = str(value)
        masked = scrub(digits)
        return value if masked == digits else masked
    if isinstance(value, str):
        return scrub(value)
    if depth < _MAX_DEPTH:
        if isinstance(value, dict):
            return {k: scrub_value(v, depth + 1) for k, v in value.items()}
        if isinstance(value, list | tuple | set | frozenset):
            return [scrub_value(v, depth + 1) for v in value]
    try:
        return scrub(str(value))
    except Exception:  # noqa: BLE001 - a broken __str__ must not break logging
        return OPAQUE


class PiiScrubFilter(logging.Filter):
    """Masks personal numbers in a record in place; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - the arguments do not fit the format
            message = f"{record.msg!s} (log arguments withheld: they did not fit the format)"
        record.msg = scrub(message)
        record.args = ()
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        for key, value in list(vars(record).items()):
            if key == "message" or key not in _RECORD_ATTRS:
                setattr(record, key, scrub_value(value))
        return True


def install_log_scrubber(logger: logging.Logger | None = None) -> PiiScrubFilter:
    """Attach one :class:`PiiScrubFilter` to every handler of ``logger`` (default: root); idempotent."""
    target = logger or logging.getLogger()
    existing = next(
        (f for h in target.handlers for f in h.filters if isinstance(f, PiiScrubFilter)),
        None,
    )
    scrubber = existing or PiiScrubFilter()
    for handler in target.handlers:
        if not any(isinstance(f, PiiScrubFilter) for f in handler.filters):
            handler.addFilter(scrubber)
    return scrubber
