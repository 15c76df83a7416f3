"""Browser language: Accept-Language / `lang` into Matomo's `location_browser_lang`,
and the country guess Matomo's default location provider makes from it."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from footfall.tracker.enrich.datafiles import load_json

UNKNOWN = "xx"

# Parts of an Accept-Language value (or a LANG environment value) that carry no tag.
_NOISE = [
    re.compile(r"\\."),  # quoted pairs
    re.compile(r"\s+"),  # white space
    re.compile(r"\([^)]*\)"),  # comments
    re.compile(r";q=[0-9.]+"),  # quality weights
    re.compile(r"\..*"),  # charset, as in en_CA.UTF-8 (Matomo drops the rest of the value)
    re.compile(r"^c$"),  # POSIX 'C' locale
]
_FIREFOX_CHROME_TAG = re.compile(r"(^|,)chrome:.*")  # a Firefox bug
_SECURID_TAG = re.compile(r"(,)(?:en-securid,)|(?:(^|,)en-securid(,|$))")  # not a language
# A tag: language, an optional script (zh-hant-tw) and an optional region, as
# Matomo reads them (the region is not checked against the country list).
_TAG = re.compile(r"^([a-z]{2,3})(?:-[a-z]{4})?(-[a-z]{2})?")
_REGION = re.compile(r"-([a-z]{2})")
_BARE_FIRST_LANGUAGE = re.compile(r"^([a-z]{2,3})(?:,|;|$)")


@cache
def _tables() -> tuple[frozenset[str], dict[str, str], frozenset[str]]:
    """(ISO 639-1 languages, language -> country, ISO 3166 countries), loaded once."""
    languages = load_json("languages.json")
    countries = load_json("countries.json")
    return (
        frozenset(languages["languages"]),
        dict(languages["language_to_country"]),
        frozenset(countries["countries"]),
    )


def warm_up() -> None:
    """Load the language tables now rather than on the first hit."""
    _tables()


# Visitors send few distinct Accept-Language values: the answers are memoised.
@lru_cache(maxsize=8192)
def normalize_accept_language(value: str | None) -> str:
    """'en-GB,en;q=0.8, fr_CA' -> 'en-gb,en,fr-ca' (tags only, in the visitor's order)."""
    if not value:
        return ""
    text = value.lower().replace("_", "-")
    for pattern in _NOISE:
        text = pattern.sub("", text)
    text = _FIREFOX_CHROME_TAG.sub("", text, count=1)
    text = _SECURID_TAG.sub(lambda m: m.group(1) or "", text, count=1)
    return text.replace("sr-sp", "sr-rs")  # unofficial Serbian region seen in the wild


@lru_cache(maxsize=8192)
def browser_language(value: str | None) -> str:
    """`location_browser_lang`: the first valid `ll` or `ll-rr` tag.

    Matomo keeps only this one tag, for privacy: '' when nothing was sent,
    'xx' when something was sent but no tag is valid.
    """
    normalized = normalize_accept_language(value)
    if not normalized:
        return "" if not value or not value.strip() else UNKNOWN
    languages = _tables()[0]
    for tag in normalized.split(","):
        match = _TAG.match(tag)
        if match and match.group(1) in languages:
            return match.group(1) + (match.group(2) or "")
    return UNKNOWN


@lru_cache(maxsize=8192)
def country_from_language(value: str | None, *, guess_from_language: bool = True) -> str:
    """Country guessed from the browser language, as Matomo's default provider does.

    With `guess_from_language` (Matomo's `enable_language_to_country_guess`, on by
    default), a first tag without region is mapped through the language table;
    otherwise the first region of any tag that is a real country wins. 'xx' if
    nothing fits.
    """
    normalized = normalize_accept_language(value)
    if len(normalized) < 2:
        return UNKNOWN
    _, language_to_country, countries = _tables()
    if guess_from_language:
        bare = _BARE_FIRST_LANGUAGE.match(normalized)
        if bare and bare.group(1) in language_to_country:
            return language_to_country[bare.group(1)]
    for region in _REGION.findall(normalized):
        if region in countries:
            return region
    return UNKNOWN


@cache
def _language_names() -> dict[str, str]:
    return dict(load_json("languages.json")["names"])


def language_name(code: str | None) -> str:
    """'fr' or 'fr-ca' -> 'French'; unknown or 'xx' -> 'Unknown'."""
    return _language_names().get(language_code(code or "").lower(), "Unknown")


def language_code(browser_lang: str) -> str:
    """The language part of a stored `location_browser_lang` ('pt-br' -> 'pt')."""
    return browser_lang.split("-", 1)[0] if browser_lang else UNKNOWN
