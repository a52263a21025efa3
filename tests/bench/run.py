"""Benchmarks (``make bench``): numbers for docs/benchmarks.md, never assertions in the test suite.

Measures, on the machine it runs on:
1. the router alone: ``route()`` per petition over the labelled dev set (pure domain);
2. registration over HTTP: the four services as processes, N petitions posted by C concurrent
   clients — throughput, POST latency, and how long until every case is routed and clocked
   (the flow end to end), on the embedded stack (SQLite + sql) and on PostgreSQL + Kafka.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import httpx

from shared.settings import SERVICES, Settings
from tests.support.backends import kafka_broker, postgres_database
from tests.support.petitions import petition_body
from tests.support.system import ServiceProcesses, token

ROOT = Path(__file__).resolve().parents[2]


def machine() -> str:
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){mem}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def bench_router() -> dict[str, float]:
    from services.routing.domain.decision import RoutingInput
    from services.routing.domain.router import route
    from services.routing.eval import load_router

    directory, classifier = load_router(ROOT / "data")
    dev = ROOT.parent / "shared" / "data" / "petitions-dev.jsonl"
    rows = [json.loads(line) for line in dev.read_text().splitlines() if line.strip()] if dev.exists() else []
    inputs = [RoutingInput.model_validate(r["petition"]) for r in rows] or [RoutingInput.model_validate(petition_body())]
    route(inputs[0], directory, classifier)  # warm up jieba
    times = []
    for _ in range(5):
        for p in inputs:
            t = time.perf_counter()
            route(p, directory, classifier)
            times.append((time.perf_counter() - t) * 1000)
    return {"calls": len(times), "p50_ms": statistics.median(times), "p95_ms": pct(times, 95)}


async def _load(procs: ServiceProcesses, n: int, concurrency: int) -> dict[str, float]:
    headers = {"Authorization": f"Bearer {token(Settings())}"}
    latencies: list[float] = []
    case_ids: list[str] = []
    sem = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(timeout=30) as client:

        async def one(i: int) -> None:
            body = petition_body(title=f"拖欠工资{i}", external_ref={"system": "bench", "id": str(i)})
            async with sem:
                t = time.perf_counter()
                r = await client.post(f"{procs.url('intake')}/petitions", json=body, headers=headers)
                latencies.append((time.perf_counter() - t) * 1000)
            r.raise_for_status()
            case_ids.append(r.json()["case_id"])

        start = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(n)))
        posted = time.perf_counter() - start
        pending = set(case_ids)
        while pending:
            for cid in list(pending)[:50]:
                r = await client.get(f"{procs.url('supervision')}/cases/{cid}/clocks", headers=headers)
                if r.status_code == 200 and r.json():
                    pending.discard(cid)
            if time.perf_counter() - start > 600:
                raise RuntimeError(f"{len(pending)} cases not clocked after 600 s")
        flowed = time.perf_counter() - start
    return {
        "petitions": n,
        "concurrency": concurrency,
        "post_per_s": n / posted,
        "post_p50_ms": statistics.median(latencies),
        "post_p95_ms": pct(latencies, 95),
        "all_clocked_s": flowed,
        "flow_per_s": n / flowed,
    }


def bench_stack(kind: str, n: int, concurrency: int) -> dict[str, float]:
    with ExitStack() as stack:
        data = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        env: dict[str, str] = {"XINFANG_LOG_LEVEL": "WARNING"}
        if kind == "postgres+kafka":
            env["XINFANG_TRANSPORT"] = "kafka"
            env["XINFANG_KAFKA_BOOTSTRAP_SERVERS"] = stack.enter_context(kafka_broker())
            env["XINFANG_KAFKA_IDEMPOTENT_PRODUCER"] = "false"
            env["XINFANG_KAFKA_FETCH_MAX_WAIT_MS"] = "10"
            for s in SERVICES:
                env[f"XINFANG_{s.upper()}_DATABASE_URL"] = stack.enter_context(postgres_database())
        procs = ServiceProcesses(env, data)
        stack.callback(procs.stop_all)
        procs.start_all()
        return asyncio.run(_load(procs, n, concurrency))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=500, help="petitions per stack")
    parser.add_argument("-c", type=int, default=8, help="concurrent clients")
    parser.add_argument("--write", type=Path, default=None, help="append the results to this markdown file")
    args = parser.parse_args()
    results = {"router": bench_router()}
    for kind in ("sqlite+sql", "postgres+kafka"):
        results[kind] = bench_stack(kind, args.n, args.c)
    when = time.strftime("%Y-%m-%d")
    lines = [f"\n## {when} — {machine()}\n"]
    r = results["router"]
    lines.append(f"- router `route()` on the dev set: p50 {r['p50_ms']:.2f} ms, p95 {r['p95_ms']:.2f} ms ({r['calls']:.0f} calls)")
    for kind in ("sqlite+sql", "postgres+kafka"):
        s = results[kind]
        lines.append(
            f"- {kind}: {s['petitions']:.0f} petitions, {s['concurrency']:.0f} clients — POST {s['post_per_s']:.0f}/s "
            f"(p50 {s['post_p50_ms']:.0f} ms, p95 {s['post_p95_ms']:.0f} ms); all routed and clocked after "
            f"{s['all_clocked_s']:.1f} s ({s['flow_per_s']:.0f} cases/s end to end)"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        with args.write.open("a", encoding="utf-8") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
