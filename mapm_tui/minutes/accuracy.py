"""Checking the minutes afterwards (G-53): the request to check them by a date, corrections received, who
agreed the final text, and the sign-off the final minutes carry.

Kept under `meeting.extensions` (see `extras`): the bundle has no fields for them. Each function takes
the meeting dict and returns its new `extensions` object; `extras.save_extras` writes it. Bad input
raises AccuracyError with one sentence.

    accuracy = {
        "requested_on": "2026-11-24",       # the minutes went out for checking
        "corrections_by": "2026-12-08",     # N working days later (settings.corrections_days)
        "corrections": [{"from": "Jo Baker", "received_on": "2026-11-30", "summary": "…", "accepted": true}],
        "agreed_by": {"name": "Sarah Khan", "role": "Chair", "on": "2026-12-09"},
    }
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..text import clean, clean_line
from .extras import ExtrasError, extras, with_extras

SHORT = 300
TEXT = 20000


class AccuracyError(ExtrasError):
    """A record about checking the minutes that cannot be kept; the message says what and how to fix it."""


def accuracy(meeting: dict) -> dict:
    value = extras(meeting).get("accuracy")
    return value if isinstance(value, dict) else {}


def _short(value: Any, what: str, *, required: bool = True) -> str:
    text = " ".join(clean_line(value if isinstance(value, str) else "").split())
    if required and not text:
        raise AccuracyError(f"Give {what}; nothing was recorded.")
    if len(text) > SHORT:
        raise AccuracyError(f"{what.capitalize()} is longer than {SHORT} characters; shorten it.")
    return text


def _day(value: dt.date | str, what: str) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise AccuracyError(f"{what.capitalize()} '{value}' is not a date such as 2026-11-30.") from None


def _saved(meeting: dict, record: dict) -> dict:
    mine = extras(meeting)
    mine["accuracy"] = record
    return with_extras(meeting, mine)


def request_check(meeting: dict, today: dt.date, settings) -> dict:
    """The minutes go out for checking today: corrections are due `settings.corrections_days` working
    days later (the partnership's bank holidays skipped)."""
    from ..deadlines import add_working_days, check_nation, parse_days

    days = parse_days(settings.corrections_days, "corrections_days")
    by = add_working_days(today, days, check_nation(settings.nation))
    record = dict(accuracy(meeting))
    record.update(requested_on=today.isoformat(), corrections_by=by.isoformat())
    return _saved(meeting, record)


def add_correction(
    meeting: dict, from_name: str, received_on: dt.date | str, summary: str, accepted: bool | None = None
) -> dict:
    """A correction received from an attendee: from whom, when, what it says, and whether it was accepted."""
    text = clean(summary if isinstance(summary, str) else "").strip()
    if not text:
        raise AccuracyError("Say what the correction is; nothing was recorded.")
    if len(text) > TEXT:
        raise AccuracyError(f"The correction is longer than {TEXT} characters; shorten it.")
    item: dict[str, str | bool] = {
        "from": _short(from_name, "who sent the correction"),
        "received_on": _day(received_on, "the date it was received"),
        "summary": text,
    }
    if accepted is not None:
        item["accepted"] = bool(accepted)
    record = dict(accuracy(meeting))
    record["corrections"] = [*[c for c in record.get("corrections") or [] if isinstance(c, dict)], item]
    return _saved(meeting, record)


def agree_final_text(meeting: dict, name: str, role: str, on: dt.date | str) -> dict:
    """Who agreed the final text of the minutes, their role and when: the sign-off of the final minutes."""
    record = dict(accuracy(meeting))
    record["agreed_by"] = {"name": _short(name, "who agreed the final text"), "role": _short(role, "their role"),
                           "on": _day(on, "the date they agreed it")}  # fmt: skip
    return _saved(meeting, record)


def sign_off(meeting: dict) -> tuple[str, str, str] | None:
    """(name, role, ISO date) of who approved the final minutes: the recorded agreement, else who finalised
    them (role not recorded). None for minutes not yet final."""
    if meeting.get("status") != "final":
        return None
    agreed = accuracy(meeting).get("agreed_by")
    if isinstance(agreed, dict) and agreed.get("name"):
        return (str(agreed.get("name")), str(agreed.get("role") or ""), str(agreed.get("on") or ""))
    if meeting.get("finalised_by"):
        when = str(meeting.get("finalised_at") or "")[:10]
        return (str(meeting.get("finalised_by")), "", when)
    return None
