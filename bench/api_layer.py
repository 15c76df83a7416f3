"""CPU cost of the Reporting API layer per request, in process, split from the report build.

    python bench/api_layer.py [--repeat 40]

Loads the same demo data as bench/api.py (7 days x 150 visits, archives built), then
for each request measures the thread CPU time of a whole in-process API call
(token, access, dispatch, report build from archives, filters, processed metrics,
JSON rendering) and of the report build alone (`registry.run_method`). CPU time,
unlike wall time, is not inflated by other processes on a shared machine; the
difference is what the API layer adds. HTTP and uvicorn are measured by bench/api.py.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api import load_data  # noqa: E402
from common import emit  # noqa: E402

from footfall import testing  # noqa: E402
from footfall.api import access, dispatch  # noqa: E402
from footfall.archive import periods  # noqa: E402
from footfall.db.engine import open_database  # noqa: E402
from footfall.reports import registry  # noqa: E402
from footfall.services import Services  # noqa: E402

MONTH = {"period": "month", "date": "2026-10-15"}
REQUESTS: list[tuple[str, dict[str, str]]] = [
    ("API.getMatomoVersion", {}),
    ("VisitsSummary.get", MONTH),
    ("Actions.getPageUrls", MONTH),
    ("Referrers.getReferrerType", MONTH),
]


def api_call(services: Services, idsite: int, token: str, method: str,
             extra: dict[str, str]) -> Any:
    """What /index.php does for a request, minus HTTP."""
    params = {"module": "API", "method": method, "format": "json", "idSite": str(idsite),
              "token_auth": token, **extra}
    who = access.user_for_token(services, token, via_post=False)
    result = dispatch.run_call(method, dispatch.ApiCall(services, params, who))
    result = dispatch.finish_result(result, params, http=True)
    options = dispatch.enrich_options(dispatch.render_options(params), params, services)
    return dispatch.render_result(result, "json", options)


def cpu_ms(function: Any, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.thread_time()
        function()
        timings.append((time.thread_time() - started) * 1000)
    return statistics.median(timings)


def measure(services: Services, idsite: int, token: str, repeat: int) -> dict[str, Any]:
    site = access.get_site(services, idsite)
    figures: dict[str, Any] = {}
    for method, extra in REQUESTS:
        api_call(services, idsite, token, method, extra)  # warm: archives, caches
        whole = cpu_ms(partial(api_call, services, idsite, token, method, extra), repeat)
        report = registry.methods().get(method)
        build = 0.0
        if report is not None:
            period = periods.select_periods(extra["period"], extra["date"]).single
            build = cpu_ms(partial(registry.run_method, report, services=services, site=site,
                                   period=period, params={}), repeat)
        figures[f"{method} {extra.get('period', '')}".strip()] = {
            "whole_cpu_ms": round(whole, 2), "report_build_cpu_ms": round(build, 2),
            "api_layer_cpu_ms": round(whole - build, 2)}
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="footfall-api-layer-"))
    url = f"sqlite:///{folder / 'footfall.sqlite3'}"
    testing.migrated_engine(url).dispose()
    idsite, token = load_data(url, folder, 7, 150)
    settings = testing.make_settings(folder, url)
    services = Services(settings=settings, db=open_database(settings))
    figures = measure(services, idsite, token, args.repeat)
    print("api layer (SQLite, 7 days x 150 visits/day; median thread CPU ms per request)")
    print(f"  {'request':<36}{'whole':>9}{'build':>9}{'API layer':>11}")
    for key, value in figures.items():
        print(f"  {key:<36}{value['whole_cpu_ms']:>9.2f}{value['report_build_cpu_ms']:>9.2f}"
              f"{value['api_layer_cpu_ms']:>11.2f}")
    emit("api_layer", figures)
    services.db.dispose()


if __name__ == "__main__":
    main()
