"""Cost of visitor enrichment per hit: device detection cold (no cache) vs warm
(memory cache, persistent cache), plus referrer, language/geo and IP masking.

    python bench/enrich.py [--agents 300] [--hits 20000]

Prints the figures and the cold/warm ratio. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
import yaml

from footfall.db import schema
from footfall.tracker.enrich.device import DeviceDetector, SqlDeviceCache
from footfall.tracker.enrich.geo import GeoLocator
from footfall.tracker.enrich.ip import mask_ip
from footfall.tracker.enrich.language import browser_language
from footfall.tracker.enrich.referrer import ReferrerClassifier

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
REFERRERS = [
    "",
    "https://www.google.com/search?q=web+analytics",
    "https://t.co/x",
    "https://blog.other.org/post",
    "https://www.bing.com/search?q=footfall",
    "https://example.com/a",
]


def distinct_agents(count: int, seed: int = 7) -> list[str]:
    """Real agents from the corpus plus realistic version variants, all different."""
    agents = [a["ua"] for a in yaml.safe_load(CORPUS.read_text("utf-8"))["agents"]]
    rng = random.Random(seed)
    seen = set(agents)
    while len(agents) < count:
        template = rng.choice(TEMPLATES)
        agent = template.format(
            v=rng.randint(90, 131),
            b=rng.randint(1000, 6999),
            a=rng.randint(9, 15),
            m=rng.randint(0, 6),
            b3=rng.randint(10, 99),
        )
        if agent not in seen:
            seen.add(agent)
            agents.append(agent)
    return agents[:count]


def timed(label: str, function, hits: int) -> float:
    start = time.perf_counter()
    function()
    elapsed = time.perf_counter() - start
    print(f"{label:<48} {elapsed:8.3f} s  {elapsed / hits * 1e6:10.1f} µs/hit")
    return elapsed / hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=300, help="distinct user agents")
    parser.add_argument("--hits", type=int, default=20_000, help="hits for the warm measures")
    args = parser.parse_args()
    agents = distinct_agents(args.agents)
    rng = random.Random(1)
    stream = [rng.choice(agents) for _ in range(args.hits)]
    device = device_figures(agents, stream)
    other = other_figures(args.hits, rng)
    cold, warm = device["cold"], device["warm"]
    print()
    print(f"slowest single parse in the first 60 agents: {device['slowest'] * 1e3:.1f} ms")
    print(f"cold parsing on 2 threads: {cold / device['cold_threads']:.2f}x the agents per second")
    print(
        f"device cold / warm ratio: {cold / warm:,.0f}x  (cold {cold * 1e3:.2f} ms, "
        f"warm {warm * 1e6:.1f} µs, batch {device['batch'] * 1e6:.1f} µs, "
        f"persistent {device['persistent'] * 1e6:.1f} µs)"
    )
    print(f"enrichment per hit, warm: {(warm + other) * 1e6:.1f} µs => {1 / (warm + other):,.0f} hits/s")
    print(f"enrichment per hit, cold agent: {(cold + other) * 1e3:.2f} ms")


def device_figures(agents: list[str], stream: list[str]) -> dict[str, float]:
    """Seconds per hit: start-up, cold and warm caches, threads, persistent cache."""
    start = time.perf_counter()
    detector = DeviceDetector()
    detector.warm_up()
    print(f"{'start-up: load and compile rules (warm_up)':<48} {time.perf_counter() - start:8.3f} s")
    figures = {
        "cold": timed(
            f"device, cold cache ({len(agents)} distinct agents)",
            lambda: [detector.detect(a) for a in agents],
            len(agents),
        )
    }
    threaded = DeviceDetector(parse_threads=2)
    variants = [a + " (bench)" for a in agents]
    figures["cold_threads"] = timed(
        "device, cold cache, detect_many on 2 threads", lambda: threaded.detect_many(variants), len(agents)
    )
    threaded.close()
    figures["slowest"] = max_parse(agents[:60])
    figures["warm"] = timed(
        f"device, warm memory cache ({len(stream)} hits)",
        lambda: [detector.detect(a) for a in stream],
        len(stream),
    )
    figures["batch"] = timed(
        f"device, warm memory cache, detect_many ({len(stream)})",
        lambda: detector.detect_many(stream),
        len(stream),
    )
    figures["persistent"] = persistent_cache_cost(agents)
    return figures


def other_figures(hits: int, rng: random.Random) -> float:
    """Seconds per hit of the rest of enrichment: referrer, spam, language/country, mask."""
    classifier = ReferrerClassifier()
    classifier.warm_up()
    refs = [rng.choice(REFERRERS) for _ in range(hits)]
    pages = [
        "https://example.com/p?utm_campaign=x" if i % 10 == 0 else "https://example.com/p"
        for i in range(hits)
    ]
    site = ["https://example.com"]
    referrer = timed(
        "referrer classification",
        lambda: [
            classifier.classify(page_url=page, referrer_url=ref, site_urls=site)
            for page, ref in zip(pages, refs, strict=True)
        ],
        hits,
    )
    spam = timed("referrer spam check", lambda: [classifier.is_spam(r) for r in refs], hits)
    locator = GeoLocator()
    language = "de-DE,de;q=0.9"
    geo = timed(
        "language + country guess (no GeoIP db)",
        lambda: [(browser_language(language), locator.locate("81.2.69.160", language)) for _ in range(hits)],
        hits,
    )
    masking = timed("IP masking", lambda: [mask_ip("81.2.69.160", 2) for _ in range(hits)], hits)
    return referrer + spam + geo + masking


def max_parse(agents: list[str]) -> float:
    worst = 0.0
    for agent in agents:
        fresh = DeviceDetector(memory_entries=1)
        start = time.perf_counter()
        fresh.detect(agent + " ")  # a distinct key, so it is parsed again
        worst = max(worst, time.perf_counter() - start)
    return worst


def persistent_cache_cost(agents: list[str]) -> float:
    """A restarted process: empty memory, agents read back from the database in one batch."""
    with tempfile.TemporaryDirectory() as folder:
        engine = sa.create_engine(f"sqlite:///{folder}/bench.sqlite3")
        schema.device_cache.create(engine)
        cache = SqlDeviceCache(engine)
        filler = DeviceDetector(cache=cache)
        filler.detect_many(agents)
        restarted = DeviceDetector(cache=cache)
        cost = timed(
            f"device, persistent cache after restart ({len(agents)})",
            lambda: restarted.detect_many(agents),
            len(agents),
        )
        assert restarted.parses == 0
        engine.dispose()
    return cost


if __name__ == "__main__":
    main()
