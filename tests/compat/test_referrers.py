"""Matomo compatibility: referrer attribution of landing URL / referrer pairs
(reference §5 and the test vectors of §12, items 7-10), and the referrer of
conversions from the attribution cookie's _rcn/_rck/_ref (§5.4)."""

from __future__ import annotations

import pytest

from footfall.tracker.enrich.referrer import ReferrerClassifier, ReferrerInfo

SITE_URLS = ["https://example.com", "https://www.example.com"]
HOME = "https://example.com/"

# (landing url, referrer url, campaign name and keyword sent as parameters of the hit
# itself) -> (type, name, keyword, stored referer_url)
CASES = [
    # direct entries
    ("direct, no referrer", HOME, None, None, None, (1, None, None, "")),
    (
        "direct, own alias",
        HOME,
        "https://www.example.com/x",
        None,
        None,
        (1, None, None, "https://www.example.com/x"),
    ),
    (
        "direct, main url",
        "https://www.example.com/docs/",
        "https://example.com/pricing",
        None,
        None,
        (1, None, None, "https://example.com/pricing"),
    ),
    (
        "direct, ignore_referrer",
        "https://example.com/?ignore_referrer=1",
        "https://blog.other.org/",
        None,
        None,
        (1, None, None, ""),
    ),
    (
        "direct, ignore_referer",
        "https://example.com/?ignore_referer=1",
        "https://blog.other.org/",
        None,
        None,
        (1, None, None, ""),
    ),
    ("direct, referrer not a url", HOME, "android-app", None, None, (1, None, None, "")),
    # websites
    (
        "website",
        HOME,
        "https://blog.other.org/post/1",
        None,
        None,
        (3, "blog.other.org", None, "https://blog.other.org/post/1"),
    ),
    (
        "website keeps www",
        HOME,
        "https://WWW.Other.ORG/a",
        None,
        None,
        (3, "www.other.org", None, "https://WWW.Other.ORG/a"),
    ),
    # search engines
    (
        "google keyword",
        HOME,
        "https://www.google.com/search?q=Matomo+Alternative",
        None,
        None,
        (2, "Google", "matomo alternative", "https://www.google.com/search?q=Matomo+Alternative"),
    ),
    (
        "google no keyword",
        HOME,
        "https://www.google.com/",
        None,
        None,
        (2, "Google", None, "https://www.google.com/"),
    ),
    (
        "google country",
        HOME,
        "https://www.google.fr/search?q=Analyse%20web",
        None,
        None,
        (2, "Google", "analyse web", "https://www.google.fr/search?q=Analyse%20web"),
    ),
    (
        "google images",
        HOME,
        "https://www.google.com/search?q=logo&tbm=isch",
        None,
        None,
        (2, "Google Images", "logo", "https://www.google.com/search?q=logo&tbm=isch"),
    ),
    (
        "bing keyword",
        HOME,
        "https://www.bing.com/search?q=web+analytics&form=QBLH",
        None,
        None,
        (2, "Bing", "web analytics", "https://www.bing.com/search?q=web+analytics"),
    ),
    (
        "bing no keyword",
        HOME,
        "https://www.bing.com/",
        None,
        None,
        (2, "Bing", None, "https://www.bing.com/"),
    ),
    (
        "duckduckgo keyword",
        HOME,
        "https://duckduckgo.com/?q=privacy+analytics",
        None,
        None,
        (2, "DuckDuckGo", "privacy analytics", "https://duckduckgo.com/?q=privacy+analytics"),
    ),
    (
        "duckduckgo no keyword",
        HOME,
        "https://duckduckgo.com/",
        None,
        None,
        (2, "DuckDuckGo", None, "https://duckduckgo.com/"),
    ),
    (
        "yandex keyword",
        HOME,
        "https://yandex.ru/search/?text=%D0%B0%D0%BD%D0%B0%D0%BB%D0%B8%D1%82%D0%B8%D0%BA%D0%B0",
        None,
        None,
        (
            2,
            "Yandex",
            "аналитика",
            "https://yandex.ru/search/?text=%D0%B0%D0%BD%D0%B0%D0%BB%D0%B8%D1%82%D0%B8%D0%BA%D0%B0",
        ),
    ),
    ("yandex no keyword", HOME, "https://yandex.ru/", None, None, (2, "Yandex", None, "https://yandex.ru/")),
    (
        "baidu keyword",
        HOME,
        "https://www.baidu.com/s?wd=footfall",
        None,
        None,
        (2, "Baidu", "footfall", "https://www.baidu.com/s?wd=footfall"),
    ),
    (
        "baidu no keyword",
        HOME,
        "https://www.baidu.com/",
        None,
        None,
        (2, "Baidu", None, "https://www.baidu.com/"),
    ),
    (
        "facebook home is an engine",
        HOME,
        "https://www.facebook.com/",
        None,
        None,
        (2, "Facebook", None, "https://www.facebook.com/"),
    ),
    # social networks
    ("twitter t.co", HOME, "https://t.co/AbC123", None, None, (7, "Twitter", "", "https://t.co/AbC123")),
    (
        "facebook deep link",
        HOME,
        "https://m.facebook.com/story.php?id=1&h=abc",
        None,
        None,
        (7, "Facebook", "", "https://m.facebook.com/story.php?id=1"),
    ),
    (
        "linkedin",
        HOME,
        "https://www.linkedin.com/feed/",
        None,
        None,
        (7, "LinkedIn", "", "https://www.linkedin.com/feed/"),
    ),
    (
        "reddit",
        HOME,
        "https://old.reddit.com/r/selfhosted/",
        None,
        None,
        (7, "reddit", "", "https://old.reddit.com/r/selfhosted/"),
    ),
    (
        "youtube",
        HOME,
        "https://www.youtube.com/watch?v=x&feature=share",
        None,
        None,
        (7, "YouTube", "", "https://www.youtube.com/watch?v=x"),
    ),
    # campaigns, each parameter family
    (
        "mtm campaign",
        "https://example.com/landing?mtm_campaign=Spring_Sale&mtm_kwd=Banner",
        None,
        None,
        None,
        (6, "spring_sale", "banner", ""),
    ),
    (
        "pk campaign",
        "https://example.com/?pk_campaign=Mail&pk_kwd=January",
        None,
        None,
        None,
        (6, "mail", "january", ""),
    ),
    (
        "pk_cpn short form",
        "https://example.com/?pk_cpn=Short&pk_keyword=K",
        None,
        None,
        None,
        (6, "short", "k", ""),
    ),
    (
        "piwik campaign",
        "https://example.com/?piwik_campaign=Old&piwik_kwd=Legacy",
        None,
        None,
        None,
        (6, "old", "legacy", ""),
    ),
    (
        "matomo campaign",
        "https://example.com/?matomo_campaign=New&matomo_kwd=Words",
        None,
        None,
        None,
        (6, "new", "words", ""),
    ),
    (
        "utm campaign precedes utm_source",
        "https://example.com/?utm_campaign=Summer&utm_source=news",
        None,
        None,
        None,
        (6, "summer", "", ""),
    ),
    (
        "utm_source alone names the campaign",
        "https://example.com/?utm_source=Newsletter&utm_term=Q3",
        None,
        None,
        None,
        (6, "newsletter", "q3", ""),
    ),
    (
        "campaign keyword falls back to referrer host",
        "https://example.com/?pk_campaign=Launch",
        "https://news.site/item",
        None,
        None,
        (6, "launch", "news.site", "https://news.site/item"),
    ),
    (
        "campaign in the hash",
        "https://example.com/#mtm_campaign=Hashed&mtm_kwd=Frag",
        None,
        None,
        None,
        (6, "hashed", "frag", ""),
    ),
    (
        "hash campaign beats query without keyword",
        "https://example.com/?pk_campaign=Q#pk_campaign=H&pk_kwd=k",
        None,
        None,
        None,
        (6, "h", "k", ""),
    ),
    (
        "campaign beats search engine",
        "https://example.com/?utm_campaign=Ads",
        "https://www.google.com/search?q=Buy+Shoes",
        None,
        None,
        (6, "ads", "buy shoes", "https://www.google.com/search?q=Buy+Shoes"),
    ),
    # campaign parameters sent on the hit itself (next to url=), Matomo 5
    ("hit parameters override the url", "https://example.com/?utm_campaign=FromUrl", None,
     "From Hit", "Hit KW", (6, "from hit", "hit kw", "")),
    ("hit campaign parameter alone", HOME, "https://blog.other.org/", "Mail Out", None,
     (6, "mail out", "blog.other.org", "https://blog.other.org/")),
    ("hit name keeps the url's keyword", "https://example.com/?pk_campaign=A&pk_kwd=Kw", None,
     "B", None, (6, "b", "kw", "")),
    ("empty hit campaign is ignored", HOME, "https://blog.other.org/", "", "ignored",
     (3, "blog.other.org", None, "https://blog.other.org/")),
]


