"""Records an enriched hit: assign its visit (new or continued), write its action row,
then its conversions. The last stage of the pipeline, run in hit-time order."""

from __future__ import annotations

from typing import Any

from footfall.tracker import ecommerce, goals
from footfall.tracker.actions import Action, ActionName, ActionStore
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
        self._track_dates(ctx, hit, writer)
        goals.record_goals(ctx, hit, writer, self.actions)
        ecommerce.record_ecommerce(ctx, hit, writer, self.actions)
        return None

    def _resolve(self, ctx: StepContext, action: Action) -> dict[str, int | None]:
        names = [ref for ref in action.refs.values() if isinstance(ref, ActionName)]
        found = self.actions.resolve(ctx.conn, names) if names else {}
        ids: dict[str, int | None] = {}
        for column, ref in action.refs.items():
            ids[column] = found[(ref.name, ref.type)] if isinstance(ref, ActionName) else ref
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
        visit.idvisit = writer.insert_visit(row)
        self.cache.remember(visit)
        self.cache.index(visit)
        hit.visit, hit.is_new_visit = visit, True
        if pending_action is not None:
            pending_action["idvisit"] = visit.idvisit
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
        if hit.action is not None:
            values = action_row(hit, visit, hit.action, ids, previous_last=previous_last,
                                previous_exit=previous_exit, visit_length=rules.visit_length)
            count_action(row, hit.action, ids, first=False)
            self._write_action(ctx, hit, visit, values, writer)
        self.cache.index(visit)
        writer.touch(visit)
        return visit

    def _write_action(self, ctx: StepContext, hit: Hit, visit: Visit, values: dict[str, Any],
                      writer: BatchWriter) -> None:
        hit.action_row = values
        converts = goals.may_convert(ctx, hit)
        hit.pending_action = writer.add_action(
            values, visit, wants_id=converts,
            is_last_of_visit=ctx.config.has_action_dimensions)

    def _track_dates(self, ctx: StepContext, hit: Hit, writer: BatchWriter) -> None:
        timezone = hit.site.timezone
        day = local_date(hit.time, timezone)
        if day < today(timezone):
            writer.invalidate(hit.idsite, day)
        created = hit.site.ts_created
        if created is not None and hit.server_time < created:
            writer.older_data(hit.idsite, hit.server_time)


def _referrer_matters(hit: Hit, visit: Visit, rules: VisitRules) -> bool:
    """Whether a continuing hit's referrer could change the visit (cheap test first)."""
    if visit.row["referer_type"] == DIRECT_ENTRY:
        return bool(hit.request.urlref) or _mentions_campaign(hit)
    if rules.new_on_website_change and hit.request.urlref:
        return True
    return rules.new_on_campaign_change and _mentions_campaign(hit)


def _mentions_campaign(hit: Hit) -> bool:
    url = hit.request.url.lower()
    return any(f"{name}=" in url or name in hit.request.params for name in CAMPAIGN_NAME_PARAMS)


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
