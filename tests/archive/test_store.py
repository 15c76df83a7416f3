"""The archive store: done flags, newest archive wins, zeros not stored, invalidation."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from footfall.archive.periods import day_period, month_period, range_period, week_period
from footfall.archive.store import DONE_INVALIDATED, DONE_OK, ArchiveStore, done_flag_name
from footfall.db.schema import archive_blob, archive_invalidation, archive_numeric

DAY = day_period(date(2010, 3, 6))


def test_write_then_find_with_done_flag(engine: Engine) -> None:
    store = ArchiveStore(engine)
    assert store.find(1, DAY) is None
    idarchive = store.write(1, DAY, numerics={"nb_visits": 2, "nb_users": 0, "avg": 1.5},
                            blobs={"X_table": b"Jdata"}, ts_archived=datetime(2020, 1, 1))
    found = store.find(1, DAY)
    assert found is not None and found.idarchive == idarchive and found.status == DONE_OK
    assert found.ts_archived == datetime(2020, 1, 1)
    assert store.numerics(idarchive) == {"nb_visits": 2, "avg": 1.5}  # zeros are not stored
    assert store.blob(idarchive, "X_table") == b"Jdata"
    assert store.find(2, DAY) is None and store.find(1, week_period(DAY.start)) is None


def test_segment_archives_have_their_own_done_flag(engine: Engine) -> None:
    store = ArchiveStore(engine)
    store.write(1, DAY, numerics={"nb_visits": 5}, blobs={})
    segment = store.write(1, DAY, numerics={"nb_visits": 1}, blobs={}, segment_hash="abc")
    assert store.find(1, DAY, "abc").idarchive == segment
    assert store.numerics(store.find(1, DAY).idarchive) == {"nb_visits": 5}
    assert done_flag_name("abc") == "doneabc"


def test_a_new_archive_replaces_the_old_rows(engine: Engine) -> None:
    store = ArchiveStore(engine)
    old = store.write(1, DAY, numerics={"nb_visits": 1}, blobs={"b": b"J1"})
    new = store.write(1, DAY, numerics={"nb_visits": 2}, blobs={"b": b"J2"})
    assert new > old and store.find(1, DAY).idarchive == new
    with engine.connect() as conn:
        ids = {r[0] for r in conn.execute(sa.select(archive_numeric.c.idarchive))}
        blob_ids = {r[0] for r in conn.execute(sa.select(archive_blob.c.idarchive))}
    assert ids == {new} and blob_ids == {new}


def test_invalidation_flips_overlapping_archives_only(engine: Engine) -> None:
    store = ArchiveStore(engine)
    week = week_period(DAY.start)
    month = month_period(DAY.start)
    other_day = day_period(date(2010, 3, 20))
    other_range = range_period(date(2010, 3, 10), date(2010, 3, 12))
    for period in (DAY, week, month, other_day, other_range):
        store.write(1, period, numerics={"nb_visits": 1}, blobs={})
    store.write(2, DAY, numerics={"nb_visits": 1}, blobs={})
    assert store.invalidate(1, date(2010, 3, 6), date(2010, 3, 6)) == 3
    statuses = {p.label: s for p, _, s in store.archived_periods(1)}
    assert statuses == {"2010-03-06": DONE_INVALIDATED, "2010-03-01,2010-03-07": DONE_INVALIDATED,
                        "2010-03": DONE_INVALIDATED, "2010-03-20": DONE_OK,
                        "2010-03-10,2010-03-12": DONE_OK}
    assert store.find(2, DAY).status == DONE_OK
    found = store.find(1, DAY)
    assert found is not None and found.invalidated  # still readable when archiving is off
    assert [a.period.kind for a in store.invalidated(1)] == ["day", "week", "month"]


def test_pending_tracker_invalidations_are_consumed(engine: Engine) -> None:
    store = ArchiveStore(engine)
    store.write(1, DAY, numerics={"nb_visits": 1}, blobs={})
    with engine.begin() as conn:
        conn.execute(archive_invalidation.insert(), [
            {"idsite": 1, "date1": DAY.start, "date2": DAY.end, "ts_invalidated": datetime.now()},
            {"idsite": 2, "date1": DAY.start, "date2": DAY.end, "ts_invalidated": datetime.now()}])
    assert store.apply_pending_invalidations(1) == 1
    assert store.find(1, DAY).invalidated
    with engine.connect() as conn:
        left = [r.idsite for r in conn.execute(sa.select(archive_invalidation))]
    assert left == [2]
    assert store.apply_pending_invalidations() == 1