@pytest.fixture(scope="module")
def classifier() -> ReferrerClassifier:
    built = ReferrerClassifier()
    built.warm_up()
    return built


def test_enough_cases():
    assert len(CASES) >= 30


@pytest.mark.parametrize(
    ("label", "page", "ref", "rcn", "rck", "expected"), CASES, ids=[case[0] for case in CASES]
)
def test_referrer_attribution(classifier, label, page, ref, rcn, rck, expected):
    info = classifier.classify(
        page_url=page, referrer_url=ref, site_urls=SITE_URLS, campaign_name=rcn, campaign_keyword=rck
    )
    columns = info.columns()
    assert (
        columns["referer_type"],
        columns["referer_name"],
        columns["referer_keyword"],
        columns["referer_url"],
    ) == expected


VISIT_CAMPAIGN = ReferrerInfo(referer_type=6, referer_name="spring", referer_keyword="banner")
VISIT_SEARCH = ReferrerInfo(referer_type=2, referer_name="Google", referer_keyword="shoes")
VISIT_DIRECT = ReferrerInfo()

# Conversions (reference §5.4): visit referrer, _rcn, _rck, _ref -> conversion referrer
CONVERSIONS = [
    ("visit campaign when no _rcn", VISIT_CAMPAIGN, None, None, "https://t.co/x", (6, "spring", "banner")),
    ("_rcn/_rck win over the visit", VISIT_SEARCH, "Newsletter", "June", None, (6, "newsletter", "june")),
    ("_rcn wins over a campaign visit too", VISIT_CAMPAIGN, "Autumn", "", None, (6, "autumn", "")),
    ("_rcn is url-decoded and trimmed", VISIT_DIRECT, "%20Big%20Sale%20", None, None, (6, "big sale", "")),
    (
        "_ref search engine",
        VISIT_DIRECT,
        None,
        None,
        "https://www.bing.com/search?q=Red+Shoes",
        (2, "Bing", "red shoes"),
    ),
    ("_ref social network", VISIT_SEARCH, None, None, "https://t.co/AbC", (7, "Twitter", "")),
    ("_ref website", VISIT_DIRECT, None, None, "https://blog.other.org/a", (3, "blog.other.org", None)),
    (
        "_ref own site keeps the visit's",
        VISIT_SEARCH,
        None,
        None,
        "https://www.example.com/x",
        (2, "Google", "shoes"),
    ),
    ("nothing: the visit's referrer", VISIT_DIRECT, None, None, None, (1, None, None)),
]


