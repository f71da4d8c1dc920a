"""A report's own history: release notes from its changelog (`report.changelog`) and the
versions published with `publish --version --title`. Never kmeans-report's own history.

A changelog is markdown: `## <version> — <date>` headings, each followed by `- ` bullet notes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from packaging.version import InvalidVersion, Version

from .errors import ReportError

HEADING = re.compile(r"^##\s+v?(?P<version>[^\s—–-][^\s]*)\s*(?:[—–-]+\s*(?P<date>.+))?$")


def parse_changelog(text: str) -> list[dict[str, str]]:
    """Entries newest first (file order): {version, date, notes}."""
    entries: list[dict[str, str]] = []
    for line in text.splitlines():
        match = HEADING.match(line.strip())
        if match:
            entries.append({"version": match["version"], "date": (match["date"] or "").strip(),
                            "notes": ""})
        elif entries and line.strip().startswith(("- ", "* ")):
            note = line.strip()[2:].strip()
            entries[-1]["notes"] = (entries[-1]["notes"] + " " + note).strip()
        elif entries and entries[-1]["notes"] and line.startswith("  ") and line.strip():
            entries[-1]["notes"] += " " + line.strip()  # wrapped bullet
    return entries


def load_changelog(path: Path) -> list[dict[str, str]]:
    path = Path(path)
    return parse_changelog(path.read_text(encoding="utf-8")) if path.exists() else []


def read_report_changelog(path: Path | None) -> list[dict[str, str]]:
    """The entries of `report.changelog`; a file that is named but cannot be used is an
    error naming it (a report must not silently lose its history)."""
    if path is None:
        return []
    where = f"{path} (report.changelog)"
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportError(f"{where}: file not found") from None
    except UnicodeDecodeError as exc:
        raise ReportError(f"{where}: not valid UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise ReportError(f"{where}: cannot be read ({exc.strerror or exc})") from None
    entries = parse_changelog(text)
    if text.strip() and not entries:
        raise ReportError(f"{where}: no release found; write each one as a "
                          "`## <version> — <date>` heading followed by `- ` notes")
    return entries


def _pep440(version: str) -> Version | None:
    try:
        return Version(version)
    except InvalidVersion:
        return None


def releases(changelog: list[dict[str, str]], published: Iterable = ()) -> list[dict[str, str]]:
    """The Versions page's rows, newest first: the changelog's entries, then the published
    versions it lacks (their `--title`, when it is more than the number, as the note). A
    published version's date fills in a changelog entry without one."""
    entries = [dict(e) for e in changelog]
    by_version = {e["version"].lstrip("v"): e for e in entries}
    for v in published:
        known = by_version.get(v.version)
        if known is not None:
            known["date"] = known["date"] or (v.date or "")
            continue
        notes = v.title if v.title and v.title != v.version else ""
        entries.append({"version": v.version, "date": v.date or "", "notes": notes})
    # Newest first by number; a changelog that names versions freely keeps its own order.
    if all(_pep440(e["version"]) is not None for e in entries):
        entries.sort(key=lambda e: _pep440(e["version"]), reverse=True)
    return entries
