"""docs/configuration.md, generated from the configuration model (analysis.config.Config):

    python -m kmeans_report.report.config_docs > docs/configuration.md

Every key of report.yml with its type and allowed values, its default and what it does. The
types, bounds and defaults come from the model's JSON schema; what a key does is the
docstring under its field. A field without one stops the generator, and
tests/report/test_config_docs.py fails when the page and the model differ.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import BaseModel

from kmeans_report.analysis.config import Config

GENERATOR = "python -m kmeans_report.report.config_docs > docs/configuration.md"
INTRO = f"""\
# Configuration reference

Everything a report does is set in one YAML file, `report.yml` by default (`--config PATH`
names another). Every key is optional unless marked *required*; a key left out takes its
default. The file is checked once, before any work: every problem is reported together with
its key path (e.g. `clustering.k_max`), and a misspelled key gets a "did you mean" hint.
Relative paths are relative to the config file.

- [`report.yml`](../report.yml) at the repository root is the notebook's own configuration,
  with a comment on every key: everything the notebook hard-codes (its data, features and
  roles, the K range 2–10, k-means++ with `n_init` 10 and `random_state` 42, K = 3, its
  segment rules, its ROI assumptions) and its metadata. The built-in defaults below are
  neutral: the notebook's choices live only in that file.
- `kmeans-report init DATA_FILE` writes a commented configuration for your own table (see
  [your own data](own-data.md)).

Keys are written as paths: `data.csv.delimiter` is `delimiter:` inside `csv:` inside
`data:`; `features[].column` is `column:` in each entry of the `features:` list. Values are
shown as they are written in YAML.

<!-- Generated from analysis/config by `{GENERATOR}`; edit the docstrings there, not this page. -->
"""


@dataclass(frozen=True)
class Row:
    key: str
    kind: str  # the type and its allowed values
    default: str
    description: str


class UndocumentedKeys(Exception):
    """Keys of the model without a docstring: the page would not say what they do."""


def yaml_value(value: Any) -> str:
    """A value as it is written in report.yml (quoted where YAML needs it)."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000,
                          sort_keys=False).strip()
    return text.removesuffix("\n...").removesuffix("...").strip()


def _number(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) and abs(value) >= 10_000 else yaml_value(value)


def _bounds(node: dict[str, Any]) -> str:
    parts = [f"{symbol} {_number(node[key])}" for key, symbol in (
        ("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤"), ("exclusiveMaximum", "<"))
        if key in node]
    return f" {' and '.join(parts)}" if parts else ""


