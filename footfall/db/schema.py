"""The one schema, in SQLAlchemy Core, for SQLite, PostgreSQL and MariaDB/MySQL.

Raw-log and archive tables keep Matomo's names and columns (see
reference/tracking-api.md §11) so that Matomo users and the reference map one
to one. Column types that differ per engine come from ``dialects``.
"""

from __future__ import annotations

import sqlalchemy as sa

from footfall.db.dialects import BigId, Binary, Blob, LongText

metadata = sa.MetaData()

CUSTOM_DIMENSION_SLOTS = 5
CUSTOM_VARIABLE_SLOTS = 5


def _custom_dimensions() -> list[sa.Column]:
    return [
        sa.Column(f"custom_dimension_{i}", sa.String(255))
        for i in range(1, CUSTOM_DIMENSION_SLOTS + 1)
    ]


def _custom_variables() -> list[sa.Column]:
    columns: list[sa.Column] = []
    for i in range(1, CUSTOM_VARIABLE_SLOTS + 1):
        columns += [sa.Column(f"custom_var_k{i}", sa.String(200)),
                    sa.Column(f"custom_var_v{i}", sa.String(200))]
    return columns


def _campaign_columns() -> list[sa.Column]:
    """MarketingCampaignsReporting's columns: the campaign beyond name and keyword."""
    return [
        sa.Column("campaign_name", sa.String(255)),
        sa.Column("campaign_keyword", sa.String(255)),
        sa.Column("campaign_source", sa.String(255)),
        sa.Column("campaign_medium", sa.String(255)),
        sa.Column("campaign_content", sa.String(255)),
        sa.Column("campaign_id", sa.String(100)),
        sa.Column("campaign_group", sa.String(255)),
        sa.Column("campaign_placement", sa.String(255)),
    ]


# --- Sites, users, access ---------------------------------------------------

