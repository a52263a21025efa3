"""Rows of a bulk import (D8: backlogs of paper records) turned into petitions.

Two formats, read record by record from the uploaded file (never all at once):

- **CSV** with a header row. Columns: ``channel``, ``received_at``, ``received_by``, ``title``,
  ``content``, ``headcount``, ``category``, ``place_address``, ``place_region_code``, ``accused_units``
  (separated by ``;``), ``urgent``, ``leader_instructed``, ``ref``, ``external_system``, ``external_id``,
  and per petitioner ``petitioner_name``, ``petitioner_id_number``, ``petitioner_phone``,
  ``petitioner_address``, ``petitioner_representative`` (more petitioners: ``petitioner2_name`` ...).
  UTF-8 (with or without BOM) or GB 18030 (what Chinese Excel writes).
- **JSON lines**: one object per line, shaped like the body of ``POST /petitions``, plus ``ref``.

A row's ``row`` number is its line in the file (a CSV header is line 1), as a spreadsheet shows it.
Receipt times without an offset are China time; a date alone is 00:00 that day. The import's defaults
fill an empty ``received_by`` or ``channel``.

Every row gets a stable ``external_ref``, so importing the same file again registers nothing twice:
``external_system``/``external_id`` when given; else ``("import", "<received_by>/<ref>")`` (a unit's own
register number is unique within the unit); else ``("import", "sha256:<hash of the row's content>")``.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from services.intake.api.schemas import ExternalRef, PetitionIn
from services.intake.domain.errors import FieldError
from services.intake.domain.windows import CHINA

FORMATS = ("csv", "jsonl")
_PETITIONER = re.compile(r"petitioner(\d*)_(name|id_number|phone|address|representative)")
_TRUE = {"1", "true", "yes", "y", "是", "√", "x"}
_FALSE = {"", "0", "false", "no", "n", "否"}


@dataclass(frozen=True)
class ParsedRow:
    row: int
    petition: PetitionIn | None
    errors: tuple[FieldError, ...] = ()


def detect_encoding(path: Path) -> str:
    """UTF-8 (BOM removed) when the start of the file decodes as UTF-8, else GB 18030."""
    with path.open("rb") as fh:
        head = fh.read(65536)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "gb18030"


def count_records(path: Path, fmt: str) -> int:
    """How many records the file holds (a quick pass, for progress)."""
    with path.open(encoding=detect_encoding(path), newline="", errors="replace") as fh:
        if fmt == "csv":
            reader = csv.reader(fh)
            next(reader, None)
            return sum(1 for record in reader if any(cell.strip() for cell in record))
        return sum(1 for line in fh if line.strip())


def read_records(path: Path, fmt: str) -> Iterator[tuple[int, Mapping[str, Any] | None, str | None]]:
    """``(row, record, problem)`` one at a time; ``problem`` when the record itself cannot be read."""
    with path.open(encoding=detect_encoding(path), newline="", errors="strict") as fh:
        if fmt == "csv":
            yield from _csv_records(fh)
        else:
            yield from _jsonl_records(fh)


def _csv_records(fh: io.TextIOBase) -> Iterator[tuple[int, Mapping[str, Any] | None, str | None]]:
    reader = csv.reader(fh)
    header = [h.strip().lower() for h in next(reader, [])]
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, None, f"CSV 格式错误 / unreadable CSV record ({type(exc).__name__})"
            continue
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(header):
            yield start, None, "列数多于表头 / more cells than header columns"
            continue
        yield start, dict(zip(header, record, strict=False)), None


def _jsonl_records(fh: io.TextIOBase) -> Iterator[tuple[int, Mapping[str, Any] | None, str | None]]:
    for number, line in enumerate(fh, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError:
            yield number, None, "不是 JSON / not a JSON object"
            continue
        if not isinstance(data, dict):
            yield number, None, "不是 JSON 对象 / not a JSON object"
            continue
        yield number, data, None


def _flag(value: Any, name: str, errors: list[FieldError]) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text in _TRUE:
        return True
    if text not in _FALSE:
        errors.append(FieldError(name, "invalid_boolean", "应为是/否 / true or false"))
    return False


def _moment(value: Any) -> Any:
    """China time for a receipt time without an offset; a date alone is 00:00 that day."""
    if not isinstance(value, str) or not value.strip():
        return value
    text = value.strip().replace("/", "-")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return value  # the model reports it
    return moment if moment.tzinfo else moment.replace(tzinfo=CHINA)


def _from_csv(record: Mapping[str, Any], errors: list[FieldError]) -> dict[str, Any]:
    petitioners: dict[int, dict[str, Any]] = {}
    body: dict[str, Any] = {}
    for column, raw in record.items():
        value = raw.strip() if isinstance(raw, str) else raw
        match = _PETITIONER.fullmatch(column)
        if match:
            index = int(match.group(1) or 1) - 1
            if value:
                petitioners.setdefault(index, {})[match.group(2)] = value
            continue
        if value in ("", None):
            continue
        body[column] = value
    people: list[dict[str, Any]] = []
    for index in sorted(petitioners):
        person = petitioners[index]
        if "representative" in person:
            person["representative"] = _flag(person["representative"], f"petitioners.{len(people)}.representative", errors)
        people.append(person)
    body["petitioners"] = people
    place = {k: body.pop(f"place_{k}") for k in ("address", "region_code") if f"place_{k}" in body}
    body["place"] = place
    if "accused_units" in body:
        body["accused_units"] = [u.strip() for u in re.split(r"[;；]", str(body["accused_units"])) if u.strip()]
    for name in ("urgent", "leader_instructed"):
        if name in body:
            body[name] = _flag(body[name], name, errors)
    if "external_system" in body or "external_id" in body:
        body["external_ref"] = {"system": body.pop("external_system", ""), "id": body.pop("external_id", "")}
    return body


def parse_row(
    row: int, record: Mapping[str, Any], fmt: str, defaults: Mapping[str, str]
) -> ParsedRow:
    errors: list[FieldError] = []
    body = _from_csv(record, errors) if fmt == "csv" else dict(record)
    ref = str(body.pop("ref", "") or "").strip()
    for key in ("received_by", "channel"):
        if not body.get(key) and defaults.get(key):
            body[key] = defaults[key]
    if "received_at" in body:
        body["received_at"] = _moment(body["received_at"])
    try:
        petition = PetitionIn.model_validate(body)
    except ValidationError as exc:
        for e in exc.errors():
            field = ".".join(str(p) for p in e.get("loc", ())) or "row"
            errors.append(FieldError(field, str(e.get("type", "invalid")), str(e.get("msg", ""))))
        return ParsedRow(row, None, tuple(errors))
    if errors:
        return ParsedRow(row, None, tuple(errors))
    if petition.external_ref is None:
        if ref:
            ref_id = f"{petition.received_by}/{ref}"[:200]
        else:
            ref_id = "sha256:" + hashlib.sha256(petition.model_dump_json().encode()).hexdigest()
        petition = petition.model_copy(update={"external_ref": ExternalRef(system="import", id=ref_id)})
    return ParsedRow(row, petition)
