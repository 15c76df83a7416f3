"""Search-engine and social-network recognition of referrer URLs (reference §5.3).

The definitions live in footfall/data/search_engines.yml and social_networks.yml;
a user file in the same layout extends them (its entries win on equal hosts).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from footfall.errors import ConfigError
from footfall.tracker.enrich.datafiles import load_json, load_yaml, packaged
from footfall.tracker.enrich.urlparts import (
    php_trim,
    query_param,
    split_url,
    urldecode,
    urldecode_bytes,
)

# Matomo's default "keyword not provided" paths: an empty path, or '/'.
_DEFAULT_NO_KEYWORD_PATHS = ("/^$/", "/")
_MEMO_ENTRIES = 50_000
_GOOGLE_VERTICALS = {"isch": "Google Images", "vid": "Google Video", "shop": "Google Shopping"}


@dataclass(frozen=True)
class SearchEngineRule:
    """One block of the search-engine file: a name and how to read its keyword."""

    name: str
    keyword_params: tuple[str, ...]
    no_keyword_paths: tuple[str, ...] = _DEFAULT_NO_KEYWORD_PATHS
    charsets: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchHit:
    """A recognised engine; keyword None means 'keyword not provided'."""

    name: str
    keyword: str | None


@dataclass
class ReferrerDefinitions:
    """Hosts of search engines, domains of social networks; loaded once at start-up."""

    engines: dict[str, SearchEngineRule] = field(default_factory=dict)
    socials: list[tuple[str, str]] = field(default_factory=list)
    _any_social: re.Pattern[str] | None = field(default=None, repr=False)
    # Answers by referrer URL: the same URLs come back hit after hit.
    _memo: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, extra_files: Sequence[str | Path] = ()) -> ReferrerDefinitions:
        definitions = cls()
        definitions.add_file(packaged("search_engines.yml"))
        definitions.add_file(packaged("social_networks.yml"))
        for path in extra_files:
            definitions.add_file(path)
        return definitions

    def add_file(self, path: str | Path) -> None:
        """Add a definitions file; a user's mistake in it is a ConfigError naming the file."""
        try:
            document = load_yaml(path) or {}
            if not isinstance(document, dict):
                raise TypeError("expected a mapping with search_engines: and/or social_networks:")
            self.add_search_engines(document.get("search_engines") or [])
            self.add_social_networks(document.get("social_networks") or [])
        except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError, re.error) as error:
            raise ConfigError(f"referrer definitions: {path}: {type(error).__name__}: {error}") from error

    def add_search_engines(self, entries: Iterable[dict[str, Any]]) -> None:
        for entry in entries:
            for pattern in entry.get("keyword_params") or ():
                if str(pattern).startswith("/"):
                    _php_regex(str(pattern))  # a bad pattern fails now, not on a hit
            rule = SearchEngineRule(
                name=str(entry["name"]),
                keyword_params=tuple(str(p) for p in entry.get("keyword_params") or ()),
                no_keyword_paths=tuple(entry.get("no_keyword_paths") or _DEFAULT_NO_KEYWORD_PATHS),
                charsets=tuple(entry.get("charsets") or ()),
            )
            for host in entry.get("hosts") or ():
                self.engines[str(host)] = rule  # a later definition wins, as in Matomo
        self._memo.clear()

    def add_social_networks(self, entries: Iterable[dict[str, Any]]) -> None:
        for entry in entries:
            for domain in entry.get("domains") or ():
                _social_pattern(str(domain))  # a bad pattern fails now, not on a hit
                self.socials.append((str(domain), str(entry["name"])))
        self._any_social = None
        self._memo.clear()

    def _remember(self, kind: str, url: str, answer: Any) -> Any:
        if len(self._memo) >= _MEMO_ENTRIES:
            self._memo.clear()
        self._memo[(kind, url)] = answer
        return answer

    def social_network(self, referrer_url: str) -> str | None:
        key = ("social", referrer_url)
        if key in self._memo:
            return self._memo[key]
        return self._remember("social", referrer_url, self._social_network(referrer_url))

    def search_engine(self, referrer_url: str) -> SearchHit | None:
        """The engine of `referrer_url` and its keyword, or None if it is not an engine."""
        key = ("engine", referrer_url)
        if key in self._memo:
            return self._memo[key]
        return self._remember("engine", referrer_url, self._search_engine(referrer_url))

    def _social_network(self, referrer_url: str) -> str | None:
        """The network whose domain appears in the URL between '.', '/' or the ends.

        The first listed network wins, as in Matomo; one combined pattern first
        rules out the (usual) referrers that are no social network at all. As in
        Matomo, the match is case-sensitive and a domain is used as a pattern (its
        dots match any character).
        """
        if self._any_social is None:
            alternation = "|".join(f"(?:{domain})" for domain, _ in self.socials) or "(?!)"
            self._any_social = re.compile(r"(?:^|[./])(?:" + alternation + r")(?:[./]|$)")
        if not self._any_social.search(referrer_url):
            return None
        for domain, name in self.socials:
            if _social_pattern(domain).search(referrer_url):
                return name
        return None

    def _search_engine(self, referrer_url: str) -> SearchHit | None:
        parts = split_url(referrer_url)
        if parts is None:
            return None
        host = _hostname(parts)
        if not host:
            return None
        query = parts.query + ("&" + parts.fragment if parts.fragment else "")
        engine_host = self._engine_host(host, parts.path, query)
        if engine_host is None:
            return None
        rule = self.engines[engine_host]
        return _read_keyword(rule, referrer_url, parts.path, query, parts.fragment)

    def _engine_host(self, host: str, path: str, query: str) -> str | None:
        lossy = lossy_host(host)
        for candidate in (host + path, host, lossy + path, lossy):
            if candidate in self.engines:
                return candidate
        special = _special_engine_host(host, path, query)
        return special if special in self.engines else None


