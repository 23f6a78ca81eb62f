"""Values checked against the bundle schema before the store writes them (the same limits an import
enforces), and cleaned of characters SQLite or Word would refuse, so every stored meeting exports as a valid
bundle."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .bundle_reasons import bundle_reasons
from .models import MEETING_GROUPS, Meeting
from .schema import errors_for, field_limit
from .store_errors import StoreError
from .text import clean, clean_line


def _row_values(item: dict, fields) -> dict:
    out = {}
    for f in fields:
        value = item.get(f)
        if f in ("created_at", "at", "sent_at") and isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        out[f] = value
    return out


def _meeting_column(path: str) -> tuple[str, tuple[str, ...]]:
    if "." in path:
        group, name = path.split(".", 1)
        if group not in MEETING_GROUPS or name not in MEETING_GROUPS[group][1]:
            raise StoreError(f"'{path}' is not a field of a meeting.")
        return MEETING_GROUPS[group][0] + name, ("meeting", group, name)
    if path not in Meeting.model_fields or path in ("id", "template", "status", "template_snapshot"):
        raise StoreError(f"'{path}' is not a field the app can set.")
    schema_path = ("meeting", path) if path not in ("bundle_extensions",) else ()
    return path, schema_path


def _clean_value(value: Any, *path: str) -> Any:
    if isinstance(value, str):
        limit = field_limit(*path) if path else None
        return clean_line(value) if limit is not None and limit <= 300 else clean(value)
    if isinstance(value, list):
        return [clean_line(v) if isinstance(v, str) else v for v in value]
    return value


def _bundle_form(value: Any, schema_path: tuple[str, ...]) -> Any:
    """`value` as a bundle holds it, which is what the schema checks: the reasons for the meeting include one
    the bundle writes as "other" (bundle_reasons.py)."""
    if schema_path == ("meeting", "reasons") and isinstance(value, list):
        return bundle_reasons(value, None)[0]
    return value


def _checked(value: Any, schema_path: tuple[str, ...], label: str) -> Any:
    if value is None or not schema_path:
        return value
    try:
        value = _clean_value(value, *schema_path)
    except KeyError:
        value = clean(value) if isinstance(value, str) else value
    if isinstance(value, str) and value.strip() == "":
        return None  # an emptied field is not recorded
    try:
        problems = errors_for(_bundle_form(value, schema_path), *schema_path)
    except KeyError:
        problems = []
    if problems:
        raise StoreError(f"'{label}' was not saved: {problems[0].split(': ', 1)[-1]}.")
    return value
