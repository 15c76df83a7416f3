"""Hostile input never raises from enrichment: it runs after the hit was
acknowledged, so an exception here would lose a valid hit."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from footfall.tracker.enrich.geo import GeoLocator
from footfall.tracker.enrich.ip import client_ip, ip_matches, mask_ip
from footfall.tracker.enrich.language import browser_language, country_from_language
from footfall.tracker.enrich.referrer import ReferrerClassifier

CLASSIFIER = ReferrerClassifier()
URLISH = st.one_of(
    st.text(max_size=200),
    st.builds(
        lambda scheme, rest: f"{scheme}://{rest}",
        st.sampled_from(["http", "https", "android-app", ""]),
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=120),
    ),
    st.sampled_from(
        [
            "http://[::1",
            "https://%zz/?q=%E0%A4%A",
            "//",
            "http://a.b/#mtm_campaign=%ff",
            "https://www.google.com/search?q=%C0",
            "http://x/?as_q=&tbm=isch&prev=%",
        ]
    ),
)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(page=URLISH, ref=URLISH, name=st.one_of(st.none(), st.text(max_size=30)))
def test_classify_never_raises(page, ref, name):
    info = CLASSIFIER.classify(
        page_url=page,
        referrer_url=ref,
        site_urls=["https://example.com", ".x.org"],
        campaign_name=name,
        excluded_referrers=["pay.test/x"],
    )
    assert info.referer_type in (1, 2, 3, 6, 7)
    assert len(info.referer_url) <= 1500
    CLASSIFIER.is_spam(ref)


@FAST
@given(value=st.one_of(st.none(), st.text(max_size=80)))
def test_language_never_raises(value):
    assert len(browser_language(value)) <= 6  # 'll', 'lll', 'll-rr', 'lll-rr', 'xx' or ''
    assert len(country_from_language(value)) == 2


@FAST
@given(
    ip=st.text(max_size=60),
    mask=st.integers(min_value=0, max_value=4),
    header=st.text(max_size=80),
    patterns=st.lists(st.text(max_size=20), max_size=4),
)
def test_ip_helpers_never_raise(ip, mask, header, patterns):
    mask_ip(ip, mask)
    ip_matches(ip, patterns)
    client_ip(ip, {"X-Forwarded-For": header}, proxy_client_headers=["HTTP_X_FORWARDED_FOR"])
    GeoLocator().locate(ip, header)
