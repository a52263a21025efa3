"""The four services, in-process (ASGI) or as real processes, for service and end-to-end tests."""

from __future__ import annotations

import asyncio
import importlib
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx

from shared.settings import SERVICES, Settings
from shared.web.auth import mint_token
from tests.support.backends import free_port, wait_for_port

CLERK = {"sub": "clerk-1", "roles": ["clerk"], "unit": "370703:petition_bureau"}


def token(settings: Settings, sub: str = "clerk-1", roles: tuple[str, ...] = ("clerk",), unit: str = "370703:petition_bureau") -> str:
    return mint_token(settings, sub, roles, unit)


def auth(settings: Settings, **kw: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(settings, **kw)}"}


@asynccontextmanager
async def in_process(settings: Settings, clock: Any = None) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    """Each service's app in this process, lifespans running, one httpx client per service."""
    async with AsyncExitStack() as stack:
        clients: dict[str, httpx.AsyncClient] = {}
        for service in SERVICES:
            module = importlib.import_module(f"services.{service}.app")
            app = module.create_app(settings, clock=clock)
            await stack.enter_async_context(app.router.lifespan_context(app))
            client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://{service}")
            await stack.enter_async_context(client)
            clients[service] = client
        yield clients


async def wait_until(check: Any, timeout: float = 10.0, interval: float = 0.05) -> Any:
    """Poll an async ``check`` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last: {result!r})")
        await asyncio.sleep(interval)


@contextmanager
def processes(env_overrides: dict[str, str], data_dir: Path) -> Iterator[dict[str, str]]:
    """The four services as real ``xinfang serve`` processes; yields their base URLs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XINFANG_")}
    env.update(env_overrides)
    env["XINFANG_DATA_DIR"] = str(data_dir)
    urls: dict[str, str] = {}
    procs: dict[str, subprocess.Popen[bytes]] = {}
    for service in SERVICES:
        port = free_port()
        env[f"XINFANG_{service.upper()}_PORT"] = str(port)
        urls[service] = f"http://127.0.0.1:{port}"
    try:
        for service in SERVICES:
            log = open(data_dir / f"{service}.log", "ab")  # noqa: SIM115
            procs[service] = subprocess.Popen(
                [sys.executable, "-m", "shared.cli", "serve", service], env=env, stdout=log, stderr=subprocess.STDOUT
            )
        for service, url in urls.items():
            port = int(url.rsplit(":", 1)[1])
            if not wait_for_port(port, timeout=60):
                tail = (data_dir / f"{service}.log").read_text(errors="replace")[-3000:]
                raise AssertionError(f"{service} did not start:\n{tail}")
        yield urls
    finally:
        for proc in procs.values():
            proc.terminate()
        for proc in procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


class ServiceProcesses:
    """The four services as processes that a test can kill and restart one by one."""

    def __init__(self, env_overrides: dict[str, str], data_dir: Path) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("XINFANG_")}
        self.env.update(env_overrides)
        self.env["XINFANG_DATA_DIR"] = str(data_dir)
        self.data_dir = data_dir
        self.ports = {s: free_port() for s in SERVICES}
        for service, port in self.ports.items():
            self.env[f"XINFANG_{service.upper()}_PORT"] = str(port)
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def launch(self, service: str) -> None:
        log = open(self.data_dir / f"{service}.log", "ab")  # noqa: SIM115
        self.procs[service] = subprocess.Popen(
            [sys.executable, "-m", "shared.cli", "serve", service], env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    def wait_ready(self, service: str) -> None:
        if not wait_for_port(self.ports[service], timeout=60):
            tail = (self.data_dir / f"{service}.log").read_text(errors="replace")[-3000:]
            raise AssertionError(f"{service} did not start:\n{tail}")

    def start(self, service: str) -> None:
        self.launch(service)
        self.wait_ready(service)

    def start_all(self) -> None:
        """All four at once (each may spend seconds joining its consumer groups)."""
        for service in SERVICES:
            self.launch(service)
        for service in SERVICES:
            self.wait_ready(service)

    def kill(self, service: str) -> None:
        """SIGKILL: no shutdown hooks, as a crash or an OOM kill."""
        proc = self.procs.pop(service)
        proc.kill()
        proc.wait(timeout=10)

    def stop_all(self) -> None:
        for proc in self.procs.values():
            proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.procs.clear()
