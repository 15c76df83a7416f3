"""Cost of visitor enrichment per hit: the pipeline's steps (steps.STEPS, device
look-up and referrer classification included; recording excluded) over demo traffic,
cold and warm, against a baseline measured in the same run (PHP-style parsing of the
same hits' query strings, which every hit pays anyway); then device detection of new
user agents: the parse itself, and how long a batch waits for it with and without
the parse-ahead process pool.

    python bench/enrich.py [--quick] [--agents 300]

Prints the figures and the ratios, then one `BENCH {...}` line. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import orjson
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DEMO_END, emit, scratch_database  # noqa: E402
from demo_data import demo_requests, demo_site  # noqa: E402

from footfall import testing  # noqa: E402
from footfall.config import load_settings  # noqa: E402
from footfall.tracker import form  # noqa: E402
from footfall.tracker.enrich.device import DeviceDetector  # noqa: E402
from footfall.tracker.enrich.device_agents import agents_of_rows  # noqa: E402
from footfall.tracker.hit import Hit  # noqa: E402
from footfall.tracker.pipeline import Pipeline, _client_hints  # noqa: E402
from footfall.tracker.registry import SiteCache  # noqa: E402
from footfall.tracker.steps import STEPS, StepContext, put_action  # noqa: E402  (StepContext: types)

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "user_agents.yml"
TEMPLATES = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.{b}.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.{b}.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android {a}; SM-S9{b3}B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.{b}.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_{m} like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.{m} Mobile/15E148 Safari/604.{b}",
    "Mozilla/5.0 (X11; Linux x86_64; rv:{v}.0) Gecko/20100101 Firefox/{v}.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.0.0 Safari/537.36 Edg/{v}.0.{b}.{m}",
]
BULK = 100  # hits per queued row, as a bulk request of 100 is queued
RECEIVED = float(1793577600)  # fixed receive time (after the demo's last day)
# Enrichment: every step but the action's classification, which prepares the action
# row (recording); it is measured too, on its own.
ENRICHMENT = [step for step in STEPS if step is not put_action]


def distinct_agents(count: int, seed: int = 7) -> list[str]:
    """Real agents from the corpus plus realistic version variants, all different."""
    agents = [a["ua"] for a in yaml.safe_load(CORPUS.read_text("utf-8"))["agents"]]
    rng = random.Random(seed)
    seen = set(agents)
    while len(agents) < count:
        template = rng.choice(TEMPLATES)
        agent = template.format(v=rng.randint(90, 131), b=rng.randint(1000, 6999),
                                a=rng.randint(9, 15), m=rng.randint(0, 6), b3=rng.randint(10, 99))
        if agent not in seen:
            seen.add(agent)
            agents.append(agent)
    return agents[:count]


def queue_rows(requests: list[str]) -> list[tuple[int, str]]:
    """The demo requests as the tracker queues a bulk: envelopes of BULK hits."""
    rows = []
    for start in range(0, len(requests), BULK):
        hits = [[i, query.lstrip("?")] for i, query in enumerate(requests[start:start + BULK])]
        envelope = {"t": RECEIVED, "ip": "127.0.0.1", "ua": "python-requests/2.32", "hits": hits}
        rows.append((len(rows) + 1, orjson.dumps(envelope).decode()))
    return rows


class StepRunner:
    """Runs hits through the steps as Pipeline.process does (one StepContext per site
    and batch), and the referrer classification a new visit asks for; no recording."""

    def __init__(self, pipeline: Pipeline, engine: Any, steps: list[Any]) -> None:
        self.pipeline = pipeline
        self.engine = engine
        self.steps = steps

    def run(self, hits: list[Hit], timings: dict[str, float] | None = None) -> int:
        """Enrich `hits` (device look-up, steps, referrer classification); the survivors."""
        p = self.pipeline
        kept = 0
        with self.engine.connect() as conn:
            start = time.thread_time()
            agents = [(hit.user_agent, _client_hints(hit)) for hit in hits]
            for hit, device in zip(hits, p.devices.detect_many(agents), strict=True):
                hit.device = device
            if timings is not None:
                timings["device look-up"] += time.thread_time() - start
            contexts: dict[int, StepContext] = {}
            for hit in hits:
                ctx = contexts.get(id(hit.site))
                if ctx is None:
                    ctx = contexts[id(hit.site)] = p.step_context(conn, hit.site)
                kept += self._steps(ctx, hit, timings)
        return kept

    def _steps(self, ctx: StepContext, hit: Hit, timings: dict[str, float] | None) -> int:
        if timings is None:
            for step in self.steps:
                if step(ctx, hit) is not None:
                    return 0
            assert hit.referrer_of is not None
            hit.referrer_of(None)  # what the recorder asks for a new visit
            return 1
        clock = time.thread_time
        overhead = _CLOCK_OVERHEAD
        for step in self.steps:
            start = clock()
            reason = step(ctx, hit)
            timings[step.__name__] += clock() - start - overhead
            if reason is not None:
                return 0
        start = clock()
        assert hit.referrer_of is not None
        hit.referrer_of(None)
        timings["referrer classification"] += clock() - start - overhead
        return 1


def _clock_overhead() -> float:
    """What one reading of the CPU clock adds to a timed call (subtracted per step)."""
    best = float("inf")
    for _ in range(2000):
        start = time.thread_time()
        best = min(best, time.thread_time() - start)
    return best


_CLOCK_OVERHEAD = _clock_overhead()


def decoded(pipeline: Pipeline, rows: list[tuple[int, str]]) -> list[Hit]:
    """The hits of the rows as Pipeline.prepare makes them, devices not yet detected."""
    hits = pipeline._decode(rows)
    hits.sort(key=lambda hit: hit.time)
    return hits


def steps_figures(url: str, data_dir: Path, rows: list[tuple[int, str]], requests: list[str],
                  repeat: int) -> dict[str, Any]:
    """µs per hit: baseline, cold (fresh caches) and warm enrichment, and by step."""
    engine = testing.make_engine(url)
    settings = load_settings(data_dir=data_dir, environ={"FOOTFALL_DATABASE_URL": url})
    pipeline = Pipeline(settings, engine, SiteCache(engine))
    start = time.perf_counter()
    pipeline.warm_up()
    warm_up = time.perf_counter() - start
    runner = StepRunner(pipeline, engine, ENRICHMENT)
    every_step = StepRunner(pipeline, engine, STEPS)
    queries = [request.lstrip("?") for request in requests]
    hits = decoded(pipeline, rows)
    count = len(hits)

    start = time.thread_time()
    kept = runner.run(hits)
    cold = (time.thread_time() - start) / count

    batches = [decoded(pipeline, rows) for _ in range(3 * repeat + 1)]
    gc.collect()
    gc.freeze()  # the hits stay alive: keep the collector out of the timings
    baseline = warm = with_action = float("inf")
    for _ in range(repeat):  # interleaved, so that a busy moment hits all three alike
        baseline = min(baseline, _timed(lambda: [form.parse_query(q) for q in queries]))
        warm = min(warm, _timed(lambda: runner.run(batches.pop())))
        with_action = min(with_action, _timed(lambda: every_step.run(batches.pop())))
    timings: dict[str, float] = defaultdict(float)
    every_step.run(batches.pop(), timings)
    gc.unfreeze()
    engine.dispose()
    return {"hits": count, "kept": kept, "warm_up_s": warm_up, "cold_us": cold * 1e6,
            "warm_us": warm / count * 1e6, "baseline_us": baseline / count * 1e6,
            "all_steps_us": with_action / count * 1e6,
            "by_step_us": {name: seconds / count * 1e6 for name, seconds in timings.items()},
            "distinct_agents": len({hit.user_agent for hit in hits})}


def _timed(function: Any) -> float:
    """CPU seconds of this thread: time spent waiting for a busy machine's cores is
    left out (the per-step breakdown is wall time, hence noisier)."""
    start = time.thread_time()
    function()
    return time.thread_time() - start


def parse_figures(agents: list[str]) -> dict[str, float]:
    """Seconds per new agent: the parse itself, and the slowest of the first 60."""
    detector = DeviceDetector()
    detector.warm_up()
    per_agent = _timed(lambda: [detector.detect(a) for a in agents]) / len(agents)
    slowest = 0.0
    fresh = DeviceDetector(memory_entries=1)
    for agent in agents[:60]:
        slowest = max(slowest, _timed(lambda a=agent: fresh.detect(a + " ")))
    return {"parse_ms": per_agent * 1e3, "slowest_ms": slowest * 1e3}


def stall_figures(url: str, data_dir: Path, rows: list[tuple[int, str]], new_agents: list[str],
                  batch_rows: int) -> dict[str, float]:
    """The demo rows with a new agent in every 100 hits, processed batch by batch as the
    worker does: how long do batches wait for parses, in-process vs the pool fed with the
    next batch's rows?"""
    known_rows, rows = rows, _with_new_agents(rows, new_agents)
    figures = {}
    for label, processes in (("inline", 0), ("pool", 1)):
        engine = testing.make_engine(url)
        settings = load_settings(data_dir=data_dir, environ={"FOOTFALL_DATABASE_URL": url})
        pipeline = Pipeline(settings, engine, SiteCache(engine))
        pipeline.devices = DeviceDetector(parse_processes=processes)
        pipeline.warm_up()
        pipeline.devices.detect_many(agents_of_rows(known_rows))  # the site's usual agents
        runner = StepRunner(pipeline, engine, STEPS)
        batches = [rows[i:i + batch_rows] for i in range(0, len(rows), batch_rows)]
        waited = 0.0
        start = time.perf_counter()
        for index, batch in enumerate(batches):
            # As the worker would: this batch and the next ones are already queued (this
            # batch's were prefetched while the previous one was processed).
            pipeline.devices.prefetch(agents_of_rows(
                [row for ahead in batches[index:index + 1 + LOOKAHEAD] for row in ahead]))
            hits = decoded(pipeline, batch)
            began = time.perf_counter()
            devices = pipeline.devices.detect_many([(h.user_agent, _client_hints(h)) for h in hits])
            waited += time.perf_counter() - began
            for hit, device in zip(hits, devices, strict=True):
                hit.device = device
            runner.run(hits)
            _recording_stand_in(len(hits))
        figures[f"{label}_total_s"] = time.perf_counter() - start
        figures[f"{label}_wait_s"] = waited
        pipeline.devices.close()
        engine.dispose()
    figures["batches"] = len(batches)
    figures["new_agents"] = min(len(new_agents), -(-len(rows) // NEW_AGENT_EVERY))
    return figures


LOOKAHEAD = 2  # batches whose agents are prefetched
NEW_AGENT_EVERY = 5  # rows (of 100 hits)
RECORDING_US = 33.0  # the tracking issue's whole budget per hit, standing in for recording


def _recording_stand_in(hits: int) -> None:
    """Keep the pipeline's core busy as recording would (at the target speed)."""
    deadline = time.perf_counter() + hits * RECORDING_US / 1e6
    while time.perf_counter() < deadline:
        pass


def _with_new_agents(rows: list[tuple[int, str]], agents: list[str]) -> list[tuple[int, str]]:
    """Every NEW_AGENT_EVERY-th row's first hit gets a user agent never seen before."""
    changed = []
    unused = iter(agents)
    for index, (row_id, payload) in enumerate(rows):
        agent = next(unused, None) if index % NEW_AGENT_EVERY == 0 else None
        if agent is not None:
            envelope = orjson.loads(payload)
            envelope["hits"][0][1] += "&ua=" + form_quote(agent)
            payload = orjson.dumps(envelope).decode()
        changed.append((row_id, payload))
    return changed


def form_quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small data set")
    parser.add_argument("--agents", type=int, default=300, help="distinct agents to parse cold")
    parser.add_argument("--steps-only", action="store_true",
                        help="only the per-hit figures (no new-agent parsing)")
    args = parser.parse_args()
    days, visits, repeat = (1, 400, 3) if args.quick else (2, 1500, 5)
    with scratch_database("sqlite") as (url, data_dir):
        engine = testing.make_engine(url)
        ids = demo_site(engine)
        engine.dispose()
        requests = demo_requests(ids, days=days, visits_per_day=visits, end=DEMO_END)
        rows = queue_rows(requests)
        steps = steps_figures(url, data_dir, rows, requests, repeat)
        if args.steps_only:
            report_steps(steps)
            emit("enrich", _figures(steps))
            return
        agents = distinct_agents(60 if args.quick else args.agents)
        parse = parse_figures(agents)
        stall = stall_figures(url, data_dir, rows, [a + " (new)" for a in agents], batch_rows=10)
    report(steps, parse, stall, agents)


def report(steps: dict[str, Any], parse: dict[str, float], stall: dict[str, float],
           agents: list[str]) -> None:
    report_steps(steps)
    print()
    print(f"new user agents ({len(agents)} distinct)")
    print(f"  parse of a new agent                   {parse['parse_ms']:8.1f} ms "
          f"(slowest of 60: {parse['slowest_ms']:.0f} ms)")
    print(f"  {stall['batches']} batches of 1,000 hits, {stall['new_agents']} new agents "
          f"(one per {NEW_AGENT_EVERY * BULK} hits), recording standing in at {RECORDING_US:.0f} µs/hit:")
    for label in ("inline", "pool"):
        print(f"    {label:<7} waited for parses {stall[f'{label}_wait_s']:7.2f} s "
              f"of {stall[f'{label}_total_s']:7.2f} s")
    emit("enrich", {
        **_figures(steps),
        "parse_ms": round(parse["parse_ms"], 1), "slowest_parse_ms": round(parse["slowest_ms"], 1),
        "inline_wait_s": round(stall["inline_wait_s"], 2), "pool_wait_s": round(stall["pool_wait_s"], 2),
    })


def _figures(steps: dict[str, Any]) -> dict[str, float]:
    return {
        "warm_us_per_hit": round(steps["warm_us"], 2), "cold_us_per_hit": round(steps["cold_us"], 1),
        "baseline_us_per_hit": round(steps["baseline_us"], 2),
        "all_steps_us_per_hit": round(steps["all_steps_us"], 2),
        "ratio_warm_vs_baseline": round(steps["warm_us"] / steps["baseline_us"], 3),
    }


def report_steps(steps: dict[str, Any]) -> None:
    hits = steps["hits"]
    print(f"enrichment over {hits:,} demo hits ({steps['distinct_agents']} distinct agents, "
          f"{steps['kept']:,} kept); µs per hit")
    print(f"  start-up (rules, lists, tables)        {steps['warm_up_s']:8.2f} s")
    print("  (CPU time of the pipeline's thread, best of the repeats)")
    print(f"  baseline: parse the hit's query string {steps['baseline_us']:8.1f}")
    print(f"  enrichment, cold caches                {steps['cold_us']:8.1f}")
    print(f"  enrichment, warm caches                {steps['warm_us']:8.1f}   "
          f"= {steps['warm_us'] / steps['baseline_us']:.2f}x baseline, "
          f"{1e6 / steps['warm_us']:,.0f} hits/s")
    print(f"  every step (+ put_action), warm        {steps['all_steps_us']:8.1f}")
    print("  by step, every step (warm; per-step CPU clock readings, less precise):")
    for name, value in sorted(steps["by_step_us"].items(), key=lambda item: -item[1]):
        if value >= 0.3:
            print(f"    {name:<36} {value:8.2f}")


if __name__ == "__main__":
    main()
