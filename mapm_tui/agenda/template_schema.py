"""The JSON Schema of an agenda template file (TOML read into a dict), built from the constants the app
uses (step kinds, entry kinds, text fields …) so that each list is written down once.

A user template is checked against it whole before it is used: a `prompt = 123`, an unknown
`subject_kind`, `agenda_rule` or rule severity is refused by name when the templates are loaded, never
later on a screen.
"""

from __future__ import annotations

from functools import lru_cache

KEY_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
RULE_PATTERN = "^G-[0-9]{2}$"


def template_schema() -> dict:
    from ..subject_words import TEMPLATE_SUBJECT_KINDS
    from . import AGENDA_RULES, ENTRY_KINDS, SEVERITIES, STAGES, STEP_KINDS, TEXT_FIELDS

    line = {"type": "string", "minLength": 1, "maxLength": 300, "pattern": r"\S"}
    step = {
        "type": "object",
        "additionalProperties": False,
        "required": ["key", "title", "kind"],
        "properties": {
            "key": {"type": "string", "pattern": KEY_PATTERN},
            "title": line,
            "kind": {"enum": list(STEP_KINDS)},
            "prompt": {"type": "string", "maxLength": 2000},
            "minutes": {"type": "integer", "minimum": 1, "maximum": 240},
            "entry_kinds": {"type": "array", "items": {"enum": list(ENTRY_KINDS)}, "uniqueItems": True},
            "stage": {"enum": list(STAGES)},
            "field": {"enum": list(TEXT_FIELDS)},
            "check": {"type": "string", "pattern": RULE_PATTERN},
        },
        "allOf": [
            {
                "if": {"properties": {"kind": {"const": "entries"}}},
                "then": {"required": ["entry_kinds"], "properties": {"entry_kinds": {"minItems": 1}}},
            },
            {"if": {"properties": {"kind": {"const": "text"}}}, "then": {"required": ["field"]}},
        ],
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "mapm-tui agenda template",
        "type": "object",
        "additionalProperties": False,
        "required": ["key", "name", "steps"],
        "properties": {
            "key": {"type": "string", "pattern": KEY_PATTERN},
            "name": line,
            "source": {"type": "string", "maxLength": 300},
            "subject_kind": {"enum": list(TEMPLATE_SUBJECT_KINDS)},
            "agenda_rule": {"enum": list(AGENDA_RULES)},
            "rules": {
                "type": "object",
                "propertyNames": {"pattern": RULE_PATTERN},
                "additionalProperties": {"enum": list(SEVERITIES)},
            },
            "steps": {"type": "array", "minItems": 1, "maxItems": 100, "items": step},
        },
    }


@lru_cache(maxsize=1)
def template_validator():
    from jsonschema import Draft202012Validator

    return Draft202012Validator(template_schema())
