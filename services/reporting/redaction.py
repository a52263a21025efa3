"""What the history shows of personal data: never anything in clear (P1, P3).

Reporting holds every event, but it is not where anyone reads a petitioner's identity: names are
masked, ID numbers and phones (stored only as ciphertext tokens by intake) are shown as a mask, and
addresses are left out. A clerk or handler who needs the real values reads the case at intake, where
the read is logged. So a history read is never a read of personal data, for any role.
"""

from __future__ import annotations

from typing import Any

from shared.privacy.masking import OPAQUE, mask_id_number, mask_name, mask_phone
from shared.privacy.tokens import is_token

PERSONAL_LISTS = ("petitioners",)

#: fields by which an event points at *other* cases (R12 repeats and merges, collective clusters)
LINKED_CASE_FIELDS = ("original_case_id", "candidate_case_id", "linked_case_ids")
#: the case number that travels with a linked case id
LINKED_CASE_NUMBERS = {"candidate_case_id": "candidate_case_no"}


def _mask_value(field: str, value: Any) -> Any:
    if not isinstance(value, str) or not value:
        return value
    if is_token(value):
        return OPAQUE
    if field == "id_number":
        return mask_id_number(value)
    if field == "phone":
        return mask_phone(value)
    if field == "name":
        return mask_name(value)
    return OPAQUE


def redact_person(person: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in person.items():
        if key in ("name", "id_number", "phone"):
            out[key] = _mask_value(key, value)
        elif key in ("address", "email") or (isinstance(value, str) and is_token(value)):
            continue
        else:
            out[key] = value
    return out


def redact_event(envelope: dict[str, Any]) -> dict[str, Any]:
    data = envelope.get("data")
    if not isinstance(data, dict) or not any(k in data for k in PERSONAL_LISTS):
        return envelope
    data = dict(data)
    for key in PERSONAL_LISTS:
        if isinstance(data.get(key), list):
            data[key] = [redact_person(p) if isinstance(p, dict) else p for p in data[key]]
    return {**envelope, "data": data}


def linked_case_ids(envelope: dict[str, Any]) -> set[str]:
    data = envelope.get("data")
    if not isinstance(data, dict):
        return set()
    found: set[str] = set()
    for key in LINKED_CASE_FIELDS:
        value = data.get(key)
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, list):
            found.update(v for v in value if isinstance(v, str))
    return found - {envelope.get("subject")}


def withhold_unseen_links(envelope: dict[str, Any], seen: set[str]) -> dict[str, Any]:
    """P3: a link to a case outside the viewer's scope is withheld (its id and number), the event stays."""
    hidden = linked_case_ids(envelope) - seen
    if not hidden:
        return envelope
    data = dict(envelope["data"])
    for key in LINKED_CASE_FIELDS:
        value = data.get(key)
        if isinstance(value, str) and value in hidden:
            data[key] = None
            if key in LINKED_CASE_NUMBERS:
                data[LINKED_CASE_NUMBERS[key]] = None
        elif isinstance(value, list):
            data[key] = [v for v in value if v not in hidden]
    data["links_withheld"] = len(hidden)
    return {**envelope, "data": data}
