"""Actions: which kind a hit is (reference §4.1), the log_action names it refers to
(§4.2, §4.5), and the id store that de-duplicates log_action rows by (name, type).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from footfall.db.schema import log_action
from footfall.tracker.form import Params, decode_component
from footfall.tracker.many_rows import InsertWithIds
from footfall.tracker.request import TrackingRequest, integer, text
from footfall.tracker.urls import (
    UrlFilter,
    escape,
    is_valid_url,
    normalize_url,
    query_and_fragment,
    split_prefix,
)

# log_action.type ids (reference §4.2)
PAGE_URL, OUTLINK, DOWNLOAD, PAGE_TITLE = 1, 2, 3, 4
ECOMMERCE_SKU, ECOMMERCE_NAME, ECOMMERCE_CATEGORY, SITE_SEARCH = 5, 6, 7, 8
EVENT_CATEGORY, EVENT_ACTION, EVENT_NAME = 10, 11, 12
CONTENT_NAME, CONTENT_PIECE, CONTENT_TARGET, CONTENT_INTERACTION = 13, 14, 15, 16

PAGEVIEW, SEARCH, EVENT, CONTENT, OUTLINK_KIND, DOWNLOAD_KIND = (
    "pageview", "search", "event", "content", "outlink", "download")
DEFAULT_SEARCH_PARAMS = ("q", "query", "s", "search", "searchword", "k", "keyword", "keywords")
_NAME_LIMIT = 4096


@dataclass(frozen=True)
class ActionName:
    """A log_action row to refer to: (name, type) is its identity."""

    name: str
    type: int
    url_prefix: int | None = None


@dataclass
class Action:
    """What a hit's log_link_visit_action row refers to, before ids are resolved.

    `refs` maps columns to an ActionName, to 0 ("none") or to None (NULL).
    """

    kind: str
    refs: dict[str, ActionName | int | None] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    page_url: str = ""  # the URL as sent (goal matching uses it before filtering)

    @property
    def counts_as_action(self) -> bool:
        return self.kind != CONTENT

    @property
    def is_interaction(self) -> bool:
        return self.kind in (PAGEVIEW, SEARCH)


def classify(hit: TrackingRequest, *, url_filter: UrlFilter, sitesearch: bool,
             search_params: tuple[str, ...], category_params: tuple[str, ...]) -> Action | None:
    """The action of a hit, by Matomo's priority: download > outlink > event > content >
    site search > pageview. None for hits without one (goal, ecommerce, ping, bare ca=1)."""
    if hit.ping or hit.idgoal >= 0:
        return None
    if not _LINK_EVENT_CONTENT.isdisjoint(hit.params):  # most hits: none of them
        download, link = hit.get("download").strip(), hit.get("link").strip()
        if download:
            return _link_action(DOWNLOAD_KIND, download, DOWNLOAD)
        if link:
            return _link_action(OUTLINK_KIND, link, OUTLINK)
        if hit.get("e_c").strip() and hit.get("e_a").strip():
            return _event(hit, url_filter)
        if hit.get("c_n").strip():
            return _content(hit, url_filter)
    if sitesearch:
        search = _site_search(hit, search_params, category_params)
        if search is not None:
            return search
    if hit.ca:
        return None
    return _pageview(hit, url_filter)


_LINK_EVENT_CONTENT = frozenset({"download", "link", "e_c", "c_n"})
_PRODUCT_VIEW = frozenset({"_pks", "_pkn", "_pkc", "_pkp"})


def add_product_view(action: Action, hit: TrackingRequest) -> None:
    """`_pks`/`_pkn`/`_pkc`/`_pkp` (reference §8.1) on whatever action the hit makes."""
    if _PRODUCT_VIEW.isdisjoint(hit.params):
        return
    sku, name = hit.get("_pks").strip(), hit.get("_pkn").strip()
    if sku:
        action.refs["idaction_product_sku"] = ActionName(sku[:_NAME_LIMIT], ECOMMERCE_SKU)
    if name:
        action.refs["idaction_product_name"] = ActionName(name[:_NAME_LIMIT], ECOMMERCE_NAME)
    for column, category in zip(_PRODUCT_CATEGORY_COLUMNS, _categories(hit.get("_pkc")),
                                strict=False):
        action.refs[column] = ActionName(category[:_NAME_LIMIT], ECOMMERCE_CATEGORY)
    price = hit.get_number("_pkp")
    if price is not None:
        action.values["product_price"] = price


_PRODUCT_CATEGORY_COLUMNS = ("idaction_product_cat", "idaction_product_cat2",
                             "idaction_product_cat3", "idaction_product_cat4",
                             "idaction_product_cat5")


def _categories(raw: str) -> list[str]:
    raw = raw.strip()
    if raw.startswith('["'):
        try:
            values = orjson.loads(raw)
        except orjson.JSONDecodeError:
            values = [raw]
    else:
        values = [raw]
    return [str(v).strip() for v in values if isinstance(v, (str, int, float)) and str(v).strip()][:5]


def _page_url_ref(url: str, url_filter: UrlFilter, action_type: int,
                  *, split: bool = True) -> ActionName | int:
    if not is_valid_url(url):
        return 0
    normalized = normalize_url(url, url_filter)[:_NAME_LIMIT]
    if not split:
        return ActionName(normalized, action_type)
    name, prefix = split_prefix(normalized)
    return ActionName(name, action_type, prefix)


def _text_ref(value: str, action_type: int) -> ActionName | None:
    value = escape(value.strip())[:_NAME_LIMIT]
    return ActionName(value, action_type) if value else None


def _pageview(hit: TrackingRequest, url_filter: UrlFilter) -> Action:
    title = _text_ref(hit.action_name, PAGE_TITLE)
    action = Action(PAGEVIEW, page_url=hit.url)
    action.refs["idaction_url"] = _page_url_ref(hit.url, url_filter, PAGE_URL)
    action.refs["idaction_name"] = title if title is not None else 0
    action.values.update(hit.performance)
    if "bw_bytes" in hit.params:
        bandwidth = hit.get_int("bw_bytes", -1)
        if bandwidth >= 0:
            action.values["bandwidth"] = bandwidth
    return action


def _link_action(kind: str, url: str, action_type: int) -> Action:
    # Outlinks and downloads are stored as sent, escaped, without any filtering.
    name = escape(url.replace("\r", "").replace("\n", ""))[:_NAME_LIMIT]
    action = Action(kind, page_url=url)
    action.refs["idaction_url"] = ActionName(name, action_type)
    action.refs["idaction_name"] = None
    return action


def _event(hit: TrackingRequest, url_filter: UrlFilter) -> Action:
    action = Action(EVENT, page_url=hit.url)
    action.refs["idaction_url"] = _page_url_ref(hit.url, url_filter, EVENT_CATEGORY)
    action.refs["idaction_name"] = _text_ref(hit.get("e_n"), EVENT_NAME)
    action.refs["idaction_event_category"] = _text_ref(hit.get("e_c"), EVENT_CATEGORY)
    action.refs["idaction_event_action"] = _text_ref(hit.get("e_a"), EVENT_ACTION)
    action.values["custom_float"] = hit.get_number("e_v")
    return action


def _content(hit: TrackingRequest, url_filter: UrlFilter) -> Action:
    action = Action(CONTENT, page_url=hit.url)
    action.refs["idaction_url"] = _page_url_ref(hit.url, url_filter, CONTENT_NAME, split=False)
    action.refs["idaction_name"] = None
    action.refs["idaction_content_name"] = _text_ref(hit.get("c_n"), CONTENT_NAME)
    action.refs["idaction_content_piece"] = _text_ref(hit.get("c_p"), CONTENT_PIECE)
    action.refs["idaction_content_target"] = _text_ref(hit.get("c_t"), CONTENT_TARGET)
    action.refs["idaction_content_interaction"] = _text_ref(hit.get("c_i"),
                                                            CONTENT_INTERACTION)
    return action


def _site_search(hit: TrackingRequest, search_params: tuple[str, ...],
                 category_params: tuple[str, ...]) -> Action | None:
    url = hit.url
    if "search" not in hit.params and "?" not in url and "#" not in url:
        return None  # no keyword parameter, and no query to find one in
    keyword = hit.get("search").strip()
    category = hit.get("search_cat").strip()
    count: int | None = hit.get_int("search_count") if hit.get("search_count").strip() else None
    if keyword:
        keyword = escape(keyword)
    else:
        found = _search_in_url(hit.url, search_params, category_params)
        if found is None:
            return None
        keyword, url_category, url_count = found
        category = category or url_category
        count = count if count is not None else url_count
    action = Action(SEARCH, page_url=hit.url)
    action.refs["idaction_url"] = None
    action.refs["idaction_name"] = ActionName(keyword[:_NAME_LIMIT], SITE_SEARCH)
    action.values["search_cat"] = category[:200]
    action.values["search_count"] = count if count is None or count >= 0 else None
    return action


def _search_in_url(url: str, search_params: tuple[str, ...],
                   category_params: tuple[str, ...]) -> tuple[str, str, int | None] | None:
    if "?" not in url and "#" not in url:
        return None  # no query, no fragment: nothing to search in
    query = query_and_fragment(url)
    if not query:
        return None
    values: dict[str, str] = {}
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        name = decode_component(name).lower()
        if name.endswith("[]"):
            name = name[:-2]
        values.setdefault(name, decode_component(value).strip())
    keyword = next((values[p] for p in search_params if values.get(p)), "")
    if not keyword:
        return None
    category = next((values[p] for p in category_params if values.get(p)), "")
    count_text = values.get("search_count", "")
    count = int(count_text) if count_text.isdigit() and count_text.isascii() else None
    return keyword, category, count


def crc32(name: str) -> int:
    return zlib.crc32(name.encode("utf-8", "replace"))


_INSERT_ACTIONS = InsertWithIds(log_action, "idaction", ("name", "hash", "type", "url_prefix"))


class ActionStore:
    """log_action ids by (name, type): memory first, then the database, then insert.

    Ids inserted in the current transaction stay provisional until `committed()`,
    so a rolled-back batch leaves no id in memory that the database lacks.
    """

    def __init__(self, max_entries: int = 200_000) -> None:
        self.max_entries = max_entries
        self._ids: dict[tuple[str, int], int] = {}
        self._provisional: dict[tuple[str, int], int] = {}

    def resolve(self, conn: Connection, names: list[ActionName]) -> dict[tuple[str, int], int]:
        """Ids for every name (inserting those that do not exist yet)."""
        found: dict[tuple[str, int], int] = {}
        missing: dict[tuple[str, int], ActionName] = {}
        for action in names:
            key = (action.name, action.type)
            known = self._ids.get(key) or self._provisional.get(key)
            if known is not None:
                found[key] = known
            else:
                missing[key] = action
        if missing:
            found.update(self._fetch_or_insert(conn, missing))
        return found

    def id_of(self, conn: Connection, name: ActionName) -> int:
        """One name's id: memory (the batch's names are resolved up front), else resolve."""
        key = (name.name, name.type)
        known = self._ids.get(key) or self._provisional.get(key)
        return known if known is not None else self.resolve(conn, [name])[key]

    def _fetch_or_insert(self, conn: Connection,
                         missing: dict[tuple[str, int], ActionName]) -> dict[tuple[str, int], int]:
        found: dict[tuple[str, int], int] = {}
        hashes = sorted({crc32(name) for name, _ in missing})
        for start in range(0, len(hashes), 500):
            query = sa.select(log_action.c.idaction, log_action.c.name, log_action.c.type).where(
                log_action.c.hash.in_(hashes[start:start + 500])).order_by(log_action.c.idaction)
            for row in conn.execute(query):
                key = (row.name, row.type)
                if key in missing and key not in found:
                    found[key] = row.idaction
        to_insert = [action for key, action in missing.items() if key not in found]
        if to_insert:
            rows = [{"name": a.name, "hash": crc32(a.name), "type": a.type,
                     "url_prefix": a.url_prefix} for a in to_insert]
            ids = _INSERT_ACTIONS.execute(conn, rows)
            for action, new_id in zip(to_insert, ids, strict=True):
                found[(action.name, action.type)] = new_id
                self._provisional[(action.name, action.type)] = new_id
        for key, value in found.items():
            if key not in self._provisional:
                self._ids[key] = value
        return found

    def committed(self) -> None:
        if len(self._ids) + len(self._provisional) > self.max_entries:
            self._ids.clear()
        self._ids.update(self._provisional)
        self._provisional.clear()

    def forget(self) -> None:
        self._ids.clear()
        self._provisional.clear()


def has_custom_action(params: Params, *, sitesearch: bool,
                      search_params: tuple[str, ...]) -> bool:
    """For `ca=1` hits: whether some action type claims the hit (Matomo fails it otherwise)."""
    def given(name: str) -> bool:
        return bool(text(params, name).strip())

    if integer(params, "ping") == 1 or (integer(params, "idgoal", -1) >= 0 and "idgoal" in params):
        return True
    if given("download") or given("link") or given("c_n") or (given("e_c") and given("e_a")):
        return True
    if not sitesearch:
        return False
    return given("search") or _search_in_url(text(params, "url"), search_params, ()) is not None
