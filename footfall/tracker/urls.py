"""Text and URL clean-up before storage (reference §4.3, §4.4).

`escape` is Matomo's input sanitising (entity-decode, drop NUL, HTML-escape
with quotes); `normalize_url` is the page-URL filter: matrix parameters, host
case, fragment, excluded and session parameters, query re-serialisation;
`split_prefix` gives log_action's `url_prefix` id.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from footfall.tracker.enrich.urlparts import looks_like_url, split_url

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#039;"})
_QUERY_ESCAPES = str.maketrans({"<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#039;"})
PREFIXES = (("http://www.", 1), ("http://", 0), ("https://www.", 3), ("https://", 2))
_PREFIX_BY_ID = {pid: prefix for prefix, pid in PREFIXES}


# PHP's html_entity_decode only decodes entities closed by ';'. Python's html.unescape
# also decodes legacy ones without it, which would turn "?a=1&para=2" into "?a=1¶=2".
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def unescape(value: str) -> str:
    """Decode HTML entities as Matomo does (terminated ones only)."""
    if "&" not in value:
        return value
    return _ENTITY.sub(lambda match: html.unescape(match.group(0)), value)


def escape(value: str) -> str:
    """Matomo's stored form of free text: decode entities, drop NUL, escape & < > " '."""
    return unescape(value).replace("\0", "").translate(_ESCAPES)


def is_valid_url(url: str) -> bool:
    return bool(url) and looks_like_url(url)


@dataclass(frozen=True)
class UrlFilter:
    """The parameters removed from a site's URLs: exact names and /regex/ entries."""

    names: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]
    keep_fragment: bool

    @classmethod
    def build(cls, entries: Iterable[str], *, keep_fragment: bool) -> UrlFilter:
        names: set[str] = set()
        patterns: list[re.Pattern[str]] = []
        for entry in entries:
            entry = entry.strip()
            if not entry:
                continue
            compiled = _regex_entry(entry)
            if compiled is not None:
                patterns.append(compiled)
            else:
                names.add(entry.lower())
        return cls(frozenset(names), tuple(patterns), keep_fragment)

    def excludes(self, name: str) -> bool:
        lowered = name.lower()
        base = lowered[:-2] if lowered.endswith("[]") else lowered
        if base in self.names:
            return True
        return any(p.search(lowered) for p in self.patterns)


@lru_cache(maxsize=1024)
def _regex_entry(entry: str) -> re.Pattern[str] | None:
    if len(entry) > 2 and entry[0] == "/" and entry.rfind("/") > 0:
        end = entry.rfind("/")
        flags = re.IGNORECASE if "i" in entry[end + 1 :] else 0
        try:
            return re.compile(entry[1:end], flags)
        except re.error:
            return None
    return None


def normalize_url(url: str, url_filter: UrlFilter) -> str:
    """A page URL as Matomo stores it (before the prefix split)."""
    url = unescape(url).replace("\0", "").strip()
    url = _matrix_to_query(url)
    head, mark, rest = url.partition("?")
    query, hash_mark, fragment = rest.partition("#") if mark else ("", "", "")
    if not mark:
        head, hash_mark, fragment = head.partition("#")
    head = _lower_host(head)
    if not url_filter.keep_fragment:
        hash_mark, fragment = "", ""
    elif not mark and fragment and "=" in fragment:
        fragment = _filter_query(fragment, url_filter)
    if query:
        query = _filter_query(query, url_filter)
    result = head + ("?" + query if query else "")
    if hash_mark and fragment:
        result += "#" + fragment
    return result


def _matrix_to_query(url: str) -> str:
    semicolon = url.find(";")
    question = url.find("?")
    if semicolon < 0 or (0 <= question < semicolon):
        return url
    head, _, tail = url.partition(";")
    return head + "?" + tail.replace(";", "&")


def _lower_host(head: str) -> str:
    scheme, sep, rest = head.partition("//")
    if not sep:
        return head
    host, slash, path = rest.partition("/")
    return scheme + sep + host.lower() + slash + path


def _filter_query(query: str, url_filter: UrlFilter) -> str:
    kept = []
    for pair in query.split("&"):
        if not pair:
            continue
        name = pair.partition("=")[0]
        if url_filter.excludes(_decoded_name(name)):
            continue
        kept.append(pair.translate(_QUERY_ESCAPES))
    return "&".join(kept)


def _decoded_name(name: str) -> str:
    if "%" in name or "+" in name:
        from footfall.tracker.form import decode_component

        return decode_component(name)
    return name


def split_prefix(url: str) -> tuple[str, int | None]:
    """('example.com/a', 2) for 'https://example.com/a'; other schemes keep their URL."""
    lowered = url[:12].lower()
    for prefix, prefix_id in PREFIXES:
        if lowered.startswith(prefix):
            return url[len(prefix):], prefix_id
    return url, None


def with_prefix(name: str, prefix_id: int | None) -> str:
    return _PREFIX_BY_ID.get(prefix_id, "") + name if prefix_id is not None else name


def query_and_fragment(url: str) -> str:
    """The parts of a URL a site-search or campaign parameter may sit in."""
    parts = split_url(url)
    if parts is None:
        return ""
    fragment = parts.fragment
    if "?" in fragment:
        fragment = fragment.split("?", 1)[1]
    return "&".join(p for p in (parts.query, fragment) if p)
