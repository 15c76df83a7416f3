"""Bulk tracking throughput: requests of 100 hits over HTTP against `footfall serve`.

    python bench/bulk.py [--quick] [--db sqlite|postgresql|mysql] [--clients 4] [--workers N]

Sends realistic demo hits (cip, cdt, ua, ecommerce...) as bulk POSTs of 100 from a few
concurrent keep-alive clients (each client carries its own visitors, in time order).
Figures: hits/s acknowledged (every POST answered: the hits are durable in the
ingest queue) and hits/s until processed (the queue drained into the raw log).
Baseline, same run: the same bodies posted to the same server stack (uvicorn,
uvloop, httptools, as many worker processes) answering 204 without doing anything.
Footfall runs `footfall serve` (its default --workers unless given); its pipeline
process shares the machine at the lowest CPU priority. Both servers first answer one
warm-up bulk of a single hit, not timed (Footfall's is processed before the run).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

import aiohttp
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DEMO_END, emit, null_server, scratch_database  # noqa: E402
from demo_data import demo_requests, demo_site, visitor_key  # noqa: E402
from ingest import SERVE_WORKERS  # noqa: E402

from footfall import testing  # noqa: E402

BULK_SIZE = 100


def bodies_per_client(requests: list[str], token: str, clients: int) -> list[list[bytes]]:
    """Each client's bulk bodies: its visitors' hits, in order, 100 per request."""
    streams: list[list[str]] = [[] for _ in range(clients)]
    for request in requests:
        streams[hash(visitor_key(request)) % clients].append(request)
    return [[orjson.dumps({"requests": stream[i:i + BULK_SIZE], "token_auth": token})
             for i in range(0, len(stream), BULK_SIZE)] for stream in streams]


async def post_all(base_url: str, streams: list[list[bytes]]) -> float:
    """Post every stream concurrently; seconds until the last answer."""
    async def client(session: aiohttp.ClientSession, bodies: list[bytes]) -> None:
        for body in bodies:
            async with session.post(f"{base_url}/matomo.php", data=body,
                                    headers={"Content-Type": "application/json"}) as response:
                await response.read()
                if response.status not in (200, 204):
                    raise RuntimeError(f"bulk answered HTTP {response.status}")

    connector = aiohttp.TCPConnector(limit=len(streams))
    timeout = aiohttp.ClientTimeout(total=None)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        await asyncio.gather(*(client(session, bodies) for bodies in streams))
        return time.perf_counter() - started


def measure(engine: str, days: int, visits: int, clients: int,
            workers: int) -> dict[str, float]:
    with scratch_database(engine) as (url, data_dir):
        db = testing.make_engine(url)
        ids = demo_site(db)
        token = testing.create_superuser_token(db, "bench")
        db.dispose()
        requests = demo_requests(ids, days=days, visits_per_day=visits, end=DEMO_END)
        streams = bodies_per_client(requests, token, clients)
        # One small bulk first, on both servers (as bench/ingest warms up): the timed
        # run then starts with the commit process up and the pipeline's rules loaded.
        warm_up = [[orjson.dumps({"requests": [
            f"?idsite={ids.idsite}&rec=1&url=https%3A%2F%2Fexample.com%2Fwarm-up"],
            "token_auth": token})]]
        with null_server(workers) as base:
            asyncio.run(post_all(base, warm_up))
            baseline_seconds = asyncio.run(post_all(base, streams))
        with testing.serve_in_subprocess(data_dir, url, workers=workers) as server:
            asyncio.run(post_all(server.base_url, warm_up))
            server.drain(timeout=600)
            started = time.perf_counter()
            ack_seconds = asyncio.run(post_all(server.base_url, streams))
            server.drain(timeout=3600)
            done_seconds = time.perf_counter() - started
    hits = len(requests)
    return {"engine": engine, "hits": hits, "clients": clients, "workers": workers,
            "acknowledged_hits_per_s": round(hits / ack_seconds),
            "processed_hits_per_s": round(hits / done_seconds),
            "baseline_hits_per_s": round(hits / baseline_seconds),
            "ratio_acknowledged_vs_baseline": round(baseline_seconds / ack_seconds, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small data set (about 10,000 hits)")
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgresql", "mysql"])
    parser.add_argument("--clients", type=int, default=4, help="concurrent keep-alive clients")
    parser.add_argument("--workers", type=int, default=SERVE_WORKERS,
                        help="footfall serve --workers (the baseline runs as many)")
    args = parser.parse_args()
    days, visits = (2, 800) if args.quick else (10, 3000)
    figures = measure(args.db, days, visits, args.clients, args.workers)
    print(f"bulk ({args.db}, {figures['hits']:,} hits in requests of {BULK_SIZE}, "
          f"{args.clients} clients)")
    print(f"  acknowledged:     {figures['acknowledged_hits_per_s']:>9,} hits/s")
    print(f"  until processed:  {figures['processed_hits_per_s']:>9,} hits/s")
    print(f"  baseline (204):   {figures['baseline_hits_per_s']:>9,} hits/s  "
          f"-> acknowledged = {figures['ratio_acknowledged_vs_baseline']:.1%} of baseline")
    emit("bulk", figures)


if __name__ == "__main__":
    main()
