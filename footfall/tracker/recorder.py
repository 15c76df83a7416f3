"""Records an enriched hit: assign its visit (new or continued), write its action row,
then its conversions. The last stage of the pipeline, run in hit-time order."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.engine import Connection

from footfall.tracker import ecommerce, goals
from footfall.tracker.actions import PAGEVIEW, Action, ActionName, ActionStore
from footfall.tracker.clock import local_date, today
from footfall.tracker.enrich.campaign import CAMPAIGN_NAME_PARAMS
from footfall.tracker.enrich.referrer import CAMPAIGN, DIRECT_ENTRY, WEBSITE, ReferrerInfo
from footfall.tracker.hit import Hit
from footfall.tracker.steps import StepContext
from footfall.tracker.visit_rows import action_row, continue_visit, count_action, new_visit_row
from footfall.tracker.visits import Visit, VisitCache, VisitFinder, VisitRules, needs_new_visit
from footfall.tracker.writer import BatchWriter


class Recorder:
    """Turns enriched hits into raw-log rows, keeping the visit cache up to date."""

    def __init__(self, cache: VisitCache, actions: ActionStore) -> None:
        self.cache = cache
        self.finder = VisitFinder(cache)
        self.actions = actions
        self._today: dict[str, date] = {}

    def prepare(self, conn: Connection, items: list[tuple[StepContext, Hit]],
                writer: BatchWriter) -> None:
        """The batch's look-ups at once: latest visits of unknown visitors, action ids."""
        self._today.clear()
        self.finder.before_query = writer.flush_visits
        self.finder.prefetch(conn, [(hit, ctx.config.rules) for ctx, hit in items])
        names = [ref for _, hit in items if hit.action is not None
                 for ref in hit.action.refs.values() if isinstance(ref, ActionName)]
        if names:
            self.actions.resolve(conn, names)

    def finish(self) -> None:
        self.finder.done()
        self.finder.before_query = None

    def record(self, ctx: StepContext, hit: Hit, writer: BatchWriter) -> str | None:
        """Write the hit; returns a drop reason when it ends up not being stored."""
        rules = ctx.config.rules
        previous = self.finder.find(ctx.conn, hit, rules)
        new = needs_new_visit(hit, previous, rules)
        referrer: ReferrerInfo | None = None
        if not new and previous is not None and _referrer_matters(hit, previous, rules):
            referrer = _classify(hit, previous)
            new = _referrer_forces_new_visit(referrer, previous, rules)
        if new and hit.request.ping:
            return "ping_outside_visit"
        ids = self._resolve(ctx, hit.action) if hit.action is not None else {}
        if new:
            referrer = _classify(hit, None)
            self._start_visit(ctx, hit, previous, rules, referrer, ids, writer)
        else:
            assert previous is not None
            self._continue(ctx, hit, previous, referrer, ids, writer, rules)
        self._track_dates(hit, writer)
        converted = goals.record_goals(ctx, hit, writer, self.actions)
        converted = ecommerce.record_ecommerce(ctx, hit, writer, self.actions) or converted
        if converted and not hit.is_new_visit:
            _converted_visit_time(hit, writer)
        return None

    def _resolve(self, ctx: StepContext, action: Action) -> dict[str, int | None]:
        ids: dict[str, int | None] = {}
        for column, ref in action.refs.items():
            ids[column] = (self.actions.id_of(ctx.conn, ref) if isinstance(ref, ActionName)
                           else ref)
        return ids

    def _start_visit(self, ctx: StepContext, hit: Hit, previous: Visit | None,
                     rules: VisitRules, referrer: ReferrerInfo, ids: dict[str, int | None],
                     writer: BatchWriter) -> Visit:
        row = new_visit_row(hit, previous, rules, referrer)
        visit = Visit(idvisit=0, row=row)
        pending_action = None
        if hit.action is not None:
            pending_action = action_row(hit, visit, hit.action, ids, previous_last=None,
                                        previous_exit=(0, 0), visit_length=rules.visit_length)
            count_action(row, hit.action, ids, first=True)
        writer.add_visit(visit)
        self.cache.index(visit)
        hit.visit, hit.is_new_visit = visit, True
        if pending_action is not None:
            self._write_action(ctx, hit, visit, pending_action, writer)
        return visit

    def _continue(self, ctx: StepContext, hit: Hit, visit: Visit,
                  referrer: ReferrerInfo | None, ids: dict[str, int | None],
                  writer: BatchWriter, rules: VisitRules) -> Visit:
        row = visit.row
        previous_last = visit.last_ts
        previous_exit = (row["visit_exit_idaction_url"], row["visit_exit_idaction_name"])
        if referrer is None and row["referer_type"] == DIRECT_ENTRY and hit.request.urlref:
            referrer = _classify(hit, visit)
        continue_visit(visit, hit, referrer)
        hit.visit, hit.is_new_visit = visit, False
        action = hit.action
        if action is not None:
            values = action_row(hit, visit, action, ids, previous_last=previous_last,
                                previous_exit=previous_exit, visit_length=rules.visit_length)
            count_action(row, action, ids, first=False)
            if ctx.config.has_action_dimensions:
                _time_spent_on_previous(visit, values["time_spent_ref_action"], writer)
            self._write_action(ctx, hit, visit, values, writer)
        if hit.request.performance and (action is None or action.kind != PAGEVIEW):
            _update_pageview_timings(hit, visit, writer)
        self.cache.index(visit)
        writer.touch(visit)
        return visit

    def _write_action(self, ctx: StepContext, hit: Hit, visit: Visit, values: dict[str, Any],
                      writer: BatchWriter) -> None:
        hit.action_row = values
        converts = goals.may_convert(ctx, hit)
        pending = writer.add_action(values, visit, wants_id=converts,
                                    is_last_of_visit=ctx.config.has_action_dimensions)
        hit.pending_action = visit.last_action = pending
        assert hit.action is not None
        pv_id = values["idpageview"]
        if hit.action.kind == PAGEVIEW and pv_id:
            if visit.pageviews is None:
                visit.pageviews = {}
            visit.pageviews[pv_id] = pending

    def _track_dates(self, hit: Hit, writer: BatchWriter) -> None:
        timezone = hit.site.timezone
        day = local_date(hit.time, timezone)
        current = self._today.get(timezone)
        if current is None:
            current = self._today[timezone] = today(timezone)
        if day < current:
            writer.invalidate(hit.idsite, day)
        created = hit.site.ts_created
        if created is not None and hit.server_time < created:
            writer.older_data(hit.idsite, hit.server_time)


