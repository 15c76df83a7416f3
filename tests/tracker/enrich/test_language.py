from __future__ import annotations

import pytest

from footfall.tracker.enrich.language import (
    browser_language,
    country_from_language,
    language_code,
    normalize_accept_language,
)


@pytest.mark.parametrize(
    ("header", "normalized"),
    [
        ("en-GB,en;q=0.8", "en-gb,en"),
        ("fr_CA, fr ;q=0.5", "fr-ca,fr"),
        ("de (Deutsch), en", "de,en"),
        ("en_CA.UTF-8", "en-ca"),
        ("C", ""),
        ("*", "*"),
        ("en-US.UTF-8,fr", "en-us"),  # Matomo drops everything after a charset
        ("chrome://global/locale/intl.properties,de", ""),
        ("en-securid,fr-FR", "fr-fr"),
        (None, ""),
    ],
)
def test_normalize_accept_language(header, normalized):
    assert normalize_accept_language(header) == normalized


@pytest.mark.parametrize(
    ("header", "stored"),
    [
        ("en-GB,en;q=0.8", "en-gb"),
        ("pt_BR", "pt-br"),
        ("de", "de"),
        ("zz,fr-FR", "fr-fr"),  # first *valid* tag wins
        ("en-zz", "en-zz"),  # Matomo does not check the region
        ("zh-Hant-TW,zh", "zh-tw"),  # script subtag skipped
        ("klingon", "xx"),
        ("", ""),
        (None, ""),
    ],
)
def test_browser_language_keeps_one_tag(header, stored):
    assert browser_language(header) == stored


@pytest.mark.parametrize(
    ("header", "country"),
    [
        ("fr", "fr"),
        ("ja,en", "jp"),
        ("en", "xx"),  # ambiguous language: no guess
        ("en-US,en", "us"),
        ("en,de-AT", "at"),  # no guess for 'en', the first real region wins
        ("sv-FI", "fi"),  # the language is guessed only for a bare tag
        ("", "xx"),
        (None, "xx"),
    ],
)
def test_country_from_language(header, country):
    assert country_from_language(header) == country


def test_country_guess_can_be_disabled():
    assert country_from_language("fr", guess_from_language=False) == "xx"
    assert country_from_language("fr-CA", guess_from_language=False) == "ca"


def test_language_code():
    assert language_code("pt-br") == "pt"
    assert language_code("") == "xx"


def test_language_names():
    from footfall.tracker.enrich.language import language_name

    assert (language_name("fr"), language_name("pt-br"), language_name("xx"), language_name(None)) == (
        "French", "Portuguese", "Unknown", "Unknown")
