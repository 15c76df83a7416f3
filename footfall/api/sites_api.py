"""SitesManager.*: reading and managing websites through the Reporting API."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa

from footfall import sites
from footfall.api import access, params
from footfall.api.dispatch import ApiCall, api_method
from footfall.db.schema import site as site_table
from footfall.errors import BadRequest

# API parameter -> (column, kind); lists are stored comma-separated, as Matomo does.
UPDATABLE = {
    "ecommerce": ("ecommerce", "flag"), "siteSearch": ("sitesearch", "flag"),
    "searchKeywordParameters": ("sitesearch_keyword_parameters", "list"),
    "searchCategoryParameters": ("sitesearch_category_parameters", "list"),
    "excludedIps": ("excluded_ips", "list"), "excludedQueryParameters": ("excluded_parameters", "list"),
    "excludedUserAgents": ("excluded_user_agents", "list"),
    "excludedReferrers": ("excluded_referrers", "list"),
    "keepURLFragments": ("keep_url_fragment", "int"), "group": ("group", "text"),
    "type": ("type", "text"), "excludeUnknownUrls": ("exclude_unknown_urls", "flag"),
}


def site_as_api(site: sites.Site, *, superuser: bool = False) -> dict[str, Any]:
    """A site as getSiteFromId shows it (field names and order are Matomo's)."""
    found: dict[str, Any] = {
        "idsite": site.idsite, "name": site.name, "main_url": site.main_url,
        "ts_created": site.ts_created.strftime("%Y-%m-%d %H:%M:%S") if site.ts_created else "",
        "ecommerce": int(site.ecommerce), "sitesearch": int(site.sitesearch),
        "sitesearch_keyword_parameters": ",".join(site.sitesearch_keyword_parameters),
        "sitesearch_category_parameters": ",".join(site.sitesearch_category_parameters),
        "timezone": site.timezone, "currency": site.currency,
        "exclude_unknown_urls": int(site.exclude_unknown_urls),
        "excluded_ips": ",".join(site.excluded_ips),
        "excluded_parameters": ",".join(site.excluded_parameters),
        "excluded_user_agents": ",".join(site.excluded_user_agents),
        "excluded_referrers": ",".join(site.excluded_referrers),
        "group": "", "type": site.type, "keep_url_fragment": site.keep_url_fragment,
    }
    if superuser:
        found["creator_login"] = site.extra.get("creator_login", "")
    found["timezone_name"] = site.timezone
    found["currency_name"] = site.currency
    return found


def _is_superuser(call: ApiCall) -> bool:
    return call.user is not None and call.user.superuser


@api_method("SitesManager.getSiteFromId", access="view")
def get_site_from_id(call: ApiCall) -> dict[str, Any]:
    idsite = params.integer(call.params, "idSite")
    return site_as_api(access.get_site(call.services, idsite), superuser=_is_superuser(call))


@api_method("SitesManager.getSiteUrlsFromId", access="view")
def get_site_urls_from_id(call: ApiCall) -> list[str]:
    return list(access.get_site(call.services, params.integer(call.params, "idSite")).urls)


@api_method("SitesManager.getAllSites", access="superuser")
def get_all_sites(call: ApiCall) -> list[dict[str, Any]]:
    return [site_as_api(s, superuser=True) for s in access.all_sites(call.services)]


@api_method("SitesManager.getAllSitesId", access="superuser")
def get_all_sites_id(call: ApiCall) -> list[int]:
    return [s.idsite for s in access.all_sites(call.services)]


def _viewable(call: ApiCall, level: str = "view") -> list[sites.Site]:
    ids = set(access.sites_with_access(call.services, call.user, level))
    return [s for s in access.all_sites(call.services) if s.idsite in ids]


@api_method("SitesManager.getSitesWithAtLeastViewAccess", access="some_view")
def get_sites_with_at_least_view_access(call: ApiCall) -> list[dict[str, Any]]:
    found = [site_as_api(s, superuser=_is_superuser(call)) for s in _viewable(call)]
    limit = params.integer(call.params, "limit", default=0)
    return found[:limit] if limit > 0 else found


@api_method("SitesManager.getSitesIdWithAtLeastViewAccess", access="some_view")
def get_sites_id_with_at_least_view_access(call: ApiCall) -> list[int]:
    return [s.idsite for s in _viewable(call)]


@api_method("SitesManager.getSitesWithAdminAccess", access="some_view")
def get_sites_with_admin_access(call: ApiCall) -> list[dict[str, Any]]:
    return [site_as_api(s, superuser=_is_superuser(call)) for s in _viewable(call, "admin")]


def _host_variants(url: str) -> set[str]:
    """The host and path of a URL with and without www., scheme ignored."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    host = (parts.hostname or "").lower()
    host = host[4:] if host.startswith("www.") else host
    path = parts.path.rstrip("/")
    return {host + path}


@api_method("SitesManager.getSitesIdFromSiteUrl", access="some_view")
def get_sites_id_from_site_url(call: ApiCall) -> list[dict[str, int]]:
    """Sites (that the caller may view) with this URL as main or alias URL."""
    wanted = _host_variants(str(params.required(call.params, "url")))
    return [{"idsite": s.idsite} for s in _viewable(call)
            if any(_host_variants(u) & wanted for u in s.urls)]


@api_method("SitesManager.addSite", access="superuser")
def add_site(call: ApiCall) -> int:
    """Create a website; its id is the answer."""
    name = str(params.required(call.params, "siteName"))
    urls = params.text_list(call.params, "urls")
    if not urls:
        raise BadRequest("Please specify a value for 'urls'.")
    idsite = sites.add_site(
        call.services.db.writer, name=name, urls=urls,
        timezone=params.text(call.params, "timezone") or "UTC",
        currency=params.text(call.params, "currency") or "USD",
        ecommerce=params.flag(call.params, "ecommerce"),
        creator_login=call.login)
    _update_columns(call, idsite)
    access.caches(call.services).clear()
    return idsite


@api_method("SitesManager.updateSite", access="self")
def update_site(call: ApiCall) -> None:
    """Change a site's settings (admin access to the site)."""
    idsite = params.integer(call.params, "idSite")
    access.check_site_access(call.services, call.user, idsite, "admin")
    access.get_site(call.services, idsite)
    values: dict[str, Any] = {}
    if call.params.get("siteName"):
        values["name"] = str(call.params["siteName"]).strip()[:90]
    if call.params.get("timezone"):
        values["timezone"] = sites.validate_timezone(str(call.params["timezone"]))
    if call.params.get("currency"):
        values["currency"] = sites.validate_currency(str(call.params["currency"]))
    urls = params.text_list(call.params, "urls")
    with call.services.db.writer.begin() as conn:
        if values:
            conn.execute(site_table.update().where(site_table.c.idsite == idsite).values(**values))
        if urls:
            clean = [sites.validate_url(u) for u in urls]
            conn.execute(site_table.update().where(site_table.c.idsite == idsite)
                         .values(main_url=clean[0]))
            sites._store_urls(conn, idsite, clean)
    _update_columns(call, idsite)
    access.caches(call.services).clear()


def _update_columns(call: ApiCall, idsite: int) -> None:
    """The optional settings of addSite/updateSite that were given."""
    values: dict[str, Any] = {}
    for name, (column, kind) in UPDATABLE.items():
        if name not in call.params:
            continue
        if kind == "flag":
            values[column] = int(params.flag(call.params, name))
        elif kind == "int":
            values[column] = params.integer(call.params, name, default=0)
        elif kind == "list":
            values[column] = ",".join(params.text_list(call.params, name))
        else:
            values[column] = params.text(call.params, name)[:250]
    if values:
        with call.services.db.writer.begin() as conn:
            conn.execute(sa.update(site_table).where(site_table.c.idsite == idsite).values(**values))


@api_method("SitesManager.getJavascriptTag", access="view")
def get_javascript_tag(call: ApiCall) -> str:
    """The tracking snippet for a site (from the JavaScript tracker's snippet builder)."""
    idsite = params.integer(call.params, "idSite")
    site = access.get_site(call.services, idsite)
    try:
        from footfall.js import snippets
    except ImportError:
        raise BadRequest("The JavaScript tracking code is not available in this build.") from None
    base = params.text(call.params, "piwikUrl") or params.text(call.params, "matomoUrl") \
        or call.base_url
    return snippets.javascript_tag(site, base_url=base, params=call.params)  # type: ignore[no-any-return]


@api_method("SitesManager.getImageTrackingCode", access="view")
def get_image_tracking_code(call: ApiCall) -> str:
    idsite = params.integer(call.params, "idSite")
    site = access.get_site(call.services, idsite)
    try:
        from footfall.js import snippets
    except ImportError:
        raise BadRequest("The image tracking code is not available in this build.") from None
    base = params.text(call.params, "piwikUrl") or params.text(call.params, "matomoUrl") \
        or call.base_url
    return snippets.image_tracking_code(site, base_url=base, params=call.params)  # type: ignore[no-any-return]
