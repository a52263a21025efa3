"""Which roles see which personal field in clear (P1: "shown masked except to roles that need them").

The rule is data: :data:`GRANTS` lists, per role, the fields it sees unmasked and why. A role that is
not listed sees every field masked; a principal with several roles sees the union. Everything is
masked by default, so a new role or a new field starts masked.

The choices, for the roles of DESIGN.md §3:

- ``clerk`` — ID number, phone, name. Clerks register petitions: they check the ID number against the
  card in front of them (P1), call petitioners back about missing material, and confirm a possible
  repeat (R12) with the person.
- ``handler`` — phone, name. The handling unit's staff must reach the petitioner (interviews, the
  reply); the ID number was verified at intake and adds nothing to handling.
- ``unit_head`` — name. Signs the reply addressed to the petitioner by name; contact goes through the
  handler.
- ``leader`` — name. Receives petitioners in person (领导接访) and reads case summaries; never needs to
  call or to identify by number.
- ``supervisor`` — nothing. Supervision chases deadlines and units by case number.
- ``analyst`` — nothing. Statistics are aggregates; counting "the same petitioner" uses blind indexes.
- ``auditor`` — nothing. Auditors judge *who read what* from the access log, which holds no personal
  values; a complaint about one number is matched through its blind index. The role that watches the
  readers should not itself be a large reader.
- ``admin`` — nothing. Operators run the system; encryption exists so that they do not read
  petitioners' data.
- ``integration`` — nothing. Machine clients pushing petitions in (12345 hotline, online portal) never
  read them back; an exchange that needs full records gets its own explicit grant when it is built.

Role alone is not enough, and this module does not replace the two rules applied before it:

- **P3 scope** — a unit sees only the cases it received, handles or supervises; a handler of another
  unit never reaches the case at all (enforced in queries).
- **P2 accusations (R5)** — the identity of an accuser is never shown to, nor sent to, the accused unit or
  person, *not even masked* (a masked name and region code can identify someone in a village). The
  caller decides that and passes ``withheld=True`` to :func:`present`, which then returns nothing.

Every response that carries a value in clear should be recorded in the access log (P3,
:mod:`shared.privacy.access_log`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, get_args

from shared.privacy.masking import mask_id_number, mask_name, mask_phone

PiiField = Literal["id_number", "phone", "name"]
PII_FIELDS: frozenset[str] = frozenset(get_args(PiiField))

#: What the API shows for a value whose key was shredded (P4): the history stays, the value is gone.
SHREDDED = "已销毁"
SHREDDED_EN = "[shredded]"


@dataclass(frozen=True)
class Grant:
    role: str
    fields: frozenset[PiiField]
    why: str


GRANTS: tuple[Grant, ...] = (
    Grant(
        "clerk",
        frozenset({"id_number", "phone", "name"}),
        "registers: checks the ID card (P1), calls back, confirms repeats (R12)",
    ),
    Grant("handler", frozenset({"phone", "name"}), "must contact the petitioner to handle and reply"),
    Grant("unit_head", frozenset({"name"}), "signs the reply addressed to the petitioner"),
    Grant("leader", frozenset({"name"}), "receives petitioners in person (领导接访)"),
)

#: role -> fields it sees in clear (derived from :data:`GRANTS`).
VISIBLE: Mapping[str, frozenset[str]] = {grant.role: frozenset(grant.fields) for grant in GRANTS}

MASKS: Mapping[str, Callable[[str | None], str | None]] = {
    "id_number": mask_id_number,
    "phone": mask_phone,
    "name": mask_name,
}


def can_see(principal_roles: Iterable[str], field: str) -> bool:
    """Whether any of the roles sees ``field`` unmasked. Unknown fields and roles: no."""
    return any(field in VISIBLE.get(role, frozenset()) for role in principal_roles)


def visible_fields(principal_roles: Iterable[str]) -> frozenset[str]:
    """Every field the roles see unmasked."""
    seen: set[str] = set()
    for role in principal_roles:
        seen |= VISIBLE.get(role, frozenset())
    return frozenset(seen)


def present(
    field: str,
    value: str | None,
    principal_roles: Iterable[str],
    *,
    shredded: bool = False,
    withheld: bool = False,
) -> str | None:
    """What a response shows for a decrypted ``value``: clear, masked, :data:`SHREDDED` or nothing.

    ``withheld`` (P2: the viewer is the accused unit) wins over everything and returns ``None``;
    ``shredded`` (the vault returned ``None`` for a token) shows :data:`SHREDDED`. A field with no mask
    is never shown to a role without a grant.
    """
    if withheld:
        return None
    if shredded:
        return SHREDDED
    if value is None:
        return None
    if can_see(principal_roles, field):
        return value
    mask = MASKS.get(field)
    return mask(value) if mask is not None else None
