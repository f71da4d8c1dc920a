"""The build's notion of "now": SOURCE_DATE_EPOCH when set (reproducible builds), else the
clock. One place, so the report date, provenance and the PDF agree."""

from __future__ import annotations

import datetime as dt
import os


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH as an integer, or None when unset (or not a number)."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(value) if value.isdigit() else None


def reproducible() -> bool:
    """A reproducible build: same inputs, same bytes (no wall-clock time is published)."""
    return source_date_epoch() is not None


def build_moment() -> dt.datetime:
    epoch = source_date_epoch()
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, tz=dt.UTC)
    return dt.datetime.now(tz=dt.UTC).replace(microsecond=0)


def build_date() -> dt.date:
    return build_moment().date()
