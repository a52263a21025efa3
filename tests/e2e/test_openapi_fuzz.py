"""Each service's OpenAPI, fuzzed by schemathesis against the running embedded system: no request,
however odd, gets a 500, and every response matches the schema the service publishes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from shared.settings import SERVICES, Settings
from shared.web.auth import ROLES
from tests.support.petitions import petition_body
from tests.support.system import ServiceProcesses, token

pytestmark = pytest.mark.e2e

CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance"


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcesses]:
    procs = ServiceProcesses({"XINFANG_LOG_LEVEL": "WARNING"}, tmp_path_factory.mktemp("fuzz"))
    try:
        procs.start_all()
        clerk = {"Authorization": f"Bearer {token(Settings())}"}
        r = httpx.post(f"{procs.url('intake')}/petitions", json=petition_body(), headers=clerk, timeout=10)
        assert r.status_code == 201, r.text  # some data for the fuzzer to find
        yield procs
    finally:
        procs.stop_all()


@pytest.mark.parametrize("service", SERVICES)
def test_no_500_and_no_schema_violation(system: ServiceProcesses, service: str, tmp_path: Path) -> None:
    everything = token(Settings(), sub="fuzzer", roles=tuple(sorted(ROLES)), unit="370703:petition_bureau")
    env = {**os.environ, "SCHEMATHESIS_HOOKS": ""}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "run",
            f"{system.url(service)}/openapi.json",
            "--header",
            f"Authorization: Bearer {everything}",
            "--checks",
            CHECKS,
            "--max-examples",
            "12",
            "--seed",
            "20261122",
            "--request-timeout",
            "20",
            "--report-dir",
            str(tmp_path),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=400,
        cwd=tmp_path,  # its working files stay out of the repository
    )
    assert result.returncode == 0, result.stdout[-6000:]
