"""footfall.js command groups in real Chromium against a real `footfall serve`, read back
through the Live API: user id, links that navigate away, content impressions on scroll,
heartbeat, opt-out and the generated tracking code."""

from __future__ import annotations

import html
from typing import Any

import pytest

from tests.browser.conftest import Footfall, actions_of
from tests.browser.support import Website, html_page, tracking_snippet

pytestmark = pytest.mark.browser


def open_page(page: Any, website: Website, footfall: Footfall, idsite: int, path: str,
              *commands: list[Any], body: str = "", title: str = "Page") -> None:
    snippet = tracking_snippet(footfall.url, idsite, *commands)
    page.goto(website.add_page(path, html_page(title, body + snippet)))
    page.wait_for_function("window.Footfall && Footfall.initialized")


def test_user_id_is_recorded_and_reset(footfall: Footfall, website: Website, page: Any) -> None:
    idsite = footfall.add_site(website)
    open_page(page, website, footfall, idsite, "/login.html", ["setUserId", "alice@example.com"],
              ["trackPageView"])
    visits = footfall.wait_visits(idsite, lambda v: len(v) == 1, "the logged-in visit")
    assert visits[0]["userId"] == "alice@example.com"
    full_version = page.evaluate("""navigator.userAgentData.getHighEntropyValues(['fullVersionList'])
        .then(v => v.fullVersionList.find(b => b.brand === 'Chromium').version)""")
    # from the client hints (uadata), not from the user-agent string, which says Chrome 126
    assert visits[0]["browserVersion"] == full_version
    visitor_id = page.evaluate("Matomo.getAsyncTracker().getVisitorId()")
    profile = footfall.api("Live.getVisitorProfile", idSite=idsite)
    assert profile["userId"] == "alice@example.com" and profile["totalPageViews"] == 1
    assert len(visitor_id) == 16


def test_custom_variables_of_visit_and_page_scope(footfall: Footfall, website: Website,
                                                  page: Any) -> None:
    idsite = footfall.add_site(website)
    open_page(page, website, footfall, idsite, "/vars.html",
              ["setCustomVariable", 1, "Plan", "Pro", "visit"],
              ["setCustomVariable", 2, "Section", "Blog", "page"], ["trackPageView"])
    visits = footfall.wait_visits(idsite, lambda v: len(v) == 1, "the visit")
    assert visits[0]["customVariables"] == {"1": {"customVariableName1": "Plan",
                                                  "customVariableValue1": "Pro"}}
    assert actions_of(visits)[0]["customVariables"] == {
        "2": {"customVariableName2": "Section", "customVariableValue2": "Blog"}}


def test_outlink_and_download_clicks_that_navigate_away_are_recorded(
        footfall: Footfall, website: Website, page: Any) -> None:
    idsite = footfall.add_site(website)
    outlink = footfall.url  # another host: Footfall's own front page
    body = (f'<a id="report" href="/files/report.pdf">Report</a> '
            f'<a id="away" href="{outlink}">Leave</a>')
    open_page(page, website, footfall, idsite, "/links.html", ["trackPageView"],
              ["enableLinkTracking"], body=body)
    footfall.wait_visits(idsite, lambda v: len(actions_of(v, "action")) == 1, "the pageview")
    page.click("#report")
    page.wait_for_url("**/files/report.pdf")
    page.go_back()
    page.wait_for_function("window.Footfall && Footfall.initialized")
    page.click("#away")
    page.wait_for_url(outlink)
    visits = footfall.wait_visits(
        idsite, lambda v: actions_of(v, "outlink") and actions_of(v, "download"),
        "the download and the outlink")
    assert [a["url"] for a in actions_of(visits, "download")] == [website.url("/files/report.pdf")]
    assert [a["url"] for a in actions_of(visits, "outlink")] == [outlink]


def test_hits_held_after_the_first_are_not_lost_when_the_visitor_leaves(
        footfall: Footfall, website: Website, page: Any) -> None:
    idsite = footfall.add_site(website)
    # Leave as soon as the tracker has run: the event is still inside the 800 ms window.
    leave = ("<script>window.matomoAsyncInit = function () {"
             " setTimeout(function () { location.href = '/next.html'; }, 0); };</script>")
    page.goto(website.add_page("/brief.html", html_page("Brief", leave + tracking_snippet(
        footfall.url, idsite, ["trackPageView"], ["trackEvent", "Quick", "exit"]))))
    page.wait_for_url("**/next.html")
    visits = footfall.wait_visits(idsite, lambda v: len(actions_of(v, "event")) == 1,
                                  "the event sent while the page was left")
    assert [a["type"] for a in actions_of(visits)] == ["action", "event"]


