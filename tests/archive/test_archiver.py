"""Archiving VisitsSummary from raw-log rows: days, longer periods, freshness, invalidation."""

from __future__ import annotations

import gc
from datetime import date, datetime

import pytest

from footfall.archive import periods
from footfall.archive.archiver import Archiver, collection_paused
from footfall.archive.store import DONE_INVALIDATED, DONE_OK, ArchiveStore
from footfall.db.schema import archive_invalidation
from footfall.reports import registry
from footfall.services import Services
from footfall.sites import Site
from tests.archive.rawlog import Hit, RawLog, at


def summary(services: Services, site: Site, period: str, date_text: str) -> dict[str, object]:
    selected = periods.select_periods(period, date_text, tz=site.timezone).single
    table = registry.get_table(services, site, selected, module="VisitsSummary", action="get")
    return dict(table.rows[0].columns)


def several_days(raw: RawLog, site: Site) -> None:
    """V1's visitor: on each day two visits, the first of two pageviews 6 minutes apart."""
    for day in ("2010-12-14", "2010-12-15", "2010-12-25", "2011-01-15", "2011-01-16"):
        raw.visit(site.idsite, "aa", [Hit(at(f"{day} 01:06:00"), url="http://example.org/homepage"),
                                      Hit(at(f"{day} 01:12:00"),
                                          url="http://example.org/sub1/sub2/sub3/news")])
        raw.visit(site.idsite, "aa", [Hit(at(f"{day} 02:00:00"), url="http://example.org/news")])


def test_day_summary_matches_v1(services: Services, raw: RawLog, make_site) -> None:
    site = make_site()
    several_days(raw, site)
    assert summary(services, site, "day", "2010-12-14") == {
        "nb_uniq_visitors": 1, "nb_users": 0, "nb_visits": 2, "nb_actions": 3,
        "nb_visits_converted": 0, "bounce_count": 1, "sum_visit_length": 361, "max_actions": 2}


def test_range_sums_days_without_uniques_v3(services: Services, raw: RawLog, make_site) -> None:
    site = make_site()
    several_days(raw, site)
    assert summary(services, site, "range", "2010-12-15,2011-01-15") == {
        "nb_visits": 6, "nb_actions": 9, "nb_visits_converted": 0, "bounce_count": 3,
        "sum_visit_length": 1083, "max_actions": 2}


def test_month_recounts_unique_visitors_and_year_drops_them(services: Services, raw: RawLog,
                                                            make_site) -> None:
    site = make_site()
    several_days(raw, site)
    raw.visit(site.idsite, "bb", [Hit(at("2010-12-20 10:00:00"), url="http://example.org/x")])
    month = summary(services, site, "month", "2010-12-01")
    assert month["nb_uniq_visitors"] == 2  # not 4: the same visitor on three days counts once
    assert month["nb_visits"] == 7
    year = summary(services, site, "year", "2010-12-01")
    assert "nb_uniq_visitors" not in year and "nb_users" not in year
    assert year["nb_visits"] == 7


def test_week_spanning_two_months(services: Services, raw: RawLog, make_site) -> None:
    site = make_site()
    raw.visit(site.idsite, "aa", [Hit(at("2010-12-30 10:00:00"), url="http://example.org/a")])
    raw.visit(site.idsite, "aa", [Hit(at("2011-01-02 10:00:00"), url="http://example.org/a"),
                                  Hit(at("2011-01-02 10:01:00"), url="http://example.org/b")])
    week = summary(services, site, "week", "2011-01-01")
    assert week["nb_visits"] == 2 and week["nb_uniq_visitors"] == 1 and week["nb_actions"] == 3
    assert summary(services, site, "month", "2010-12-01")["nb_visits"] == 1
    assert summary(services, site, "month", "2011-01-01")["nb_visits"] == 1


def test_site_timezone_decides_the_day(services: Services, raw: RawLog, make_site) -> None:
    site = make_site(timezone="America/Barbados")  # UTC-4
    raw.visit(site.idsite, "aa", [Hit(at("2010-12-15 02:00:00"), url="http://example.org/")])
    assert summary(services, site, "day", "2010-12-14")["nb_visits"] == 1
    assert summary(services, site, "day", "2010-12-15")["nb_visits"] == 0


def test_empty_day_gives_zeros_and_a_done_flag(services: Services, make_site, engine) -> None:
    site = make_site()
    values = summary(services, site, "day", "2010-12-14")
    assert values["nb_visits"] == 0 and values["nb_uniq_visitors"] == 0
    stored = ArchiveStore(engine).archived_periods(site.idsite)
    assert stored == [(periods.day_period(date(2010, 12, 14)), "", DONE_OK)]


def test_periods_before_site_creation_or_in_future_are_not_archived(
        services: Services, make_site, engine) -> None:
    site = make_site(created=datetime(2010, 12, 1))
    assert summary(services, site, "day", "2010-11-01")["nb_visits"] == 0
    assert summary(services, site, "day", "2099-01-01")["nb_visits"] == 0
    assert ArchiveStore(engine).archived_periods(site.idsite) == []


