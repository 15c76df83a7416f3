"""Single-hit tracking throughput over real HTTP against `footfall serve` (and bulk).

    python bench/ingest.py [--quick] [--seconds 20] [--connections 64] [--workers 1]

Single hits: `wrk` (Debian package; aiohttp when it is missing) sends GET
/matomo.php hits from many concurrent keep-alive connections for a fixed time;
the hits vary over 2,000 visitors (user ids) and 100 pages, carry a title,
resolution and language, and ask for `send_image=0` as matomo.js does. An answer
means the hit is durable (committed to the SQLite ingest queue, synchronous=FULL).
Figures: hits/s answered, p50/p99 latency, server RSS, CPU time per hit of the HTTP
workers and of the pipeline process during the load (less noisy than rates on a
shared machine), and hits/s until processed (until the queue is drained into the
raw log). Bulk: POSTs of 100 such hits from 4 clients; hits/s acknowledged and until
processed.

Baseline, same run and load: the same server stack (uvicorn, uvloop, httptools)
with the same number of worker processes answering 204 without doing any work,
measured before and after Footfall's single-hit load; the ratio uses their mean.
`ratio` = Footfall's single-hit rate / the baseline's. Everything shares the machine:
wrk, the HTTP workers and footfall's pipeline process. That process runs at the lowest
CPU priority and, while more than 500 requests a second arrive, leaves the queue alone
for up to 30 s ([Tracker] pipeline_max_delay_seconds, docs/tracking.md): a load shorter
than that is a burst the queue absorbs; `--seconds 60` measures a sustained load, the
second half of it with the pipeline processing beside the HTTP workers. Targets
(tracking issue): single hits >= 5,000/s and >= 50% of the baseline; bulk >= 30,000
hits/s into SQLite.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiohttp
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import emit, null_server, percentile, scratch_database  # noqa: E402

from footfall import testing  # noqa: E402
from footfall.cli import serve  # noqa: E402

# What `footfall serve` runs without --workers: the configuration measured by default.
SERVE_WORKERS = next(int(p.default) for p in serve.params if p.name == "workers")

VISITORS = 2000
PAGES = 100
BULK_SIZE = 100
WRK_SCRIPT = """
counter = 0
request = function()
  counter = counter + 1
  local visitor = (counter * 7919 + %(seed)d) %% %(visitors)d
  local page = counter %% %(pages)d
  local path = string.format("/matomo.php?idsite=1&rec=1&send_image=0&uid=u%%d" ..
    "&url=https%%%%3A%%%%2F%%%%2Fexample.com%%%%2Fpage%%d&action_name=Page%%%%20%%d" ..
    "&res=1920x1080&lang=en-us&_id=%%016x", visitor, page, page, visitor)
  return wrk.format("GET", path)