class SchemaReader:
    """Types and sections of the model's JSON schema, with its `$ref`s resolved."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self.defs = schema.get("$defs", {})

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        ref = node.get("$ref")
        return self.defs[ref.rsplit("/", 1)[-1]] if ref else node

    def section(self, node: dict[str, Any]) -> dict[str, Any] | None:
        """The model a key holds (directly or as `X | null`), if it holds one."""
        for option in [node, *node.get("anyOf", [])]:
            target = self.resolve(option)
            if "properties" in target:
                return target
        return None

    def entries(self, node: dict[str, Any]) -> dict[str, Any] | None:
        """The model of each entry, when the key holds a list of them."""
        items = node.get("items")
        return self.section(items) if items else None

    def kind(self, node: dict[str, Any]) -> str:
        if "anyOf" in node:
            options = list(dict.fromkeys(self.kind(option) for option in node["anyOf"]))
            return _alternatives(options)
        if "$ref" in node:
            return "section (keys below)"
        if "enum" in node:
            values = [f"`{yaml_value(v)}`" for v in node["enum"]]
            return ("one of " if len(values) > 2 else "") + _alternatives(values)
        if "const" in node:
            return f"`{yaml_value(node['const'])}`"
        kind = node.get("type")
        if kind == "array":
            return self._array(node)
        if kind == "object":
            values = node.get("additionalProperties")
            inner = self.kind(values) if isinstance(values, dict) else "any value"
            return f"mapping of names to {inner}"
        if kind == "string":
            name = {"path": "path", "date": "date (YYYY-MM-DD)"}.get(node.get("format", ""), "text")
            return f"non-empty {name}" if node.get("minLength") == 1 else name
        names = {"integer": "integer", "number": "number", "boolean": "true/false",
                 "null": "null"}
        return names.get(kind, str(kind)) + _bounds(node)

    def _array(self, node: dict[str, Any]) -> str:
        if "prefixItems" in node:  # a tuple: a fixed number of values
            inner = _alternatives(list(dict.fromkeys(self.kind(i) for i in node["prefixItems"])))
            return f"list of {len(node['prefixItems'])} values ({inner})"
        items = node.get("items", {})
        inner = "entries (keys below)" if self.section(items) else self.kind(items)
        least = node.get("minItems")
        return f"list of {inner}" + (f" (at least {least})" if least else "")


def _alternatives(options: list[str]) -> str:
    """a, b or c."""
    return options[0] if len(options) == 1 else f"{', '.join(options[:-1])} or {options[-1]}"


def _default(name: str, node: dict[str, Any], model: dict[str, Any]) -> str:
    if name in model.get("required", ()):
        return "*required*"
    if "default" not in node:
        return "computed (see the description)"
    return f"`{yaml_value(node['default'])}`"


def _text(description: str | None) -> str:
    return " ".join((description or "").split())


def _rows(reader: SchemaReader, model: dict[str, Any], prefix: str,
          missing: list[str]) -> list[Row]:
    rows = []
    for name, node in model["properties"].items():
        key = f"{prefix}{name}"
        if not node.get("description"):
            missing.append(key)
        section, entries = reader.section(node), reader.entries(node)
        rows.append(Row(key, reader.kind(node),
                        "" if section and "default" in node and node["default"] is not None
                        else _default(name, node, model),
                        _text(node.get("description"))))
        if section is not None:
            rows += _rows(reader, section, f"{key}.", missing)
        elif entries is not None:
            rows += _rows(reader, entries, f"{key}[].", missing)
    return rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _table(rows: list[Row]) -> list[str]:
    lines = ["| Key | Type and allowed values | Default | What it does |", "|---|---|---|---|"]
    for row in rows:
        lines.append(f"| `{row.key}` | {_cell(row.kind)} | {_cell(row.default)} | "
                     f"{_cell(row.description)} |")
    return lines


def configuration_page(model: type[BaseModel] = Config) -> str:
    """The whole page: one section per top-level key of report.yml, in the model's order."""
    schema = model.model_json_schema(mode="validation")
    reader = SchemaReader(schema)
    missing: list[str] = []
    out = [INTRO]
    for name, node in schema["properties"].items():
        if not node.get("description"):
            missing.append(name)
        out += [f"## `{name}:`", "", _text(node.get("description")), ""]
        section, entries = reader.section(node), reader.entries(node)
        if entries is not None:
            least = node.get("minItems", 0)
            amount = "one or more " if least == 1 else f"at least {least} " if least else ""
            out += [f"A list of {amount}entries, each with the keys below. Default:",
                    "", "```yaml",
                    yaml.safe_dump({name: node.get("default", [])}, sort_keys=False,
                                   allow_unicode=True).strip(), "```", ""]
            rows = _rows(reader, entries, f"{name}[].", missing)
        else:
            rows = _rows(reader, section, f"{name}.", missing)
        out += [*_table(rows), ""]
    if missing:
        raise UndocumentedKeys(
            "these configuration keys have no docstring under their field in analysis/config "
            f"(what the key does, for docs/configuration.md): {', '.join(missing)}")
    return "\n".join(out).rstrip() + "\n"


def main() -> int:
    try:
        page = configuration_page()
    except UndocumentedKeys as exc:
        print(f"config_docs: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
