"""Names that become folders and URLs of the published tree: versions (canonical PEP 440),
aliases (plain slugs) and release dates. Validated here, so nothing path-like ever reaches the
file system.
"""

from __future__ import annotations

import datetime as _dt
import re

from packaging.version import InvalidVersion
from packaging.version import Version as Pep440

from kmeans_report.report.errors import PublishError

# Aliases become folder names next to the versions and appear in URLs: keep them to a plain
# slug. Starting with a letter keeps them apart from version folders (which start with a
# digit) and from the publisher's own dot-files (.publish-*, .nojekyll).
_ALIAS_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
_MAX_NAME = 64


def _describe_pathlike(kind: str, value: object) -> str | None:
    """Why `value` cannot be a folder name of the published tree, or None if it can."""
    if not isinstance(value, str):
        return f"{kind} must be a string, got {type(value).__name__} {value!r}"
    if value == "" or value.strip() == "":
        return f"{kind} must not be empty or blank, got {value!r}"
    if value != value.strip() or any(c.isspace() for c in value):
        return f"{kind} {value!r} contains whitespace"
    if value in (".", ".."):
        return f"{kind} {value!r} is a relative path, not a name"
    if "/" in value or "\\" in value or ":" in value or "\0" in value:
        return (
            f"{kind} {value!r} looks like a path; it must be a single folder name "
            f"without '/', '\\' or ':'"
        )
    if len(value) > _MAX_NAME:
        return f"{kind} {value!r} is longer than {_MAX_NAME} characters"
    return None


def _folder_name(kind: str, value: object, advice: str) -> str:
    """`value` if it can be a folder name of the published tree, else a PublishError."""
    problem = _describe_pathlike(kind, value)
    if problem:
        raise PublishError(f"Invalid {kind}: {problem}. {advice}")
    assert isinstance(value, str)
    return value


def validate_version(value: object) -> str:
    """Return `value` if it is a canonical PEP 440 version usable as a folder name."""
    value = _folder_name("version", value, "Use a PEP 440 version such as '1.3.0'.")
    try:
        parsed = Pep440(value)
    except InvalidVersion:
        raise PublishError(
            f"Invalid version {value!r}: it is not a PEP 440 version. "
            f"Use a version such as '1.3.0' or '2.0.0rc1'."
        ) from None
    # Only the normalised spelling is accepted, so one release has exactly one folder name
    # (a tag 'v1.3.0' and a tag '1.3.0' must not publish two folders).
    if str(parsed) != value:
        raise PublishError(
            f"Invalid version {value!r}: use its normalised PEP 440 spelling {str(parsed)!r} "
            f"(it names the folder of the published version)."
        )
    return value


def validate_alias(value: object) -> str:
    """Return `value` if it is a valid alias name (a simple slug such as 'latest')."""
    value = _folder_name("alias", value, "Use a simple name such as 'latest'.")
    if not _ALIAS_RE.fullmatch(value):
        raise PublishError(
            f"Invalid alias {value!r}: an alias starts with a letter and has only letters, "
            f"digits, '-' and '_' (for example 'latest' or 'stable')."
        )
    try:
        Pep440(value)
    except InvalidVersion:
        return value
    # 'v1' parses as a version: as an alias it would be confused with a version folder.
    raise PublishError(
        f"Invalid alias {value!r}: it reads as a version number; choose a word like 'stable'."
    )


def validate_date(value: object) -> str:
    """Return an ISO date string (YYYY-MM-DD) from a date or an ISO string."""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise PublishError(f"Invalid date {value!r}: use an ISO date such as '2025-10-02'.")
