"""The log scrubber: a real logging call, captured; the ID number must not reach the output (P1)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from shared.privacy.scrub import PiiScrubFilter, install_log_scrubber, scrub
from shared.web.logging import JsonFormatter

ID = "370703196302144519"
PHONE = "13905361234"


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger with one JSON handler carrying the scrubber, writing to a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("intake"))
    handler.addFilter(PiiScrubFilter())
    logger = logging.getLogger("tests.privacy.scrub")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield logger, stream
    finally:
        logger.removeHandler(handler)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"身份证号{ID}，请核实", "身份证号370703********4519，请核实"),
        ("id 370703 19630214 4519 given", "id 370703********4519 given"),
        ("id 370703-1963-0214-4519", "id 370703********4519"),
        ("legacy 370703630214451.", "legacy 370703********4519."),
        ("lower x 37070319630214451x", "lower x 370703********451X"),
        (f"call {PHONE} now", "call 139****1234 now"),
        ("call +86 139 0536 1234", "call 139****1234"),
        ("call 139-0536-1234", "call 139****1234"),
        (f"tel:{PHONE}", "tel:139****1234"),
    ],
)
def test_scrub_masks_ids_and_mobiles(text: str, expected: str) -> None:
    assert scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "case 370703-2026-000001 assigned",
        "event 3a52eeec373d44e29d5575a33a7ffe0f",
        "took 1772416800123 ms",
        "position 12345678901234567890",
        "landline 0536-8123456",
        "",
    ],
)
def test_scrub_leaves_ordinary_text_alone(text: str) -> None:
    assert scrub(text) == text


def test_formatted_message_and_arguments_are_scrubbed(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    logger.info("registered petitioner %s with phone %s", ID, PHONE)
    out = stream.getvalue()
    assert ID not in out and PHONE not in out
    assert json.loads(out)["message"] == "registered petitioner 370703********4519 with phone 139****1234"


def test_extra_fields_are_scrubbed_nested_and_typed(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    logger.warning(
        "duplicate",
        extra={
            "id_number": ID,
            "petitioners": [{"phone": PHONE, "count": 2}],
            "as_int": int(ID[:-1] + "1"),
            "case_no": "370703-2026-000001",
        },
    )
    line = json.loads(stream.getvalue())
    assert line["id_number"] == "370703********4519"
    assert line["petitioners"] == [{"phone": "139****1234", "count": 2}]
    assert line["case_no"] == "370703-2026-000001"
    assert ID[:-1] not in stream.getvalue()


def test_exception_text_is_scrubbed(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    try:
        raise ValueError(f"bad id number {ID}")
    except ValueError:
        logger.exception("validation failed")
    line = json.loads(stream.getvalue())
    assert "ValueError: bad id number 370703********4519" in line["exception"]
    assert ID not in stream.getvalue()


def test_unformattable_arguments_do_not_leak(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    logger.info("two placeholders %s %s", ID)
    out = stream.getvalue()
    assert ID not in out
    assert "withheld" in json.loads(out)["message"]


def test_install_attaches_once_to_every_root_handler() -> None:
    root = logging.getLogger()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    root.addHandler(handler)
    try:
        first = install_log_scrubber()
        second = install_log_scrubber()
        assert first is second
        assert sum(isinstance(f, PiiScrubFilter) for f in handler.filters) == 1
        logging.getLogger("tests.privacy.child").error("petitioner %s", ID)
        assert ID not in stream.getvalue()
        assert "370703********4519" in stream.getvalue()
    finally:
        root.removeHandler(handler)
        for h in root.handlers:
            for f in [f for f in h.filters if isinstance(f, PiiScrubFilter)]:
                h.removeFilter(f)
