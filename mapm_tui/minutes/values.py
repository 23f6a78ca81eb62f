"""A value of the meeting dict as text for the minutes: cleaned (so nothing can make python-docx raise),
dates in the house style, people and yes/no in words. Every section reads the dict through these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ..text import clean, clean_line
from .words import NOT_RECORDED


def as_text(value: Any) -> str:
    """Any value as clean multi-line text ('' for None)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return clean(value if isinstance(value, str) else str(value)).strip()


def as_line(value: Any) -> str:
    """Any value as clean one-line text."""
    return " ".join(clean_line(as_text(value)).split())


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def dicts(value: Any) -> list:
    """The dicts of a list (an imported bundle may hold anything)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def word_for(table: Mapping[str, str], key: Any, default: str | None = None) -> str:
    """`table`'s words for `key` (a value from the meeting dict, which may be anything); else `default`, or
    without one the value itself as a clean line."""
    if isinstance(key, str) and key in table:
        return table[key]
    return as_line(key) if default is None else default


def parse_date(text: Any) -> dt.date | None:
    if not isinstance(text, str):
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def dates():
    from .. import dates  # imported late: the minutes depend on it only when rendering

    return dates


def fmt_date(text: Any) -> str:
    """'2026-11-20' -> 'Fri 20 Nov 2026'; anything unparseable shown as typed."""
    d = parse_date(text)
    return dates().format_date(d) if d else as_line(text)


def fmt_long(text: Any) -> str:
    """'2026-11-20' -> 'Friday 20 November 2026'."""
    d = parse_date(text)
    return dates().format_long(d) if d else as_line(text)


def fmt_timestamp(text: Any) -> str:
    """An ISO timestamp -> 'Fri 20 Nov 2026 14:05' in UK time (local time if the zone is unknown)."""
    if not isinstance(text, str):
        return as_line(text)
    try:
        when = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return as_line(text)
    if when.tzinfo is not None:
        try:
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            when = when.astimezone(ZoneInfo("Europe/London"))
        except ZoneInfoNotFoundError:  # no tz database (Windows without tzdata): the machine's zone
            when = when.astimezone()
    return f"{dates().format_date(when.date())} {when:%H:%M}"


def person(p: Any, *, role: bool = True) -> str:
    """'Name, Role, Agency' for a person object."""
    p = as_dict(p)
    parts = [as_line(p.get("name"))]
    if role:
        parts.append(as_line(p.get("role")))
    parts.append(as_line(p.get("agency")))
    return ", ".join(x for x in parts if x)


def name_and_agency(p: Any) -> str:
    """'Name, Agency' (the chair as a contact, a lead practitioner)."""
    return person(p, role=False)


def yes_no(value: Any) -> str:
    return "Yes" if value is True else "No" if value is False else NOT_RECORDED


def sentence(text: str) -> str:
    """`text` ending with a full stop (unless it ends a sentence already)."""
    text = text.strip()
    return text if not text or text[-1] in ".!?…" else text + "."


def subject_names(meeting: dict, fallback: str) -> str:
    """'Poppy, Riley and Sam': the subjects' names in a sentence, else `fallback`."""
    names = [as_line(s.get("name")) for s in dicts(meeting.get("subjects")) if as_line(s.get("name"))]
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names) or fallback