def test_archive_is_reused_until_invalidated(services: Services, raw: RawLog, make_site,
                                             engine) -> None:
    site = make_site()
    several_days(raw, site)
    assert summary(services, site, "month", "2010-12-01")["nb_visits"] == 6
    # A late visit lands in the raw log: the archive is not rebuilt on its own ...
    raw.visit(site.idsite, "cc", [Hit(at("2010-12-24 10:00:00"), url="http://example.org/late")])
    assert summary(services, site, "month", "2010-12-01")["nb_visits"] == 6
    # ... until the tracker records the invalidation, as it does for old hits.
    with engine.begin() as conn:
        conn.execute(archive_invalidation.insert().values(
            idsite=site.idsite, date1=date(2010, 12, 24), date2=date(2010, 12, 24),
            ts_invalidated=datetime(2026, 1, 1)))
    month = summary(services, site, "month", "2010-12-01")
    assert month["nb_visits"] == 7 and month["nb_uniq_visitors"] == 2
    assert summary(services, site, "day", "2010-12-24")["nb_visits"] == 1
    statuses = {status for _, _, status in ArchiveStore(engine).archived_periods(site.idsite)}
    assert statuses == {DONE_OK}


def test_todays_archive_expires_after_ttl(services: Services, raw: RawLog, make_site) -> None:
    site = make_site()
    raw.visit(site.idsite, "aa", [Hit(at("2024-03-13 09:00:00"), url="http://example.org/")])
    day = periods.day_period(date(2024, 3, 13))

    def visits_seen_at(now: datetime) -> float:
        archiver = Archiver(services.db, services.settings, now=now)
        return archiver.view(site, day, may_build=True).numeric("nb_visits")

    assert visits_seen_at(datetime(2024, 3, 13, 10, 0)) == 1
    raw.visit(site.idsite, "bb", [Hit(at("2024-03-13 10:01:00"), url="http://example.org/")])
    assert visits_seen_at(datetime(2024, 3, 13, 10, 5)) == 1  # within the 900 s TTL
    assert visits_seen_at(datetime(2024, 3, 13, 10, 16)) == 2


def test_finished_day_archived_while_in_progress_is_rebuilt(services: Services, raw: RawLog,
                                                            make_site) -> None:
    site = make_site()
    raw.visit(site.idsite, "aa", [Hit(at("2024-03-13 09:00:00"), url="http://example.org/")])
    day = periods.day_period(date(2024, 3, 13))
    during = Archiver(services.db, services.settings, now=datetime(2024, 3, 13, 23, 50))
    assert during.view(site, day, may_build=True).numeric("nb_visits") == 1
    raw.visit(site.idsite, "bb", [Hit(at("2024-03-13 23:55:00"), url="http://example.org/")])
    after = Archiver(services.db, services.settings, now=datetime(2024, 3, 14, 0, 1))
    assert after.view(site, day, may_build=True).numeric("nb_visits") == 2


def test_without_browser_archiving_nothing_is_built(services: Services, raw: RawLog,
                                                    make_site, engine) -> None:
    services.settings.values["General"]["browser_archiving_disabled_enforce"] = 1
    site = make_site()
    several_days(raw, site)
    assert summary(services, site, "day", "2010-12-14")["nb_visits"] == 0
    assert ArchiveStore(engine).archived_periods(site.idsite) == []
    Archiver(services.db, services.settings).ensure(site, periods.day_period(date(2010, 12, 14)))
    assert summary(services, site, "day", "2010-12-14")["nb_visits"] == 2


def test_invalidated_archive_is_served_when_building_is_not_allowed(
        services: Services, raw: RawLog, make_site, engine) -> None:
    site = make_site()
    several_days(raw, site)
    assert summary(services, site, "day", "2010-12-14")["nb_visits"] == 2
    ArchiveStore(engine).invalidate(site.idsite, date(2010, 12, 14), date(2010, 12, 14))
    services.settings.values["General"]["browser_archiving_disabled_enforce"] = 1
    assert summary(services, site, "day", "2010-12-14")["nb_visits"] == 2
    statuses = [s for p, _, s in ArchiveStore(engine).archived_periods(site.idsite)]
    assert statuses == [DONE_INVALIDATED]
    assert Archiver(services.db, services.settings).rebuild_invalidated(site.idsite) == 1
    statuses = [s for p, _, s in ArchiveStore(engine).archived_periods(site.idsite)]
    assert statuses == [DONE_OK]


def test_the_garbage_collector_is_paused_while_archives_are_built() -> None:
    """archiver.collection_paused: off during (nested or concurrent) builds, then back as
    it was, also when a build fails."""
    assert gc.isenabled()
    with collection_paused():
        assert not gc.isenabled()
        with collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer build is still running
    assert gc.isenabled()
    with pytest.raises(ValueError), collection_paused():
        raise ValueError("build failed")
    assert gc.isenabled()
    gc.disable()
    try:
        with collection_paused():
            pass
        assert not gc.isenabled()  # someone else had turned it off: left off
    finally:
        gc.enable()