def _time_spent_on_previous(visit: Visit, seconds: int, writer: BatchWriter) -> None:
    """Sites with action-scope custom dimensions: the previous action row gets the time
    spent on it (§4.6), in memory when it is still pending, else by its last_idlink_va."""
    previous = visit.last_action
    if previous is not None:
        previous.values["time_spent"] = seconds
    elif visit.row.get("last_idlink_va"):
        writer.set_time_spent(int(visit.row["last_idlink_va"]), seconds)


def _update_pageview_timings(hit: Hit, visit: Visit, writer: BatchWriter) -> None:
    """A non-pageview hit with `pv_id` and `pf_*` completes that pageview's timings (§2.4)."""
    pv_id = hit.request.get("pv_id")[:6]
    if not pv_id:
        return
    pending = visit.pageviews.get(pv_id) if visit.pageviews else None
    if pending is not None:
        pending.values.update(hit.request.performance)
    elif visit.idvisit:
        writer.update_performance(visit, pv_id, dict(hit.request.performance))


def _converted_visit_time(hit: Hit, writer: BatchWriter) -> None:
    """Matomo's quirk on a continuing visit's converting hit (§3.6): visit_total_time
    also gets the `idgoal` parameter (-1 when absent) plus 2."""
    visit = hit.visit
    assert visit is not None
    row = visit.row
    row["visit_total_time"] = max(0, (row["visit_total_time"] or 0) + hit.request.idgoal + 2)
    writer.touch(visit)


def _referrer_matters(hit: Hit, visit: Visit, rules: VisitRules) -> bool:
    """Whether a continuing hit's referrer could change the visit (cheap test first)."""
    if visit.row["referer_type"] == DIRECT_ENTRY:
        return bool(hit.request.urlref) or _mentions_campaign(hit)
    if rules.new_on_website_change and hit.request.urlref:
        return True
    return rules.new_on_campaign_change and _mentions_campaign(hit)


def _mentions_campaign(hit: Hit) -> bool:
    params = hit.request.params
    if any(name in params for name in CAMPAIGN_NAME_PARAMS):
        return True
    url = hit.request.url
    if "=" not in url:
        return False
    url = url.lower()
    return any(mention in url for mention in _CAMPAIGN_MENTIONS)


_CAMPAIGN_MENTIONS = tuple(f"{name}=" for name in CAMPAIGN_NAME_PARAMS)


def _visit_referrer(visit: Visit) -> ReferrerInfo:
    row = visit.row
    return ReferrerInfo(referer_type=row["referer_type"] or DIRECT_ENTRY,
                        referer_name=row["referer_name"], referer_keyword=row["referer_keyword"],
                        referer_url=row["referer_url"] or "")


def _classify(hit: Hit, visit: Visit | None) -> ReferrerInfo:
    assert hit.referrer_of is not None
    return hit.referrer_of(_visit_referrer(visit) if visit is not None else None)


def _referrer_forces_new_visit(referrer: ReferrerInfo, visit: Visit, rules: VisitRules) -> bool:
    """Reference §3.4 rule 7: a different campaign (or website, if configured) starts a
    new visit, unless the visit so far is a direct entry (then it adopts the referrer)."""
    current = _visit_referrer(visit)
    if current.is_direct:
        return False
    kinds = set()
    if rules.new_on_campaign_change:
        kinds.add(CAMPAIGN)
    if rules.new_on_website_change:
        kinds.add(WEBSITE)
    if referrer.referer_type not in kinds:
        return False
    return (referrer.referer_type != current.referer_type
            or (referrer.referer_name or "").lower() != (current.referer_name or "").lower()
            or (referrer.referer_keyword or "").lower() != (current.referer_keyword or "").lower())
