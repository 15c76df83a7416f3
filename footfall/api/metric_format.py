"""format_metrics: how processed metrics are printed (reference §2.8).

bc (default): only percentage metrics become strings such as "50%";
1: every processed metric is formatted (percent, durations, money);
all: also raw money columns; 0: raw numbers everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from footfall.archive.datatable import DataTable
from footfall.reports.metrics import duration_text

# Metrics Matomo formats as percentages even in the default ('bc') mode.
PERCENT_NAMES = frozenset({
    "bounce_rate", "conversion_rate", "abandoned_rate", "interaction_rate", "exit_rate",
    "bounce_rate_returning", "nb_visits_percentage",
})
_PERCENT_PATTERNS = (re.compile(r".*_evolution$"), re.compile(r"^step_.*_rate$"),
                     re.compile(r"^funnel_.*_rate$"), re.compile(r"^form_.*_rate$"),
                     re.compile(r"^field_.*_rate$"), re.compile(r"^Referrers.*_percent$"),
                     re.compile(r".*_conversion_rate$"), re.compile(r"^bounce_rate_.*"),
                     re.compile(r"^conversion_rate_.*"))
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "INR": "₹",
                    "AUD": "A$", "CAD": "CA$", "CHF": "CHF ", "BRL": "R$", "RUB": "₽"}


def is_percent_metric(name: str, metric_type: str | None = None) -> bool:
    return metric_type == "percent" or _percent_name(name)


@lru_cache(maxsize=4096)
def _percent_name(name: str) -> bool:
    return name in PERCENT_NAMES or any(pattern.match(name) for pattern in _PERCENT_PATTERNS)


def _clean_number(value: float) -> str:
    rounded = round(value, 4)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.4f}".rstrip("0").rstrip(".")


def format_percent(quotient: Any) -> Any:
    """0.5 -> '50%', 0.6667 -> '66.67%'; a value that is already text is kept."""
    if isinstance(quotient, str) or quotient is None or isinstance(quotient, bool):
        return quotient
    return _clean_number(float(quotient) * 100) + "%"


def format_duration(seconds: Any) -> Any:
    """Matomo's pretty time: '45s', '13 min 31s', '2 hours 5 min', '3 days 4 hours'."""
    if isinstance(seconds, str) or seconds is None:
        return seconds
    return duration_text(int(round(float(seconds))))


def format_money(amount: Any, currency: str) -> Any:
    if isinstance(amount, str) or amount is None:
        return amount
    symbol = CURRENCY_SYMBOLS.get(currency.upper(), currency.upper() + " ")
    return symbol + _clean_number(round(float(amount), 2))


def format_value(name: str, value: Any, *, mode: str, metric_type: str | None,
                 processed: bool, currency: str) -> Any:
    if mode == "0":
        return value
    if is_percent_metric(name, metric_type):
        return format_percent(value)
    if mode == "bc":
        return value
    if processed and metric_type == "duration_s":
        return format_duration(value)
    money = metric_type == "money" or "revenue" in name
    if money and (mode == "all" or (processed and mode == "1")):
        return format_money(value, currency)
    return value


def format_columns(columns: dict[str, Any], *, mode: str, types: Mapping[str, str],
                   processed: frozenset[str], currency: str) -> dict[str, Any]:
    return {name: format_value(name, value, mode=mode, metric_type=types.get(name),
                               processed=name in processed, currency=currency)
            if not isinstance(value, dict) else value
            for name, value in columns.items()}


def format_table(table: DataTable, *, mode: str, types: Mapping[str, str],
                 processed: frozenset[str], currency: str, recursive: bool = True) -> None:
    """Format every row; subtables only when they will be shown (`recursive`)."""
    if mode == "0":
        return
    for row in table.all_rows():
        row.columns = format_columns(row.columns, mode=mode, types=types, processed=processed,
                                     currency=currency)
        if recursive and row.subtable is not None:
            format_table(row.subtable, mode=mode, types=types, processed=processed,
                         currency=currency)


def normalise_mode(raw: Any) -> str:
    text = str(raw if raw is not None else "bc").strip().lower()
    return text if text in ("0", "1", "all", "bc") else "bc"


def format_for_report_display(name: str, value: Any, currency: str) -> Any:
    """API.getProcessedReport's display forms: times hh:mm:ss, money, rates as percents."""
    if isinstance(value, (str, bool, dict)) or value is None:
        return value
    if "time" in name and "generation" not in name:
        total = int(round(float(value)))
        return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"
    if name.endswith("_trend"):  # -1/0/1 beside an evolution (MultiSites)
        return value
    if is_percent_metric(name) or name.endswith("_rate"):  # revenue_evolution is a percent
        return format_percent(value)
    if "revenue" in name or "price" in name:
        return format_money(value, currency)
    return value
