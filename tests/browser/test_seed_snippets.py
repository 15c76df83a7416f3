"""The seed document's snippets, pasted as they are with Footfall's address, in real
Chromium against a real `footfall serve`; read back through the Live API."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import seed_snippets as seed
from tests.browser.conftest import Footfall, Visits, actions_of
from tests.browser.support import Website, html_page

pytestmark = pytest.mark.browser

SPA_PAGE = """<nav><a id="to-pricing" href="/pricing">Pricing</a> <a id="to-docs" href="/docs">Docs</a></nav>
<script>
// A minimal router with the afterEach hook of Vue Router / React Router.
var router = {hooks: [], afterEach: function (hook) { this.hooks.push(hook); },
  go: function (path, title) {
    history.pushState({}, '', path);
    var to = {fullPath: path, meta: {title: title}};
    this.hooks.forEach(function (hook) { hook(to); });
  }};
document.addEventListener('click', function (e) {
  if (e.target.id === 'to-pricing') { e.preventDefault(); router.go('/pricing?plan=pro', 'Pricing'); }
  if (e.target.id === 'to-docs') { e.preventDefault(); router.go('/docs', ''); }
});
</script>"""


def configure_site(footfall: Footfall, website: Website) -> int:
    idsite = footfall.add_site(website, ecommerce=True)
    footfall.api("Goals.addGoal", idSite=idsite, name="Signup", matchAttribute="manually")
    footfall.api("CustomDimensions.configureNewCustomDimension", idSite=idsite, name="Plan",
                 scope="visit", active=1)
    footfall.api("CustomDimensions.configureNewCustomDimension", idSite=idsite, name="Placement",
                 scope="action", active=1)
    return idsite


def test_seed_snippets_record_pageviews_events_dimensions_goal_and_order(
        footfall: Footfall, website: Website, page: Any) -> None:
    idsite = configure_site(footfall, website)
    body = seed.with_footfall(seed.STANDARD, footfall.url, idsite) + "".join(
        seed.script(code) for code in (seed.EVENTS, seed.CUSTOM_DIMENSIONS, seed.GOAL, seed.ECOMMERCE))
    page.goto(website.add_page("/shop.html", html_page("Widget shop", body)))

    def complete(visits: Visits) -> bool:
        return len(actions_of(visits, "ecommerceOrder")) == 1 and len(actions_of(visits, "event")) == 3

    visits = footfall.wait_visits(idsite, complete, "the seed page's hits")
    assert len(visits) == 1
    visit = visits[0]
    pageviews = actions_of(visits, "action")
    assert [p["pageTitle"] for p in pageviews] == ["Widget shop"] * 3
    assert pageviews[0]["url"] == website.url("/shop.html")
    events = [(e["eventCategory"], e["eventAction"], e["eventName"], e["eventValue"])
              for e in actions_of(visits, "event")]
    assert events == [("Form", "Submit", "Contact Form", None), ("Video", "Play", "Product Demo", 45),
                      ("Download", "PDF", "/files/whitepaper.pdf", None)]
    assert visit["dimension1"] == "premium"
    assert pageviews[1].get("dimension2") == "sidebar-cta" and "dimension2" not in pageviews[2]
    (goal,) = actions_of(visits, "goal")
    assert (goal["goalId"], goal["goalName"], goal["revenue"]) == (1, "Signup", 49.99)
    (order,) = actions_of(visits, "ecommerceOrder")
    assert (order["orderId"], order["revenue"], order["revenueTax"], order["revenueShipping"]) == (
        "ORDER-123", 59.98, 4.8, 5.99)
    assert [(i["itemSKU"], i["itemName"], i["price"], i["quantity"]) for i in order["itemDetails"]] == [
        ("SKU001", "Widget Pro", 29.99, 2)]
    assert visit["visitEcommerceStatus"] == "ordered" and visit["goalConversions"] == 1


def test_seed_product_view_is_recorded_on_the_pageview(footfall: Footfall, website: Website,
                                                       page: Any) -> None:
    idsite = footfall.add_site(website, ecommerce=True)
    body = seed.with_footfall(seed.STANDARD, footfall.url, idsite).replace(
        "_paq.push(['trackPageView']);\n", "", 1) + seed.script(seed.ECOMMERCE)
    page.goto(website.add_page("/product.html", html_page("Widget Pro", body)))
    visits = footfall.wait_visits(idsite, lambda v: len(actions_of(v, "ecommerceOrder")) == 1,
                                  "the product page's hits")
    (view,) = actions_of(visits, "action")
    assert (view["productViewSku"], view["productViewName"], view["productViewPrice"],
            view["productViewCategories"]) == ("SKU001", "Widget Pro", 29.99, ["Widgets"])


def test_seed_spa_route_changes_become_pageviews(footfall: Footfall, website: Website,
                                                 page: Any) -> None:
    idsite = footfall.add_site(website)
    body = (SPA_PAGE + seed.with_footfall(seed.STANDARD, footfall.url, idsite)
            + seed.script(seed.SPA_ROUTER))
    page.goto(website.add_page("/app", html_page("SPA home", body)))
    footfall.wait_visits(idsite, lambda v: len(actions_of(v, "action")) == 1, "the first pageview")
    page.click("#to-pricing")
    page.click("#to-docs")
    visits = footfall.wait_visits(idsite, lambda v: len(actions_of(v, "action")) == 3,
                                  "three pageviews")
    assert len(visits) == 1
    assert [(a["url"], a["pageTitle"]) for a in actions_of(visits, "action")] == [
        (website.url("/app"), "SPA home"), (website.url("/pricing?plan=pro"), "Pricing"),
        (website.url("/docs"), "SPA home")]


def test_seed_consent_snippets(footfall: Footfall, website: Website, page: Any) -> None:
    idsite = footfall.add_site(website)
    body = (seed.script(seed.CONSENT_REQUIRED)
            + seed.with_footfall(seed.STANDARD, footfall.url, idsite).replace(
                "_paq.push(['trackPageView']);\n", "", 1))
    page.goto(website.add_page("/consent.html", html_page("Consent", body)))
    page.wait_for_function("window.Footfall && Footfall.initialized")
    assert page.evaluate("Matomo.getAsyncTracker().hasConsent()") is False
    footfall.server.drain()
    assert footfall.visits(idsite) == []
    assert not [c for c in page.context.cookies() if c["name"].startswith("_pk_")]
    page.evaluate(seed.CONSENT_GIVEN)
    visits = footfall.wait_visits(idsite, lambda v: len(actions_of(v, "action")) == 1,
                                  "the pageview held until consent")
    assert actions_of(visits)[0]["pageTitle"] == "Consent"
    assert any(c["name"].startswith("_pk_id.") for c in page.context.cookies())
    page.evaluate(seed.CONSENT_REVOKED)
    assert not [c for c in page.context.cookies() if c["name"].startswith("_pk_")]
    page.evaluate("_paq.push(['trackEvent', 'After', 'revoked'])")
    assert page.evaluate("Matomo.getAsyncTracker().isUserOptedOut()") is True


def test_seed_cookie_consent_and_cookieless_snippets(footfall: Footfall, website: Website,
                                                      page: Any, context: Any) -> None:
    idsite = footfall.add_site(website)
    standard = seed.with_footfall(seed.STANDARD, footfall.url, idsite).replace(
        "_paq.push(['trackPageView']);\n", "", 1)
    page.goto(website.add_page("/cookieless.html", html_page(
        "Cookieless", seed.script(seed.COOKIELESS) + standard)))
    footfall.wait_visits(idsite, lambda v: len(actions_of(v, "action")) == 1, "cookieless pageview")
    assert context.cookies() == []
    page.goto(website.add_page("/cookie-consent.html", html_page(
        "Cookie consent", seed.script(seed.COOKIE_CONSENT_REQUIRED) + standard)))
    visits = footfall.wait_visits(idsite, lambda v: len(actions_of(v, "action")) == 2,
                                  "pageview without cookie consent")
    assert context.cookies() == []
    page.evaluate(seed.COOKIE_CONSENT_GIVEN)
    page.evaluate("_paq.push(['trackPageView', 'With cookies'])")
    visits = footfall.wait_visits(idsite, lambda v: len(actions_of(v, "action")) == 3,
                                  "pageview after cookie consent")
    cookies = [c for c in context.cookies() if c["name"].startswith(f"_pk_id.{idsite}.")]
    assert len(cookies) == 1
    assert visits[-1]["visitorId"] == cookies[0]["value"].split(".")[0]
