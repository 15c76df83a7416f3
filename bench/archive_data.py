"""A fast, direct raw-log generator for the archiving benchmark: one day of one site.

Tracking a million actions through the tracker would take longer than the
benchmark itself, so this writes log_visit / log_link_visit_action /
log_action rows the way the tracker shapes them (reference tracking-api §3.5,
§4.5-4.6), with realistic cardinalities: a few thousand page URLs in folders,
titles, downloads, outlinks, site-search keywords, 60 countries, browsers,
operating systems, resolutions, languages, referrers of every type, user ids.
The database file is cached under bench/.cache/ and copied for each run.
"""

from __future__ import annotations

import random
import shutil
import zlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from footfall import testing
from footfall.db.schema import log_action, log_link_visit_action, log_visit, site

CACHE = Path(__file__).resolve().parent / ".cache"
DAY = date(2026, 11, 2)
COUNTRIES = ["us", "de", "fr", "gb", "in", "br", "jp", "ca", "it", "es", "nl", "pl", "se", "au",
             "ru", "cn", "mx", "ar", "za", "ng", "eg", "tr", "kr", "id", "vn", "th", "ph",
             "ch", "at", "be", "dk", "no", "fi", "ie", "pt", "gr", "cz", "hu", "ro", "ua",
             "il", "sa", "ae", "sg", "my", "nz", "cl", "co", "pe", "ve", "ke", "ma", "dz",
             "pk", "bd", "lk", "np", "ir", "iq", "xx"]
BROWSERS = [("CH", "Blink"), ("FF", "Gecko"), ("SF", "WebKit"), ("CM", "Blink"),
            ("MF", "Gecko"), ("PS", "Blink"), ("OP", "Blink"), ("IE", "Trident"),
            ("EG", "Blink"), ("SB", "Blink"), ("YA", "Blink"), ("UC", "WebKit")]
OSES = [("WIN", "10"), ("WIN", "11"), ("MAC", "14.1"), ("AND", "14"), ("AND", "13"),
        ("IOS", "17.1"), ("LIN", ""), ("UBT", "22.04"), ("CRO", "")]
RESOLUTIONS = ["1920x1080", "1366x768", "1536x864", "390x844", "414x896", "1440x900",
               "2560x1440", "360x800", "1280x720", "768x1024", "unknown"]
LANGUAGES = ["en-us", "en-gb", "de-de", "fr-fr", "es-es", "pt-br", "ja-jp", "it-it", "nl-nl",
             "pl-pl", "ru-ru", "zh-cn", "ko-kr", "sv-se", "tr-tr"]
ENGINES = ["Google", "Bing", "DuckDuckGo", "Yahoo!", "Yandex", "Baidu", "Ecosia"]
SOCIALS = ["Facebook", "Twitter", "LinkedIn", "Reddit", "YouTube", "Instagram"]


@dataclass(frozen=True)
class Size:
    visits: int
    actions_per_visit: float


FULL = Size(visits=150_000, actions_per_visit=6.7)
QUICK = Size(visits=15_000, actions_per_visit=6.7)


def cached_database(size: Size, target_dir: Path) -> str:
    """A SQLite database holding the day's raw log (generated once, then copied)."""
    CACHE.mkdir(exist_ok=True)
    cached = CACHE / f"archive-v2-{size.visits}-{size.actions_per_visit}.sqlite3"
    if not cached.exists():
        building = cached.with_suffix(".building")
        building.unlink(missing_ok=True)
        generate(f"sqlite:///{building}", size)
        building.rename(cached)
    copy = target_dir / "footfall.sqlite3"
    shutil.copyfile(cached, copy)
    return f"sqlite:///{copy}"


def generate(url: str, size: Size, *, seed: int = 7) -> None:
    engine = testing.migrated_engine(url)
    try:
        idsite = testing.create_site(engine, name="Bench", urls=["https://shop.example"])
        with engine.begin() as conn:
            conn.execute(site.update().values(ts_created=datetime(2020, 1, 1)))
        writer = _Writer(engine, random.Random(seed), idsite)
        writer.write_all(size)
    finally:
        engine.dispose()


