"""UserId: visits per user id (visits that had `uid` set)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from footfall.archive.archiver import ArchiveView, DayContext, Records
from footfall.archive.datatable import DataTable
from footfall.reports.common import join_key, relabel, segment_value, visit_report
from footfall.reports.metrics import group_visits, rows_from_groups
from footfall.reports.registry import Family, ReportRequest


def archive_day(ctx: DayContext) -> Records:
    v = ctx.visits.c
    # Only the visits with a user id are sorted (most visits have none).
    table = rows_from_groups(group_visits(ctx.conn, ctx.visits, [v.user_id],
                                          [v.user_id.is_not(None)]), join_key)
    table.rows = [row for row in table.rows if row.label]
    # The visitor id of each user's latest visit (no MAX over binary on PostgreSQL).
    visitors = ctx.conn.execute(
        sa.select(v.user_id, v.idvisitor).select_from(ctx.visits)
        .where(v.user_id.is_not(None)).order_by(v.visit_last_action_time))
    idvisitor = {user: bytes(binary).hex() for user, binary in visitors if binary is not None}
    for row in table.rows:
        row.metadata["idvisitor"] = idvisitor.get(row.label, "")
    return Records(tables={"UserId_users": table})


def _user_row(user: str) -> tuple[str, dict[str, Any]]:
    return user, {"segment": f"userId=={segment_value(user)}"}


def build_users(view: ArchiveView, request: ReportRequest) -> DataTable:
    return relabel(view.table("UserId_users"), _user_row)


FAMILY = Family(
    name="UserId", archive_day=archive_day,
    table_limits={"UserId_users": ("datatable_archiving_maximum_rows_userid_users", None)},
    reports=[visit_report("UserId", "getUsers", "User IDs", category="Visitors",
                          subcategory="User IDs", dimension="User ID", build=build_users,
                          documentation="Visits of each user id set with setUserId.")],
)
