"""The model of `versions.json`: which versions are published, their aliases, their order.

No file I/O here: `report.publish` reads the current list, asks this model for the new state,
and only then touches files. Every version and alias name is checked by `names` on its way in.

`versions.json` is a JSON list, newest version first (PEP 440 order)::

    [{"version": "1.3.0", "title": "1.3.0", "date": "2025-10-02",
      "aliases": ["latest"], "pdf": "1.3.0/downloads/report.pdf"}, ...]

`pdf` is relative to the site root (so the switcher, which reads the list from the site root,
can link it as is) or null when the version has no PDF.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from kmeans_report.report.errors import PublishError
from kmeans_report.report.publish.names import (
    Pep440,
    validate_alias,
    validate_date,
    validate_version,
)


@dataclass(frozen=True)
class Version:
    """One published version: its folder name, a title, a release date, aliases and PDF."""

    version: str
    title: str
    date: str
    aliases: tuple[str, ...] = ()
    pdf: str | None = None

    def __post_init__(self) -> None:
        validate_version(self.version)
        if not isinstance(self.title, str) or not self.title.strip():
            raise PublishError(
                f"Invalid title {self.title!r} for version {self.version}: "
                f"give a non-empty title."
            )
        object.__setattr__(self, "date", validate_date(self.date))
        if isinstance(self.aliases, str):  # a lone string would become one alias per letter
            raise PublishError(
                f"Aliases of version {self.version} must be a list of names, "
                f"got the string {self.aliases!r}."
            )
        aliases = tuple(dict.fromkeys(validate_alias(a) for a in self.aliases))
        object.__setattr__(self, "aliases", aliases)
        if self.pdf is not None and (
            not isinstance(self.pdf, str)
            or not self.pdf.startswith(self.version + "/")
            or ".." in self.pdf.split("/")
            or "\\" in self.pdf
        ):
            raise PublishError(
                f"Invalid pdf path {self.pdf!r} for version {self.version}: it must be a "
                f"path inside the version folder, such as '{self.version}/downloads/report.pdf'."
            )

    @property
    def key(self) -> Pep440:
        return Pep440(self.version)

    def to_dict(self) -> dict:
        return {
            "version": self.version,
            "title": self.title,
            "date": self.date,
            "aliases": list(self.aliases),
            "pdf": self.pdf,
        }

    @classmethod
    def from_dict(cls, data: object, source: str = "versions.json") -> Version:
        if not isinstance(data, dict):
            raise PublishError(f"{source}: each entry must be an object, got {data!r}.")
        missing = [k for k in ("version", "title", "date") if k not in data]
        if missing:
            raise PublishError(f"{source}: entry {data!r} lacks {', '.join(missing)}.")
        try:
            return cls(
                version=data["version"],
                title=data["title"],
                date=data["date"],
                aliases=tuple(data.get("aliases") or ()),
                pdf=data.get("pdf"),
            )
        except PublishError as exc:
            raise PublishError(f"{source}: {exc}") from None


@dataclass
class VersionList:
    """The published versions, kept newest first, each alias on exactly one version."""

    _items: list[Version] = field(default_factory=list)

    def __post_init__(self) -> None:
        items, self._items = list(self._items), []
        for item in items:
            self.add(item)

    # -- reading ---------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Version]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, version: object) -> bool:
        return any(v.version == version for v in self._items)

    def __getitem__(self, version: str) -> Version:
        for v in self._items:
            if v.version == version:
                return v
        known = ", ".join(self.names()) or "none"
        raise PublishError(f"Version {version!r} is not published (published: {known}).")

    def names(self) -> list[str]:
        return [v.version for v in self._items]

    def aliases(self) -> dict[str, str]:
        """Alias name -> the version it points to."""
        return {a: v.version for v in self._items for a in v.aliases}

    def resolve(self, name: str) -> Version:
        """The version named `name`, or the one the alias `name` points to."""
        target = self.aliases().get(name, name)
        return self[target]

    def newest(self) -> Version | None:
        return self._items[0] if self._items else None

    def format_table(self) -> str:
        """A plain-text listing for the CLI's `versions` command, newest first."""
        if not self._items:
            return "No versions published yet."
        rows = [
            (v.version, v.date, ", ".join(v.aliases) or "-", v.title) for v in self._items
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        return "\n".join(
            "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
            + "  " + row[3]
            for row in rows
        )

    def copy(self) -> VersionList:
        new = VersionList()
        new._items = list(self._items)
        return new

    # -- changing --------------------------------------------------------------------------
    def add(self, version: Version, *, force: bool = False) -> None:
        """Add `version`, moving its aliases to it. Replaces an existing one only if `force`."""
        for i, existing in enumerate(self._items):
            if existing.key != version.key:
                continue
            if existing.version != version.version:
                raise PublishError(
                    f"Version {version.version!r} equals the published version "
                    f"{existing.version!r} under PEP 440; publish it as {existing.version!r}."
                )
            if not force:
                raise PublishError(
                    f"Version {version.version} is already published; pass force to "
                    f"replace it (its aliases then move to the new copy)."
                )
            del self._items[i]
            break
        self._take_aliases(version.aliases)
        self._items.append(version)
        self._items.sort(key=lambda v: v.key, reverse=True)

    def set_aliases(self, version: str, aliases: Iterable[str]) -> None:
        """Point each alias at `version`, removing it from whichever version had it."""
        aliases = tuple(validate_alias(a) for a in aliases)
        target = self[version]
        self._take_aliases(aliases)
        merged = tuple(dict.fromkeys(self[version].aliases + aliases))
        self._replace(replace(target, aliases=merged))

    def remove(self, version: str, *, force: bool = False) -> Version:
        """Remove `version`. Refuses if an alias points only to it, unless `force`."""
        target = self[version]
        if target.aliases and not force:
            names = ", ".join(repr(a) for a in target.aliases)
            raise PublishError(
                f"Version {version} is the only version the alias {names} points to; "
                f"publish another version with that alias first, or pass force to remove it "
                f"and drop the alias."
            )
        self._items = [v for v in self._items if v.version != version]
        return target

    def _take_aliases(self, aliases: Iterable[str]) -> None:
        taken = set(aliases)
        self._items = [
            replace(v, aliases=tuple(a for a in v.aliases if a not in taken))
            if taken.intersection(v.aliases)
            else v
            for v in self._items
        ]

    def _replace(self, new: Version) -> None:
        self._items = [new if v.version == new.version else v for v in self._items]

    # -- JSON ------------------------------------------------------------------------------
    def to_json(self) -> str:
        return json.dumps([v.to_dict() for v in self._items], indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str, source: str = "versions.json") -> VersionList:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise PublishError(f"{source} is not valid JSON ({exc}); fix or remove it.") from None
        if not isinstance(data, list):
            raise PublishError(f"{source} must hold a JSON list of versions, got {data!r:.80}.")
        new = cls()
        seen_aliases: dict[str, str] = {}
        for entry in data:
            item = Version.from_dict(entry, source)
            if item.version in new:
                raise PublishError(f"{source} lists version {item.version} twice.")
            for alias in item.aliases:
                if alias in seen_aliases:
                    raise PublishError(
                        f"{source} gives the alias {alias!r} to both {seen_aliases[alias]} and "
                        f"{item.version}; an alias points to exactly one version."
                    )
                seen_aliases[alias] = item.version
            new.add(item)
        return new
