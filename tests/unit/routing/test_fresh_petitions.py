"""Petitions written after the vocabulary, in other people's words (hotline transcripts, angry letters with
digressions, terse posts, dialect, other categories' words in passing, places named only indirectly), each
labelled by applying DOMAIN.md §3 by hand. Each set was run once before the classifier was changed on what
it showed; it is kept as a regression gate on accuracy rather than on every single petition, so that a
change which helps real petitions overall is not blocked by one borderline wording."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from services.routing.domain.classifier import Classifier
from services.routing.domain.decision import RoutingInput
from services.routing.domain.directory import Directory
from services.routing.domain.router import route
from tests.unit.routing.conftest import FIXTURES

SETS = ("fresh_petitions.jsonl", "fresh_petitions_2.jsonl", "fresh_petitions_3.jsonl")
#: the share of petitions that must be right, per field
FLOORS = {"category": 0.90, "unit_id": 0.95, "disposition": 0.95}


def _rows(name: str) -> list[dict[str, Any]]:
    path: Path = FIXTURES / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("name", SETS)
def test_fresh_petitions_route_accurately(name: str, directory: Directory, classifier: Classifier) -> None:
    rows = _rows(name)
    assert rows, f"{name} is empty"
    right = dict.fromkeys(FLOORS, 0)
    misses: list[str] = []
    for row in rows:
        decision = route(RoutingInput.model_validate(row["petition"]), directory, classifier)
        for field in FLOORS:
            expected, got = row["expect"].get(field), getattr(decision, field)
            if expected == got:
                right[field] += 1
            else:
                misses.append(f"{row['id']} {field}: expected {expected!r}, got {got!r}")
    shares = {field: right[field] / len(rows) for field in FLOORS}
    failing = {field: f"{share:.1%}" for field, share in shares.items() if share < FLOORS[field]}
    assert not failing, f"{name}: {failing} below {FLOORS}\n" + "\n".join(misses)


@pytest.mark.parametrize("name", SETS)
def test_fresh_petitions_are_labelled_with_known_places_and_units(name: str, directory: Directory) -> None:
    """The labels only name regions and units of the directory, and cover every category."""
    for row in _rows(name):
        expect = row["expect"]
        assert expect["region_code"] is None or directory.region(expect["region_code"]) is not None, row["id"]
        assert directory.unit(expect["unit_id"]) is not None, row["id"]
        assert expect["category"] is None or directory.category(expect["category"]) is not None, row["id"]
    labelled = {row["expect"]["category"] for row in _rows(SETS[0])}
    assert labelled >= {c.code for c in directory.categories}
