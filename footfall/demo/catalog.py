"""The demo website and the world around it, built from footfall/data/demo_*.

Everything a generated hit may contain is prepared here once, with its
query-string fragment already percent-encoded, so that generating a million
hits is string concatenation rather than URL encoding.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def enc(value: object) -> str:
    """Percent-encode a parameter value exactly once (space as %20)."""
    return quote(str(value), safe="")


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    category: str
    price: float

    def ec_item(self, quantity: int) -> list[object]:
        return [self.sku, self.name, self.category, self.price, quantity]


@dataclass(frozen=True)
class Page:
    """One page of the demo site; `query` is its ready-made `&url=...&action_name=...`."""

    path: str
    title: str
    section: str
    url: str
    query: str
    author: str = ""
    product: Product | None = None


@dataclass(frozen=True)
class Country:
    code: str
    weight: float
    offset: int
    languages: tuple[str, ...]
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]


@dataclass(frozen=True)
class UserAgent:
    device: str
    weight: float
    text: str


@dataclass(frozen=True)
class Catalog:
    """The demo site's pages and every list the traffic generator draws from."""

    name: str
    base_url: str
    currency: str
    timezone: str
    pages: tuple[Page, ...]
    by_section: dict[str, tuple[Page, ...]]
    by_path: dict[str, Page]
    products: tuple[Product, ...]
    countries: tuple[Country, ...]
    user_agents: tuple[UserAgent, ...]
    bot_agents: tuple[str, ...]
    bot_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
    raw: dict[str, Any]

    def page(self, path: str) -> Page:
        return self.by_path[path]


def _load_yaml(name: str) -> dict[str, Any]:
    with open(DATA_DIR / name, encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.safe_load(handle)
    return loaded


def _lines(name: str) -> list[str]:
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _page(base: str, path: str, title: str, section: str, **extra: Any) -> Page:
    url = base + path
    return Page(path=path, title=title, section=section, url=url,
                query=f"&url={enc(url)}&action_name={enc(title)}", **extra)


def _blog_pages(base: str, raw: dict[str, Any]) -> list[Page]:
    pages = []
    authors = raw["blog_authors"]
    for t, topic in enumerate(raw["blog_topics"]):
        for p, pattern in enumerate(raw["blog_patterns"]):
            heading = pattern.format(topic=topic)
            heading = heading[0].upper() + heading[1:]
            pages.append(_page(base, f"/blog/{slugify(heading)}", f"{heading} – Northwind blog",
                               "blog", author=authors[(t + p) % len(authors)]))
    return pages


def _guide_pages(base: str, raw: dict[str, Any]) -> list[Page]:
    pages = []
    for region in raw["guide_regions"]:
        pages.append(_page(base, f"/guides/{slugify(region)}/", f"{region} – trail guides", "guides"))
        for trail in raw["guide_trails"]:
            pages.append(_page(base, f"/guides/{slugify(region)}/{slugify(trail)}",
                               f"{region}: {trail} – trail guide", "guides"))
    return pages


def _shop_pages(base: str, raw: dict[str, Any]) -> tuple[list[Page], list[Product]]:
    pages, products = [], []
    for c, (category, items) in enumerate(raw["shop"].items()):
        pages.append(_page(base, f"/shop/{slugify(category)}/", f"{category} – Shop", "shop"))
        for i, (name, price) in enumerate(items):
            product = Product(sku=f"NW-{c + 1:02d}{i + 1:02d}", name=name, category=category,
                              price=float(price))
            products.append(product)
            pages.append(_page(base, f"/shop/{slugify(category)}/{slugify(name)}",
                               f"{name} – {category} – Shop", "product", product=product))
    return pages, products


def _countries() -> tuple[tuple[Country, ...], tuple[Any, ...]]:
    raw = _load_yaml("demo_countries.yml")
    countries = tuple(
        Country(code=code, weight=float(c["weight"]), offset=int(c["offset"]),
                languages=tuple(c["languages"]),
                networks=tuple(ipaddress.ip_network(n) for n in c["ips"]))
        for code, c in raw["countries"].items())
    return countries, tuple(ipaddress.ip_network(n) for n in raw["bots"]["ips"])


@cache
def load_catalog(base_url: str | None = None) -> Catalog:
    """The demo site (optionally at another base URL) and its surroundings."""
    raw = _load_yaml("demo_site.yml")
    base = (base_url or raw["url"]).rstrip("/")
    pages = [_page(base, path, title, section) for path, title, section in raw["fixed_pages"]]
    pages += [_page(base, f"/help/{slugify(t)}", f"{t} – Help centre", "help")
              for t in raw["help_topics"]]
    shop_pages, products = _shop_pages(base, raw)
    pages += _blog_pages(base, raw) + _guide_pages(base, raw) + shop_pages
    sections: dict[str, list[Page]] = {}
    for page in pages:
        sections.setdefault(page.section, []).append(page)
    agents = [line.split("\t") for line in _lines("demo_user_agents.txt")]
    countries, bot_networks = _countries()
    return Catalog(
        name=raw["name"], base_url=base, currency=raw["currency"], timezone=raw["timezone"],
        pages=tuple(pages), by_section={k: tuple(v) for k, v in sections.items()},
        by_path={p.path: p for p in pages}, products=tuple(products), countries=countries,
        user_agents=tuple(UserAgent(d, float(w), ua) for d, w, ua in agents),
        bot_agents=tuple(_lines("demo_bots.txt")), bot_networks=bot_networks, raw=raw)
