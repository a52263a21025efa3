"""Shared fixtures: the package calendar, a calendar with a loaded 2027 year file, the repo's policies."""

from __future__ import annotations

import pytest

from services.supervision.domain.policies import PolicySet, load_policies
from shared.calendar.statutory import StatutoryCalendar
from shared.calendar.years import load_year_file
from tests.unit.supervision.helpers import FIXTURES, REPO


@pytest.fixture(scope="session")
def calendar() -> StatutoryCalendar:
    return StatutoryCalendar()


@pytest.fixture(scope="session")
def calendar_2027(calendar: StatutoryCalendar) -> StatutoryCalendar:
    """The package calendar plus the 2027 test fixture year file."""
    return calendar.with_year(load_year_file(FIXTURES / "calendar" / "2027.yaml"))


@pytest.fixture(scope="session")
def policies() -> PolicySet:
    return load_policies(REPO / "data" / "clock_policies.yaml")
