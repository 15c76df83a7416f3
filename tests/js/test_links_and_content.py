"""footfall.js in Chromium: link classification, content blocks, cross-domain links,
heartbeat and page timings, seen from the wire."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.support import Website, wait_for
from tests.js.conftest import Recorder
from tests.js.test_queue_and_requests import open_tracked, wait_hits

pytestmark = pytest.mark.browser

LINKS = """
<a id="pdf" href="/files/report.PDF?v=2">report</a>
<a id="internal" href="/about">about</a>
<a id="out" href="https://other.example/page">other</a>
<a id="ignored" class="matomo_ignore" href="https://other.example/ignored">ignored</a>
<a id="classed" class="track-me" href="/internal-but-classed">classed</a>
<a id="attr" download href="/export">export</a>
<a id="mail" href="mailto:a@example.com">mail</a>
<a id="sub" href="https://shop.localhost/x">shop</a>
"""


def no_navigation(page: Any) -> None:
    page.evaluate("document.addEventListener('click', e => e.preventDefault())")


def test_links_are_classified_as_downloads_outlinks_or_ignored(page: Any, website: Website,
                                                               recorder: Recorder) -> None:
    open_tracked(page, website, ["setLinkClasses", "track-me"], ["setDomains", ["*.localhost"]],
                 ["enableLinkTracking"], body=LINKS)
    no_navigation(page)
    for link in ("pdf", "internal", "out", "ignored", "classed", "attr", "mail", "sub"):
        page.click(f"#{link}")
    assert page.evaluate("window.__hitsSent") == 4  # each tracked click leaves at once
    hits = wait_hits(page, recorder, 4)
    tracked = [(k, h[k]) for h in recorder.params() for k in ("download", "link") if k in h]
    assert tracked == [
        ("download", website.url("/files/report.PDF?v=2")),
        ("link", "https://other.example/page"),
        ("link", website.url("/internal-but-classed")),
        ("download", website.url("/export")),
    ]
    assert all(recorder.hits[i].method == "POST" for i in range(len(hits)))  # sendBeacon


def test_middle_click_is_tracked_when_enabled(page: Any, website: Website,
                                              recorder: Recorder) -> None:
    open_tracked(page, website, ["enableLinkTracking", True], body=LINKS)
    no_navigation(page)
    page.click("#out", button="middle")
    assert wait_hits(page, recorder, 1)[0]["link"] == "https://other.example/page"


def test_cross_domain_link_carries_the_visitor_id_and_the_landing_page_adopts_it(
        page: Any, website: Website, recorder: Recorder) -> None:
    body = f'<a id="partner" href="{website.origin}/landing.html?x=1#top">partner</a>'
    open_tracked(page, website, ["setDomains", ["localhost", "127.0.0.1"]],
                 ["enableCrossDomainLinking"], ["trackPageView"], body=body)
    visitor_id = wait_hits(page, recorder, 1)[0]["_id"]
    # The same site under another host name: 127.0.0.1 instead of localhost.
    page.evaluate("""document.getElementById('partner').href =
                     location.href.replace('localhost', '127.0.0.1').replace('page.html', 'landing.html')""")
    website.add_page("/landing.html", website.pages["/page.html"])
    page.click("#partner")
    page.wait_for_url("**/landing.html?pk_vid=*")
    assert page.url.startswith("http://127.0.0.1:")
    landing = wait_hits(page, recorder, 2)[1]
    assert landing["_id"] == visitor_id
    assert "pk_vid" not in landing["url"]


def test_content_impressions_only_when_visible_and_interactions_on_click(
        page: Any, website: Website, recorder: Recorder) -> None:
    body = """
      <div id="top" data-track-content data-content-name="Hero" data-content-piece="Sale"
           data-content-target="https://other.example/sale">top <span id="hero-inner">x</span></div>
      <div style="height:3000px"></div>
      <div id="below" data-track-content data-content-name="Footer banner">
        <img src="/banner.png" data-content-piece><a data-content-target href="/promo">promo</a></div>
      <div data-track-content data-content-name="Hidden" style="display:none">hidden</div>"""
    open_tracked(page, website, ["trackPageView"], ["trackVisibleContentImpressions"],
                 ["setRequestQueueInterval", 1000], body=body)
    hits = wait_hits(page, recorder, 2, "pageview and first impression")
    names = [h.get("c_n") for h in hits if "c_n" in h]
    assert names == ["Hero"] and hits[-1]["c_p"] == "Sale" and "c_i" not in hits[-1]
    page.locator("#below").scroll_into_view_if_needed()
    wait_for(lambda: any(h.get("c_n") == "Footer banner" for h in recorder.params()), page=page,
             what="impression of the block scrolled into view")
    footer = next(h for h in recorder.params() if h.get("c_n") == "Footer banner")
    assert footer["c_p"] == website.url("/banner.png") and footer["c_t"] == website.url("/promo")
    no_navigation(page)
    page.click("#hero-inner")
    click = wait_for(lambda: next((h for h in recorder.params() if h.get("c_i")), None), page=page,
                     what="content interaction")
    assert (click["c_i"], click["c_n"], click["c_t"]) == ("click", "Hero", "https://other.example/sale")
    assert not any(h.get("c_n") == "Hidden" for h in recorder.params())


def test_heartbeat_pings_when_the_visitor_leaves_after_the_delay(page: Any, website: Website,
                                                                 recorder: Recorder) -> None:
    page.clock.install()
    open_tracked(page, website, ["enableHeartBeatTimer", 5], ["trackPageView"])
    wait_hits(page, recorder, 1)
    page.evaluate("window.dispatchEvent(new Event('blur'))")  # too early: no ping
    page.clock.fast_forward(6000)
    page.evaluate("window.dispatchEvent(new Event('blur'))")
    ping = wait_hits(page, recorder, 2)[1]
    assert ping["ping"] == "1" and len(recorder.hits) == 2


def test_page_timings_are_sent_once_with_the_pageview(page: Any, website: Website,
                                                      recorder: Recorder) -> None:
    after_load = ("<script>addEventListener('load', () => setTimeout(() => "
                  "_paq.push(['trackPageView']), 0))</script>")
    open_tracked(page, website, body=after_load)
    view = wait_hits(page, recorder, 1)[0]
    assert {"pf_net", "pf_srv", "pf_tfr", "pf_dm1", "pf_dm2", "pf_onl"} <= view.keys()
    assert all(int(view[key]) >= 0 for key in view if key.startswith("pf_"))
    page.evaluate("_paq.push(['trackEvent', 'a', 'b'])")
    event = wait_hits(page, recorder, 2)[1]
    assert event["pv_id"] == view["pv_id"] and "pf_net" not in event


def test_all_impressions_and_impressions_within_a_node(page: Any, website: Website,
                                                       recorder: Recorder) -> None:
    body = """<div data-track-content data-content-name="A">a</div>
      <div style="height:3000px"></div><div data-track-content data-content-name="B">b</div>
      <section id="later"></section>"""
    open_tracked(page, website, ["trackAllContentImpressions"], ["setRequestQueueInterval", 1000],
                 body=body)
    hits = wait_hits(page, recorder, 2, "impressions of both blocks, visible or not")
    assert sorted(h["c_n"] for h in hits) == ["A", "B"]
    page.evaluate("""document.getElementById('later').innerHTML =
        '<div data-track-content data-content-name="C" data-content-piece="/c.png">c</div>';
        _paq.push(['trackContentImpressionsWithinNode', document.getElementById('later')]);""")
    added = wait_hits(page, recorder, 3, "impression of the added block")[2]
    assert (added["c_n"], added["c_p"]) == ("C", "/c.png")