class _Writer:
    def __init__(self, engine: sa.Engine, rng: random.Random, idsite: int) -> None:
        self.engine, self.rng, self.idsite = engine, rng, idsite
        self.names: dict[tuple[str, int], int] = {}
        self.pages = [self._page(i) for i in range(3000)]
        self.downloads = [f"https://files.shop.example/d/{i}.zip" for i in range(150)]
        self.outlinks = [f"https://partner{i % 60}.example/p/{i}" for i in range(400)]
        self.keywords = [f"keyword {i}" for i in range(800)]
        self.search_terms = [f"search term {i}" for i in range(600)]

    def _page(self, index: int) -> tuple[str, str]:
        section = f"section{index % 25}"
        sub = f"topic{index % 7}"
        return f"shop.example/{section}/{sub}/page-{index}", f"Page {index} - {section}"

    def action_id(self, name: str, type_: int, prefix: int | None = None) -> int:
        key = (name, type_)
        if key not in self.names:
            self.names[key] = len(self.names) + 1
            self._pending_actions.append({"idaction": self.names[key], "name": name,
                                          "hash": zlib.crc32(name.encode()), "type": type_,
                                          "url_prefix": prefix})
        return self.names[key]

    def write_all(self, size: Size) -> None:
        self._pending_actions: list[dict[str, Any]] = []
        visits, actions = [], []
        for idvisit in range(1, size.visits + 1):
            visit, rows = self._visit(idvisit, size)
            visits.append(visit)
            actions.extend(rows)
        # The tracker writes in time order: visits as they start, actions as they happen.
        visits.sort(key=lambda v: v["visit_first_action_time"])
        renumber = {v["idvisit"]: number for number, v in enumerate(visits, start=1)}
        for visit in visits:
            visit["idvisit"] = renumber[visit["idvisit"]]
        for action in actions:
            action["idvisit"] = renumber[action["idvisit"]]
        actions.sort(key=lambda a: a["server_time"])
        _insert(self.engine, log_action, self._pending_actions)
        _insert(self.engine, log_visit, visits)
        _insert(self.engine, log_link_visit_action, actions)

    def _visit(self, idvisit: int, size: Size) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        rng = self.rng
        count = 1 if rng.random() < 0.35 else max(2, int(rng.expovariate(
            1 / ((size.actions_per_visit - 0.35) / 0.65))) + 1)
        gaps = [rng.randint(5, 240) for _ in range(count - 1)]
        start = datetime.combine(DAY, time()) + timedelta(
            seconds=rng.randint(0, 86399 - sum(gaps)))
        visitor = rng.getrandbits(64).to_bytes(8, "big") if rng.random() < 0.8 else \
            (idvisit % 20000).to_bytes(8, "big")
        rows, now, entry, exit_ = [], start, None, None
        url_ref, name_ref, position = 0, 0, 0
        for index in range(count):
            if index:
                now += timedelta(seconds=gaps[index - 1])
            row, page = self._action(idvisit, visitor, now, index, gaps, url_ref, name_ref)
            if page is not None:
                position += 1
                row["pageview_position"] = position
                url_ref, name_ref = page
                entry = entry or page
                exit_ = page
            rows.append(row)
        return self._visit_row(idvisit, visitor, start, now, count, entry, exit_), rows

    def _action(self, idvisit: int, visitor: bytes, now: datetime, index: int, gaps: list[int],
                url_ref: int, name_ref: int) -> tuple[dict[str, Any], tuple[int, int] | None]:
        rng, kind = self.rng, self.rng.random()
        row: dict[str, Any] = {
            "idsite": self.idsite, "idvisitor": visitor, "idvisit": idvisit, "server_time": now,
            "idaction_url_ref": url_ref, "idaction_name_ref": name_ref,
            "time_spent_ref_action": gaps[index - 1] if index else 0}
        if kind < 0.05 and index:
            row["idaction_url"] = self.action_id(rng.choice(self.downloads), 3)
            return row, None
        if kind < 0.10 and index:
            row["idaction_url"] = self.action_id(rng.choice(self.outlinks), 2)
            return row, None
        if kind < 0.15:
            keyword = self.action_id(rng.choice(self.search_terms), 8)
            row.update(idaction_url=None, idaction_name=keyword,
                       search_cat=rng.choice(["", "shoes", "shirts"]),
                       search_count=rng.choice([None, 0, 3, 12]))
            return row, (0, keyword)
        url, title = self.pages[min(int(rng.paretovariate(1.2)) - 1, len(self.pages) - 1)]
        page = (self.action_id(url, 1, 3), self.action_id(title, 4))
        row.update(idaction_url=page[0], idaction_name=page[1])
        return row, page

    def _referrer(self) -> dict[str, Any]:
        return _referrer_for(self.rng, self.keywords)

    def _visit_row(self, idvisit: int, visitor: bytes, first: datetime, last: datetime,
                   count: int, entry: tuple[int, int] | None,
                   exit_: tuple[int, int] | None) -> dict[str, Any]:
        rng = self.rng
        browser, engine = rng.choice(BROWSERS)
        os_code, os_version = rng.choice(OSES)
        ref = self._referrer()
        returning = rng.random() < 0.3
        return {
            "idvisit": idvisit, "idsite": self.idsite, "idvisitor": visitor,
            "config_id": visitor, "location_ip": b"\x0a\x00\x00\x00",
            "visit_first_action_time": first, "visit_last_action_time": last,
            "visit_total_time": 0 if count == 1 else int((last - first).total_seconds()) + 1,
            "visit_total_actions": count, "visit_total_interactions": count,
            "visit_total_searches": 0, "visit_total_events": 0,
            "visit_goal_converted": int(rng.random() < 0.03), "visit_goal_buyer": 0,
            "visitor_returning": int(returning), "visitor_count_visits":
                rng.randint(2, 40) if returning else 1,
            "visitor_seconds_since_last": rng.randint(60, 90 * 86400) if returning else 0,
            "visit_entry_idaction_url": entry[0] if entry else None,
            "visit_entry_idaction_name": entry[1] if entry else 0,
            "visit_exit_idaction_url": exit_[0] if exit_ else 0,
            "visit_exit_idaction_name": exit_[1] if exit_ else 0,
            "user_id": f"user{rng.randint(1, 3000)}" if rng.random() < 0.05 else None,
            "location_country": rng.choice(COUNTRIES), "location_region": None,
            "location_city": None, "location_browser_lang": rng.choice(LANGUAGES),
            "config_browser_name": browser, "config_browser_engine": engine,
            "config_browser_version": f"{rng.randint(90, 130)}.0", "config_os": os_code,
            "config_os_version": os_version, "config_device_type": rng.choice([0, 0, 1, 1, 2]),
            "config_device_brand": rng.choice(["", "AP", "SA", "XI", "GO"]),
            "config_device_model": rng.choice(["", "iPhone", "Galaxy S23", "Pixel 8"]),
            "config_resolution": rng.choice(RESOLUTIONS), "config_cookie": 1,
            "config_flash": 0, "config_java": 0, "config_pdf": int(rng.random() < 0.7),
            "visitor_localtime": time(rng.randint(0, 23), rng.randint(0, 59)),
            **ref,
        }


