"""The snippets of the user's seed document (shared/seed-matomo-overview.txt), verbatim.

Only `https://your-matomo-domain.com/` and `SITE_ID` are replaced, by `with_footfall`,
as a site owner would when switching to Footfall.
"""

from __future__ import annotations

STANDARD = """<script>
var _paq = window._paq = window._paq || [];
_paq.push(['trackPageView']);
_paq.push(['enableLinkTracking']);
(function() {
var u = "https://your-matomo-domain.com/";
_paq.push(['setTrackerUrl', u + 'matomo.php']);
_paq.push(['setSiteId', 'SITE_ID']);
var d = document, g = d.createElement('script'),
s = d.getElementsByTagName('script')[0];
g.async = true; g.src = u + 'matomo.js';
s.parentNode.insertBefore(g, s);
})();
</script>
<noscript>
<img referrerpolicy="no-referrer-when-downgrade"
src="https://your-matomo-domain.com/matomo.php?idsite=SITE_ID&rec=1"
style="border:0" alt="" />
</noscript>"""

SPA_ROUTER = """// React Router, Vue Router, etc.
router.afterEach((to) => {
_paq.push(['setCustomUrl', to.fullPath]);
_paq.push(['setDocumentTitle', to.meta.title || document.title]);
_paq.push(['trackPageView']);
});"""

EVENTS = """// _paq.push(['trackEvent', category, action, name, value])
_paq.push(['trackEvent', 'Form', 'Submit', 'Contact Form']);
_paq.push(['trackEvent', 'Video', 'Play', 'Product Demo', 45]);
_paq.push(['trackEvent', 'Download', 'PDF', '/files/whitepaper.pdf']);"""

CUSTOM_DIMENSIONS = """// Visit-scoped dimension (set once per session)
_paq.push(['setCustomDimension', 1, 'premium']);
// Action-scoped dimension (set before each trackPageView/trackEvent)
_paq.push(['setCustomDimension', 2, 'sidebar-cta']);
_paq.push(['trackPageView']);
// Delete a custom dimension value
_paq.push(['deleteCustomDimension', 2]);"""

CONTENT = """<div data-track-content
data-content-name="Hero Banner"
data-content-piece="Summer Sale"
data-content-target="https://example.com/sale">
<a href="https://example.com/sale">Shop Now</a>
</div>"""

GOAL = """// Manual goal conversion with revenue
_paq.push(['trackGoal', 1, 49.99]);"""

ECOMMERCE = """// Set e-commerce view (product page)
_paq.push(['setEcommerceView', 'SKU001', 'Widget Pro', 'Widgets', 29.99]);
_paq.push(['trackPageView']);
// Add items to cart
_paq.push(['addEcommerceItem', 'SKU001', 'Widget Pro', 'Widgets', 29.99, 2]);
_paq.push(['trackEcommerceCartUpdate', 59.98]);
// Track order
_paq.push(['addEcommerceItem', 'SKU001', 'Widget Pro', 'Widgets', 29.99, 2]);
_paq.push(['trackEcommerceOrder', 'ORDER-123', 59.98, 59.98, 4.80, 5.99, 0]);
// trackEcommerceOrder(orderId, grandTotal, subTotal, tax, shipping, discount)"""

CONSENT_REQUIRED = """// No tracking until consent is given
_paq.push(['requireConsent']);
_paq.push(['trackPageView']);"""
CONSENT_GIVEN = """// When user consents:
_paq.push(['setConsentGiven']);"""
CONSENT_REVOKED = """// Revoke consent:
_paq.push(['forgetConsentGiven']);"""

COOKIE_CONSENT_REQUIRED = """// Track without cookies until consent is given
_paq.push(['requireCookieConsent']);
_paq.push(['trackPageView']);"""
COOKIE_CONSENT_GIVEN = """// When user accepts cookies:
_paq.push(['setCookieConsentGiven']);"""

COOKIELESS = """_paq.push(['disableCookies']);
_paq.push(['trackPageView']);"""


def with_footfall(snippet: str, footfall_url: str, idsite: int) -> str:
    """The seed's placeholders replaced by Footfall's address and the site id."""
    return (snippet.replace("https://your-matomo-domain.com/", footfall_url)
            .replace("SITE_ID", str(idsite)))


def script(code: str) -> str:
    return f"<script>\nvar _paq = window._paq = window._paq || [];\n{code}\n</script>"
