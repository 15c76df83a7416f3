"""UserLanguage: visits by the browser's preferred language."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from footfall.archive.archiver import DayContext, Records
from footfall.reports.common import (
    dimension_table,
    english_names,
    relabel_build,
    segment_value,
    visit_report,
)
from footfall.reports.registry import Family

UNKNOWN = "Unknown"


def archive_day(ctx: DayContext) -> Records:
    language = sa.func.lower(sa.func.coalesce(ctx.visits.c.location_browser_lang, ""))
    return Records(tables={"UserLanguage_language": dimension_table(ctx, [language])})


def first_tag(stored: str) -> str:
    """'fr-fr,fr;q=0.8' -> 'fr-fr'; '' or 'xx' -> ''."""
    tag = stored.split(",")[0].split(";")[0].strip().lower()
    return "" if tag in ("", "xx") else tag


def language_name(code: str) -> str:
    return english_names()["languages"].get(code, UNKNOWN)


def _language_row(stored: str) -> tuple[str, dict[str, Any]]:
    code = first_tag(stored).split("-")[0]
    if not code:
        return UNKNOWN, {"segment": "languageCode==xx"}
    return language_name(code), {
        "segment": f"languageCode=={segment_value(code)},languageCode=@{segment_value(code)}-"}


def _code_row(stored: str) -> tuple[str, dict[str, Any]]:
    tag = first_tag(stored)
    if not tag:
        return f"{UNKNOWN} (xx)", {"segment": "languageCode==xx"}
    language, _, region = tag.partition("-")
    name = language_name(language)
    if region:
        name = f"{name} - {english_names()['countries'].get(region, region.upper())}"
    return f"{name} ({tag})", {"segment": f"languageCode=={segment_value(tag)}"}


FAMILY = Family(
    name="UserLanguage", archive_day=archive_day,
    table_limits={"UserLanguage_language": ("datatable_archiving_maximum_rows_standard", None)},
    reports=[
        visit_report("UserLanguage", "getLanguage", "Browser language", category="Visitors",
                     subcategory="Locations", dimension="Language",
                     build=relabel_build("UserLanguage_language", _language_row),
                     documentation="Visits by the language the visitor's browser prefers."),
        visit_report("UserLanguage", "getLanguageCode", "Language code", category="Visitors",
                     subcategory="Locations", dimension="Language code",
                     build=relabel_build("UserLanguage_language", _code_row),
                     documentation="Visits by the exact language code (with region)."),
    ],
)