site = sa.Table(
    "site", metadata,
    sa.Column("idsite", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(90), nullable=False),
    sa.Column("main_url", sa.String(255), nullable=False),
    sa.Column("ts_created", sa.DateTime, nullable=False),
    sa.Column("ecommerce", sa.SmallInteger, nullable=False, server_default="0"),
    sa.Column("sitesearch", sa.SmallInteger, nullable=False, server_default="1"),
    sa.Column("sitesearch_keyword_parameters", sa.Text, nullable=False, server_default=""),
    sa.Column("sitesearch_category_parameters", sa.Text, nullable=False, server_default=""),
    sa.Column("timezone", sa.String(50), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("exclude_unknown_urls", sa.SmallInteger, nullable=False, server_default="0"),
    sa.Column("excluded_ips", sa.Text, nullable=False, server_default=""),
    sa.Column("excluded_parameters", sa.Text, nullable=False, server_default=""),
    sa.Column("excluded_user_agents", sa.Text, nullable=False, server_default=""),
    sa.Column("excluded_referrers", sa.Text, nullable=False, server_default=""),
    sa.Column("group", sa.String(250), nullable=False, server_default=""),
    sa.Column("type", sa.String(255), nullable=False, server_default="website"),
    sa.Column("keep_url_fragment", sa.SmallInteger, nullable=False, server_default="0"),
    sa.Column("creator_login", sa.String(100)),
)

site_url = sa.Table(
    "site_url", metadata,
    sa.Column("idsite", sa.Integer, primary_key=True),
    sa.Column("url", sa.String(190), primary_key=True),
)

user = sa.Table(
    "user", metadata,
    sa.Column("login", sa.String(100), primary_key=True),
    sa.Column("password", sa.String(255), nullable=False),  # hashed, never plain
    sa.Column("email", sa.String(100), nullable=False),
    sa.Column("superuser_access", sa.SmallInteger, nullable=False, server_default="0"),
    sa.Column("date_registered", sa.DateTime),
    sa.Column("ts_password_modified", sa.DateTime),
)

access = sa.Table(
    "access", metadata,
    sa.Column("idaccess", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("login", sa.String(100), nullable=False),
    sa.Column("idsite", sa.Integer, nullable=False),
    sa.Column("access", sa.String(50), nullable=False),  # view, write, admin
    sa.Index("ix_access_login_idsite", "login", "idsite"),
)

user_token_auth = sa.Table(
    "user_token_auth", metadata,
    sa.Column("idusertokenauth", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("login", sa.String(100), nullable=False),
    sa.Column("description", sa.String(100), nullable=False),
    sa.Column("token_hash", sa.String(191), nullable=False, unique=True),
    sa.Column("date_created", sa.DateTime, nullable=False),
    sa.Column("date_last_used", sa.DateTime),
    sa.Column("date_expired", sa.DateTime),
    sa.Column("system_token", sa.SmallInteger, nullable=False, server_default="0"),
)

option = sa.Table(
    "option", metadata,
    sa.Column("option_name", sa.String(191), primary_key=True),
    sa.Column("option_value", LongText, nullable=False),
)

goal = sa.Table(
    "goal", metadata,
    sa.Column("idsite", sa.Integer, primary_key=True),
    sa.Column("idgoal", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(50), nullable=False),
    sa.Column("description", sa.String(255), nullable=False, server_default=""),
    sa.Column("match_attribute", sa.String(20), nullable=False),
    sa.Column("pattern", sa.String(255), nullable=False, server_default=""),
    sa.Column("pattern_type", sa.String(25), nullable=False, server_default="contains"),
    sa.Column("case_sensitive", sa.SmallInteger, nullable=False, server_default="0"),
    sa.Column("allow_multiple", sa.SmallInteger, nullable=False, server_default="0"),
    sa.Column("revenue", sa.Float, nullable=False, server_default="0"),
    sa.Column("deleted", sa.SmallInteger, nullable=False, server_default="0"),
    sa.Column("event_value_as_revenue", sa.SmallInteger, nullable=False, server_default="0"),
)

custom_dimensions = sa.Table(
    "custom_dimensions", metadata,
    sa.Column("idcustomdimension", sa.Integer, primary_key=True),
    sa.Column("idsite", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("index", sa.SmallInteger, nullable=False),
    sa.Column("scope", sa.String(10), nullable=False),  # visit, action
    sa.Column("active", sa.SmallInteger, nullable=False, server_default="0"),
    sa.Column("extractions", sa.Text, nullable=False, server_default="[]"),
    sa.Column("case_sensitive", sa.SmallInteger, nullable=False, server_default="1"),
)

segment = sa.Table(
    "segment", metadata,
    sa.Column("idsegment", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("definition", sa.Text, nullable=False),
    sa.Column("hash", sa.String(32), nullable=False),
    sa.Column("login", sa.String(100), nullable=False),
    sa.Column("enable_all_users", sa.SmallInteger, nullable=False, server_default="0"),
    sa.Column("enable_only_idsite", sa.Integer, server_default="0"),
    sa.Column("auto_archive", sa.SmallInteger, nullable=False, server_default="0"),
    sa.Column("ts_created", sa.DateTime),
    sa.Column("ts_last_edit", sa.DateTime),
    sa.Column("deleted", sa.SmallInteger, nullable=False, server_default="0"),
)

# --- Raw log -----------------------------------------------------------------

log_action = sa.Table(
    "log_action", metadata,
    sa.Column("idaction", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(4096)),
    sa.Column("hash", sa.BigInteger, nullable=False),  # crc32, INT UNSIGNED in Matomo
    sa.Column("type", sa.SmallInteger),
    sa.Column("url_prefix", sa.SmallInteger),
    sa.Index("index_type_hash", "type", "hash"),
)

log_visit = sa.Table(
    "log_visit", metadata,
    sa.Column("idvisit", BigId, primary_key=True, autoincrement=True),
    sa.Column("idsite", sa.Integer, nullable=False),
    sa.Column("idvisitor", Binary(8), nullable=False),
    sa.Column("visit_last_action_time", sa.DateTime, nullable=False),
    sa.Column("config_id", Binary(8), nullable=False),
    sa.Column("location_ip", Binary(16), nullable=False),
    sa.Column("profilable", sa.SmallInteger),
    sa.Column("user_id", sa.String(200)),
    sa.Column("visit_first_action_time", sa.DateTime, nullable=False),
    sa.Column("visit_goal_buyer", sa.SmallInteger),
    sa.Column("visit_goal_converted", sa.SmallInteger),
    sa.Column("visitor_returning", sa.SmallInteger),
    sa.Column("visitor_seconds_since_first", sa.Integer),
    sa.Column("visitor_seconds_since_order", sa.Integer),
    sa.Column("visitor_seconds_since_last", sa.Integer),
    sa.Column("visitor_count_visits", sa.Integer, nullable=False, server_default="0"),
    sa.Column("visit_entry_idaction_name", sa.Integer),
    sa.Column("visit_entry_idaction_url", sa.Integer),
    sa.Column("visit_exit_idaction_name", sa.Integer),
    sa.Column("visit_exit_idaction_url", sa.Integer, server_default="0"),
    sa.Column("visit_total_actions", sa.Integer),
    sa.Column("visit_total_interactions", sa.Integer, server_default="0"),
    sa.Column("visit_total_searches", sa.SmallInteger),
    sa.Column("referer_keyword", sa.String(255)),
    sa.Column("referer_name", sa.String(255)),
    sa.Column("referer_type", sa.SmallInteger),
    sa.Column("referer_url", sa.String(1500)),
    sa.Column("location_browser_lang", sa.String(20)),
    sa.Column("config_browser_engine", sa.String(10)),
    sa.Column("config_browser_name", sa.String(40)),
    sa.Column("config_browser_version", sa.String(20)),
    sa.Column("config_client_type", sa.SmallInteger),
    sa.Column("config_device_brand", sa.String(100)),
    sa.Column("config_device_model", sa.String(100)),
    sa.Column("config_device_type", sa.SmallInteger),
    sa.Column("config_os", sa.String(3)),
    sa.Column("config_os_version", sa.String(100)),
    sa.Column("visit_total_events", sa.Integer),
    sa.Column("visitor_localtime", sa.Time),
    sa.Column("visit_total_time", sa.Integer, nullable=False),
    sa.Column("config_resolution", sa.String(18)),
    sa.Column("config_cookie", sa.SmallInteger),
    sa.Column("config_flash", sa.SmallInteger),
    sa.Column("config_java", sa.SmallInteger),
    sa.Column("config_pdf", sa.SmallInteger),
    sa.Column("config_quicktime", sa.SmallInteger),
    sa.Column("config_realplayer", sa.SmallInteger),
    sa.Column("config_silverlight", sa.SmallInteger),
    sa.Column("config_windowsmedia", sa.SmallInteger),
    sa.Column("location_city", sa.String(255)),
    sa.Column("location_country", sa.String(3)),
    sa.Column("location_latitude", sa.Numeric(9, 6)),
    sa.Column("location_longitude", sa.Numeric(9, 6)),
    sa.Column("location_region", sa.String(3)),
    sa.Column("location_provider", sa.String(200)),
    sa.Column("last_idlink_va", BigId),
    *_custom_dimensions(),
    *_custom_variables(),
    *_campaign_columns(),
    sa.Index("index_idsite_config_datetime", "idsite", "config_id", "visit_last_action_time"),
    sa.Index("index_idsite_datetime", "idsite", "visit_last_action_time"),
    sa.Index("index_idsite_idvisitor", "idsite", "idvisitor", "visit_last_action_time"),
)

log_link_visit_action = sa.Table(
    "log_link_visit_action", metadata,
    sa.Column("idlink_va", BigId, primary_key=True, autoincrement=True),
    sa.Column("idsite", sa.Integer, nullable=False),
    sa.Column("idvisitor", Binary(8), nullable=False),
    sa.Column("idvisit", BigId, nullable=False),
    sa.Column("idaction_url_ref", sa.Integer, server_default="0"),
    sa.Column("idaction_name_ref", sa.Integer),
    sa.Column("custom_float", sa.Float),
    sa.Column("pageview_position", sa.Integer),
    sa.Column("server_time", sa.DateTime, nullable=False),
    sa.Column("idpageview", sa.String(6)),
    sa.Column("idaction_name", sa.Integer),
    sa.Column("idaction_url", sa.Integer),
    sa.Column("search_cat", sa.String(200)),
    sa.Column("search_count", sa.Integer),
    sa.Column("time_spent_ref_action", sa.Integer),
    sa.Column("idaction_product_cat", sa.Integer),
    sa.Column("idaction_product_cat2", sa.Integer),
    sa.Column("idaction_product_cat3", sa.Integer),
    sa.Column("idaction_product_cat4", sa.Integer),
    sa.Column("idaction_product_cat5", sa.Integer),
    sa.Column("idaction_product_name", sa.Integer),
    sa.Column("product_price", sa.Float),
    sa.Column("idaction_product_sku", sa.Integer),
    sa.Column("idaction_event_action", sa.Integer),
    sa.Column("idaction_event_category", sa.Integer),
    sa.Column("idaction_content_interaction", sa.Integer),
    sa.Column("idaction_content_name", sa.Integer),
    sa.Column("idaction_content_piece", sa.Integer),
    sa.Column("idaction_content_target", sa.Integer),
    sa.Column("time_dom_completion", sa.Integer),
    sa.Column("time_dom_processing", sa.Integer),
    sa.Column("time_network", sa.Integer),
    sa.Column("time_on_load", sa.Integer),
    sa.Column("time_server", sa.Integer),
    sa.Column("time_transfer", sa.Integer),
    sa.Column("time_spent", sa.Integer),
    sa.Column("bandwidth", sa.BigInteger),
    *_custom_dimensions(),
    *_custom_variables(),
    sa.Index("index_idvisit", "idvisit"),
    sa.Index("index_idsite_servertime", "idsite", "server_time"),
)

log_conversion = sa.Table(
    "log_conversion", metadata,
    sa.Column("idvisit", BigId, primary_key=True, autoincrement=False),
    sa.Column("idsite", sa.Integer, nullable=False),
    sa.Column("idvisitor", Binary(8), nullable=False),
    sa.Column("server_time", sa.DateTime, nullable=False),
    sa.Column("idaction_url", sa.Integer),
    sa.Column("idlink_va", BigId),
    sa.Column("idgoal", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("buster", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("idorder", sa.String(100)),
    sa.Column("items", sa.SmallInteger),
    sa.Column("url", sa.String(4096), nullable=False),
    sa.Column("revenue", sa.Float),
    sa.Column("revenue_shipping", sa.Float),
    sa.Column("revenue_subtotal", sa.Float),
    sa.Column("revenue_tax", sa.Float),
    sa.Column("revenue_discount", sa.Float),
    sa.Column("pageviews_before", sa.SmallInteger),
    sa.Column("visitor_returning", sa.SmallInteger),
    sa.Column("visitor_seconds_since_first", sa.Integer),
    sa.Column("visitor_seconds_since_order", sa.Integer),
    sa.Column("visitor_count_visits", sa.Integer, nullable=False, server_default="0"),
    sa.Column("referer_keyword", sa.String(255)),
    sa.Column("referer_name", sa.String(255)),
    sa.Column("referer_type", sa.SmallInteger),
    sa.Column("config_browser_name", sa.String(40)),
    sa.Column("config_client_type", sa.SmallInteger),
    sa.Column("config_device_brand", sa.String(100)),
    sa.Column("config_device_model", sa.String(100)),
    sa.Column("config_device_type", sa.SmallInteger),
    sa.Column("location_city", sa.String(255)),
    sa.Column("location_country", sa.String(3)),
    sa.Column("location_latitude", sa.Numeric(9, 6)),
    sa.Column("location_longitude", sa.Numeric(9, 6)),
    sa.Column("location_region", sa.String(3)),
    *_custom_dimensions(),
    *_custom_variables(),
    *_campaign_columns(),
    sa.UniqueConstraint("idsite", "idorder", name="unique_idsite_idorder"),
    sa.Index("index_idsite_datetime_conv", "idsite", "server_time"),
)

log_conversion_item = sa.Table(
    "log_conversion_item", metadata,
    sa.Column("idsite", sa.Integer, nullable=False),
    sa.Column("idvisitor", Binary(8), nullable=False),
    sa.Column("server_time", sa.DateTime, nullable=False),
    sa.Column("idvisit", BigId, primary_key=True, autoincrement=False),
    sa.Column("idorder", sa.String(100), primary_key=True),
    sa.Column("idaction_sku", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("idaction_name", sa.Integer, nullable=False),
    sa.Column("idaction_category", sa.Integer, nullable=False),
    sa.Column("idaction_category2", sa.Integer, nullable=False),
    sa.Column("idaction_category3", sa.Integer, nullable=False),
    sa.Column("idaction_category4", sa.Integer, nullable=False),
    sa.Column("idaction_category5", sa.Integer, nullable=False),
    sa.Column("price", sa.Float, nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Column("deleted", sa.SmallInteger, nullable=False),
    sa.Index("index_idsite_servertime_item", "idsite", "server_time"),
)

# --- Archives ------------------------------------------------------------------
# Matomo splits these by month (archive_numeric_2024_01); one table each is
# enough here because every query filters on (idsite, period, date1, date2).

archive_numeric = sa.Table(
    "archive_numeric", metadata,
    sa.Column("idarchive", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(190), primary_key=True),
    sa.Column("idsite", sa.Integer, nullable=False),
    sa.Column("date1", sa.Date, nullable=False),
    sa.Column("date2", sa.Date, nullable=False),
    sa.Column("period", sa.SmallInteger, nullable=False),
    sa.Column("ts_archived", sa.DateTime, nullable=False),
    sa.Column("value", sa.Float),
    sa.Index("index_idsite_dates_period", "idsite", "date1", "date2", "period", "name"),
)

archive_blob = sa.Table(
    "archive_blob", metadata,
    sa.Column("idarchive", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(190), primary_key=True),
    sa.Column("idsite", sa.Integer, nullable=False),
    sa.Column("date1", sa.Date, nullable=False),
    sa.Column("date2", sa.Date, nullable=False),
    sa.Column("period", sa.SmallInteger, nullable=False),
    sa.Column("ts_archived", sa.DateTime, nullable=False),
    sa.Column("value", Blob),
    sa.Index("index_idsite_dates_period_blob", "idsite", "date1", "date2", "period", "name"),
)

archive_sequence = sa.Table(
    "archive_sequence", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
)

# Raw-log ranges whose archives must be rebuilt (data older than an archive arrived).
archive_invalidation = sa.Table(
    "archive_invalidation", metadata,
    sa.Column("idinvalidation", BigId, primary_key=True, autoincrement=True),
    sa.Column("idsite", sa.Integer, nullable=False),
    sa.Column("date1", sa.Date, nullable=False),
    sa.Column("date2", sa.Date, nullable=False),
    sa.Column("ts_invalidated", sa.DateTime, nullable=False),
    sa.Index("index_invalidation_site", "idsite", "date1"),
)

# --- Caches ----------------------------------------------------------------------

# Parsed user agents (Matomo's DeviceDetectorCache): key = SHA-1 of the user agent
# and its client hints, value = the detection result as JSON. Survives restarts so
# that a log import or a cold start does not re-parse thousands of agents.
device_cache = sa.Table(
    "device_cache", metadata,
    sa.Column("cache_key", sa.String(40), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

# --- Durable ingest (tracker) ----------------------------------------------------

# Acknowledged tracking requests not yet turned into raw-log rows: one row per
# HTTP request (a bulk stays one row), deleted in the transaction that writes
# its raw-log rows.
ingest_queue = sa.Table(
    "ingest_queue", metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("payload", LongText, nullable=False),
    sqlite_autoincrement=True,  # ids never reused: they order the queue
)

# Which process may consume ingest_queue (exactly one at a time).
ingest_lease = sa.Table(
    "ingest_lease", metadata,
    sa.Column("name", sa.String(50), primary_key=True),
    sa.Column("owner", sa.String(100), nullable=False),
    sa.Column("expires_ms", sa.BigInteger, nullable=False),
)

# Order ids accepted by the tracker, reserved when the hit is acknowledged so
# that a repeated order id is refused before it reaches the queue.
ingest_order = sa.Table(
    "ingest_order", metadata,
    sa.Column("idsite", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("idorder", sa.String(100), primary_key=True),
)

# The last queue row whose hits are in the raw log, written in the same transaction as
# those rows: with a queue in another database (SQLite), this is what makes processing
# exactly-once (rows up to it are skipped and deleted).
ingest_progress = sa.Table(
    "ingest_progress", metadata,
    sa.Column("name", sa.String(50), primary_key=True),
    sa.Column("last_id", sa.BigInteger, nullable=False),
)

# Queue rows whose processing raised an unexpected error, kept for inspection.
ingest_failed = sa.Table(
    "ingest_failed", metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=False),
    sa.Column("payload", LongText, nullable=False),
    sa.Column("error", sa.Text, nullable=False),
    sa.Column("failed_at", sa.DateTime, nullable=False),
)
