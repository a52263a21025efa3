"""The embedded run: four services as four processes, one data folder, Ctrl-C stops them all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta

from shared.settings import SERVICES, Settings

DEMO_USERS = [
    # (sub, name, roles, unit, what they are)
    ("clerk-hanting", "王登记", ["clerk"], "370703:petition_bureau", "clerk, 寒亭区信访局"),
    ("handler-gaoli", "李办理", ["handler"], "370703004:township_government", "township handler, 高里街道"),
    ("handler-nr", "赵承办", ["handler"], "370703:natural_resources", "county department handler, 寒亭区自然资源局"),
    ("supervisor-city", "孙督查", ["supervisor"], "370700:petition_bureau", "supervisor, 潍坊市信访局"),
    ("analyst-city", "周分析", ["analyst"], "370700:petition_bureau", "analyst, 潍坊市信访局"),
    ("admin", "系统管理员", ["admin"], "370700:petition_bureau", "admin"),
]


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def run_all(settings: Settings) -> int:
    from shared.web.auth import mint_token

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["XINFANG_DATA_DIR"] = str(settings.data_dir.resolve())
    procs: dict[str, subprocess.Popen[bytes]] = {}
    # migrate once, in order, so four processes do not race to create the shared log
    subprocess.run([sys.executable, "-m", "shared.cli", "migrate", "all"], env=env, check=True)
    for service in SERVICES:
        log = open(settings.data_dir / f"{service}.log", "ab")  # noqa: SIM115
        procs[service] = subprocess.Popen(
            [sys.executable, "-m", "shared.cli", "serve", service], env=env, stdout=log, stderr=subprocess.STDOUT
        )

    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    deadline = time.monotonic() + 60
    pending = set(SERVICES)
    while pending and not stopping and time.monotonic() < deadline:
        for service in list(pending):
            if procs[service].poll() is not None:
                print(f"{service} exited early; see {settings.data_dir / (service + '.log')}", file=sys.stderr)
                stopping = True
            elif _healthy(settings.port(service)):
                pending.discard(service)
        time.sleep(0.2)

    if not stopping:
        print("\nxinfang is running (embedded: SQLite files and the sql transport in", settings.data_dir.resolve(), ")\n")
        for service in SERVICES:
            port = settings.port(service)
            print(f"  {service:<12} http://127.0.0.1:{port}   docs: http://127.0.0.1:{port}/docs")
        print("\nDemo tokens (12 h), as in: curl -H \"Authorization: Bearer $TOKEN\" ...\n")
        for sub, name, roles, unit, what in DEMO_USERS:
            token = mint_token(settings, sub, roles, unit, name=name, ttl=timedelta(hours=12))
            print(f"  {what}  ({sub}, roles={','.join(roles)}, unit={unit})\n    {token}\n")
        print("Logs:", settings.data_dir.resolve(), "(one file per service). Ctrl-C stops all four.", flush=True)

    while not stopping:
        for name, proc in procs.items():
            if proc.poll() is not None:
                print(f"{name} stopped (exit {proc.returncode}); stopping the others", file=sys.stderr)
                stopping = True
        time.sleep(0.3)

    for proc in procs.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs.values():
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    print("xinfang stopped.")
    return 0
