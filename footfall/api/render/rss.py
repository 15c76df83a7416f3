"""format=rss: an RSS 2.0 feed with one item per period, most recent first.

Only a map keyed by date for one site can be a feed, as in Matomo.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import unquote

from footfall.api.render.model import DataTable, Map, RenderOptions, Simple
from footfall.api.render.values import php_string
from footfall.errors import BadRequest

CONTENT_TYPE = "text/xml; charset=utf-8"
ERROR_CONTENT_TYPE = "text/plain; charset=utf-8"
NOT_A_FEED = ("RSS feeds can be generated for one specific website &idSite=X.\n"
              "Please specify only one idSite or consider using &format=XML instead.")


def _escape(text: str) -> str:
    """htmlspecialchars with ENT_QUOTES, as Matomo's sanitizeInputValue."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#039;"))


def _rfc2822(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC))


def _cells(result: Any) -> list[dict[str, Any]]:
    if isinstance(result, DataTable):
        return [{"label": r.label, **r.columns} for r in result.all_rows()]
    if isinstance(result, Simple):
        return [dict(result.columns)] if result.columns else []
    return []


def describe(result: Any) -> str:
    """One period's table as the HTML that goes, escaped, into <description>."""
    rows = [{k: v for k, v in row.items() if not isinstance(v, (dict, list))}
            for row in _cells(result)]
    if not rows:
        return "<strong><em>Empty table</em></strong><br />\n"
    columns = list(dict.fromkeys(name for row in rows for name in row))
    out = "\n<table border=1 width=70%>\n<tr>"
    out += "".join(f"\n\t<td><strong>{name}</strong></td>" for name in columns)
    out += "\n</tr>"
    for row in rows:
        out += "\n\n<tr>"
        for name in columns:
            value = row.get(name)
            out += "\n\t<td>" + ("-" if value is None else unquote(php_string(value))) + "</td>"
        out += "</tr>"
    return out + "\n\n</table>"


def render(result: Any, options: RenderOptions, *, now: datetime | None = None) -> tuple[str, str]:
    if not isinstance(result, Map) or result.key_name != "date":
        raise BadRequest(NOT_A_FEED)
    generated = _rfc2822(now or datetime.now(UTC))
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n  <channel>\n'
           "    <title>matomo statistics - RSS</title>\n    <link>https://matomo.org</link>\n"
           "    <description>Matomo RSS feed</description>\n"
           f"    <pubDate>{generated}</pubDate>\n    <generator>matomo</generator>\n"
           f"    <language>en</language>\n    <lastBuildDate>{generated}</lastBuildDate>\n"]
    for key in reversed(list(result.entries)):
        info = result.entry_info.get(key, {})
        start: date = info.get("start") or date.today()
        link = _escape(f"{options.base_url}?module=CoreHome&action=index&idSite={options.idsite}"
                       f"&period={options.period}&date={start.isoformat()}")
        published = _rfc2822(datetime(start.year, start.month, start.day, tzinfo=UTC))
        out.append(f"\t<item>\n\t\t<pubDate>{published}</pubDate>\n\t\t<guid>{link}</guid>\n"
                   f"\t\t<link>{link}</link>\n\t\t<title>{_escape(info.get('site_name', ''))} on {key}"
                   "</title>\n\t\t<author>https://matomo.org</author>\n\t\t<description>"
                   + _escape(describe(result.entries[key])) + "</description>\n\t</item>\n")
    out.append("\t</channel>\n</rss>")
    return "".join(out), CONTENT_TYPE


def render_error(message: str, options: RenderOptions) -> tuple[str, str]:
    return f"Error: {message}", ERROR_CONTENT_TYPE
