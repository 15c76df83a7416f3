"""The tracking code a site owner pastes: the JavaScript snippet and the <noscript> image.

Used by SitesManager.getJavascriptTag and SitesManager.getImageTrackingCode. Both
return the code HTML-escaped, as Matomo's API does (the UI shows it as text).
The options are the API's parameter names, so an API call maps onto them one to one.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

from footfall.errors import BadRequest
from footfall.sites import Site

TRACKER_SCRIPT = "matomo.js"
TRACKER_ENDPOINT = "matomo.php"
_TRUE = {"1", "true", "yes", "on"}


def _flag(options: Mapping[str, Any], name: str) -> bool:
    return str(options.get(name, "")).strip().lower() in _TRUE


def _list(options: Mapping[str, Any], name: str) -> list[str]:
    value = options.get(name)
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    if isinstance(value, dict):
        return [str(v).strip() for v in value.values() if str(v).strip()]
    return [part.strip() for part in str(value or "").split(",") if part.strip()]


def footfall_base(base_url: str) -> str:
    """'https://stats.example.com/' from what the caller gave ('stats.example.com', a full URL...).

    A URL without a scheme becomes protocol-relative ('//host/'), as Matomo's snippets are.
    """
    base = (base_url or "").strip()
    if not base:
        raise BadRequest("Please specify a value for 'piwikUrl' (the address Footfall is reached at).")
    if "://" not in base and not base.startswith("//"):
        base = "//" + base
    parts = urlsplit(base)
    if not parts.netloc or any(c in base for c in "\"'<>\\ \n"):
        raise BadRequest(f"The Footfall address '{base_url}' is not a valid URL.")
    path = parts.path.rsplit("/", 1)[0] if parts.path.endswith((".php", ".js")) else parts.path
    return f"{parts.scheme + ':' if parts.scheme else ''}//{parts.netloc}{path.rstrip('/')}/"


def _hosts(site: Site, *, aliases: bool) -> list[str]:
    urls = site.urls if aliases else (site.main_url,)
    return list(dict.fromkeys(urlsplit(u).hostname or "" for u in urls if urlsplit(u).hostname))


def _custom_variables(options: Mapping[str, Any], name: str, scope: str) -> list[list[Any]]:
    """visitorCustomVariables / pageCustomVariables: a JSON list of [name, value] pairs."""
    raw = options.get(name)
    if not raw:
        return []
    try:
        pairs = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        raise BadRequest(f"The parameter '{name}' must be a JSON list of [name, value] pairs.") from None
    if not isinstance(pairs, list):
        raise BadRequest(f"The parameter '{name}' must be a JSON list of [name, value] pairs.")
    return [["setCustomVariable", i, str(p[0]), str(p[1]), scope]
            for i, p in enumerate(pairs, start=1) if isinstance(p, list) and len(p) == 2]


def snippet_commands(site: Site, options: Mapping[str, Any]) -> list[list[Any]]:
    """The `_paq` commands the chosen options add before trackPageView."""
    commands: list[list[Any]] = []
    main_host = _hosts(site, aliases=False)[0] if _hosts(site, aliases=False) else ""
    if _flag(options, "groupPageTitlesByDomain"):
        commands.append(["setDocumentTitle", "@TITLE_BY_DOMAIN@"])
    if _flag(options, "mergeSubdomains") and main_host:
        commands.append(["setCookieDomain", "*." + main_host])
    if _flag(options, "mergeAliasUrls") or _flag(options, "mergeSubdomains"):
        prefix = "*." if _flag(options, "mergeSubdomains") else ""
        hosts = _hosts(site, aliases=_flag(options, "mergeAliasUrls"))
        commands.append(["setDomains", [prefix + host for host in hosts]])
    if _flag(options, "crossDomain"):
        commands.append(["enableCrossDomainLinking"])
    commands += _custom_variables(options, "visitorCustomVariables", "visit")
    commands += _custom_variables(options, "pageCustomVariables", "page")
    for option, command in (("customCampaignNameQueryParam", "setCampaignNameKey"),
                            ("customCampaignKeywordParam", "setCampaignKeywordKey")):
        if str(options.get(option) or "").strip():
            commands.append([command, str(options[option]).strip()])
    if _flag(options, "doNotTrack"):
        commands.append(["setDoNotTrack", True])
    if _flag(options, "disableCookies"):
        commands.append(["disableCookies"])
    if _flag(options, "disableCampaignParameters"):
        commands.append(["disableCampaignParameters"])
    for option, command in (("excludedQueryParams", "setExcludedQueryParams"),
                            ("excludedReferrers", "setExcludedReferrers")):
        if _list(options, option):
            commands.append([command, _list(options, option)])
    return commands


def _push_lines(commands: list[list[Any]]) -> list[str]:
    lines = []
    for command in commands:
        text = json.dumps(command, ensure_ascii=False).replace("</", "<\\/")
        lines.append(f"_paq.push({text});".replace(
            '"@TITLE_BY_DOMAIN@"', 'document.domain + "/" + document.title'))
    return lines


def javascript_code(site: Site, *, base_url: str, params: Mapping[str, Any] | None = None) -> str:
    """The snippet itself (raw HTML), to paste before </body>."""
    options = params or {}
    base = footfall_base(base_url)
    lines = [
        "<!-- Footfall -->", "<script>", "var _paq = window._paq = window._paq || [];",
        *_push_lines(snippet_commands(site, options)),
        "_paq.push(['trackPageView']);", "_paq.push(['enableLinkTracking']);",
        "(function() {",
        f"  var u={json.dumps(base)};",
        f"  _paq.push(['setTrackerUrl', u+'{TRACKER_ENDPOINT}']);",
        f"  _paq.push(['setSiteId', '{site.idsite}']);",
        "  var d=document, g=d.createElement('script'), s=d.getElementsByTagName('script')[0];",
        f"  g.async=true; g.src=u+'{TRACKER_SCRIPT}'; s.parentNode.insertBefore(g,s);",
        "})();", "</script>",
    ]
    if _flag(options, "trackNoScript"):
        lines.append(f"<noscript><p>{image_code(site, base_url=base)}</p></noscript>")
    lines.append("<!-- End Footfall Code -->")
    return "\n".join(lines) + "\n"


def image_code(site: Site, *, base_url: str, params: Mapping[str, Any] | None = None) -> str:
    """The <img> that records a visit without JavaScript (raw HTML)."""
    options = params or {}
    query: dict[str, str] = {"idsite": str(site.idsite), "rec": "1"}
    action_name = str(options.get("actionName") or "").strip()
    if action_name:
        query["action_name"] = action_name
    idgoal = str(options.get("idGoal") or options.get("idgoal") or "").strip()
    if idgoal:
        query["idgoal"] = idgoal
        revenue = str(options.get("revenue") or "").strip()
        if revenue:
            query["revenue"] = revenue
    src = footfall_base(base_url) + TRACKER_ENDPOINT + "?" + urlencode(query)
    return (f'<img referrerpolicy="no-referrer-when-downgrade" src="{html.escape(src)}" '
            'style="border:0" alt="" />')


def javascript_tag(site: Site, *, base_url: str, params: Mapping[str, Any] | None = None) -> str:
    """SitesManager.getJavascriptTag: the snippet, HTML-escaped as Matomo's API returns it."""
    return html.escape(javascript_code(site, base_url=base_url, params=params))


def image_tracking_code(site: Site, *, base_url: str,
                        params: Mapping[str, Any] | None = None) -> str:
    """SitesManager.getImageTrackingCode: the <noscript> image, HTML-escaped."""
    code = f"<!-- Footfall Image Tracker-->\n{image_code(site, base_url=base_url, params=params)}\n"
    return html.escape(code + "<!-- End Footfall -->\n")
