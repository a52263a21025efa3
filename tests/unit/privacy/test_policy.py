"""Who sees personal fields in clear (P1), and what everyone else sees."""

from __future__ import annotations

import pytest

from shared.privacy.policy import GRANTS, PII_FIELDS, SHREDDED, can_see, present, visible_fields
from shared.web.tokens import ROLES

ID = "370703196302144519"


@pytest.mark.parametrize(
    ("roles", "field", "allowed"),
    [
        ({"clerk"}, "id_number", True),
        ({"clerk"}, "phone", True),
        ({"handler"}, "phone", True),
        ({"handler"}, "id_number", False),
        ({"unit_head"}, "phone", False),
        ({"unit_head"}, "name", True),
        ({"supervisor"}, "name", False),
        ({"auditor"}, "id_number", False),
        ({"admin"}, "id_number", False),
        ({"analyst"}, "phone", False),
        ({"integration"}, "id_number", False),
        ({"supervisor", "handler"}, "phone", True),
        (set(), "phone", False),
        ({"clerk"}, "address", False),
        ({"superuser"}, "id_number", False),
    ],
)
def test_can_see(roles: set[str], field: str, allowed: bool) -> None:
    assert can_see(roles, field) is allowed


def test_grants_name_real_roles_and_fields_and_say_why() -> None:
    for grant in GRANTS:
        assert grant.role in ROLES
        assert grant.fields <= PII_FIELDS
        assert grant.why
    assert len({g.role for g in GRANTS}) == len(GRANTS)


def test_visible_fields_is_the_union() -> None:
    assert visible_fields({"handler", "unit_head"}) == {"phone", "name"}
    assert visible_fields(["auditor"]) == frozenset()


def test_present() -> None:
    assert present("id_number", ID, {"clerk"}) == ID
    assert present("id_number", ID, {"handler"}) == "370703********4519"
    assert present("phone", "13905361234", {"leader"}) == "139****1234"
    assert present("name", "高德顺", {"analyst"}) == "高**"
    assert present("id_number", None, {"handler"}, shredded=True) == SHREDDED
    assert present("id_number", ID, {"clerk"}, withheld=True) is None
    assert present("id_number", None, {"clerk"}) is None
    assert present("address", "寒亭区高里街道", {"handler"}) is None  # no grant, no mask: not shown