end
"""


def hit_query(number: int) -> str:
    visitor, page = (number * 7919) % VISITORS, number % PAGES
    return (f"?idsite=1&rec=1&uid=u{visitor}&url=https%3A%2F%2Fexample.com%2Fpage{page}"
            f"&action_name=Page%20{page}&res=1920x1080&lang=en-us&_id={visitor:016x}")


# -- load generators -------------------------------------------------------------------

def run_wrk(base_url: str, seconds: int, connections: int) -> dict[str, float]:
    """Requests/s and latency percentiles (ms) as wrk reports them."""
    script = Path(tempfile.mkdtemp(prefix="footfall-wrk-")) / "hits.lua"
    script.write_text(WRK_SCRIPT % {"seed": os.getpid(), "visitors": VISITORS, "pages": PAGES})
    threads = max(1, min(2, connections))
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
               "--latency", "-s", str(script), base_url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    shutil.rmtree(script.parent, ignore_errors=True)
    return parse_wrk(output)


def parse_wrk(output: str) -> dict[str, float]:
    def latency(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        if not match:
            return float("nan")
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[match.group(2)]
        return float(match.group(1)) * scale

    requests = re.search(r"(\d+) requests in", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {"hits_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            "requests": float(requests.group(1)) if requests else 0.0,
            "p50_ms": latency("50"), "p99_ms": latency("99"),
            "non_2xx": float(errors.group(1)) if errors else 0.0,
            "socket_errors": 1.0 if socket_errors else 0.0}


async def _aiohttp_load(base_url: str, seconds: int, connections: int) -> dict[str, float]:
    latencies: list[float] = []
    failures = 0
    deadline = time.perf_counter() + seconds

    async def client(session: aiohttp.ClientSession, number: int) -> None:
        nonlocal failures
        count = number
        while time.perf_counter() < deadline:
            count += connections
            started = time.perf_counter()
            async with session.get(base_url + "/matomo.php" + hit_query(count)
                                   + "&send_image=0") as response:
                await response.read()
                failures += response.status >= 300
            latencies.append((time.perf_counter() - started) * 1000)

    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(*(client(session, n) for n in range(connections)))
        elapsed = time.perf_counter() - started
    return {"hits_per_s": len(latencies) / elapsed, "requests": float(len(latencies)),
            "p50_ms": percentile(latencies, 0.5), "p99_ms": percentile(latencies, 0.99),
            "non_2xx": float(failures), "socket_errors": 0.0}


def load(base_url: str, seconds: int, connections: int) -> dict[str, float]:
    if shutil.which("wrk"):
        return run_wrk(base_url, seconds, connections)
    return asyncio.run(_aiohttp_load(base_url, seconds, connections))


async def post_bulks(base_url: str, hits: int, clients: int) -> float:
    """Post `hits` in bulks of 100 from `clients` keep-alive clients; seconds taken."""
    bodies = [orjson.dumps({"requests": [hit_query(n) for n in range(i, min(hits, i + BULK_SIZE))],
                            "send_image": 0}) for i in range(0, hits, BULK_SIZE)]

    async def client(session: aiohttp.ClientSession, share: Sequence[bytes]) -> None:
        for body in share:
            async with session.post(base_url + "/matomo.php", data=body) as response:
                await response.read()
                if response.status >= 300:
                    raise RuntimeError(f"bulk answered HTTP {response.status}")

    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(*(client(session, bodies[n::clients]) for n in range(clients)))
        return time.perf_counter() - started


# -- servers -----------------------------------------------------------------------------

def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (uvicorn workers), in MB."""
    pids = [pid]
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    pids += [int(p) for p in children.split()]
    total_kb = 0
    for each in pids:
        try:
            status = Path(f"/proc/{each}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        total_kb += int(match.group(1)) if match else 0
    return round(total_kb / 1024, 1)


def process_tree(pid: int) -> list[int]:
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [pid, *(p for child in children.split() for p in process_tree(int(child)))]


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each process so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return used


def is_consumer(pid: int) -> bool:
    try:
        return b"footfall.tracker.consumer" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def pipeline_pids(pids: list[int]) -> set[int]:
    """The consumer process and its children (the user-agent parsing process)."""
    return {p for pid in pids if is_consumer(pid) for p in process_tree(pid)}


def measure_baseline(seconds: int, connections: int, workers: int) -> dict[str, float]:
    with null_server(workers) as base:
        load(base, 2, connections)  # warm the client and server
        return load(base, seconds, connections)


def measure(seconds: int, connections: int, workers: int, bulk_hits: int) -> dict[str, Any]:
    before = measure_baseline(seconds, connections, workers)
    with scratch_database("sqlite") as (url, data_dir):
        engine = testing.make_engine(url)
        testing.create_site(engine)
        engine.dispose()
        with testing.serve_in_subprocess(data_dir, url, workers=workers) as server:
            server.client.get(server.url("/matomo.php") + hit_query(0))
            server.drain(timeout=600)  # the pipeline has warmed up
            load(server.base_url, 2, connections)  # warm the client and server, as the baseline
            server.drain(timeout=3600)
            assert server.process is not None
            pids = process_tree(server.process.pid)
            pipeline = pipeline_pids(pids)
            cpu_before = cpu_seconds(pids)
            started = time.perf_counter()
            single = load(server.base_url, seconds, connections)
            cpu_used = {pid: used - cpu_before.get(pid, used)
                        for pid, used in cpu_seconds(pids).items()}
            memory = rss_mb(server.process.pid)
            server.drain(timeout=3600)
            single_done = time.perf_counter() - started
            # The baseline again, once the pipeline is idle: the ratio uses the mean of the
            # two, so a load that came or went during the run weighs on both sides.
            after = measure_baseline(seconds, connections, workers)
            baseline = {key: (before[key] + after[key]) / 2 for key in before}
            bulk_started = time.perf_counter()
            bulk_ack = asyncio.run(post_bulks(server.base_url, bulk_hits, 4))
            server.drain(timeout=3600)
            bulk_done = time.perf_counter() - bulk_started
    return {
        "hits_per_s": round(single["hits_per_s"]),
        "ratio": round(single["hits_per_s"] / baseline["hits_per_s"], 3),
        "p50_ms": round(single["p50_ms"], 2), "p99_ms": round(single["p99_ms"], 2),
        "non_2xx": int(single["non_2xx"]),
        "processed_hits_per_s": round(single["requests"] / single_done),
        "server_cpu_us_per_hit": round(1e6 * sum(
            used for pid, used in cpu_used.items() if pid not in pipeline)
            / max(1.0, single["requests"]), 1),
        "pipeline_cpu_us_per_hit": round(1e6 * sum(
            used for pid, used in cpu_used.items() if pid in pipeline)
            / max(1.0, single["requests"]), 1),
        "server_rss_mb": memory,
        "baseline_hits_per_s": round(baseline["hits_per_s"]),
        "baseline_p50_ms": round(baseline["p50_ms"], 2),
        "baseline_p99_ms": round(baseline["p99_ms"], 2),
        "baseline_before_hits_per_s": round(before["hits_per_s"]),
        "baseline_after_hits_per_s": round(after["hits_per_s"]),
        "bulk_hits": bulk_hits,
        "bulk_acknowledged_hits_per_s": round(bulk_hits / bulk_ack),
        "bulk_processed_hits_per_s": round(bulk_hits / bulk_done),
        "connections": connections, "workers": workers, "seconds": seconds,
        "load_generator": "wrk" if shutil.which("wrk") else "aiohttp",
    }


def report(figures: dict[str, Any]) -> None:
    print(f"single hits ({figures['connections']} keep-alive connections, "
          f"{figures['seconds']} s, {figures['workers']} workers, {figures['load_generator']})")
    print(f"  footfall:        {figures['hits_per_s']:>8,} hits/s  p50 {figures['p50_ms']} ms  "
          f"p99 {figures['p99_ms']} ms  RSS {figures['server_rss_mb']} MB  "
          f"non-2xx {figures['non_2xx']}")
    print(f"  CPU during load: {figures['server_cpu_us_per_hit']:>8} µs/hit in the HTTP workers "
          "and their commit processes, "
          f"{figures['pipeline_cpu_us_per_hit']} µs/hit in the pipeline process")
    print(f"  until processed: {figures['processed_hits_per_s']:>8,} hits/s")
    print(f"  baseline (204):  {figures['baseline_hits_per_s']:>8,} hits/s  "
          f"p50 {figures['baseline_p50_ms']} ms  p99 {figures['baseline_p99_ms']} ms  "
          f"(before {figures['baseline_before_hits_per_s']:,}, "
          f"after {figures['baseline_after_hits_per_s']:,})")
    print(f"  ratio:           {figures['ratio']:.1%} of baseline")
    print(f"bulk ({figures['bulk_hits']:,} hits in requests of {BULK_SIZE}, 4 clients)")
    print(f"  acknowledged:    {figures['bulk_acknowledged_hits_per_s']:>8,} hits/s")
    print(f"  until processed: {figures['bulk_processed_hits_per_s']:>8,} hits/s")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 s of load, 10,000 bulk hits")
    parser.add_argument("--seconds", type=int, default=20, help="seconds of single-hit load")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=SERVE_WORKERS,
                        help="footfall serve --workers (the baseline runs as many)")
    parser.add_argument("--bulk-hits", type=int, default=30_000)
    args = parser.parse_args(argv)
    seconds = 5 if args.quick else args.seconds
    bulk_hits = 10_000 if args.quick else args.bulk_hits
    figures = measure(seconds, args.connections, args.workers, bulk_hits)
    report(figures)
    emit("ingest", figures)


if __name__ == "__main__":
    main()
