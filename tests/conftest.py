from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.backends import kafka_broker, postgres_database


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A throwaway PostgreSQL database for this test session."""
    with postgres_database() as url:
        yield url


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """A Kafka-protocol broker for this test session."""
    with kafka_broker() as bootstrap:
        yield bootstrap
