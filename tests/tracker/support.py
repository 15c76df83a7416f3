"""Shared set-up for tracker and tracking-compatibility tests: the site of the
reference's §12 vectors, a client that sends its hits, and raw-log readers."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from footfall import testing
from footfall.config import Settings
from footfall.db.schema import custom_dimensions, goal, ingest_queue, site
from footfall.tracker.queue import QueueStore
from footfall.tracker.site_config import bump_config_version

CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/120.0.0.0 Safari/537.36")
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"
VISITOR = "0123456789abcdef"


def day_start(days_ago: int) -> float:
    """UNIX time of 00:00 UTC, `days_ago` days before today."""
    today = datetime.now(UTC).date() - timedelta(days=days_ago)
    return float(calendar.timegm(today.timetuple()))


@dataclass
class Tracking:
    """A running server with the §12 site, and helpers to send hits and read rows."""

    server: testing.RunningServer
    engine: Engine
    token: str
    idsite: int = 1

    def hit(self, *, at: float | None = None, method: str = "GET", token: bool = True,
            headers: dict[str, str] | None = None, visitor: str | None = VISITOR,
            **params: Any) -> httpx.Response:
        """One hit with the vectors' defaults (idsite=1, rec=1, _id, Chrome) at time `at`."""
        values: dict[str, Any] = {"idsite": self.idsite, "rec": 1}
        if visitor is not None:
            values["_id"] = visitor
        if at is not None:
            values["cdt"] = int(at)
        if token and at is not None:
            values["token_auth"] = self.token
        values.update(params)
        sent = {"User-Agent": CHROME, "Accept-Language": "en-us,en;q=0.8", **(headers or {})}
        return self.server.track(values, method=method, headers=sent)

    def ok(self, **params: Any) -> httpx.Response:
        response = self.hit(**params)
        assert response.status_code in (200, 204), (response.status_code, response.text)
        return response

    def drain(self) -> dict[str, Any]:
        return self.server.drain()

    def rows(self, table: str, order: str | None = None, **where: Any) -> list[dict[str, Any]]:
        self.drain()
        meta = sa.MetaData()
        tab = sa.Table(table, meta, autoload_with=self.engine)
        query = sa.select(tab)
        for column, value in where.items():
            query = query.where(tab.c[column] == value)
        key = order or next(iter(tab.primary_key.columns)).name
        query = query.order_by(tab.c[key])
        with self.engine.connect() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def action_name(self, idaction: int | None) -> tuple[str, int, int | None] | None:
        rows = self.rows("log_action", idaction=idaction)
        return (rows[0]["name"], rows[0]["type"], rows[0]["url_prefix"]) if rows else None

    def visits(self) -> list[dict[str, Any]]:
        return self.rows("log_visit")

    def actions(self) -> list[dict[str, Any]]:
        return self.rows("log_link_visit_action")


def add_goal(engine: Engine, idgoal: int, *, attribute: str, pattern: str = "",
             pattern_type: str = "contains", revenue: float = 0, allow_multiple: int = 0,
             idsite: int = 1, case_sensitive: int = 0) -> None:
    with engine.begin() as conn:
        conn.execute(goal.insert().values(
            idsite=idsite, idgoal=idgoal, name=f"Goal {idgoal}", match_attribute=attribute,
            pattern=pattern, pattern_type=pattern_type, revenue=revenue,
            allow_multiple=allow_multiple, case_sensitive=case_sensitive))
        bump_config_version(conn)


def add_dimension(engine: Engine, iddimension: int, *, index: int, scope: str,
                  extractions: str = "[]", idsite: int = 1) -> None:
    with engine.begin() as conn:
        conn.execute(custom_dimensions.insert().values(
            idcustomdimension=iddimension, idsite=idsite, name=f"Dim {iddimension}",
            index=index, scope=scope, active=1, extractions=extractions, case_sensitive=0))
        bump_config_version(conn)


def set_site(engine: Engine, idsite: int = 1, **values: Any) -> None:
    with engine.begin() as conn:
        conn.execute(site.update().where(site.c.idsite == idsite).values(**values))
        bump_config_version(conn)


def vectors_site(engine: Engine, *, timezone: str = "UTC") -> int:
    """Site 1 of §12: https://example.com, alias www, goal 1 (/thank-you, 10), goal 2 manual."""
    idsite = testing.create_site(engine, urls=["https://example.com", "https://www.example.com"],
                                 timezone=timezone)
    add_goal(engine, 1, attribute="url", pattern="/thank-you", revenue=10, idsite=idsite)
    add_goal(engine, 2, attribute="manually", idsite=idsite)
    return idsite


def start_tracking(settings: Settings, engine: Engine, *, timezone: str = "UTC",
                   subprocess: bool = False) -> Iterator[Tracking]:
    """The §12 site and a server: in a thread, or as `footfall serve` in a child process
    (for tests that must not share this process's state, e.g. its random generator)."""
    vectors_site(engine, timezone=timezone)
    token = testing.create_superuser_token(engine)
    if subprocess:
        with testing.serve_in_subprocess(settings.data_dir, settings.database_url) as server:
            yield Tracking(server=server, engine=engine, token=token)
        return
    with testing.serve_in_thread(settings) as server:
        yield Tracking(server=server, engine=engine, token=token)


def queued_payloads(store: QueueStore) -> list[str]:
    """The ingest queue's payloads, oldest first."""
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(ingest_queue.c.payload).order_by(ingest_queue.c.id))
        return [row.payload for row in rows]
