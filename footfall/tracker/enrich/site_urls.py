"""Does a URL belong to a site? Matomo's rule for direct entries and website names:
host compared lower-case with 'www.' ignored, a leading '.' in a site URL's host
matches every subdomain, and a site URL's path is a prefix of the visited path."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from footfall.tracker.enrich.urlparts import split_url


@lru_cache(maxsize=65_536)
def _normal_host(host: str) -> str:
    host = host.lower().strip()
    return host[4:] if host.startswith("www.") else host


@dataclass(frozen=True)
class _SiteUrl:
    host: str  # lower-case, without 'www.'; a leading '.' means "and any subdomain"
    path: str  # '/' when the URL has none


def _site_url(url: str) -> _SiteUrl | None:
    text = url.strip()
    if "//" not in text:
        text = "http://" + text
    parts = split_url(text)
    if parts is None or not parts.netloc:
        return None
    host = parts.netloc.rsplit("@", 1)[-1]
    if not host.startswith("["):
        host = host.split(":", 1)[0]
    return _SiteUrl(_normal_host(host), parts.path or "/")


class SiteUrls:
    """The URLs of one site (main URL, aliases, excluded referrers) for matching."""

    def __init__(self, urls: Sequence[str]) -> None:
        self._urls = tuple(u for u in map(_site_url, urls) if u is not None)

    def __bool__(self) -> bool:
        return bool(self._urls)

    def matching_path(self, host: str, path: str) -> str | None:
        """The longest site-URL path that is a prefix of `path` on a matching host."""
        wanted = _normal_host(host)
        best: str | None = None
        for site_url in self._urls:
            if not _host_matches(site_url.host, wanted):
                continue
            prefix = path.startswith(site_url.path)
            same = (path or "/") == site_url.path.rstrip("/") + "/"
            if (prefix or same) and (best is None or len(site_url.path) > len(best)):
                best = site_url.path
        return best

    def matches(self, host: str, path: str) -> bool:
        return self.matching_path(host, path or "/") is not None


def _host_matches(site_host: str, host: str) -> bool:
    if site_host.startswith("."):
        return host == site_host[1:] or host.endswith(site_host)
    return host == site_host


@lru_cache(maxsize=4096)
def site_urls_of(urls: tuple[str, ...]) -> SiteUrls:
    """Parsed site URLs, shared between hits of the same site."""
    return SiteUrls(urls)
