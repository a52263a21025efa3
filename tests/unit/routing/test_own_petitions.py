"""Petitions written for these tests (not the development set), each with the decision expected."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from services.routing.domain.classifier import Classifier
from services.routing.domain.decision import RoutingInput
from services.routing.domain.directory import Directory
from services.routing.domain.router import route
from services.routing.eval import main
from tests.unit.routing.conftest import FIXTURES

OWN = FIXTURES / "own_petitions.jsonl"
ROWS = [json.loads(line) for line in OWN.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_own_petition_routes_as_expected(
    row: dict[str, Any], directory: Directory, classifier: Classifier
) -> None:
    decision = route(RoutingInput.model_validate(row["petition"]), directory, classifier)
    expect = row["expect"]
    got = {
        "category": decision.category,
        "region_code": decision.region_code,
        "unit_id": decision.unit_id,
        "disposition": decision.disposition,
        "flags": sorted(decision.flags),
    }
    assert got == {**expect, "flags": sorted(expect["flags"])}, "\n".join(decision.explanation)


def test_routing_eval_prints_accuracy_per_field_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(OWN)]) == 0
    out = capsys.readouterr().out
    for field in ("category", "region_code", "unit_id", "disposition", "flags"):
        assert f"{field}" in out and f"{len(ROWS)}/{len(ROWS)}" in out
    assert "misses: 0" in out


def test_routing_eval_lists_each_miss_with_its_explanation(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    row = dict(ROWS[0])
    row["expect"] = {**row["expect"], "unit_id": "370700:natural_resources"}
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main([str(path)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"unit_id\s+0/1\s", out) and re.search(r"category\s+1/1\s", out)
    assert f"{row['id']}\n  unit_id: expected '370700:natural_resources', got " in out
    assert "R3 主管单位" in out
