from __future__ import annotations

import pytest

from footfall.tracker.enrich.referrer import (
    CAMPAIGN,
    DIRECT_ENTRY,
    SEARCH_ENGINE,
    SOCIAL_NETWORK,
    WEBSITE,
    ReferrerClassifier,
    ReferrerInfo,
)
from footfall.tracker.enrich.search_engines import ReferrerDefinitions, lossy_host

SITE = ["https://example.com", "https://www.example.com"]


@pytest.fixture(scope="module")
def classifier() -> ReferrerClassifier:
    built = ReferrerClassifier()
    built.warm_up()
    return built


def classify(classifier, page="https://example.com/", ref=None, **kw) -> ReferrerInfo:
    return classifier.classify(page_url=page, referrer_url=ref, site_urls=SITE, **kw)


def test_packaged_lists_are_large_enough():
    definitions = ReferrerDefinitions.load()
    engine_names = {rule.name for rule in definitions.engines.values()}
    assert len(engine_names) >= 100
    assert len({name for _, name in definitions.socials}) >= 50


@pytest.mark.parametrize(
    ("host", "lossy"),
    [
        ("www.google.co.uk", "google.{}"),
        ("www.google.de", "google.{}"),
        ("m.baidu.com", "baidu.com"),
        ("search.yahoo.com", "yahoo.com"),
        ("de.search.yahoo.com", "{}.search.yahoo.com"),
        ("example.com", "example.com"),
    ],
)
def test_lossy_host(host, lossy):
    assert lossy_host(host) == lossy


def test_not_a_url_is_ignored(classifier):
    info = classify(classifier, ref="just some text")
    assert (info.referer_type, info.referer_url) == (DIRECT_ENTRY, "")


def test_engine_noise_parameters_are_dropped_from_referer_url(classifier):
    ref = "https://www.google.com/url?q=shoes&sa=t&ved=2ahUK&usg=AOv&hl=en"
    info = classify(classifier, ref=ref)
    assert info.referer_type == SEARCH_ENGINE
    assert info.referer_url == "https://www.google.com/url?q=shoes&hl=en"


def test_google_vertical_and_advanced_search(classifier):
    info = classify(classifier, ref="https://www.google.com/search?q=cats&tbm=isch")
    assert (info.referer_name, info.referer_keyword) == ("Google Images", "cats")
    info = classify(classifier, ref="https://www.google.com/search?as_q=red+shoes&as_eq=blue")
    assert info.referer_keyword == "red shoes -blue"


def test_engine_page_without_keyword_is_a_website(classifier):
    info = classify(classifier, ref="https://www.bing.com/maps/somewhere")
    assert (info.referer_type, info.referer_name) == (WEBSITE, "www.bing.com")


def test_other_site_of_the_install_is_a_website_with_its_path(classifier):
    info = classifier.classify(
        page_url="https://example.com/",
        referrer_url="https://shop.org/blog/post",
        site_urls=SITE,
        other_sites_urls=["https://shop.org/blog"],
    )
    assert (info.referer_type, info.referer_name) == (WEBSITE, "shop.org/blog")


def test_excluded_referrer_counts_as_direct(classifier):
    info = classify(classifier, ref="https://pay.provider.net/return", excluded_referrers=[".provider.net"])
    assert info.referer_type == DIRECT_ENTRY


def test_subdomain_wildcard_site_url(classifier):
    info = classifier.classify(
        page_url="https://example.com/",
        referrer_url="https://blog.example.com/a",
        site_urls=[".example.com"],
    )
    assert info.referer_type == DIRECT_ENTRY


def test_same_host_as_page_is_direct_unless_unknown_urls_are_excluded(classifier):
    args = dict(page_url="https://unlisted.net/x", referrer_url="https://unlisted.net/y", site_urls=SITE)
    assert classifier.classify(**args).referer_type == DIRECT_ENTRY


def test_campaign_keyword_falls_back_to_referrer_host(classifier):
    info = classify(classifier, page="https://example.com/?pk_campaign=Launch", ref="https://news.site/item")
    assert (info.referer_type, info.referer_name, info.referer_keyword) == (CAMPAIGN, "launch", "news.site")


