"""Number formatting shared by the CLI summary and the Jinja filters (one copy of each rule).

The notebook prints money with no decimals and thousands separators, silhouettes with three
decimals and shares with one; the report follows it so the numbers read the same.
"""

from __future__ import annotations

import math

from kmeans_report.analysis.money import format_money


def money(value: float | None, currency: str = "$", decimals: int = 0) -> str:
    """An amount in `currency`, a symbol or a scaled unit (60 in "k$" is "$60,000")."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return format_money(value, currency, decimals)


def number(value: float | None, decimals: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:,.{decimals}f}"


def percent(fraction: float | None, decimals: int = 1) -> str:
    """0.604 -> '60.4%'."""
    return pct_value(None if fraction is None else fraction * 100, decimals)


def pct_value(value: float | None, decimals: int = 0) -> str:
    """929.97 (already a percentage) -> '930%'."""
    if value is None:
        return "—"
    return f"{value:,.{decimals}f}%"


def score(value: float | None, decimals: int = 3) -> str:
    if value is None:
        return "—"
    return f"{value:.{decimals}f}"
