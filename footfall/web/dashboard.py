"""The dashboard of one site for one period: evolution chart, key figures, report tables."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from footfall.archive.periods import Period
from footfall.web import widgets
from footfall.web.api_client import ApiClient, ApiResult
from footfall.web.chart import LineChart, line_chart
from footfall.web.formatting import as_number
from footfall.web.key_figures import KeyFigure, key_figures
from footfall.web.period_picker import chart_periods, previous_params
from footfall.web.rendering import render
from footfall.web.security import viewer_required
from footfall.web.site_context import PageContext, SiteUnavailable, page_context, unavailable_response


async def tracking_tag(client: ApiClient, idsite: int, request: Request) -> ApiResult:
    """The site's JavaScript tracking code, pointing at the address the user reached us by."""
    return await client.call("SitesManager.getJavascriptTag", idSite=idsite,
                             piwikUrl=str(request.base_url))


def short_label(period: Period) -> str:
    if period.kind == "day":
        return f"{period.start:%b} {period.start.day}"
    if period.kind == "week":
        return f"{period.start:%b} {period.start.day}"  # the week's Monday
    if period.kind == "month":
        return f"{period.start:%b %Y}"
    return str(period.start.year)


async def evolution_chart(context: PageContext) -> tuple[LineChart | None, str | None]:
    """Visits per day (or week, month, year) over the chart's span, from one API call."""
    kind, periods = chart_periods(context.selection)
    span = f"{periods[0].start.isoformat()},{periods[-1].start.isoformat()}"
    result = await context.client.call("VisitsSummary.get", idSite=context.site.idsite,
                                       period=kind, date=span)
    if not result.ok:
        return None, "The visits graph is not available yet." if result.unavailable else result.error
    by_label = result.value if isinstance(result.value, dict) else {}
    series = []
    for period in periods:
        entry = by_label.get(period.label)
        visits = as_number(entry.get("nb_visits")) if isinstance(entry, dict) else None
        series.append((short_label(period), visits or 0.0))
    return line_chart(series, metric="Visits"), None


async def summary_figures(context: PageContext) -> tuple[list[KeyFigure], float, str | None]:
    """The key figures, the period's visits, and an error message if the summary failed."""
    idsite = context.site.idsite
    result = await context.client.call("VisitsSummary.get", idSite=idsite,
                                       **context.selection.params())
    if not result.ok:
        message = "Visit figures are not available yet." if result.unavailable else result.error
        return [], 0.0, message
    summary = result.value if isinstance(result.value, dict) else {}
    before = await context.client.call("VisitsSummary.get", idSite=idsite,
                                       **previous_params(context.selection))
    previous = before.value if before.ok and isinstance(before.value, dict) else None
    visits = as_number(summary.get("nb_visits")) or 0.0
    is_range = context.selection.api_period == "range"
    return key_figures(summary, previous, is_range=is_range), visits, None


async def report_tables(context: PageContext) -> list[tuple[str, list[widgets.Table]]]:
    """Every widget's table; a failing report becomes a message in its own box only."""
    sections = []
    for title, section_widgets in widgets.DASHBOARD_SECTIONS:
        tables = []
        for widget in section_widgets:
            result = await context.client.call(widget.method, idSite=context.site.idsite,
                                               **context.selection.params(),
                                               **widgets.api_params(widget))
            tables.append(widgets.build_table(widget, result))
        sections.append((title, tables))
    return sections


@viewer_required
async def dashboard_page(request: Request) -> Response:
    try:
        context = await page_context(request)
    except SiteUnavailable as error:
        return await unavailable_response(request, error)
    chart, chart_error = await evolution_chart(context)
    figures, visits, summary_error = await summary_figures(context)
    no_data = summary_error is None and visits == 0
    tag = await tracking_tag(context.client, context.site.idsite, request) if no_data else None
    sections = [] if no_data else await report_tables(context)
    return await render(request, "dashboard.html", {
        **context.template_values(), "page": "dashboard", "chart": chart,
        "chart_error": chart_error, "figures": figures, "summary_error": summary_error,
        "no_data": no_data, "tag": tag, "sections": sections,
    })
