"""The enrichment steps (steps.py) on real hits through a real Pipeline: what their
per-site memos remember must never leak from one hit to another that differs."""

from __future__ import annotations

from urllib.parse import urlencode

import orjson
import pytest
import sqlalchemy as sa

from footfall import testing
from footfall.db.schema import site as site_table
from footfall.tracker.enrich.referrer import CAMPAIGN, ReferrerInfo
from footfall.tracker.pipeline import Pipeline
from footfall.tracker.registry import SiteCache
from footfall.tracker.steps import STEPS, StepContext
from tests.tracker.support import CHROME, FIREFOX

NOON = 1_767_268_800.0  # 2026-01-01 12:00 UTC


@pytest.fixture
def pipeline(engine, settings):
    testing.create_site(engine, urls=["https://example.com"])
    with engine.begin() as conn:
        conn.execute(sa.update(site_table).values(excluded_ips="10.9.*.*"))
    built = Pipeline(settings, engine, SiteCache(engine))
    yield built
    built.devices.close()


def enrich(pipeline, engine, *hits):
    """Each hit (parameter dict) through every step; (drop reason, hit) per hit."""
    rows = [(i + 1, orjson.dumps({"t": NOON + 3 * 86400, "ip": "127.0.0.1", "ua": CHROME,
                                   "hits": [[0, urlencode({"idsite": 1, "rec": 1, **params})]]}
                                  ).decode()) for i, params in enumerate(hits)]
    prepared = pipeline.prepare(engine, rows)
    results = []
    with engine.connect() as conn:
        ctx = None
        for hit in prepared:
            ctx = ctx or StepContext(conn=conn, settings=pipeline.settings,
                                     config=pipeline.configs.get(conn, hit.site),
                                     referrers=pipeline.referrers, geo=pipeline.geo,
                                     salts=pipeline.salts, **pipeline._options)
            reason = next((r for r in (step(ctx, hit) for step in STEPS) if r is not None), None)
            results.append((reason, hit))
        conn.commit()  # the salts
    return results


def test_config_id_changes_with_every_input_and_only_then(pipeline, engine):
    base = {"cdt": NOON, "cip": "81.2.69.160", "lang": "de-DE", "pdf": "1", "url": "https://example.com/"}
    same, other_ip, other_flags, other_lang, other_agent, next_day = (
        hit.config_id for _, hit in enrich(
            pipeline, engine, base, {**base, "cip": "81.2.69.161"}, {**base, "pdf": "0"},
            {**base, "lang": "fr-FR"}, {**base, "ua": FIREFOX}, {**base, "cdt": NOON + 86400}))
    again = enrich(pipeline, engine, base)[0][1].config_id
    assert again == same
    assert len({same, other_ip, other_flags, other_lang, other_agent, next_day}) == 6


def test_visit_columns_are_per_hit_even_when_shared(pipeline, engine):
    base = {"cdt": NOON, "cip": "81.2.69.160", "res": "1280x720", "url": "https://example.com/"}
    (_, first), (_, second), (_, third) = enrich(
        pipeline, engine, base, {**base, "h": "7", "m": "5", "s": "3"}, {**base, "res": "800x600"})
    assert first.visit_columns["config_resolution"] == "1280x720"
    assert third.visit_columns["config_resolution"] == "800x600"
    assert str(second.visit_columns["visitor_localtime"]) == "07:05:03"
    first.visit_columns["config_os"] = "changed"
    assert second.visit_columns["config_os"] == "WIN"
    assert {k: v for k, v in first.visit_columns.items() if k not in ("config_os", "visitor_localtime")} \
        == {k: v for k, v in second.visit_columns.items() if k not in ("config_os", "visitor_localtime")}


def test_referrer_answers_depend_on_the_visit_being_continued(pipeline, engine):
    (_, hit), = enrich(pipeline, engine, {"cdt": NOON, "url": "https://example.com/?mtm_campaign=Spring"})
    assert hit.referrer_of is not None
    fresh = hit.referrer_of(None)
    same_campaign = ReferrerInfo(referer_type=CAMPAIGN, referer_name="spring", referer_keyword="kw")
    continued = hit.referrer_of(same_campaign)
    assert (fresh.referer_type, fresh.referer_name, fresh.referer_keyword) == (CAMPAIGN, "spring", "")
    assert continued.referer_keyword == "kw"
    assert hit.referrer_of(None) == fresh


def test_referrer_answers_differ_by_page_and_referrer(pipeline, engine):
    results = enrich(
        pipeline, engine,
        {"cdt": NOON, "url": "https://example.com/a", "urlref": "https://www.google.com/search?q=boots"},
        {"cdt": NOON, "url": "https://example.com/b", "urlref": "https://www.google.com/search?q=boots"},
        {"cdt": NOON, "url": "https://example.com/a", "urlref": "https://shop.example.org/x"},
        {"cdt": NOON, "url": "https://shop.example.org/a", "urlref": "https://shop.example.org/x"},
    )
    answers = [hit.referrer_of(None) for _, hit in results]
    # The last one: a page on the referrer's own (unlisted) host counts as direct entry.
    assert [(a.referer_type, a.referer_name, a.referer_keyword) for a in answers] == [
        (2, "Google", "boots"), (2, "Google", "boots"), (3, "shop.example.org", None), (1, None, None)]


def test_excluded_and_crawler_addresses_are_dropped(pipeline, engine):
    results = enrich(pipeline, engine,
                     {"cdt": NOON, "cip": "10.9.8.7"}, {"cdt": NOON, "cip": "10.8.8.7"},
                     {"cdt": NOON, "cip": "66.249.85.1"}, {"cdt": NOON, "cip": "::ffff:10.9.1.1"})
    assert [reason for reason, _ in results] == ["excluded_ip", None, "bot", "excluded_ip"]
