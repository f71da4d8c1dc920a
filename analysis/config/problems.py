"""Config problems as people read them: one line per key with its path (e.g.
``clustering.k_max``; a feature by its column, ``features[Annual Spend].transform``), a "did
you mean" hint for a misspelled key, control characters found before pydantic sees the
text."""

from __future__ import annotations

import difflib
import re
from typing import Any

from pydantic import BaseModel

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def did_you_mean(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _fields_at(root: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Names of the keys allowed at a location, for "did you mean" hints on unknown keys."""
    model: Any = root
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return []
        annotation = field.annotation
        args = getattr(annotation, "__args__", ())
        candidates = [annotation, *args]
        model = next(
            (c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None
        )
        if model is None:
            return []
    return list(getattr(model, "model_fields", {}))


def key_path(loc: tuple[Any, ...], raw: Any = None) -> str:
    """A location as the config reads: `clustering.k_max`, `features[Annual Spend].unit` (a
    feature by its column when it has one, else by its position: `features[2]`)."""
    parts: list[str] = []
    for i, part in enumerate(loc):
        if isinstance(part, int) and i > 0 and loc[i - 1] == "features":
            parts[-1] += f"[{_feature_name(raw, part)}]"
        else:
            parts.append(str(part))
    return ".".join(parts)


def _feature_name(raw: Any, index: int) -> str:
    features = raw.get("features") if isinstance(raw, dict) else None
    if isinstance(features, list) and index < len(features) and isinstance(features[index], dict):
        column = features[index].get("column")
        if isinstance(column, str) and column.strip() and not _CONTROL.search(column):
            return " ".join(column.split())
    return str(index)


def _format_error(err: dict[str, Any], root: type[BaseModel], raw: Any = None) -> tuple[str, str]:
    """(key path, message); the path is "" for a message that names its keys itself."""
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    # pydantic reports union members as separate loc parts ("int", "literal[...]"); drop them.
    loc = tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p in {"int", "str"})))
    path = key_path(loc, raw) or "(top level)"
    if err["type"] == "extra_forbidden":
        hint = did_you_mean(str(loc[-1]), _fields_at(root, loc[:-1]))
        return path, f"unknown key{hint}"
    message = err["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
        # Cross-field messages already name their keys.
        if loc == () or message.startswith(path):
            return "", message
    given = err.get("input")
    shown = "" if isinstance(given, dict | list) or given is None else f" (got {given!r})"
    return path, f"{message}{shown}"


def _merge_alternatives(problems: list[tuple[str, str]]) -> list[str]:
    """One line per key: a union type (e.g. int or 'auto') yields one error per member."""
    merged: dict[str, list[str]] = {}
    for path, message in problems:
        merged.setdefault(path, []).append(message)
    lines = []
    for path, messages in merged.items():
        if path:
            lines.append(f"{path}: {' — or — '.join(messages)}")
        else:
            lines += messages
    return lines


def validation_problems(errors: list[dict[str, Any]], root: type[BaseModel],
                        raw: Any = None) -> list[str]:
    """pydantic's errors against the model `root` (validating `raw`), one line per key,
    repeats dropped."""
    return _merge_alternatives(list(dict.fromkeys(_format_error(e, root, raw) for e in errors)))



def control_characters(raw: Any, path: str = "") -> list[str]:
    """Keys and text values holding NUL or other control characters (tab and newline are
    fine): no file name, title or column name has them, and tools downstream choke on them."""
    problems: list[str] = []
    items = raw.items() if isinstance(raw, dict) else enumerate(raw) if isinstance(raw, list) else ()
    for key, value in items:
        where = (f"{path}[{_feature_name({'features': raw}, key)}]" if path == "features"
                 else f"{path}.{key}" if path else str(key))
        if isinstance(key, str) and _CONTROL.search(key):
            problems.append(f"{where!r}: a key contains a control character")
        elif isinstance(value, str) and _CONTROL.search(value):
            char = _CONTROL.search(value).group(0)
            problems.append(f"{where}: contains the control character {char!r}")
        else:
            problems += control_characters(value, where)
    return problems
