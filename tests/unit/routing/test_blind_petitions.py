"""Twenty petitions written as a held-out check (hotline transcripts, long letters, places named
indirectly), kept as a regression set once the vocabulary and place rules were fixed on what they showed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from services.routing.domain.classifier import Classifier
from services.routing.domain.decision import RoutingInput
from services.routing.domain.directory import Directory
from services.routing.domain.router import route
from tests.unit.routing.conftest import FIXTURES

ROWS = [
    json.loads(line)
    for line in (FIXTURES / "blind_petitions.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_blind_petition_routes_as_expected(row: dict[str, Any], directory: Directory, classifier: Classifier) -> None:
    decision = route(RoutingInput.model_validate(row["petition"]), directory, classifier)
    got = {
        "category": decision.category,
        "region_code": decision.region_code,
        "unit_id": decision.unit_id,
        "disposition": decision.disposition,
        "flags": sorted(decision.flags),
    }
    assert got == {**row["expect"], "flags": sorted(row["expect"]["flags"])}, "\n".join(decision.explanation)
