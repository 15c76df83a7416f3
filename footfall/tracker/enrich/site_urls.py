"""Which site a URL belongs to, by Matomo's rules (direct entries, website names).

The URLs of all sites are grouped by host (lower-cased, without 'www.'); a host
written with a leading '.' (or '*.') also covers its subdomains. Under a host,
paths (lower-cased, with a trailing '/') are tried deepest first, so a site at
example.com/shop/ owns example.com/shop/cart even when another site is at
example.com/. The host of the page being tracked always counts as its own site's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from footfall.tracker.enrich.urlparts import split_url

OWN = "own"  # owner tag of the tracked site's URLs (other sites are tagged "other")
OTHER = "other"


def canonical_host(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("*."):
        host = host[1:]
    return host[4:] if host.startswith("www.") else host


def canonical_path(path: str) -> str:
    path = (path or "/").lower()
    return path if path.endswith("/") else path + "/"


def _host_and_path(url: str) -> tuple[str, str] | None:
    text = url.strip()
    if "//" not in text:
        text = "http://" + text  # excluded referrers are often written without a scheme
    parts = split_url(text)
    if parts is None or not parts.netloc:
        return None
    host = parts.netloc.rsplit("@", 1)[-1]
    host = host if host.startswith("[") else host.split(":", 1)[0]
    return canonical_host(host), canonical_path(parts.path)


def _depth_order(path: str) -> tuple[int, tuple[int, ...]]:
    """More '/' first; among equals, the reverse of string order (Matomo's sort)."""
    return -path.count("/"), tuple(-ord(c) for c in path)


class UrlIndex:
    """Site URLs grouped by host, then path (deepest first), each with its owners."""

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        grouped: dict[str, dict[str, set[str]]] = {}
        for owner, url in entries:
            found = _host_and_path(url)
            if found is not None:
                host, path = found
                grouped.setdefault(host, {}).setdefault(path, set()).add(owner)
        self._hosts = {
            host: [(path, frozenset(paths[path])) for path in sorted(paths, key=_depth_order)]
            for host, paths in grouped.items()
        }

    def owners(self, host: str, path: str, *, page_host: str = "") -> frozenset[str] | None:
        """Who owns a URL (Matomo's getIdSitesMatchingUrl); None when no site does.

        `page_host` is the tracked page's host, which belongs to the tracked site.
        """
        wanted, wanted_path = canonical_host(host), canonical_path(path)
        page = canonical_host(page_host) if page_host else ""
        for candidate in _hosts_to_check(wanted):
            paths = self._paths(candidate, page)
            if not paths:
                continue
            for site_path, owners in paths:
                if wanted_path.startswith(site_path):
                    return owners
        return None

    def matching_path(self, host: str, path: str, *, page_host: str = "") -> str | None:
        """The deepest site path under exactly this host that `path` starts with."""
        page = canonical_host(page_host) if page_host else ""
        wanted_path = canonical_path(path)
        for site_path, _ in self._paths(canonical_host(host), page):
            if wanted_path.startswith(site_path):
                return site_path
        return None

    def _paths(self, host: str, page_host: str) -> list[tuple[str, frozenset[str]]]:
        paths = self._hosts.get(host, [])
        if host != page_host:
            return paths
        merged = dict(paths)
        merged["/"] = merged.get("/", frozenset()) | {OWN}
        return [(path, merged[path]) for path in sorted(merged, key=_depth_order)]


def _hosts_to_check(host: str) -> list[str]:
    """my.sub.example.org, .my.sub.example.org, .sub.example.org, .example.org"""
    hosts = [host, "." + host]
    while host.count(".") >= 2:
        host = host[host.index(".") + 1 :]
        hosts.append("." + host)
    return hosts


@lru_cache(maxsize=4096)
def url_index(own: tuple[str, ...], other: tuple[str, ...] = ()) -> UrlIndex:
    """The index of a site's URLs (and excluded referrers) and the other sites' URLs."""
    return UrlIndex([*((OWN, url) for url in own), *((OTHER, url) for url in other)])


class SiteUrls:
    """The URLs of one site, for "does this URL belong to the site?" questions."""

    def __init__(self, urls: Sequence[str]) -> None:
        self._index = url_index(tuple(urls))

    def matches(self, host: str, path: str) -> bool:
        return self._index.owners(host, path or "/") is not None


@lru_cache(maxsize=4096)
def site_urls_of(urls: tuple[str, ...]) -> SiteUrls:
    """Parsed site URLs, shared between hits of the same site."""
    return SiteUrls(urls)


def is_site_url(site_urls: Sequence[str], url: str) -> bool:
    """Does `url` belong to the site (Matomo's `exclude_unknown_urls` test)? Its host must
    match one of the site's URLs, and its path the deepest matching site path."""
    found = _host_and_path(url) if "//" in url else None
    if found is None:
        return False
    host, path = found
    return url_index(tuple(site_urls)).owners(host, path) is not None