def test_content_impressions_only_once_scrolled_into_view(footfall: Footfall, website: Website,
                                                          page: Any) -> None:
    idsite = footfall.add_site(website)
    body = """<div data-track-content data-content-name="Above the fold" data-content-piece="Top">top</div>
      <div style="height:4000px"></div>
      <div id="below" data-track-content data-content-name="Below the fold"
           data-content-piece="Bottom" data-content-target="https://example.com/offer">bottom</div>"""
    open_page(page, website, footfall, idsite, "/long.html", ["trackPageView"],
              ["trackVisibleContentImpressions"], ["setRequestQueueInterval", 1000], body=body)

    def content_names(visits: list[dict[str, Any]]) -> list[str]:
        return [a["contentName"] for a in actions_of(visits) if "contentName" in a]

    visits = footfall.wait_visits(idsite, lambda v: content_names(v) == ["Above the fold"],
                                  "the impression of the visible block")
    assert content_names(visits) == ["Above the fold"]  # the lower block was not on screen
    page.locator("#below").scroll_into_view_if_needed()
    visits = footfall.wait_visits(idsite, lambda v: "Below the fold" in content_names(v),
                                  "the impression after scrolling")
    below = next(a for a in actions_of(visits) if a.get("contentName") == "Below the fold")
    assert (below["contentPiece"], below["contentTarget"], below["contentInteraction"]) == (
        "Bottom", "https://example.com/offer", None)
    assert content_names(visits).count("Below the fold") == 1
    assert visits[0]["actions"] == 1  # impressions are not actions of the visit


def test_cart_update_without_order_is_an_abandoned_cart(footfall: Footfall, website: Website,
                                                        page: Any) -> None:
    idsite = footfall.add_site(website, ecommerce=True)
    open_page(page, website, footfall, idsite, "/cart.html", ["trackPageView"],
              ["addEcommerceItem", "SKU-9", "Mug", "Kitchen", 12.5, 3],
              ["trackEcommerceCartUpdate", 37.5])
    visits = footfall.wait_visits(idsite, lambda v: actions_of(v, "ecommerceAbandonedCart"),
                                  "the cart update")
    (cart,) = actions_of(visits, "ecommerceAbandonedCart")
    assert (cart["revenue"], cart["items"]) == (37.5, 3)
    assert [(i["itemSKU"], i["quantity"], i["price"]) for i in cart["itemDetails"]] == [
        ("SKU-9", 3, 12.5)]
    assert visits[0]["visitEcommerceStatus"] == "abandonedCart"


def test_heartbeat_extends_the_visit_time(footfall: Footfall, website: Website, page: Any) -> None:
    idsite = footfall.add_site(website)
    open_page(page, website, footfall, idsite, "/read.html", ["enableHeartBeatTimer", 5],
              ["trackPageView"], title="Long read")
    started = page.evaluate("Date.now()")
    footfall.wait_visits(idsite, lambda v: len(v) == 1, "the pageview")
    # The visitor stays five seconds on the page, then switches tab: the heartbeat fires.
    page.wait_for_function(f"Date.now() - {started} >= 5500", polling=200, timeout=20000)
    page.evaluate("window.dispatchEvent(new Event('blur'))")
    visits = footfall.wait_visits(idsite, lambda v: v[0]["visitDuration"] >= 5,
                                  "the visit time extended by the ping")
    assert len(visits) == 1 and visits[0]["actions"] == 1
    assert len(actions_of(visits)) == 1  # a ping adds no action


@pytest.mark.parametrize("script", [
    "footfall-optout.js?divId=matomo-opt-out",
    # the embed code Matomo's privacy settings page hands out
    "index.php?module=CoreAdminHome&action=optOutJS&divId=matomo-opt-out&language=auto&showIntro=1",
])
def test_opt_out_snippet_stops_tracking_until_the_visitor_opts_back_in(
        footfall: Footfall, website: Website, page: Any, script: str) -> None:
    idsite = footfall.add_site(website)
    optout = (f'<div id="matomo-opt-out"></div>'
              f'<script src="{footfall.url}{html.escape(script)}"></script>')
    open_page(page, website, footfall, idsite, "/privacy.html", ["trackPageView", "Privacy"],
              body=optout)
    footfall.wait_visits(idsite, lambda v: len(actions_of(v, "action")) == 1, "the first pageview")
    page.locator("#matomo-opt-out-checkbox").uncheck()
    page.reload()
    page.wait_for_function("window.Footfall && Footfall.initialized")
    page.evaluate("_paq.push(['trackEvent', 'Opted', 'out'])")
    assert page.locator("#matomo-opt-out-checkbox").is_checked() is False
    page.locator("#matomo-opt-out-checkbox").check()
    page.evaluate("_paq.push(['trackEvent', 'Opted', 'in'])")
    visits = footfall.wait_visits(idsite, lambda v: len(actions_of(v, "event")) >= 1,
                                  "the event after opting back in")
    assert [(e["eventCategory"], e["eventAction"]) for e in actions_of(visits, "event")] == [
        ("Opted", "in")]
    assert len(actions_of(visits, "action")) == 1  # the reload while opted out sent nothing


