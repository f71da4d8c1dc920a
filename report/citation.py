"""Citation metadata from CITATION.cff (its one source): citation text, BibTeX, license."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .errors import ReportError

LICENSE_NOTES = {
    "MIT": "Reuse, adaptation and commercial use are permitted with attribution.",
    "CC-BY-4.0": "Reuse and adaptation are permitted with attribution.",
    "Apache-2.0": "Reuse is permitted under the terms of the Apache License 2.0.",
}


def load_cff(path: Path) -> dict[str, Any]:
    """Read and check a CITATION.cff (the repository's, or report.citation_file)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(
            f"{path}: CITATION.cff not found; it holds the citation metadata "
            "(report.citation_file chooses another file)"
        ) from None
    except UnicodeDecodeError as exc:
        raise ReportError(f"{path}: CITATION.cff is not valid UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise ReportError(f"{path}: CITATION.cff cannot be read ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        raise ReportError(f"{path}: malformed YAML: {exc}") from None
    except (ValueError, OverflowError, RecursionError) as exc:
        raise ReportError(f"{path}: malformed YAML: a value cannot be read ({exc})") from None
    if not isinstance(data, dict):
        raise ReportError(f"{path}: expected a mapping of CITATION.cff fields")
    missing = [k for k in ("cff-version", "message", "title", "authors") if k not in data]
    if missing:
        raise ReportError(f"{path}: missing required CITATION.cff field(s): {', '.join(missing)}")
    if not isinstance(data["authors"], list) or not data["authors"]:
        raise ReportError(f"{path}: authors must be a non-empty list")
    for i, author in enumerate(data["authors"], 1):
        if not isinstance(author, dict) or not author_name(author).strip():
            raise ReportError(
                f"{path}: authors item {i} must be a mapping with name, or given-names and "
                "family-names"
            )
    for key in ("message", "title"):
        if not isinstance(data[key], str | int | float) or not str(data[key]).strip():
            raise ReportError(f"{path}: {key} must be a non-empty text")
    return data


def author_name(author: dict[str, Any]) -> str:
    if "name" in author:  # an entity (organisation)
        return str(author["name"])
    return " ".join(str(author[k]) for k in ("given-names", "family-names") if author.get(k))


def _bibtex_value(value: object) -> str:
    """User text inside a braced BibTeX value: braces and backslashes would change the entry's
    structure, so they are dropped; line breaks become spaces (one field, one line)."""
    return " ".join(re.sub(r"[{}\\]", "", str(value)).split())


def cff_from_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """A CITATION.cff for a report without one (report.citation_file unset): its own title,
    author, version and license (each when set) and date — never anyone else's."""
    cff: dict[str, Any] = {
        "cff-version": "1.2.0",
        "message": "If you use this report, please cite it as below.",
        "title": str(meta["title"]),
        "authors": [{"name": str(meta["author"])}] if meta.get("author") else [],
        "date-released": str(meta["date"]),
        "type": "software",
    }
    if meta.get("version"):
        cff["version"] = str(meta["version"])
    if meta.get("affiliation") and cff["authors"]:
        cff["authors"][0]["affiliation"] = str(meta["affiliation"])
    if meta.get("license"):
        cff["license"] = str(meta["license"])
    return cff


def bibtex(cff: dict[str, Any]) -> str:
    first = cff["authors"][0] if cff["authors"] else {}
    year = str(cff.get("date-released", ""))[:4]
    # The first author's family name, else (no author) the title's first word, plus the year.
    title_word = next((w for w in re.findall(r"[A-Za-z0-9]+", str(cff["title"])) if len(w) > 2), "")
    family = first.get("family-names") or first.get("name") or title_word or "report"
    key = re.sub(r"[^a-z0-9]", "", f"{family}{year}".lower()) or "report"
    authors = " and ".join(
        (f"{_bibtex_value(a['family-names'])}, {_bibtex_value(a.get('given-names', ''))}".strip(", ")
         if "family-names" in a
         # an organisation: braces keep BibTeX from splitting it into first and last names
         else "{" + _bibtex_value(author_name(a)) + "}")
        for a in cff["authors"]
    )
    url = str(cff.get("url", ""))
    fields = {
        "author": authors,
        "title": _bibtex_value(cff["title"]),
        "year": _bibtex_value(year),
        "version": _bibtex_value(cff.get("version", "")),
        "publisher": _bibtex_value(first.get("affiliation", "")),
        "license": _bibtex_value(cff.get("license", "")),
        # only web addresses: a javascript: or file: "url" must not become a link anywhere
        "url": _bibtex_value(url) if re.match(r"https?://", url) else "",
    }
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items() if value)
    return f"@software{{{key},\n{body}\n}}\n"


def citation_text(cff: dict[str, Any]) -> str:
    """The notebook's style: Author, "Title," Affiliation, vVersion, Date."""
    authors = ", ".join(author_name(a) for a in cff["authors"])
    parts = [authors, f'"{cff["title"]},"']
    tail = [
        str((cff["authors"] or [{}])[0].get("affiliation") or ""),
        f"v{cff['version']}" if cff.get("version") else "",
        str(cff.get("date-released") or ""),
    ]
    text = parts[0] + ", " + parts[1] if authors else parts[1]
    tail = [t for t in tail if t]
    return text + (" " + ", ".join(tail) if tail else "") + "."


def citation_context(cff: dict[str, Any], contributors: list[dict[str, str]]) -> dict[str, Any]:
    license_id = str(cff.get("license", "unspecified"))
    note = LICENSE_NOTES.get(license_id, "See the license text for the terms of reuse.")
    if "license" not in cff:
        note = "No license is stated: ask the report's owner before reusing it."
    return {
        "text": citation_text(cff),
        "message": str(cff["message"]),
        "bibtex": bibtex(cff),
        "license": license_id,
        "license_stated": "license" in cff,
        "license_note": note,
        "contributors": contributors,
        "title": str(cff["title"]),
        "authors": [author_name(a) for a in cff["authors"]],
        "date": str(cff.get("date-released", "")),
        "version": str(cff.get("version", "")),
    }


def write_cff(cff: dict[str, Any], path: Path) -> None:
    Path(path).write_text(yaml.safe_dump(cff, sort_keys=False, allow_unicode=True), encoding="utf-8")
