"""Visit recognition (reference §3): find the visitor's current visit, decide whether
the hit continues it, and keep the visit rows of active visitors in memory.

Only the pipeline worker holding the ingest lease writes visits, so what this
module remembers — including "this visitor has no visit" — stays true until
the lease is lost (then `VisitCache.clear`). A hit normally needs no database
read: its visitor's visit is in memory, or is known not to exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from footfall.config import Settings
from footfall.db.schema import log_visit
from footfall.tracker.clock import local_date, to_timestamp
from footfall.tracker.hit import Hit

Key = tuple[int, bytes]
_UNLISTED = object()  # Visit.listed_as before the visit is in a ConfigVisits
_NEWEST = float("inf")  # a visit not inserted yet is newer than every stored one
_LISTED_BEFORE_TRIM = 16  # visits per config id before those out of the window are dropped


class Visit:
    """A log_visit row held in memory; `idvisit` is 0 until the batch inserts it.

    `first_ts`/`last_ts` mirror the row's first/last action times as UNIX seconds
    (`moved_to` keeps them in step). Within a batch, `last_action` is the visit's
    latest action row not yet written and `pageviews` its pageview rows by pv_id,
    so later hits can still amend them before the insert.
    """

    __slots__ = ("first_ts", "idvisit", "last_action", "last_ts", "listed_as", "pageviews",
                 "row")

    def __init__(self, idvisit: int, row: dict[str, Any]) -> None:
        self.idvisit = idvisit
        self.row = row
        self.first_ts = to_timestamp(row["visit_first_action_time"])
        self.last_ts = to_timestamp(row["visit_last_action_time"])
        self.last_action: Any = None  # writer.PendingAction
        self.pageviews: dict[str, Any] | None = None
        self.listed_as: Any = _UNLISTED  # its user id in its ConfigVisits, once listed there

    def moved_to(self, when: datetime) -> None:
        self.row["visit_last_action_time"] = when
        self.last_ts = to_timestamp(when)

    def forget_pending(self) -> None:
        self.last_action = None
        self.pageviews = None


@dataclass(frozen=True)
class VisitRules:
    """The [Tracker] settings of one site that decide about visits."""

    visit_length: int
    look_back: int
    trust_cookies: bool
    uid_overwrites_visitor: bool
    one_page_time: int
    new_on_campaign_change: bool
    new_on_website_change: bool
    new_after_midnight: bool
    max_actions: int

    @classmethod
    def of(cls, settings: Settings, idsite: int, site_type: str) -> VisitRules:
        def get(key: str) -> int:
            return int(settings.get("Tracker", key, idsite=idsite))

        return cls(
            visit_length=get("visit_standard_length"),
            look_back=get("window_look_back_for_visitor"),
            trust_cookies=bool(get("trust_visitors_cookies")) or site_type == "intranet",
            uid_overwrites_visitor=bool(get("enable_userid_overwrites_visitorid")),
            one_page_time=get("default_time_one_page_visit"),
            new_on_campaign_change=bool(get("create_new_visit_when_campaign_changes")),
            new_on_website_change=bool(get("create_new_visit_when_website_referrer_changes")),
            new_after_midnight=bool(get("create_new_visit_after_midnight")),
            max_actions=get("create_new_visit_after_x_actions"),
        )


class ConfigVisits:
    """Every visit of one (site, config id) whose last action is at `start` or later,
    by user id: what a config-id look-up (reference §3.3) would find in the database,
    as the visits are now (this batch's changes included)."""

    __slots__ = ("by_user", "count", "start", "trim_at")

    def __init__(self, start: float) -> None:
        self.start = start
        self.by_user: dict[str | None, list[Visit]] = {}
        self.count = 0
        self.trim_at = _LISTED_BEFORE_TRIM  # drop ended visits when count passes this

    def add(self, visit: Visit) -> None:
        user = visit.row["user_id"]
        listed = visit.listed_as
        if listed is not _UNLISTED:
            if listed == user:
                return
            self.by_user[listed].remove(visit)
        else:
            self.count += 1
        self.by_user.setdefault(user, []).append(visit)
        visit.listed_as = user

    def latest(self, earliest: float, latest: float, uid: str | None) -> Visit | None:
        """The latest visit in [earliest, latest] (of `uid` or of no user, if given);
        ties go to the higher id, a new visit counting as the highest."""
        if uid is None:
            buckets: Any = self.by_user.values()
        else:
            buckets = (self.by_user.get(None, ()), self.by_user.get(uid, ()))
        best: Visit | None = None
        best_key = (0.0, 0.0)
        for bucket in buckets:
            for visit in bucket:
                moment = visit.last_ts
                if earliest <= moment <= latest:
                    key = (moment, visit.idvisit or _NEWEST)
                    if best is None or key >= best_key:
                        best, best_key = visit, key
        return best

    def drop_before(self, moment: float) -> None:
        """Forget visits that ended before `moment`; the set then starts there."""
        if moment <= self.start:
            return
        for user, bucket in list(self.by_user.items()):
            kept = []
            for visit in bucket:
                if visit.last_ts >= moment:
                    kept.append(visit)
                else:
                    visit.listed_as = _UNLISTED
            if kept:
                self.by_user[user] = kept
            else:
                del self.by_user[user]
        self.count = sum(len(bucket) for bucket in self.by_user.values())
        self.trim_at = max(_LISTED_BEFORE_TRIM, 2 * self.count)
        self.start = moment


class VisitCache:
    """Visits by id, the latest visit per visitor id (None: known to have none), and the
    recent visits per config id."""

    def __init__(self, max_entries: int = 200_000) -> None:
        self.max_entries = max_entries
        self.by_id: dict[int, Visit] = {}
        self.by_visitor: dict[Key, Visit | None] = {}
        self.by_config: dict[Key, ConfigVisits] = {}

    def clear(self) -> None:
        for visits in self.by_config.values():
            visits.drop_before(float("inf"))
        self.by_id.clear()
        self.by_visitor.clear()
        self.by_config.clear()

    def remember(self, visit: Visit) -> Visit:
        known = self.by_id.get(visit.idvisit)
        if known is not None:
            return known
        self.by_id[visit.idvisit] = visit
        return visit

    def index(self, visit: Visit) -> None:
        """Make `visit` the latest one for its visitor id; list it under its config id."""
        row = visit.row
        idsite = row["idsite"]
        self.by_visitor[(idsite, row["idvisitor"])] = visit
        listed = self.by_config.get((idsite, row["config_id"]))
        if listed is not None:
            listed.add(visit)

    def prune(self, now: float, keep_seconds: int) -> None:
        """Forget visits idle for longer than `keep_seconds` (the database still has them)."""
        if len(self.by_id) + len(self.by_visitor) + len(self.by_config) < self.max_entries:
            return
        horizon = now - keep_seconds
        old = {vid for vid, v in self.by_id.items() if v.last_ts < horizon}
        for vid in old:
            del self.by_id[vid]
        stale = [k for k, v in self.by_visitor.items() if v is None or v.last_ts < horizon]
        for key in stale:
            del self.by_visitor[key]
        for key, visits in list(self.by_config.items()):
            visits.drop_before(horizon)
            if not visits.count:
                del self.by_config[key]


class VisitFinder:
    """Finds a hit's previous visit (reference §3.3): memory first, then the database.

    `prefetch` reads, in a few queries per batch, the latest visit of every visitor
    id memory knows nothing about and the recent visits of every such config id.
    A hit's own query runs only when memory cannot answer (an out-of-order hit
    older than what memory holds, a visitor id moved to another visit);
    `before_query` then writes the batch's pending visits first, so the query sees
    every visit as it is now.
    """

    def __init__(self, cache: VisitCache) -> None:
        self.cache = cache
        self.before_query: Any = None
        self._latest_by_visitor: dict[Key, Visit | None] = {}

    def prefetch(self, conn: Connection, hits: list[tuple[Hit, VisitRules]]) -> None:
        self._latest_by_visitor.clear()
        visitors: dict[int, set[bytes]] = {}
        configs: dict[int, set[bytes]] = {}
        starts: dict[int, float] = {}
        for hit, rules in hits:
            idsite = hit.idsite
            by_visitor, by_config = _sources(hit, rules)
            if by_visitor and (idsite, hit.visitor_id) not in self.cache.by_visitor:
                visitors.setdefault(idsite, set()).add(hit.visitor_id)  # type: ignore[arg-type]
            if by_config and (idsite, hit.config_id) not in self.cache.by_config:
                configs.setdefault(idsite, set()).add(hit.config_id)
                earliest = hit.time - max(rules.visit_length, rules.look_back)
                starts[idsite] = min(starts.get(idsite, earliest), earliest)
        for idsite, keys in configs.items():
            self._load_configs(conn, idsite, sorted(keys), starts[idsite])
        for idsite, keys in visitors.items():
            self._load_visitors(conn, idsite, sorted(keys))

    def _load_configs(self, conn: Connection, idsite: int, keys: list[bytes],
                      start: float) -> None:
        loaded = {key: ConfigVisits(start) for key in keys}
        for first in range(0, len(keys), _PREFETCH_CHUNK):
            statement = sa.select(log_visit).where(
                log_visit.c.idsite == idsite,
                log_visit.c.config_id.in_(keys[first:first + _PREFETCH_CHUNK]),
                log_visit.c.visit_last_action_time >= _utc(start))
            for row in conn.execute(statement).mappings():
                visit = self.cache.remember(Visit(int(row["idvisit"]), dict(row)))
                loaded[row["config_id"]].add(visit)
        for key, visits in loaded.items():
            self.cache.by_config[(idsite, key)] = visits

    def _load_visitors(self, conn: Connection, idsite: int, keys: list[bytes]) -> None:
        found = self._latest_by_visitor
        for key in keys:
            found[(idsite, key)] = None
        for first in range(0, len(keys), _PREFETCH_CHUNK):
            statement = _latest_per(log_visit.c.idvisitor, idsite,
                                    keys[first:first + _PREFETCH_CHUNK])
            for row in conn.execute(statement).mappings():
                values = dict(row)
                del values["visit_rank"]
                found[(idsite, values["idvisitor"])] = Visit(int(values["idvisit"]), values)

    def done(self) -> None:
        self._latest_by_visitor.clear()

    def find(self, conn: Connection, hit: Hit, rules: VisitRules) -> Visit | None:
        by_visitor, by_config = _sources(hit, rules)
        visit = self._by_visitor(conn, hit, rules) if by_visitor else None
        if visit is None and by_config:
            visit = self._by_config(conn, hit, rules)
        if visit is not None and 0 < rules.max_actions <= (visit.row["visit_total_actions"] or 0):
            return None
        return visit

    def _by_visitor(self, conn: Connection, hit: Hit, rules: VisitRules) -> Visit | None:
        """The visitor's latest visit that ended no later than the hit's visit window."""
        visitor_id = hit.visitor_id
        assert visitor_id is not None
        key = (hit.idsite, visitor_id)
        latest = hit.time + rules.visit_length
        mapping = self.cache.by_visitor
        known = key in mapping
        if known:
            cached = mapping[key]
            if cached is None:
                return None
            if cached.row["idvisitor"] == visitor_id and cached.last_ts <= latest:
                return cached
        prefetched = self._latest_by_visitor
        visit: Visit | None
        if not known and key in prefetched and (prefetched[key] is None
                                                or prefetched[key].last_ts <= latest):
            visit = prefetched.pop(key)
        else:
            row = self._query(conn, _BY_VISITOR, {"idsite": hit.idsite, "key": visitor_id,
                                                  "latest": _utc(latest)})
            visit = Visit(int(row["idvisit"]), dict(row)) if row else None
        if visit is not None:
            visit = self.cache.remember(visit)  # memory's state wins over the stored one
            if visit.row["idvisitor"] != visitor_id or visit.last_ts > latest:
                visit = None
        if not known:
            mapping[key] = visit
        return visit

    def _by_config(self, conn: Connection, hit: Hit, rules: VisitRules) -> Visit | None:
        """The latest visit of the hit's config id within the window (of no other user)."""
        latest = hit.time + rules.visit_length
        earliest = hit.time - max(rules.visit_length, rules.look_back)
        uid = hit.uid
        listed = self.cache.by_config.get((hit.idsite, hit.config_id))
        if listed is not None and earliest >= listed.start:
            if listed.count > listed.trim_at:
                listed.drop_before(earliest)
            return listed.latest(earliest, latest, uid)
        params = {"idsite": hit.idsite, "key": hit.config_id, "latest": _utc(latest),
                  "earliest": _utc(earliest)}
        statement = _BY_CONFIG
        if uid is not None:
            statement, params["uid"] = _BY_CONFIG_AND_USER, uid
        row = self._query(conn, statement, params)
        return self.cache.remember(Visit(int(row["idvisit"]), dict(row))) if row else None

    def _query(self, conn: Connection, statement: Any, params: dict[str, Any]) -> Any:
        if self.before_query is not None:
            self.before_query()
        return conn.execute(statement, params).mappings().first()


def _sources(hit: Hit, rules: VisitRules) -> tuple[bool, bool]:
    """Whether the hit's visit is looked up by visitor id, and then by config id (§3.3)."""
    by_visitor = hit.visitor_id is not None
    by_config = not (by_visitor and rules.trust_cookies
                     or hit.uid is None and hit.request.cid is not None)
    return by_visitor, by_config


def _utc(timestamp: float) -> datetime:
    return datetime(1970, 1, 1) + timedelta(seconds=int(timestamp))


# Previous-visit look-ups (reference §3.3), built once: the latest visit by visitor id,
# and by config id within the window (and, with a user id, of no other user).
_LATEST_FIRST = (log_visit.c.visit_last_action_time.desc(), log_visit.c.idvisit.desc())
_BY_VISITOR = sa.select(log_visit).where(
    log_visit.c.idsite == sa.bindparam("idsite"), log_visit.c.idvisitor == sa.bindparam("key"),
    log_visit.c.visit_last_action_time <= sa.bindparam("latest"),
).order_by(*_LATEST_FIRST).limit(1)
_BY_CONFIG = sa.select(log_visit).where(
    log_visit.c.idsite == sa.bindparam("idsite"), log_visit.c.config_id == sa.bindparam("key"),
    log_visit.c.visit_last_action_time <= sa.bindparam("latest"),
    log_visit.c.visit_last_action_time >= sa.bindparam("earliest"),
).order_by(*_LATEST_FIRST).limit(1)
_BY_CONFIG_AND_USER = _BY_CONFIG.where(sa.or_(log_visit.c.user_id.is_(None),
                                              log_visit.c.user_id == sa.bindparam("uid")))
_PREFETCH_CHUNK = 500


def _latest_per(column: Any, idsite: int, keys: list[bytes]) -> Any:
    """The latest visit (same order as the queries above) of each of `keys` in `column`."""
    rank = sa.func.row_number().over(partition_by=column,
                                     order_by=_LATEST_FIRST).label("visit_rank")
    ranked = sa.select(log_visit, rank).where(log_visit.c.idsite == idsite,
                                              column.in_(keys)).subquery()
    return sa.select(ranked).where(ranked.c.visit_rank == 1)


def needs_new_visit(hit: Hit, visit: Visit | None, rules: VisitRules) -> bool:
    """Reference §3.4 rules 1-6 (the campaign rule needs the referrer: see `campaign_changed`)."""
    if visit is None or hit.request.new_visit:
        return True
    if visit.last_ts <= hit.time - rules.visit_length:
        return True
    timezone = hit.site.timezone
    if rules.new_after_midnight and (
            local_date(visit.last_ts, timezone) != local_date(hit.time, timezone)):
        return True
    previous_uid = visit.row["user_id"]
    return bool(not rules.uid_overwrites_visitor and previous_uid and hit.uid
                and previous_uid != hit.uid)