def test_campaign_keyword_from_search_referrer(classifier):
    info = classify(
        classifier,
        page="https://example.com/?utm_campaign=Brand",
        ref="https://www.google.com/search?q=Footfall+Pricing",
    )
    assert (info.referer_name, info.referer_keyword) == ("brand", "footfall pricing")


def test_campaign_continuing_visit_keeps_its_keyword(classifier):
    visit = ReferrerInfo(referer_type=CAMPAIGN, referer_name="spring", referer_keyword="banner")
    info = classify(
        classifier,
        page="https://example.com/?mtm_campaign=Spring",
        ref="https://example.com/",
        current_visit=visit,
    )
    assert (info.referer_name, info.referer_keyword) == ("spring", "banner")


def test_campaign_details(classifier):
    page = (
        "https://example.com/?mtm_campaign=Q3&mtm_source=Newsletter&mtm_medium=Email"
        "&mtm_content=Hero&mtm_cid=42&mtm_group=EU&mtm_placement=Top"
    )
    info = classify(classifier, page=page)
    assert info.campaign_columns() == {
        "campaign_name": "q3",
        "campaign_keyword": None,
        "campaign_source": "newsletter",
        "campaign_medium": "email",
        "campaign_content": "hero",
        "campaign_id": "42",
        "campaign_group": "eu",
        "campaign_placement": "top",
    }
    assert set(info.columns()) == {"referer_type", "referer_name", "referer_keyword", "referer_url"}


def test_long_names_are_cut_to_the_column(classifier):
    info = classify(classifier, page="https://example.com/?pk_campaign=" + "a" * 400)
    assert len(info.referer_name) == 255


def test_user_definition_file_extends_the_lists(tmp_path):
    extra = tmp_path / "extra.yml"
    extra.write_text(
        "search_engines:\n  - name: Intranet Search\n    hosts: [search.corp.example]\n"
        "    keyword_params: [term]\n"
        "social_networks:\n  - name: Corp Social\n    domains: [social.corp.example]\n",
        encoding="utf-8",
    )
    custom = ReferrerClassifier(extra_definition_files=[extra])
    info = classify(custom, ref="https://search.corp.example/find?term=Holidays")
    assert (info.referer_type, info.referer_name, info.referer_keyword) == (
        SEARCH_ENGINE,
        "Intranet Search",
        "holidays",
    )
    info = classify(custom, ref="https://social.corp.example/post/1")
    assert (info.referer_type, info.referer_name) == (SOCIAL_NETWORK, "Corp Social")


def test_spam_list(classifier, tmp_path):
    assert classifier.is_spam("http://SEMALT.com/crawler")
    assert not classifier.is_spam("https://www.google.com/")
    assert not classifier.is_spam("")
    assert classifier.is_spam("https://my-spammer.example/x", extra_hosts=["my-spammer.example"])
    extra = tmp_path / "spam.txt"
    extra.write_text("# mine\nanother-spammer.test\n", encoding="utf-8")
    assert ReferrerClassifier(spam_files=[extra]).is_spam("https://another-spammer.test/")


SEARCH = ReferrerInfo(
    referer_type=SEARCH_ENGINE,
    referer_name="Google",
    referer_keyword="shoes",
    referer_url="https://www.google.com/search?q=shoes",
)
SITE_REF = ReferrerInfo(
    referer_type=WEBSITE,
    referer_name="blog.other.org",
    referer_url="https://user@Blog.Other.org:8443/post/1?utm=x",
)
CAMPAIGN_REF = ReferrerInfo(
    referer_type=CAMPAIGN,
    referer_name="spring",
    referer_keyword="banner",
    referer_url="https://news.site/a?b=c",
)


