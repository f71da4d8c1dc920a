"""Release notes from CHANGELOG.md: `## <version> — <date>` headings with bullet notes."""

from __future__ import annotations

import re
from pathlib import Path

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
