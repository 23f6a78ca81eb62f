"""The bundle JSON Schema (the product's fixed contract), packaged with the app, and validators cut from it.

The same schema checks a whole imported bundle and a single field the chair types, so the limits
(300 characters for short fields, 20,000 for text, the enums) are written down once.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from .text import for_terminal, quote

SHORT_LIMIT = 300
TEXT_LIMIT = 20_000


@lru_cache(maxsize=1)
def bundle_schema() -> dict:
    text = resources.files("mapm_tui").joinpath("meeting-bundle.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def bundle_validator():
    from jsonschema import Draft202012Validator

    return Draft202012Validator(bundle_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def subschema(*path: str) -> dict:
    """The schema of one part of a meeting: `subschema("entry")` for an item definition, or
    `subschema("meeting", "family", "attending")` for a field. The `$defs` ride along so `$ref`s resolve."""
    root = bundle_schema()
    defs = root["$defs"]
    node: dict = defs[path[0]]
    for name in path[1:]:
        node = _deref(node, defs)["properties"][name]
    return {"$defs": defs, **node}


def _deref(node: dict, defs: dict) -> dict:
    while "$ref" in node and "properties" not in node:
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
    return node


@lru_cache(maxsize=256)
def _validator_for(path: tuple[str, ...]):
    from jsonschema import Draft202012Validator

    return Draft202012Validator(subschema(*path), format_checker=Draft202012Validator.FORMAT_CHECKER)


def field_limit(*path: str) -> int | None:
    """The maxLength that applies to a string field (following `$ref`s), or None."""
    node = subschema(*path)
    defs = node["$defs"]
    while True:
        if "maxLength" in node:
            return node["maxLength"]
        ref = node.get("$ref")
        if not ref:
            return None
        node = defs[ref.rsplit("/", 1)[-1]]


def errors_for(value: Any, *path: str) -> list[str]:
    """Plain-language problems with `value` as the schema part at `path` (empty: valid)."""
    return [describe_error(e) for e in _validator_for(tuple(path)).iter_errors(value)]


def describe_error(error) -> str:
    """One short phrase for a jsonschema ValidationError, naming where it is."""
    where = for_terminal("/".join(str(p) for p in error.absolute_path), one_line=True) or "the top level"
    validator = error.validator
    if validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        shown = ", ".join(quote(k) for k in extra[:5]) + (f" and {len(extra) - 5} more" if len(extra) > 5 else "")
        return f"{where}: unknown key {shown}"
    if validator == "required":
        return f"{where}: {error.message.split(' is a required')[0]} is missing"
    if validator == "maxLength":
        return f"{where}: longer than {error.validator_value} characters"
    if validator == "minLength":
        return f"{where}: is empty"
    if validator == "enum":
        return f"{where}: {quote(error.instance)} is not one of {', '.join(map(str, error.validator_value))}"
    if validator in ("maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum"):
        return f"{where}: {quote(error.instance, 30)} is out of range"
    if validator == "const":
        return f"{where}: must be {error.validator_value!r}"
    if validator == "type":
        return f"{where}: must be {error.validator_value}, not {type(error.instance).__name__}"
    if validator in ("pattern", "format"):
        return f"{where}: {quote(error.instance)} is not a valid {error.schema.get('format', 'value')}"
    return f"{where}: {quote(error.message, 160)[1:-1]}"
