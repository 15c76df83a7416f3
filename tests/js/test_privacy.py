"""footfall.js in Chromium: cookies, consent, opt-out and Do Not Track, seen from the wire."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

import pytest

from tests.browser.support import Website, html_page, wait_for
from tests.js.conftest import FAKE_FOOTFALL, Recorder
from tests.js.test_queue_and_requests import open_tracked, wait_hits

pytestmark = pytest.mark.browser


def tracking_cookies(page: Any) -> list[str]:
    return sorted(c["name"] for c in page.context.cookies() if c["name"].startswith(("_pk_", "mtm_")))


def push(page: Any, *commands: str) -> None:
    page.evaluate("".join(f"_paq.push({command});" for command in commands))


def test_disable_cookies_writes_no_cookie_and_sends_an_empty_visitor_id(
        page: Any, website: Website, recorder: Recorder) -> None:
    open_tracked(page, website, ["disableCookies"], ["trackPageView"], ["trackEvent", "a", "b"])
    hits = wait_hits(page, recorder, 2)
    assert all(hit["_id"] == "" and hit["cookie"] == "0" for hit in hits)
    assert page.evaluate("document.cookie") == ""
    assert page.context.cookies() == []


def test_disable_cookies_removes_cookies_set_before(page: Any, website: Website,
                                                   recorder: Recorder) -> None:
    open_tracked(page, website, ["trackPageView"])
    wait_hits(page, recorder, 1)
    assert any(name.startswith("_pk_id.7.") for name in tracking_cookies(page))
    open_tracked(page, website, ["disableCookies"], ["trackPageView"], path="/cookieless.html")
    assert wait_hits(page, recorder, 2)[1]["_id"] == ""
    assert tracking_cookies(page) == []


def test_require_consent_holds_hits_until_consent(page: Any, website: Website,
                                                  recorder: Recorder) -> None:
    open_tracked(page, website, ["requireConsent"], ["trackPageView", "Held"])
    assert page.evaluate("window.__hitsSent") == 0 and tracking_cookies(page) == []
    assert page.evaluate("Matomo.getAsyncTracker().hasConsent()") is False
    push(page, "['rememberConsentGiven']")
    hit = wait_hits(page, recorder, 1)[0]
    assert hit["action_name"] == "Held" and hit["consent"] == "1"
    names = tracking_cookies(page)
    assert "mtm_consent" in names and any(n.startswith("_pk_id.7.") for n in names)


def test_remembered_consent_is_used_on_the_next_page(page: Any, website: Website,
                                                     recorder: Recorder) -> None:
    open_tracked(page, website, ["requireConsent"], ["rememberConsentGiven"], ["trackPageView"])
    wait_hits(page, recorder, 1)
    open_tracked(page, website, ["requireConsent"], ["trackPageView", "Again"], path="/next.html")
    assert wait_hits(page, recorder, 2)[1]["action_name"] == "Again"


def test_forget_consent_opts_out_and_deletes_tracking_cookies(page: Any, website: Website,
                                                              recorder: Recorder) -> None:
    page.clock.install()
    open_tracked(page, website, ["trackPageView"])
    wait_hits(page, recorder, 1)
    push(page, "['forgetConsentGiven']", "['trackPageView', 'Not sent']")
    assert page.evaluate("Matomo.getAsyncTracker().isUserOptedOut()") is True
    assert tracking_cookies(page) == ["mtm_consent_removed"]
    push(page, "['trackEvent', 'after', 'optout']")
    page.clock.run_for(2000)  # past the 800 ms grouping window, on the page's clock
    assert page.evaluate("window.__hitsSent") == 1


def test_cookie_consent_tracks_without_cookies_then_with_them(page: Any, website: Website,
                                                              recorder: Recorder) -> None:
    open_tracked(page, website, ["requireCookieConsent"], ["trackPageView"])
    first = wait_hits(page, recorder, 1)[0]
    assert first["_id"] == "" and tracking_cookies(page) == []
    push(page, "['rememberCookieConsentGiven']")
    ping = wait_hits(page, recorder, 2)[1]
    assert ping["ping"] == "1" and len(ping["_id"]) == 16
    assert "mtm_cookie_consent" in tracking_cookies(page)
    assert any(name.startswith("_pk_id.7.") for name in tracking_cookies(page))
    push(page, "['forgetCookieConsentGiven']")
    assert tracking_cookies(page) == []


def test_opt_out_cookie_stops_tracking_even_without_consent_mode(
        page: Any, website: Website, recorder: Recorder) -> None:
    open_tracked(page, website, ["optUserOut"], ["trackPageView"])
    assert tracking_cookies(page) == ["mtm_consent_removed"]  # no visitor cookie either
    push(page, "['forgetUserOptOut']", "['trackPageView', 'Back']")
    hit = wait_hits(page, recorder, 1)[0]
    assert hit["action_name"] == "Back" and len(recorder.hits) == 1


def test_do_not_track_is_honoured_when_asked(page: Any, website: Website,
                                             recorder: Recorder) -> None:
    page.add_init_script("Object.defineProperty(Navigator.prototype, 'doNotTrack', {get: () => '1'})")
    open_tracked(page, website, ["setDoNotTrack", True], ["trackPageView"], ["addTracker",
                 FAKE_FOOTFALL + "b.php", 8])
    page.evaluate("_paq.push(['setDoNotTrack', false]); _paq.push(['trackPageView', 'Allowed'])")
    hits = wait_hits(page, recorder, 2)
    assert [h["action_name"] for h in hits] == ["Allowed", "Allowed"]


def test_do_not_track_writes_no_cookie(page: Any, website: Website, recorder: Recorder) -> None:
    page.add_init_script("Object.defineProperty(Navigator.prototype, 'doNotTrack', {get: () => '1'})")
    open_tracked(page, website, ["setDoNotTrack", True], ["trackPageView"])
    assert page.evaluate("Matomo.getAsyncTracker().getNumTrackedPageViews()") == 1
    assert tracking_cookies(page) == [] and recorder.hits == []


def test_opt_out_snippet_sets_the_cookie_the_tracker_reads(page: Any, website: Website,
                                                           recorder: Recorder) -> None:
    body = ("<div id='matomo-opt-out'></div>"
            f"<script src='{FAKE_FOOTFALL}footfall-optout.js?divId=matomo-opt-out'></script>")
    website.add_page("/privacy.html", html_page("Privacy", body))
    page.context.unroute(FAKE_FOOTFALL + "**")
    optout = (website_root() / "optout.min.js").read_bytes()
    page.context.route(FAKE_FOOTFALL + "footfall-optout.js*",
                       lambda route: route.fulfill(body=optout, content_type="application/javascript"))
    page.goto(website.url("/privacy.html"))
    checkbox = page.locator("#matomo-opt-out-checkbox")
    assert checkbox.is_checked()
    checkbox.uncheck()
    assert "mtm_consent_removed" in tracking_cookies(page)
    checkbox.check()
    wait_for(lambda: "mtm_consent_removed" not in tracking_cookies(page), page=page,
             what="opt-out cookie removed")


def website_root() -> Any:
    from tests.browser.support import JS_DIR

    return JS_DIR


def test_campaign_is_kept_in_the_referral_cookie(page: Any, website: Website,
                                                 recorder: Recorder) -> None:
    open_tracked(page, website, ["trackPageView"], path="/landing.html")
    page.goto(website.url("/landing.html?mtm_campaign=Spring&mtm_kwd=Banner"))
    page.wait_for_function("window.Footfall && Footfall.initialized")
    hit = wait_hits(page, recorder, 2)[1]
    assert (hit["_rcn"], hit["_rck"]) == ("Spring", "Banner") and int(hit["_refts"]) > 0
    # _pk_ref is written only when a session starts: this visitor's session had started.
    assert not [n for n in tracking_cookies(page) if n.startswith("_pk_ref.")]
    page.context.clear_cookies()
    page.reload()
    page.wait_for_function("window.Footfall && Footfall.initialized")
    wait_hits(page, recorder, 3)
    (ref,) = [c for c in page.context.cookies() if c["name"].startswith("_pk_ref.7.")]
    name, keyword, timestamp, referrer = json.loads(unquote(ref["value"]))
    assert (name, keyword, referrer) == ("Spring", "Banner", "") and timestamp > 0