@pytest.mark.parametrize(
    ("info", "option", "expected"),
    [
        (SEARCH, "", ("Google", "shoes", "https://www.google.com/search?q=shoes")),
        (SEARCH, "exclude_query", ("Google", "", "https://www.google.com/search")),
        (SEARCH, "exclude_path", ("Google", "", "https://www.google.com/")),
        (SEARCH, "exclude_all", ("Google", "", "")),
        (SITE_REF, "exclude_path", ("blog.other.org", "", "https://Blog.Other.org/")),
        (SITE_REF, "exclude_all", ("", "", "")),
        (CAMPAIGN_REF, "exclude_all", ("spring", "banner", "")),
        (CAMPAIGN_REF, "exclude_query", ("spring", "banner", "https://news.site/a")),
    ],
)
def test_referrer_anonymisation(info, option, expected):
    result = info.anonymized(option)
    assert (result.referer_name, result.referer_keyword, result.referer_url) == expected
    assert result.referer_type == info.referer_type


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "No such file"),
        ("search_engines: [\n", "YAMLError|ParserError|ScannerError"),
        ("- just a list\n", "expected a mapping"),
        ("search_engines:\n  - hosts: [x.example]\n", "KeyError"),
        (
            "search_engines:\n  - name: X\n    hosts: [x.example]\n    keyword_params: ['/(unclosed/']\n",
            "error",
        ),
    ],
)
def test_bad_user_definition_file_is_a_config_error(tmp_path, content, message):
    from footfall.errors import ConfigError

    path = tmp_path / "extra.yml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        ReferrerClassifier(extra_definition_files=[path])


def _encoded(text: str, charset: str) -> str:
    from urllib.parse import quote

    return quote(text.encode(charset))


@pytest.mark.parametrize(
    ("url", "engine", "keyword"),
    [
        ("http://www.baidu.com/s?ie=gb2312&wd=" + _encoded("网站分析", "gb2312"), "Baidu", "网站分析"),
        ("http://go.mail.ru/search?q=" + _encoded("аналитика сайта", "cp1251"), "Mailru", "аналитика сайта"),
        ("https://search.naver.com/search.naver?query=%EB%B6%84%EC%84%9D", "Naver", "분석"),
        ("http://www.google.com/cse?cx=0123%3Aabc&q=footfall+docs", "Google Custom Search", "footfall docs"),
        (
            "http://search.example.org/r?cx=partner-pub-1%3Axyz&q=open+analytics",
            "Google Custom Search",
            "open analytics",
        ),
        ("http://fr.images.search.yahoo.com/search/images?p=chat+noir", "Yahoo! Images", "chat noir"),
        ("http://de.bing.com/images/search?q=alpen", "Bing Images", "alpen"),
        ("https://www.google.com/#q=hash+keyword", "Google", "hash keyword"),
        (
            "http://www.google.com/imgres?imgurl=http://x.org/a.png&prev=/images%3Fq%3Dred%2Bfox%26hl%3Den&um=1",
            "Google Images",
            "red fox",
        ),
        ("https://www.google.co.uk", "Google", None),
    ],
)
def test_search_engine_keywords(url, engine, keyword):
    hit = ReferrerDefinitions.load().search_engine(url)
    assert hit is not None and (hit.name, hit.keyword) == (engine, keyword)


@pytest.mark.parametrize(
    ("url", "known"),
    [
        ("https://shop.example/sub/page", True),
        ("https://www.shop.example/sub/", True),
        ("https://shop.example/SUB/x?y=1", True),
        ("https://shop.example/other", False),  # outside the site's path
        ("https://blog.shop.example/sub/", False),
        ("https://any.wild.example/", True),
        ("https://wild.example/x", True),
        ("not a url", False),
    ],
)
def test_is_site_url(url, known):
    from footfall.tracker.enrich.site_urls import is_site_url

    assert is_site_url(["https://shop.example/sub/", ".wild.example"], url) is known


def test_social_match_is_case_sensitive_like_matomo(classifier):
    # Matomo matches social domains against the URL as written (an accident kept on purpose)
    assert classify(classifier, ref="https://t.co/AbC").referer_type == SOCIAL_NETWORK
    info = classify(classifier, ref="https://T.CO/AbC")
    assert (info.referer_type, info.referer_name) == (WEBSITE, "t.co")
