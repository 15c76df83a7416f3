"""Write raw-log rows straight into the tables, shaped as the tracker writes them.

For unit tests of aggregation (the compat tests track over HTTP instead). The
rules followed are the tracker's (reference tracking-api §3.5-3.6, §4.5-4.6):
visit_total_time = 1 + last - first action (0 for one action), actions count
pageviews, downloads, outlinks and site searches, entry/exit are the first and
last pageview, time_spent_ref_action is the gap to the previous action.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from footfall.db.schema import log_action, log_link_visit_action, log_visit, site

# log_action types (tracking-api §4.2)
PAGE_URL, OUTLINK, DOWNLOAD, PAGE_TITLE, SEARCH_KEYWORD = 1, 2, 3, 4, 8
URL_PREFIXES = (("https://www.", 3), ("http://www.", 1), ("https://", 2), ("http://", 0))


@dataclass
class Hit:
    """One action of a visit."""

    at: datetime
    kind: str = "pageview"  # pageview, download, outlink, search
    url: str = ""
    title: str = ""
    keyword: str = ""
    category: str = ""
    search_count: int | None = None


@dataclass
class RawLog:
    engine: Engine
    _actions: dict[tuple[str, int], int] = field(default_factory=dict)

    def action_id(self, name: str, type_: int) -> int:
        """The log_action id of (name, type), inserted when new; 0 for an empty name."""
        if not name:
            return 0
        key = (name, type_)
        if key not in self._actions:
            stored, prefix = name, None
            if type_ == PAGE_URL:
                for text, number in URL_PREFIXES:
                    if name.lower().startswith(text):
                        stored, prefix = name[len(text):], number
                        break
            with self.engine.begin() as conn:
                self._actions[key] = int(conn.execute(log_action.insert().values(
                    name=stored, hash=zlib.crc32(stored.encode()), type=type_,
                    url_prefix=prefix)).inserted_primary_key[0])
        return self._actions[key]

    def visit(self, idsite: int, visitor: str, hits: list[Hit], **columns: Any) -> int:
        """Insert one visit and its actions; returns idvisit."""
        first, last = hits[0].at, hits[-1].at
        counted = [h for h in hits if h.kind in ("pageview", "download", "outlink", "search")]
        pages = [h for h in hits if h.kind in ("pageview", "search")]
        values = {
            "idsite": idsite, "idvisitor": bytes.fromhex(visitor.ljust(16, "0")[:16]),
            "config_id": b"\x01" * 8, "location_ip": b"\x7f\x00\x00\x01",
            "visit_first_action_time": first, "visit_last_action_time": last,
            "visit_total_time": 0 if len(hits) == 1 else int((last - first).total_seconds()) + 1,
            "visit_total_actions": len(counted), "visit_total_interactions": len(pages),
            "visit_total_searches": sum(h.kind == "search" for h in hits),
            "visit_goal_converted": 0, "visit_goal_buyer": 0, "visitor_returning": 0,
            "visitor_count_visits": 1, "referer_type": 1, "config_device_type": 0,
            "config_os": "WIN", "config_browser_name": "FF", "config_resolution": "1024x768",
            "location_country": "fr", "location_browser_lang": "fr",
            **self._entry_exit(pages), **columns,
        }
        with self.engine.begin() as conn:
            idvisit = int(conn.execute(log_visit.insert().values(**values)).inserted_primary_key[0])
        self._insert_actions(idsite, idvisit, values["idvisitor"], hits)
        return idvisit

    def _entry_exit(self, pages: list[Hit]) -> dict[str, int | None]:
        if not pages:
            return {"visit_entry_idaction_url": None, "visit_exit_idaction_url": 0,
                    "visit_entry_idaction_name": 0, "visit_exit_idaction_name": 0}
        first, last = pages[0], pages[-1]
        return {"visit_entry_idaction_url": self._url_id(first),
                "visit_entry_idaction_name": self._name_id(first),
                "visit_exit_idaction_url": self._url_id(last),
                "visit_exit_idaction_name": self._name_id(last)}

    def _url_id(self, hit: Hit) -> int | None:
        if hit.kind == "search":
            return None
        type_ = {"pageview": PAGE_URL, "download": DOWNLOAD, "outlink": OUTLINK}[hit.kind]
        return self.action_id(hit.url, type_)

    def _name_id(self, hit: Hit) -> int | None:
        if hit.kind == "search":
            return self.action_id(hit.keyword, SEARCH_KEYWORD)
        if hit.kind == "pageview":
            return self.action_id(hit.title, PAGE_TITLE)
        return None

    def _insert_actions(self, idsite: int, idvisit: int, idvisitor: bytes, hits: list[Hit]) -> None:
        rows, previous, position = [], None, 0
        url_ref, name_ref = 0, 0
        for hit in hits:
            if hit.kind in ("pageview", "search"):
                position += 1
            rows.append({
                "idsite": idsite, "idvisitor": idvisitor, "idvisit": idvisit,
                "server_time": hit.at, "idaction_url": self._url_id(hit),
                "idaction_name": self._name_id(hit), "idaction_url_ref": url_ref,
                "idaction_name_ref": name_ref,
                "time_spent_ref_action": 0 if previous is None else int(
                    (hit.at - previous).total_seconds()),
                "pageview_position": position or None,
                "search_cat": hit.category if hit.kind == "search" else None,
                "search_count": hit.search_count,
            })
            previous = hit.at
            if hit.kind == "pageview":
                url_ref, name_ref = self._url_id(hit) or 0, self._name_id(hit) or 0
            elif hit.kind == "search":
                url_ref, name_ref = 0, self._name_id(hit) or 0
        with self.engine.begin() as conn:
            conn.execute(log_link_visit_action.insert(), rows)


def backdate_site(engine: Engine, idsite: int, created: datetime) -> None:
    """Sites are created 'now'; tests about the past move ts_created back as the tracker would."""
    with engine.begin() as conn:
        conn.execute(sa.update(site).where(site.c.idsite == idsite).values(ts_created=created))


def at(text: str, plus_seconds: float = 0) -> datetime:
    return datetime.fromisoformat(text) + timedelta(seconds=plus_seconds)
