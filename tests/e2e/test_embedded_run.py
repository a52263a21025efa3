"""`make run`'s system: `xinfang run` starts four processes on SQLite and the sql transport, prints
URLs and demo tokens the system accepts, and stops all four on SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from shared.settings import SERVICES
from tests.support.backends import free_port
from tests.support.petitions import petition_body


def test_xinfang_run_serves_prints_tokens_and_stops_cleanly(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XINFANG_")}
    env["XINFANG_DATA_DIR"] = str(tmp_path / "data")
    ports = {s: free_port() for s in SERVICES}
    for service, port in ports.items():
        env[f"XINFANG_{service.upper()}_PORT"] = str(port)
    out_path = tmp_path / "run.out"
    with open(out_path, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "shared.cli", "run"], env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 90
            while "Ctrl-C stops all four" not in out_path.read_text(errors="replace"):
                assert proc.poll() is None, out_path.read_text(errors="replace")
                assert time.monotonic() < deadline, out_path.read_text(errors="replace")
                time.sleep(0.2)
            printed = out_path.read_text()
            for port in ports.values():
                assert f"http://127.0.0.1:{port}/docs" in printed
            clerk_token = re.search(r"clerk, .*\n\s+(\S+)", printed)
            assert clerk_token, printed
            headers = {"Authorization": f"Bearer {clerk_token.group(1)}"}

            r = httpx.post(f"http://127.0.0.1:{ports['intake']}/petitions", json=petition_body(), headers=headers)
            assert r.status_code == 201, r.text
            case_id = r.json()["case_id"]
            sources: set[str] = set()
            until = time.monotonic() + 2.0  # issue 2: all three services' events within 2 seconds
            while time.monotonic() < until and len(sources) < 3:
                h = httpx.get(f"http://127.0.0.1:{ports['reporting']}/cases/{case_id}/history", headers=headers)
                if h.status_code == 200:
                    sources = {e["source"] for e in h.json()}
                time.sleep(0.05)
            assert sources >= {"/xinfang/intake", "/xinfang/routing", "/xinfang/supervision"}
        finally:
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=30)
    assert code == 0
    assert "xinfang stopped." in out_path.read_text()
    for service, port in ports.items():
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            raise AssertionError(f"{service} still answers after the launcher stopped")
        except httpx.TransportError:
            pass
    assert (tmp_path / "data" / "intake.db").exists()  # everything under XINFANG_DATA_DIR