@pytest.mark.parametrize(
    ("label", "visit", "rcn", "rck", "ref", "expected"), CONVERSIONS, ids=[case[0] for case in CONVERSIONS]
)
def test_conversion_attribution(classifier, label, visit, rcn, rck, ref, expected):
    assert (
        classifier.conversion_referrer(
            visit=visit, rcn=rcn, rck=rck, attribution_url=ref, site_urls=SITE_URLS
        )
        == expected
    )


def test_spam_referrers_are_recognised(classifier):
    assert classifier.is_spam("http://best-seo-offer.com/page")
    assert not classifier.is_spam("https://blog.other.org/post/1")


# Several sites on one install (Matomo groups every site's URLs by host; the deepest
# matching path decides which site a referrer belongs to; the tracked page's host
# always belongs to the tracked site).
STORE = ["http://acme.test/store/"]  # site A
ACME = ["http://acme.test/"]  # site B
OTHER = ["http://other.test/"]  # site C
PAYING = ["http://shop.example/"], ["http://pay.test", "http://gateway.test/return/", ".provider.test"]

# (own site URLs, other sites' URLs, page, referrer) -> (type, name)
MULTI_SITE = [
    ("page host belongs to the site", STORE, ACME + OTHER, "http://acme.test/store/item",
     "http://acme.test", (1, None)),
    ("deeper path of the own site", STORE, ACME + OTHER, "http://acme.test/store/item",
     "http://acme.test/store/x/y?z=1", (1, None)),
    ("shared host root, page host is own", STORE, ACME + OTHER, "http://acme.test/store/item",
     "http://acme.test/blog/post", (1, None)),
    ("deeper path owned by another site", ACME, STORE + OTHER, "http://acme.test/store/item",
     "http://acme.test/store/x", (3, "acme.test/store")),
    ("another site's deep path from a third site", OTHER, STORE + ACME, "http://other.test/",
     "http://www.acme.test/store/deep", (3, "www.acme.test/store")),
    ("unknown host equal to the page host", OTHER, STORE, "http://unknown.test/a",
     "http://unknown.test/b", (1, None)),
    ("unknown hosts that differ", OTHER, STORE, "http://unknown.test/a", "http://elsewhere.test/y",
     (3, "elsewhere.test")),
    ("site paths compare lower-cased", ["http://acme.test/Store"], ACME, "http://x.test/",
     "http://acme.test/STORE/x", (1, None)),
    ("array campaign parameter is no campaign", OTHER, [], "http://other.test/?pk_campaign[]=x",
     "http://other.test/", (1, None)),
]


