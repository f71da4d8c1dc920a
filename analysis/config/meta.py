"""Who and what the report is (`report:`): title, authors, version, date, citation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from .fields import Strict


class Contributor(Strict):
    role: Annotated[str, Field(min_length=1)]
    """What they did, e.g. `Data preparation`."""
    name: Annotated[str, Field(min_length=1)]
    """Who they are."""


def build_date() -> dt.date:
    """Today, or the day of SOURCE_DATE_EPOCH (reproducible builds)."""
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.datetime.now(dt.UTC).date()


class ReportMeta(Strict):
    """Who and what the report is. The defaults are neutral: no author, no version (a draft),
    the build date; the notebook's own metadata lives only in the repository's report.yml."""

    title: Annotated[str, Field(min_length=1)] = "Customer segmentation report"
    """The report's title, shown on every page and on the PDF cover."""
    site_name: str | None = None
    """The website's name, in every page's navbar and browser tab (a shorter form of the
    title, say); null: the title."""
    subtitle: str = ""
    """A line under the title on the PDF cover."""
    author: str | None = None
    """Who wrote the report, shown under the title and cited; null: nobody is named."""
    affiliation: str | None = None
    """The author's organisation (the citation's publisher)."""
    version: Annotated[str, Field(min_length=1)] | None = None
    """The report's own version (e.g. `1.0`), on the PDF cover, in the footer and in the
    citation, and the version `publish` publishes by default; null: an unpublished draft
    (pages say "draft" and the build date)."""
    date: dt.date = Field(default_factory=build_date)
    """The report's date (YYYY-MM-DD); default: the build date, or the day of
    SOURCE_DATE_EPOCH when that is set (reproducible builds)."""
    license: str | None = None
    """The license the report is published under (e.g. `CC-BY-4.0`), stated on Provenance
    and in the citation; null: none is stated."""
    notebook_id: str | None = None
    """An identifier of the notebook the analysis comes from, shown on Provenance."""
    contributors: list[Contributor] = []
    """People and organisations credited on the Citation page, each with a role."""
    changelog: Path | None = None
    """The report's release notes (relative to the config file): a markdown file of
    `## <version> — <date>` headings, each followed by `- ` bullet notes, newest first. Its
    entries, and the versions published with `publish --title`, fill the Versions page;
    null: only the published versions are listed."""
    run_notebook: Literal["auto", "always", "never"] = "auto"
    """Whether the build executes the Reproduce notebook, which re-runs the whole analysis in
    a Jupyter kernel beside the build's own: `auto` when the table has fewer customers than
    `clustering.large_data.min_rows` (a larger table would double the build's cost), `always`,
    or `never`. A notebook not executed ships without output, and the Reproduce page says why.
    Under Spark it is never executed at build time."""
    citation_file: Path | None = None
    """A CITATION.cff to cite (relative to the config file); null: the citation is built from
    this section (title, author, affiliation, version, date, license)."""

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        # YAML reads `version: 1.3` as a float; the report wants the text the user wrote.
        return str(value) if isinstance(value, int | float) else value
