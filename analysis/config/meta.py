"""Who and what the report is (`report:`): title, authors, version, date, citation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, field_validator

from .fields import Strict


class Contributor(Strict):
    role: Annotated[str, Field(min_length=1)]
    name: Annotated[str, Field(min_length=1)]


def _package_version() -> str:
    from .. import __version__

    return __version__


def build_date() -> dt.date:
    """Today, or the day of SOURCE_DATE_EPOCH (reproducible builds)."""
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.datetime.now(dt.UTC).date()


class ReportMeta(Strict):
    """Who and what the report is. The defaults are neutral: no author, the package version,
    the build date; the notebook's own metadata lives only in the repository's report.yml."""

    title: Annotated[str, Field(min_length=1)] = "Customer segmentation report"
    subtitle: str = ""
    author: str | None = None
    affiliation: str | None = None
    version: Annotated[str, Field(min_length=1)] = Field(default_factory=_package_version)
    date: dt.date = Field(default_factory=build_date)
    license: str | None = None
    notebook_id: str | None = None
    contributors: list[Contributor] = []
    # A CITATION.cff to cite (relative to the config); None: the citation is built from this
    # section (title, author, version, date, license).
    citation_file: Path | None = None

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        # YAML reads `version: 1.3` as a float; the report wants the text the user wrote.
        return str(value) if isinstance(value, int | float) else value
