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
_ABSENT = 0  # cached "no visit for this key"


@dataclass
class Visit:
    """A log_visit row held in memory; `dirty` when it differs from the database."""

    idvisit: int
    row: dict[str, Any]
    dirty: bool = False

    @property
    def last_ts(self) -> float:
        return to_timestamp(self.row["visit_last_action_time"])

    @property
    def first_ts(self) -> float:
        return to_timestamp(self.row["visit_first_action_time"])


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


class VisitCache:
    """Visits by id, and the latest visit per visitor id and per config id."""

    def __init__(self, max_entries: int = 200_000) -> None:
        self.max_entries = max_entries
        self.by_id: dict[int, Visit] = {}
        self.by_visitor: dict[Key, int] = {}
        self.by_config: dict[Key, int] = {}

    def clear(self) -> None:
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
        """Make `visit` the latest one for its visitor id and config id."""
        idsite = visit.row["idsite"]
        self.by_visitor[(idsite, visit.row["idvisitor"])] = visit.idvisit
        self.by_config[(idsite, visit.row["config_id"])] = visit.idvisit

    def prune(self, now: float, keep_seconds: int) -> None:
        """Forget visits idle for longer than `keep_seconds` (the database still has them)."""
        if len(self.by_id) + len(self.by_visitor) + len(self.by_config) < self.max_entries:
            return
        old = {vid for vid, v in self.by_id.items() if now - v.last_ts > keep_seconds}
        for vid in old:
            del self.by_id[vid]
        for mapping in (self.by_visitor, self.by_config):
            stale = [k for k, vid in mapping.items() if vid == _ABSENT or vid in old]
            for key in stale:
                del mapping[key]


class VisitFinder:
    """Finds a hit's previous visit (reference §3.3): memory first, then the database."""

    def __init__(self, cache: VisitCache) -> None:
        self.cache = cache

    def find(self, conn: Connection, hit: Hit, rules: VisitRules) -> Visit | None:
        request = hit.request
        by_visitor = hit.visitor_id is not None
        by_config = True
        if by_visitor and rules.trust_cookies or hit.uid is None and request.cid is not None:
            by_config = False
        visit = self._by_visitor(conn, hit, rules) if by_visitor else None
        if visit is None and by_config:
            visit = self._by_config(conn, hit, rules)
        if visit is not None and 0 < rules.max_actions <= (visit.row["visit_total_actions"] or 0):
            return None
        return visit

    def _by_visitor(self, conn: Connection, hit: Hit, rules: VisitRules) -> Visit | None:
        assert hit.visitor_id is not None
        latest = hit.time + rules.visit_length

        def fits(visit: Visit) -> bool:
            return visit.row["idvisitor"] == hit.visitor_id and visit.last_ts <= latest

        params = {"idsite": hit.idsite, "key": hit.visitor_id, "latest": _utc(latest)}
        return self._lookup(conn, self.cache.by_visitor, (hit.idsite, hit.visitor_id), fits,
                            _BY_VISITOR, params)

    def _by_config(self, conn: Connection, hit: Hit, rules: VisitRules) -> Visit | None:
        latest = hit.time + rules.visit_length
        earliest = hit.time - max(rules.visit_length, rules.look_back)
        uid = hit.uid

        def fits(visit: Visit) -> bool:
            return (visit.row["config_id"] == hit.config_id
                    and earliest <= visit.last_ts <= latest
                    and (uid is None or visit.row["user_id"] in (None, uid)))

        params = {"idsite": hit.idsite, "key": hit.config_id, "latest": _utc(latest),
                  "earliest": _utc(earliest)}
        statement = _BY_CONFIG
        if uid is not None:
            statement, params["uid"] = _BY_CONFIG_AND_USER, uid
        return self._lookup(conn, self.cache.by_config, (hit.idsite, hit.config_id), fits,
                            statement, params)

    def _lookup(self, conn: Connection, mapping: dict[Key, int], key: Key, fits: Any,
                statement: Any, params: dict[str, Any]) -> Visit | None:
        cached = mapping.get(key)
        if cached == _ABSENT:
            return None
        if cached is not None:
            visit = self.cache.by_id.get(cached)
            if visit is not None and fits(visit):
                return visit
        row = conn.execute(statement, params).mappings().first()
        visit = self.cache.remember(Visit(int(row["idvisit"]), dict(row))) if row else None
        if visit is None or not fits(visit):
            if cached is None:
                mapping[key] = _ABSENT
            return None
        if cached is None:
            mapping[key] = visit.idvisit
        return visit


def _utc(timestamp: float) -> datetime:
    return datetime(1970, 1, 1) + timedelta(seconds=int(timestamp))


# Previous-visit look-ups (reference §3.3), built once: the latest visit by visitor id,
# and by config id within the window (and, with a user id, of no other user).
_LATEST_FIRST = log_visit.c.visit_last_action_time.desc()
_BY_VISITOR = sa.select(log_visit).where(
    log_visit.c.idsite == sa.bindparam("idsite"), log_visit.c.idvisitor == sa.bindparam("key"),
    log_visit.c.visit_last_action_time <= sa.bindparam("latest"),
).order_by(_LATEST_FIRST).limit(1)
_BY_CONFIG = sa.select(log_visit).where(
    log_visit.c.idsite == sa.bindparam("idsite"), log_visit.c.config_id == sa.bindparam("key"),
    log_visit.c.visit_last_action_time <= sa.bindparam("latest"),
    log_visit.c.visit_last_action_time >= sa.bindparam("earliest"),
).order_by(_LATEST_FIRST).limit(1)
_BY_CONFIG_AND_USER = _BY_CONFIG.where(sa.or_(log_visit.c.user_id.is_(None),
                                              log_visit.c.user_id == sa.bindparam("uid")))


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
