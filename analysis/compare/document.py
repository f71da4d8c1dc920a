"""changes.json: a `Changes` record as JSON, checked against changes.schema.json before it
is written (a build never publishes a file its own schema refuses)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from .records import Changes

SCHEMA_PATH = Path(__file__).with_name("changes.schema.json")


def changes_document(changes: Changes) -> dict:
    import jsonschema

    document = dataclasses.asdict(changes)
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)
    return document


def write_changes_json(changes: Changes, path: Path) -> None:
    text = json.dumps(changes_document(changes), indent=2, allow_nan=False)
    Path(path).write_text(text + "\n", encoding="utf-8")