def _referrer_for(rng: random.Random, keywords: list[str]) -> dict[str, Any]:
    """Direct entry, search, website, social or campaign, in rough real-world shares."""
    draw = rng.random()
    if draw < 0.35:
        return {"referer_type": 2, "referer_name": rng.choice(ENGINES),
                "referer_keyword": rng.choice(keywords + [None] * 200)}
    if draw < 0.50:
        host = f"site{rng.randint(1, 700)}.example"
        return {"referer_type": 3, "referer_name": host,
                "referer_url": f"https://{host}/post/{rng.randint(1, 30)}"}
    if draw < 0.60:
        network = rng.choice(SOCIALS)
        return {"referer_type": 7, "referer_name": network,
                "referer_url": f"https://{network.lower()}.com/x/{rng.randint(1, 50)}"}
    if draw < 0.65:
        return {"referer_type": 6, "referer_name": f"campaign{rng.randint(1, 40)}",
                "referer_keyword": f"kw{rng.randint(1, 10)}"}
    return {"referer_type": 1}


def _insert(engine: sa.Engine, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """executemany in chunks straight through the driver (the ORM-free fast path)."""
    columns = sorted({key for row in rows for key in row})
    compiled = table.insert().compile(dialect=engine.dialect, column_keys=columns)
    positional = compiled.positional
    order = compiled.positiontup or columns
    types = {c: table.c[c].type for c in columns}
    processors = {c: types[c].dialect_impl(engine.dialect).bind_processor(engine.dialect)
                  for c in columns}
    with engine.begin() as conn:
        for start in range(0, len(rows), 20_000):
            chunk = []
            for row in rows[start:start + 20_000]:
                values = {c: _bind(processors[c], row.get(c)) for c in columns}
                chunk.append(tuple(values[c] for c in order) if positional else values)
            conn.exec_driver_sql(str(compiled), chunk)


def _bind(processor: Any, value: Any) -> Any:
    return processor(value) if processor is not None and value is not None else value
