"""Rows <-> the meeting dict (the bundle's `meeting` object).

Both directions go through `models.MEETING_GROUPS` and `models.CHILD_LISTS`, so a field is named once.
Absent means not recorded: None columns are left out of the dict, and keys left out of a dict are
stored as None. Timestamps leave as ISO 8601 text with an offset.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .models import CHILD_LISTS, MEETING_GROUPS, MEETING_SCALARS, PERSON_FIELDS, Meeting, StepProgress


def _out(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def _in_ts(value: Any) -> Any:
    """ISO text (with offset) to an aware datetime; a naive one is taken as UTC."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


TIMESTAMP_FIELDS = {"created_at", "at", "sent_at", "finalised_at"}


def meeting_to_dict(
    meeting: Meeting, children: dict[str, list[Any]], progress: list[StepProgress] | None = None
) -> dict:
    out: dict[str, Any] = {}
    for name in MEETING_SCALARS:
        value = getattr(meeting, name)
        if value is not None and value != [] and value != {}:
            out[name] = _out(value)
    for group, (prefix, fields) in MEETING_GROUPS.items():
        record = {f: getattr(meeting, prefix + f) for f in fields}
        record = {k: v for k, v in record.items() if v is not None}
        if fields == PERSON_FIELDS and "name" not in record:
            continue  # a role or agency typed before the name (or left after it was cleared): no person yet
        if record:
            out[group] = record
    for key, (_model, fields) in CHILD_LISTS.items():
        rows = children.get(key) or []
        if rows:
            out[key] = [{f: _out(getattr(row, f)) for f in fields if getattr(row, f) is not None} for row in rows]
    if progress:
        timings = {p.step_key: p.seconds for p in progress if p.seconds}
        if timings:
            out["step_timings"] = timings
    return out


def meeting_columns(data: dict) -> dict[str, Any]:
    """The Meeting columns for a meeting dict (the scalars and flattened groups)."""
    cols: dict[str, Any] = {}
    for name in MEETING_SCALARS:
        value = data.get(name)
        cols[name] = _in_ts(value) if name in TIMESTAMP_FIELDS else value
    for group, (prefix, fields) in MEETING_GROUPS.items():
        record = data.get(group) or {}
        for f in fields:
            cols[prefix + f] = record.get(f)
    return cols


def child_rows(meeting_id: str, data: dict) -> dict[str, list[Any]]:
    rows: dict[str, list[Any]] = {}
    for key, (model, fields) in CHILD_LISTS.items():
        items = data.get(key) or []
        made = []
        for position, item in enumerate(items):
            values = {f: item.get(f) for f in fields}
            for f in TIMESTAMP_FIELDS & set(fields):
                values[f] = _in_ts(values[f])
            made.append(model(meeting_id=meeting_id, position=position, **values))
        rows[key] = made
    return rows
