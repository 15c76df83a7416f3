"""Parsing new user agents ahead of their batch, in a process pool (DeviceDetector.prefetch)."""

from __future__ import annotations

import os
import signal

import orjson
import pytest
import sqlalchemy as sa

from footfall.db import schema
from footfall.tracker.enrich.device import DeviceDetector, SqlDeviceCache
from footfall.tracker.enrich.device_agents import agents_of_rows

AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36",
]
HINTS = {"brands": [{"brand": "Chromium", "version": "124"}], "platform": "Windows",
         "platformVersion": "15.0.0"}


@pytest.fixture(scope="module")
def inline() -> DeviceDetector:
    built = DeviceDetector()
    built.warm_up()
    return built


@pytest.fixture(scope="module")
def pooled():
    built = DeviceDetector(parse_processes=1)
    built.warm_up()
    yield built
    built.close()


def test_prefetched_agents_are_parsed_in_the_pool_and_answer_like_inline_parsing(pooled, inline, tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'cache.sqlite3'}")
    schema.device_cache.create(engine)
    detector = DeviceDetector(cache=SqlDeviceCache(engine), parse_processes=1)
    detector._pool, detector.parse_processes = pooled._pool, 1  # share the warm processes
    requests = [*AGENTS, (AGENTS[0], HINTS)]

    assert detector.prefetch(requests) == len(requests)
    assert detector.prefetch(requests) == 0  # under way: not submitted twice
    found = detector.detect_many(requests)

    assert found == inline.detect_many(requests)
    assert detector.parses == len(requests) and detector.parsing == 0
    restarted = DeviceDetector(cache=SqlDeviceCache(engine))  # results were stored
    assert restarted.detect_many(requests) == found and restarted.parses == 0
    assert detector.prefetch(requests) == 0  # known now
    engine.dispose()


def test_prefetch_reads_the_persistent_cache_before_parsing(pooled, tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'cache.sqlite3'}")
    schema.device_cache.create(engine)
    DeviceDetector(cache=SqlDeviceCache(engine)).detect_many(AGENTS[:2])
    detector = DeviceDetector(cache=SqlDeviceCache(engine), parse_processes=1)
    detector._pool = pooled._pool

    assert detector.prefetch(AGENTS) == 2  # the two stored ones are not parsed again
    detector.detect_many(AGENTS)
    assert detector.parses == 2
    engine.dispose()


def test_without_processes_prefetch_does_nothing():
    detector = DeviceDetector()
    assert detector.prefetch(AGENTS) == 0
    assert detector.parses == 0 and detector.parsing == 0


def test_a_killed_parse_process_falls_back_to_parsing_in_process(inline):
    detector = DeviceDetector(parse_processes=1)
    detector.warm_up()
    pool = detector._pool
    for process in list(pool._processes.values()):  # type: ignore[union-attr]
        os.kill(process.pid, signal.SIGKILL)
        process.join()
    detector.prefetch(AGENTS[:2])  # may still be accepted by the broken pool ...
    assert detector.detect_many(AGENTS) == inline.detect_many(AGENTS)  # ... answers anyway
    assert detector.prefetch([AGENTS[0] + " again"]) == 0  # and no pool any more
    assert detector.detect(AGENTS[0] + " again") == inline.detect(AGENTS[0] + " again")
    detector.close()


def _row(row_id, hits, **envelope):
    return row_id, orjson.dumps({"t": 1.0, "ip": "1.2.3.4", **envelope,
                                 "hits": list(enumerate(hits))}).decode()


def test_agents_of_rows_reads_what_the_pipeline_will_read():
    uadata = orjson.dumps(HINTS).decode()
    rows = [
        _row(1, ["idsite=1&rec=1&ua=Agent%2F1.0", "idsite=1&rec=1"], ua="Header/2.0"),
        _row(2, [["idsite=1", "rec=1&ua=Body%2F3.0"], {"idsite": "1", "ua": "Map/4.0"}],
             ch={"sec-ch-ua-platform": '"Linux"'}),
        _row(3, ["ua=First&ua=Agent%2F1.0&uadata=" + uadata.replace("&", "%26")]),
        (4, "not json"),
        _row(5, ["idsite=1&ua=Agent%2F1.0"]),  # already listed
    ]
    assert agents_of_rows(rows) == [
        ("Agent/1.0", None),
        ("Header/2.0", None),
        ("Body/3.0", {"sec-ch-ua-platform": '"Linux"'}),
        ("Map/4.0", {"sec-ch-ua-platform": '"Linux"'}),
        ("Agent/1.0", HINTS),
    ]