@pytest.mark.parametrize(("label", "own", "others", "page", "ref", "expected"), MULTI_SITE,
                         ids=[case[0] for case in MULTI_SITE])
def test_multi_site_attribution(classifier, label, own, others, page, ref, expected):
    info = classifier.classify(page_url=page, referrer_url=ref, site_urls=own, other_sites_urls=others)
    assert (info.referer_type, info.referer_name) == expected


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("http://www.pay.test/checkout", 1),
        ("https://pay.test/", 1),
        ("http://shop.pay.test/x", 3),  # no wildcard for pay.test
        ("https://provider.test/a", 1),
        ("https://custom.provider.test/", 1),  # leading dot: subdomains too
        ("https://gateway.test/", 3),  # only /return/ is excluded
        ("https://gateway.test/return/ok", 1),
    ],
)
def test_excluded_referrers_count_as_direct(classifier, ref, expected):
    site, excluded = PAYING
    info = classifier.classify(page_url="https://shop.example/thanks", referrer_url=ref, site_urls=site,
                               excluded_referrers=excluded)
    assert info.referer_type == expected
    assert info.referer_url == ("" if expected == 1 else ref)  # an excluded referrer is not stored


def test_excluded_referrer_gives_no_campaign_keyword(classifier):
    info = classifier.classify(page_url="https://shop.example/?pk_campaign=Spring",
                               referrer_url="https://pay.test/done", site_urls=["https://shop.example"],
                               excluded_referrers=["pay.test"])
    assert (info.referer_type, info.referer_name, info.referer_keyword, info.referer_url) == (
        6, "spring", "", "")


def test_exclude_unknown_urls_still_owns_the_page_host(classifier):
    # a site that lives under a path of a search engine's host: its own pages are direct
    info = classifier.classify(page_url="http://search.test/sub/index.html",
                               referrer_url="http://search.test/search?q=test",
                               site_urls=["http://search.test/sub/"], exclude_unknown_urls=True)
    assert info.referer_type == 1
