"""Websites: what the operator tracks, with the settings each site carries.

Shared by the CLI (`footfall site add`) and the SitesManager API, so both
validate a site the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from footfall.db.schema import site, site_url
from footfall.errors import BadRequest, NotFound


@dataclass(frozen=True)
class Site:
    """A tracked website and its tracking-relevant settings."""

    idsite: int
    name: str
    main_url: str
    timezone: str = "UTC"
    currency: str = "USD"
    ecommerce: bool = False
    sitesearch: bool = True
    ts_created: datetime | None = None
    alias_urls: tuple[str, ...] = ()
    excluded_ips: tuple[str, ...] = ()
    excluded_parameters: tuple[str, ...] = ()
    excluded_user_agents: tuple[str, ...] = ()
    excluded_referrers: tuple[str, ...] = ()
    sitesearch_keyword_parameters: tuple[str, ...] = ()
    sitesearch_category_parameters: tuple[str, ...] = ()
    keep_url_fragment: int = 0
    exclude_unknown_urls: bool = False
    type: str = "website"
    extra: dict[str, object] = field(default_factory=dict, compare=False)

    @property
    def urls(self) -> tuple[str, ...]:
        """Main URL first, then the aliases."""
        return (self.main_url, *(u for u in self.alias_urls if u != self.main_url))


def validate_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BadRequest(f"invalid site URL {url!r}: it must start with http:// or https://")
    return url.strip().rstrip("/")


def validate_timezone(timezone: str) -> str:
    if timezone.upper() == "UTC":
        return "UTC"
    if timezone.startswith("UTC") and _utc_offset_ok(timezone[3:]):
        return timezone  # Matomo's manual offsets: UTC+5.5, UTC-3
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadRequest(f"unknown timezone {timezone!r} (use a name such as Europe/Paris)") from None
    return timezone


def _utc_offset_ok(offset: str) -> bool:
    try:
        return offset[:1] in "+-" and -12 <= float(offset) <= 14
    except ValueError:
        return False


def validate_currency(currency: str) -> str:
    if len(currency) != 3 or not currency.isalpha():
        raise BadRequest(f"invalid currency {currency!r}: use a 3-letter ISO 4217 code")
    return currency.upper()


def add_site(engine: Engine, *, name: str, urls: list[str], timezone: str = "UTC",
             currency: str = "USD", ecommerce: bool = False,
             creator_login: str | None = None) -> int:
    """Create a site and return its idsite."""
    if not name.strip():
        raise BadRequest("a site needs a name")
    if not urls:
        raise BadRequest("a site needs at least one URL")
    clean_urls = [validate_url(u) for u in urls]
    values = dict(
        name=name.strip()[:90], main_url=clean_urls[0], ts_created=_utcnow(),
        timezone=validate_timezone(timezone), currency=validate_currency(currency),
        ecommerce=int(ecommerce), creator_login=creator_login,
    )
    with engine.begin() as conn:
        idsite = conn.execute(site.insert().values(**values)).inserted_primary_key[0]
        _store_urls(conn, idsite, clean_urls)
    return int(idsite)


def _store_urls(conn: Connection, idsite: int, urls: list[str]) -> None:
    conn.execute(site_url.delete().where(site_url.c.idsite == idsite))
    unique = list(dict.fromkeys(urls))
    if unique:
        conn.execute(site_url.insert(), [{"idsite": idsite, "url": u} for u in unique])


def list_sites(engine: Engine) -> list[Site]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(site).order_by(site.c.idsite)).mappings().all()
        urls = _urls_by_site(conn)
    return [_to_site(row, urls.get(row["idsite"], [])) for row in rows]


def get_site(engine: Engine, idsite: int) -> Site:
    with engine.connect() as conn:
        row = conn.execute(sa.select(site).where(site.c.idsite == idsite)).mappings().first()
        if row is None:
            raise NotFound(f"site {idsite} does not exist")
        urls = _urls_by_site(conn, idsite)
    return _to_site(row, urls.get(idsite, []))


def _urls_by_site(conn: Connection, idsite: int | None = None) -> dict[int, list[str]]:
    query = sa.select(site_url.c.idsite, site_url.c.url)
    if idsite is not None:
        query = query.where(site_url.c.idsite == idsite)
    found: dict[int, list[str]] = {}
    for sid, url in conn.execute(query):
        found.setdefault(sid, []).append(url)
    return found


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(item.strip() for item in (text or "").split(",") if item.strip())


def _to_site(row: sa.RowMapping, urls: list[str]) -> Site:
    return Site(
        idsite=row["idsite"], name=row["name"], main_url=row["main_url"],
        timezone=row["timezone"], currency=row["currency"], ecommerce=bool(row["ecommerce"]),
        sitesearch=bool(row["sitesearch"]), ts_created=row["ts_created"],
        alias_urls=tuple(u for u in urls if u != row["main_url"]),
        excluded_ips=_split(row["excluded_ips"]),
        excluded_parameters=_split(row["excluded_parameters"]),
        excluded_user_agents=_split(row["excluded_user_agents"]),
        excluded_referrers=_split(row["excluded_referrers"]),
        sitesearch_keyword_parameters=_split(row["sitesearch_keyword_parameters"]),
        sitesearch_category_parameters=_split(row["sitesearch_category_parameters"]),
        keep_url_fragment=row["keep_url_fragment"],
        exclude_unknown_urls=bool(row["exclude_unknown_urls"]), type=row["type"],
    )


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
