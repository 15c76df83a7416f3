"""The tracking code for a site: the JavaScript snippet and the <noscript> image."""

from __future__ import annotations

import html

import pytest

from footfall.errors import BadRequest
from footfall.js.snippets import (
    footfall_base,
    image_tracking_code,
    javascript_code,
    javascript_tag,
    snippet_commands,
)
from footfall.sites import Site

SITE = Site(idsite=3, name="Shop", main_url="https://shop.example.com",
            alias_urls=("https://shop.example.com", "https://www.shop.example.org"))


@pytest.mark.parametrize(("given", "base"), [
    ("stats.example.com", "//stats.example.com/"),
    ("https://stats.example.com", "https://stats.example.com/"),
    ("https://stats.example.com/analytics/", "https://stats.example.com/analytics/"),
    ("https://stats.example.com/matomo.php", "https://stats.example.com/"),
])
def test_footfall_base(given: str, base: str) -> None:
    assert footfall_base(given) == base


@pytest.mark.parametrize("bad", ["", "https://", "x\"><script>"])
def test_footfall_base_refuses_what_is_not_a_url(bad: str) -> None:
    with pytest.raises(BadRequest):
        footfall_base(bad)


def test_default_snippet_is_the_standard_asynchronous_snippet() -> None:
    code = javascript_code(SITE, base_url="https://stats.example.com")
    assert "var u=\"https://stats.example.com/\";" in code
    assert "_paq.push(['setTrackerUrl', u+'matomo.php']);" in code
    assert "_paq.push(['setSiteId', '3']);" in code
    assert "g.src=u+'matomo.js'" in code
    assert code.index("trackPageView") < code.index("enableLinkTracking")
    assert "<noscript>" not in code


def test_api_form_is_html_escaped_like_matomo() -> None:
    tag = javascript_tag(SITE, base_url="stats.example.com")
    assert tag.startswith("&lt;!-- Footfall --&gt;")
    assert html.unescape(tag) == javascript_code(SITE, base_url="stats.example.com")


def test_options_become_commands() -> None:
    options = {"mergeSubdomains": "1", "mergeAliasUrls": "1", "doNotTrack": "1",
               "disableCookies": "1", "crossDomain": "1", "customCampaignNameQueryParam": "cmp",
               "visitorCustomVariables": '[["plan","pro"]]', "excludedQueryParams": "token,sid",
               "groupPageTitlesByDomain": "1"}
    commands = snippet_commands(SITE, options)
    assert ["setCookieDomain", "*.shop.example.com"] in commands
    assert ["setDomains", ["*.shop.example.com", "*.www.shop.example.org"]] in commands
    assert ["setDoNotTrack", True] in commands and ["disableCookies"] in commands
    assert ["enableCrossDomainLinking"] in commands
    assert ["setCampaignNameKey", "cmp"] in commands
    assert ["setCustomVariable", 1, "plan", "pro", "visit"] in commands
    assert ["setExcludedQueryParams", ["token", "sid"]] in commands
    code = javascript_code(SITE, base_url="s.example", params=options)
    assert '_paq.push(["setDocumentTitle", document.domain + "/" + document.title]);' in code


def test_bad_custom_variables_are_a_clear_400() -> None:
    with pytest.raises(BadRequest, match="visitorCustomVariables"):
        snippet_commands(SITE, {"visitorCustomVariables": "{not json"})


def test_no_script_image_and_image_tracking_code() -> None:
    code = javascript_code(SITE, base_url="https://s.example", params={"trackNoScript": "1"})
    assert '<noscript><p><img referrerpolicy="no-referrer-when-downgrade" ' \
           'src="https://s.example/matomo.php?idsite=3&amp;rec=1"' in code
    image = html.unescape(image_tracking_code(
        SITE, base_url="https://s.example",
        params={"actionName": "Promo page", "idGoal": "2", "revenue": "9.5"}))
    assert 'src="https://s.example/matomo.php?idsite=3&amp;rec=1&amp;action_name=Promo+page' \
           '&amp;idgoal=2&amp;revenue=9.5"' in image