def test_opt_out_iframe_page_sets_footfalls_ignore_cookie(footfall: Footfall, website: Website,
                                                          page: Any, context: Any) -> None:
    idsite = footfall.add_site(website)
    page.goto(footfall.url + "footfall-optout.html")
    page.locator("#matomo-opt-out-checkbox").uncheck()
    assert [c["name"] for c in context.cookies(footfall.url)] == ["matomo_ignore"]
    hit = {"idsite": idsite, "rec": 1, "url": website.url("/x"), "send_image": 0}
    # A hit that carries the cookie is ignored; the same hit without it is recorded.
    ignored = context.request.get(footfall.url + "matomo.php", params={**hit, "_id": "1" * 16})
    assert ignored.status == 204
    footfall.server.track({**hit, "_id": "2" * 16, "ua": "Mozilla/5.0 (X11) Firefox/120.0"})
    footfall.server.drain()
    assert [v["visitorId"] for v in footfall.visits(idsite)] == ["2" * 16]
    page.locator("#matomo-opt-out-checkbox").check()
    assert context.cookies(footfall.url) == []


def test_generated_tracking_code_records_a_visit(footfall: Footfall, website: Website,
                                                 page: Any) -> None:
    idsite = footfall.add_site(website)
    answer = footfall.api("SitesManager.getJavascriptTag", idSite=idsite, piwikUrl=footfall.url,
                          trackNoScript=1)
    code = html.unescape(answer["value"] if isinstance(answer, dict) else answer)
    assert "<noscript>" in code
    page.goto(website.add_page("/generated.html", html_page("Generated", code)))
    visits = footfall.wait_visits(idsite, lambda v: len(actions_of(v, "action")) == 1,
                                  "the pageview from the generated snippet")
    assert actions_of(visits)[0]["pageTitle"] == "Generated"


def test_second_tracker_site_search_post_requests_and_page_timings(
        footfall: Footfall, website: Website, page: Any) -> None:
    first, second = footfall.add_site(website), footfall.add_site(website)
    after_load = ("<script>addEventListener('load', function () { setTimeout(function () {"
                  " _paq.push(['trackPageView']);"
                  " _paq.push(['trackSiteSearch', 'red shoes', 'Shoes', 4]); }, 0); });</script>")
    open_page(page, website, footfall, first, "/search.html",
              ["addTracker", footfall.url + "matomo.php", second],
              ["setRequestMethod", "POST"], ["disableAlwaysUseSendBeacon"], body=after_load)
    for idsite in (first, second):
        visits = footfall.wait_visits(idsite, lambda v: actions_of(v, "search"),
                                      f"the site search on site {idsite}")
        (view,) = actions_of(visits, "action")
        assert view["pageLoadTimeMilliseconds"] >= 0  # pf_* reached the pageview row
        (search,) = actions_of(visits, "search")
        assert (search["siteSearchKeyword"], search["siteSearchCategory"],
                search["siteSearchCount"]) == ("red shoes", "Shoes", 4)


def test_cross_domain_link_keeps_the_visitor(footfall: Footfall, website: Website,
                                             page: Any) -> None:
    other_origin = website.origin.replace("localhost", "127.0.0.1")
    idsite = int(footfall.api("SitesManager.addSite", siteName="Two domains",
                              urls=f"{website.origin},{other_origin}")["value"])
    commands = [["setDomains", ["localhost", "127.0.0.1"]], ["enableCrossDomainLinking"],
                ["trackPageView"]]
    website.add_page("/landing.html", html_page("Landing", tracking_snippet(
        footfall.url, idsite, *commands)))
    open_page(page, website, footfall, idsite, "/start.html", *commands,
              body=f'<a id="partner" href="{other_origin}/landing.html">partner site</a>')
    visitor = page.evaluate("Matomo.getAsyncTracker().getVisitorId()")
    page.click("#partner")
    page.wait_for_url(f"{other_origin}/landing.html?pk_vid=*")
    page.wait_for_function("window.Footfall && Footfall.initialized")
    assert page.evaluate("Matomo.getAsyncTracker().getVisitorId()") == visitor
    visits = footfall.wait_visits(idsite, lambda v: len(actions_of(v, "action")) == 2,
                                  "the pageviews on both domains")
    assert {v["visitorId"] for v in visits} == {visitor}
    assert [a["url"] for a in actions_of(visits, "action")] == [
        website.url("/start.html"), f"{other_origin}/landing.html"]