def _hostname(parts: Any) -> str:
    try:
        return parts.hostname or ""
    except ValueError:
        return ""


def _special_engine_host(host: str, path: str, query: str) -> str | None:
    if query.startswith("cx=partner-pub-"):
        return "google.com/cse"
    if path.startswith("/pemonitorhosted/ws/results/"):
        return "wsdsold.infospace.com"
    if host.find(".images.search.yahoo.com") > 0:
        return "images.search.yahoo.com"
    if host.find(".search.yahoo.com") > 0:
        return "search.yahoo.com"
    return None


def _read_keyword(rule: SearchEngineRule, url: str, path: str, query: str, fragment: str) -> SearchHit | None:
    name = rule.name
    keyword: str | None | bool = None  # False = "engine, keyword not provided"
    if name == "Google Images" and "&prev" in query:
        # Old image-result URLs carry the search in prev=/images?q=...
        previous = urldecode(php_trim(query_param(query, "prev") or ""))
        query = previous.split("?", 1)[1] if "?" in previous else ""
    if name == "Google":
        keyword = _google_advanced_keyword(query)
        name = _GOOGLE_VERTICALS.get(query_param(query, "tbm") or "", name)
    if not keyword:
        keyword = _keyword_from_params(rule, url, query)
    if keyword is None or keyword == "":
        where = path + ("?" + query if query else "") + ("#" + fragment if fragment else "")
        if any(_path_matches(pattern, where) for pattern in rule.no_keyword_paths):
            keyword = False
    if keyword is None or keyword == "":
        return None
    if keyword is False:
        return SearchHit(name, None)
    return SearchHit(name, str(keyword).lower())


def _keyword_from_params(rule: SearchEngineRule, url: str, query: str) -> str | bool | None:
    keyword: str | bool | None = None
    for param in rule.keyword_params:
        if param.startswith("/"):
            match = _php_regex(param).search(url)
            if match:
                return php_trim(urldecode(match.group(1) or ""))
            continue
        raw = query_param(query, param)
        keyword = php_trim(_decode_keyword(raw or "", rule.charsets))
        if not keyword and (f"&{param}=" in query or f"?{param}=" in query):
            keyword = False
        if keyword or keyword is False:
            return keyword
    return keyword


def _decode_keyword(raw: str, charsets: Sequence[str]) -> str:
    if not raw or not charsets:
        return urldecode(raw)
    data = urldecode_bytes(raw)
    for charset in charsets:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode(charsets[0] if _known_codec(charsets[0]) else "utf-8", errors="ignore")


def _known_codec(name: str) -> bool:
    try:
        b"".decode(name)
    except LookupError:
        return False
    return True


def _google_advanced_keyword(query: str) -> str | None:
    """Google's advanced search (as_q, as_oq, as_epq, as_eq) composed into one keyword."""
    if "&as_" not in query and not query.startswith("as_"):
        return None
    pieces = []
    for param, template in (("as_q", "{}"), ("as_oq", "{}"), ("as_epq", '"{}"'), ("as_eq", "-{}")):
        value = query_param(query, param)
        if value:
            value = value.replace("+", " OR ") if param == "as_oq" else value
            pieces.append(template.format(value))
    return php_trim(urldecode(" ".join(pieces))) or None


def _path_matches(pattern: str, where: str) -> bool:
    if len(pattern) > 1 and pattern.startswith("/") and pattern.endswith("/"):
        return _php_regex(pattern).search(where) is not None
    return pattern == where


@cache
def _php_regex(pattern: str) -> re.Pattern[str]:
    """A PCRE literal '/body/flags' as a Python pattern."""
    end = pattern.rfind("/")
    body, flags = pattern[1:end], pattern[end + 1 :]
    options = re.IGNORECASE if "i" in flags else 0
    return re.compile(body, options)


@cache
def _social_pattern(domain: str) -> re.Pattern[str]:
    return re.compile(r"(?:^|[./])" + domain + r"(?:[./]|$)")


@cache
def _country_alternation() -> str:
    data = load_json("countries.json")
    codes = sorted(set(data["countries"]) | set(data["extras"]), key=len, reverse=True)
    return "|".join(codes)


@cache
def _lossy_rules() -> tuple[tuple[re.Pattern[str], str], ...]:
    countries = _country_alternation()
    return (
        (re.compile(r"^(w+[0-9]*|search)\."), ""),
        (re.compile(r"(^|\.)m\."), r"\1"),
        (re.compile(r"(\.(com|org|net|co|it|edu))?\.(" + countries + r")(/|$)"), r".{}\4"),
        (re.compile(r"(^|\.)(" + countries + r")\."), r"\1{}."),
    )


@lru_cache(maxsize=65_536)
def lossy_host(host: str) -> str:
    """Matomo's lossy host: 'www.google.co.uk' -> 'google.{}', 'de.x.com' -> '{}.x.com'."""
    for pattern, replacement in _lossy_rules():
        host = pattern.sub(replacement, host)
    return host
