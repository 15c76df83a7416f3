"""footfall.js in Chromium: the `_paq` queue and the parameters of the hits it sends.

Hits are answered by a Playwright route (see conftest), so these tests pin the
wire format; tests/browser/ checks what the real server records from them.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import pytest

from tests.browser.support import Website, html_page, tracking_snippet, wait_for
from tests.js.conftest import FAKE_FOOTFALL, Recorder

pytestmark = pytest.mark.browser


def open_tracked(page: Any, website: Website, *commands: list[Any], body: str = "",
                 path: str = "/page.html", title: str = "Test page", idsite: int = 7) -> None:
    website.add_page(path, html_page(title, body + tracking_snippet(FAKE_FOOTFALL, idsite, *commands)))
    page.goto(website.url(path))
    page.wait_for_function("window.Footfall && window.Footfall.initialized")


def wait_hits(page: Any, recorder: Recorder, count: int, what: str = "hits") -> list[dict[str, str]]:
    wait_for(lambda: len(recorder.hits) >= count, page=page, what=f"{count} {what}")
    return recorder.params()


def test_pageview_carries_the_documented_parameters(page: Any, website: Website,
                                                    recorder: Recorder) -> None:
    open_tracked(page, website, ["trackPageView"], title="Pricing")
    hit = wait_hits(page, recorder, 1)[0]
    assert hit["action_name"] == "Pricing"
    assert hit["idsite"] == "7" and hit["rec"] == "1" and hit["send_image"] == "0"
    assert hit["url"] == website.url("/page.html")
    assert len(hit["_id"]) == 16 and int(hit["_id"], 16) >= 0
    assert len(hit["pv_id"]) == 6 and len(hit["r"]) == 6
    assert hit["res"] == "1280x720" and hit["cookie"] == "1"
    assert {"h", "m", "s", "_refts"} <= hit.keys()


def test_client_hints_are_sent_as_uadata(page: Any, website: Website, recorder: Recorder) -> None:
    open_tracked(page, website, ["trackPageView"])
    hints = json.loads(wait_hits(page, recorder, 1)[0]["uadata"])
    assert hints["platform"] == "Linux" and hints["fullVersionList"]
    assert {"model", "platformVersion", "formFactors"} <= hints.keys()


def test_cookies_have_matomo_names_and_formats(page: Any, website: Website,
                                               recorder: Recorder) -> None:
    open_tracked(page, website, ["trackPageView"])
    hit = wait_hits(page, recorder, 1)[0]
    domain_hash = hashlib.sha1(b"localhost/").hexdigest()[:4]
    cookies = {c["name"]: c for c in page.context.cookies()}
    visitor = cookies[f"_pk_id.7.{domain_hash}"]
    visitor_id, created, trailing = visitor["value"].split(".")
    assert visitor_id == hit["_id"] and trailing == "" and created.isdigit()
    # 13 months (33,955,200 s) from creation
    assert abs(visitor["expires"] - (int(created) + 33955200)) <= 2
    assert cookies[f"_pk_ses.7.{domain_hash}"]["value"] == "1"
    assert visitor["sameSite"] == "Lax" and visitor["path"] == "/"


def test_cookie_domain_and_path_change_the_cookie_name(page: Any, website: Website,
                                                       recorder: Recorder) -> None:
    open_tracked(page, website, ["setCookiePath", "/"], ["setCookieDomain", "*.localhost"],
                 ["setVisitorCookieTimeout", 3600], ["trackPageView"])
    wait_hits(page, recorder, 1)
    domain_hash = hashlib.sha1(b".localhost/").hexdigest()[:4]
    assert page.evaluate("document.cookie").count(f"_pk_id.7.{domain_hash}=") == 1


def test_commands_before_load_run_configuration_first_and_pushes_after_load_run_at_once(
        page: Any, website: Website, recorder: Recorder) -> None:
    # setUserId comes after trackPageView in the queue but is a configuration command.
    open_tracked(page, website, ["trackPageView", "First"], ["setUserId", "alice"])
    first = wait_hits(page, recorder, 1)[0]
    assert first["uid"] == "alice" and first["action_name"] == "First"
    page.evaluate("_paq.push(['resetUserId']); _paq.push(['trackPageView', 'Second'])")
    second = wait_hits(page, recorder, 2)[1]
    assert second["action_name"] == "Second" and "uid" not in second


def test_hits_held_after_the_first_leave_when_the_page_is_hidden(page: Any, website: Website,
                                                                 recorder: Recorder) -> None:
    """(A real navigation is in tests/browser: routed requests stop at unload.)"""
    open_tracked(page, website, ["trackPageView"], ["trackEvent", "Held", "then sent"])
    page.evaluate("window.dispatchEvent(new Event('pagehide'))")  # within the 800 ms window
    hits = wait_hits(page, recorder, 2)
    assert [h.get("e_c") for h in hits] == [None, "Held"]
    assert recorder.hits[1].method == "POST"  # a beacon


def test_function_entries_run_with_the_tracker_as_this(page: Any, website: Website,
                                                       recorder: Recorder) -> None:
    open_tracked(page, website, ["trackPageView"])
    site_id = page.evaluate("""() => new Promise(resolve =>
        _paq.push(function () { resolve(this.getSiteId() + '|' + this.getVisitorId().length); }))""")
    assert site_id == "7|16"


def test_matomo_globals_and_init_callbacks_for_existing_integrations(
        page: Any, website: Website, recorder: Recorder) -> None:
    init = ("<script>window.matomoAsyncInit = function () {"
            " Matomo.getAsyncTracker().trackEvent('Init', 'callback'); };</script>")
    open_tracked(page, website, ["trackPageView"], body=init)
    hits = wait_hits(page, recorder, 2)
    assert hits[1]["e_c"] == "Init"
    assert page.evaluate("Piwik === Matomo && Matomo === Footfall")
    assert page.evaluate("Matomo.getTracker('https://x.example/m.php', 4).getSiteId()") == 4


def test_unknown_command_after_load_throws(page: Any, website: Website) -> None:
    open_tracked(page, website)
    error = page.evaluate("""() => { try { _paq.push(['noSuchCommand']); return ''; }
                                     catch (e) { return e.message; } }""")
    assert "noSuchCommand" in error


def test_add_tracker_sends_to_every_tracker(page: Any, website: Website,
                                            recorder: Recorder) -> None:
    open_tracked(page, website, ["addTracker", FAKE_FOOTFALL + "second.php", 9], ["trackPageView"])
    hits = wait_hits(page, recorder, 2)
    assert sorted(h["idsite"] for h in hits) == ["7", "9"]
    assert page.evaluate("Matomo.getAsyncTrackers().length") == 2
    assert page.evaluate("Matomo.getAsyncTracker().getSiteId()") == "7"


def test_no_globals_beyond_paq_matomo_piwik_footfall(page: Any, website: Website) -> None:
    website.add_page("/bare.html", html_page("Bare", ""))
    page.goto(website.url("/bare.html"))
    before = set(page.evaluate("Object.keys(window)"))
    page.add_script_tag(url=website.url("/footfall.min.js"))
    page.wait_for_function("window.Footfall && window.Footfall.initialized")
    added = set(page.evaluate("Object.keys(window)")) - before
    assert added == {"_paq", "Matomo", "Piwik", "Footfall"}


def test_without_modern_apis_it_falls_back_to_an_image_and_does_not_throw(
        page: Any, website: Website, recorder: Recorder) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script("""
        delete Navigator.prototype.sendBeacon;
        window.IntersectionObserver = undefined;
        window.fetch = undefined;
        Performance.prototype.getEntriesByType = undefined;""")
    open_tracked(page, website, ["trackPageView"], ["trackVisibleContentImpressions"],
                 ["enableLinkTracking"], ["enableHeartBeatTimer"],
                 body="<div data-track-content data-content-name='Old'>x</div>")
    hit = wait_hits(page, recorder, 1)[0]
    assert recorder.hits[0].method == "GET" and hit["send_image"] == "1"
    assert errors == []


def test_post_request_method_sends_the_parameters_in_the_body(page: Any, website: Website,
                                                              recorder: Recorder) -> None:
    open_tracked(page, website, ["setRequestMethod", "POST"], ["disableAlwaysUseSendBeacon"],
                 ["trackPageView", "Posted"])
    wait_hits(page, recorder, 1)
    assert recorder.hits[0].method == "POST" and "action_name=Posted" in recorder.hits[0].body


def test_custom_url_title_referrer_and_excluded_parameters(page: Any, website: Website,
                                                           recorder: Recorder) -> None:
    open_tracked(page, website, ["setExcludedQueryParams", ["secret"]],
                 ["setCustomUrl", "/app/route?secret=1&keep=2"], ["setDocumentTitle", "Route"],
                 ["setReferrerUrl", "https://other.example/x"], ["trackPageView"])
    hit = wait_hits(page, recorder, 1)[0]
    assert hit["url"] == website.url("/app/route?keep=2")
    assert hit["action_name"] == "Route" and hit["urlref"] == "https://other.example/x"


def test_dimensions_variables_and_custom_data(page: Any, website: Website,
                                              recorder: Recorder) -> None:
    open_tracked(page, website, ["setCustomDimension", 1, "premium"],
                 ["setCustomDimension", 2, "sidebar"], ["setCustomVariable", 1, "kind", "blog", "page"],
                 ["setCustomVariable", 2, "plan", "pro", "visit"], ["trackPageView"])
    first = wait_hits(page, recorder, 1)[0]
    assert first["dimension1"] == "premium" and first["dimension2"] == "sidebar"
    assert json.loads(first["cvar"]) == {"1": ["kind", "blog"]}
    assert json.loads(first["_cvar"]) == {"2": ["plan", "pro"]}
    page.evaluate("_paq.push(['deleteCustomDimension', 2]); _paq.push(['trackEvent', 'c', 'a'])")
    second = wait_hits(page, recorder, 2)[1]
    assert second["dimension1"] == "premium" and "dimension2" not in second


def test_events_site_search_goals_and_links(page: Any, website: Website,
                                            recorder: Recorder) -> None:
    open_tracked(page, website, ["trackEvent", "Video", "Play", "Intro", 12.5],
                 ["trackSiteSearch", "red shoes", "Shoes", 0], ["trackGoal", 2, 9.99],
                 ["trackLink", "https://other.example/a", "link"], ["trackEvent", " ", "x"])
    hits = wait_hits(page, recorder, 4)
    event, search, goal, link = (next(h for h in hits if key in h)
                                 for key in ("e_c", "search", "idgoal", "link"))
    assert event | {"e_c": "Video", "e_a": "Play", "e_n": "Intro", "e_v": "12.5", "ca": "1"} == event
    assert (search["search"], search["search_cat"], search["search_count"]) == ("red shoes", "Shoes", "0")
    assert (goal["idgoal"], goal["revenue"]) == ("2", "9.99")
    assert link["link"] == "https://other.example/a"
    assert len(recorder.hits) == 4  # the event with a blank category is refused


def test_ecommerce_parameters(page: Any, website: Website, recorder: Recorder) -> None:
    open_tracked(page, website, ["setEcommerceView", "SKU1", "Widget", ["Tools", "Widgets"], 29.99],
                 ["trackPageView"], ["addEcommerceItem", "SKU1", "Widget", "Widgets", 29.99, 2],
                 ["addEcommerceItem", "SKU2", "Gone"], ["removeEcommerceItem", "SKU2"],
                 ["trackEcommerceCartUpdate", 59.98],
                 ["trackEcommerceOrder", "A-1", 65.77, 59.98, 4.8, 5.99, 0])
    view, cart, order = wait_hits(page, recorder, 3)
    assert (view["_pks"], view["_pkn"], view["_pkp"]) == ("SKU1", "Widget", "29.99")
    assert json.loads(view["_pkc"]) == ["Tools", "Widgets"]
    assert cart["idgoal"] == "0" and cart["revenue"] == "59.98"
    assert json.loads(cart["ec_items"]) == [["SKU1", "Widget", "Widgets", 29.99, 2]]
    assert order | {"ec_id": "A-1", "revenue": "65.77", "ec_st": "59.98", "ec_tx": "4.8",
                    "ec_sh": "5.99", "ec_dt": "0"} == order
    assert page.evaluate("Matomo.getAsyncTracker().getEcommerceItems()") == {}


def test_request_hooks_visitor_id_custom_data_and_js_errors(page: Any, website: Website,
                                                            recorder: Recorder) -> None:
    open_tracked(page, website, ["setVisitorId", "ABCDEF0123456789"],
                 ["appendToTrackingUrl", "bots=1"], ["setCustomData", "plan", "pro"],
                 ["setCustomRequestProcessing", None], ["enableJSErrorTracking"],
                 ["trackPageView"])
    view = wait_hits(page, recorder, 1)[0]
    assert view["_id"] == "abcdef0123456789" and view["bots"] == "1"
    assert json.loads(view["data"]) == {"plan": "pro"}
    page.evaluate("""_paq.push(function () {
        this.setCustomRequestProcessing(function (query) { return query + '&marked=1'; }); })""")
    page.evaluate("setTimeout(function () { throw new Error('Boom'); }, 0)")
    error = wait_hits(page, recorder, 2)[1]
    assert (error["e_c"], error["e_n"], error["marked"]) == ("JavaScript Errors", "Uncaught Error: Boom", "1")
    assert re.fullmatch(r".*:\d+:\d+", error["e_a"])  # <file>:<line>:<column>
