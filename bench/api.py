"""Reporting API latency from archives, against `footfall serve`.

    python bench/api.py [--quick] [--repeat 50]

Loads demo traffic (in-process, through the tracking endpoint), builds the archives
with `footfall archive`, starts `footfall serve`, calls each report once to warm it
(the first-call time is shown too) and then times `--repeat` sequential calls over one
keep-alive connection. Figures: median and p99 latency in ms per request.
Baseline, same run: API.getMatomoVersion on the same server (routing, auth and
rendering with no data work); the ratio is median / baseline median.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DEMO_END, emit, median, open_db, percentile, scratch_database  # noqa: E402

from footfall import testing  # noqa: E402
from footfall.demo.runner import DemoOptions, run_demo  # noqa: E402

DAY, MONTH = "2026-10-30", "2026-10-15"
REQUESTS: list[tuple[str, dict[str, Any]]] = [
    ("API.getMatomoVersion", {}),
    ("VisitsSummary.get", {"period": "day", "date": DAY}),
    ("VisitsSummary.get", {"period": "month", "date": MONTH}),
    ("Actions.getPageUrls", {"period": "month", "date": MONTH}),
    ("Actions.getPageTitles", {"period": "month", "date": MONTH}),
    ("Referrers.getReferrerType", {"period": "month", "date": MONTH}),
    ("UserCountry.getCountry", {"period": "month", "date": MONTH}),
    ("DevicesDetection.getBrowsers", {"period": "month", "date": MONTH}),
    ("Goals.get", {"period": "month", "date": MONTH}),
    ("Live.getLastVisitsDetails", {"period": "day", "date": DAY, "filter_limit": "100"}),
]


def load_data(url: str, data_dir: Path, days: int, visits: int) -> tuple[int, str]:
    """Demo traffic in the database and its archives built; (idsite, superuser token)."""
    settings = testing.make_settings(data_dir, url)
    db = open_db(url)
    result = run_demo(settings, db, DemoOptions(days=days, visits_per_day=visits, seed=1,
                                                 end_date=DEMO_END, progress=False))
    token = testing.create_superuser_token(db.writer, "bench")
    db.dispose()
    subprocess.run([sys.executable, "-m", "footfall", "--data-dir", str(data_dir), "--db", url,
                    "archive", "--period", "day,week,month", "--no-progress",
                    "--date", f"{result.first_date},{DEMO_END}"], check=True)
    return result.idsite, token


def time_calls(client: httpx.Client, base: str, query: dict[str, Any],
               repeat: int) -> tuple[float, list[float], str]:
    """(first call ms, later calls ms, error message or '')."""
    timings = []
    error = ""
    for _ in range(repeat + 1):
        started = time.perf_counter()
        response = client.get(f"{base}/index.php", params=query)
        elapsed = (time.perf_counter() - started) * 1000
        body = response.json()
        if isinstance(body, dict) and body.get("result") == "error":
            error = str(body.get("message", ""))[:60]
            return elapsed, [], error
        timings.append(elapsed)
    return timings[0], timings[1:], error


def measure(days: int, visits: int, repeat: int) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    with scratch_database("sqlite") as (url, data_dir):
        idsite, token = load_data(url, data_dir, days, visits)
        with testing.serve_in_subprocess(data_dir, url) as server, httpx.Client() as client:
            for method, extra in REQUESTS:
                query = {"module": "API", "method": method, "format": "json", "idSite": idsite,
                         "token_auth": token, **extra}
                first, timings, error = time_calls(client, server.base_url, query, repeat)
                key = f"{method} {extra.get('period', '')}".strip()
                figures[key] = ({"error": error} if error else
                                {"first_ms": round(first, 2), "median_ms": round(median(timings), 2),
                                 "p99_ms": round(percentile(timings, 0.99), 2)})
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small data set, fewer calls")
    parser.add_argument("--repeat", type=int, default=0, help="timed calls per request")
    args = parser.parse_args()
    days, visits, repeat = (7, 150, 20) if args.quick else (30, 600, 100)
    figures = measure(days, visits, args.repeat or repeat)
    base = figures["API.getMatomoVersion"]["median_ms"]
    print(f"api (SQLite, {days} days x {visits} visits/day; ms, sequential keep-alive calls)")
    print(f"  {'request':<42}{'first':>9}{'median':>9}{'p99':>9}{'x base':>8}")
    for key, value in figures.items():
        if "error" in value:
            print(f"  {key:<42}  n/a: {value['error']}")
            continue
        value["ratio_vs_baseline"] = round(value["median_ms"] / base, 2)
        print(f"  {key:<42}{value['first_ms']:>9.2f}{value['median_ms']:>9.2f}"
              f"{value['p99_ms']:>9.2f}{value['ratio_vs_baseline']:>8.1f}")
    emit("api", figures)


if __name__ == "__main__":
    main()
