"""Fixtures for the routing domain: the product's demo directory and classifier, and petition builders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from services.routing.domain.classifier import Classifier
from services.routing.domain.decision import RoutingDecision, RoutingInput
from services.routing.domain.directory import Directory, load_directory
from services.routing.domain.router import route
from services.routing.domain.vocabulary import load_vocabulary

DATA = Path(__file__).resolve().parents[3] / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="module")
def directory() -> Directory:
    return load_directory(DATA / "jurisdiction.yaml", DATA / "categories.yaml")


@pytest.fixture(scope="module")
def classifier(directory: Directory) -> Classifier:
    return Classifier(load_vocabulary(DATA / "routing_vocabulary.yaml"), directory.categories)


def petition(**fields: Any) -> RoutingInput:
    """A petition body with sensible defaults; ``address`` and ``region_code`` go into ``place``."""
    place = {"address": fields.pop("address", ""), "region_code": fields.pop("region_code", None)}
    body: dict[str, Any] = {
        "channel": "visit",
        "received_at": "2026-05-01T09:00:00+08:00",
        "received_by": "370703:petition_bureau",
        "petitioners": [{"name": "王某"}],
        "headcount": 1,
        "title": "",
        "content": "",
        "place": place,
    }
    body.update(fields)
    return RoutingInput.model_validate(body)


@pytest.fixture
def decide(directory: Directory, classifier: Classifier) -> Any:
    """``decide(**fields)`` routes a petition built by :func:`petition` (``returned=``: units that returned it)."""

    def run(**fields: Any) -> RoutingDecision:
        returned = fields.pop("returned", ())
        return route(petition(**fields), directory, classifier, returned=returned)

    return run
