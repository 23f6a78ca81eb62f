"""The closing records (G-40..G-44, G-52): one small function per closing step kind, found by `CLOSING`.

Each takes the record (the meeting's field of that name, a dict) and returns its blocks: label / value
fields, [] when nothing is recorded.
"""

from __future__ import annotations

from collections.abc import Callable

from .. import family_copy
from ..blocks import Block, Fields, Para
from ..context import Context
from ..values import as_dict, as_line, as_text, fmt_date, name_and_agency, yes_no
from ..words import ESCALATION_REMINDER

Rows = list[tuple[str, str]]


def closing(kind: str, meeting: dict, ctx: Context) -> list[Block]:
    """The blocks of a closing record ([] when nothing is recorded or the family copy leaves it out)."""
    if ctx.family and not family_copy.shows_closing(kind):
        return []
    rec = as_dict(meeting.get(kind))
    return CLOSING[kind](rec, ctx) if rec and kind in CLOSING else []


def _fields(rows: Rows, *after: Block) -> list[Block]:
    return [Fields(tuple(rows)), *after] if rows else []


def _family_meeting(rec: dict, ctx: Context) -> list[Block]:
    rows: Rows = []
    if "considered" in rec:
        rows.append(("Family meeting considered", yes_no(rec.get("considered"))))
    if as_text(rec.get("outcome")) and ctx.shows_field("family_meeting.outcome"):
        rows.append(("Outcome", as_text(rec.get("outcome"))))
    return _fields(rows)


def _lead_practitioner(rec: dict, ctx: Context) -> list[Block]:
    rows: Rows = []
    if name_and_agency(rec):
        rows.append(("Lead practitioner", name_and_agency(rec)))
    if rec.get("changed") is True:
        rows.append(("Change", _lead_change(rec, ctx)))
    elif rec.get("changed") is False:
        rows.append(("Change", "No change."))
    if as_text(rec.get("note")) and ctx.shows_field("lead_practitioner.note"):
        rows.append(("Note", as_text(rec.get("note"))))
    return _fields(rows)


def _lead_change(rec: dict, ctx: Context) -> str:
    """'Yes: from Martin Ellis, Northfield Primary School, to Kirsty Lane.' The earlier lead comes from the
    meeting this one reviews (when it is known); the bundle has no field for it."""
    to = as_line(rec.get("name")) or "the lead practitioner named above"
    before = as_dict(ctx.previous.get("lead_practitioner"))
    was = name_and_agency(before)
    if was and as_line(before.get("name")).casefold() != as_line(rec.get("name")).casefold():
        return f"Yes: from {was}, to {to}."
    return f"Yes: {to} takes over as lead practitioner (who held it before is not recorded in this meeting)."


def _disagreement(rec: dict, ctx: Context) -> list[Block]:
    rows: Rows = []
    if "any" in rec:
        rows.append(("Any disagreement between professionals", yes_no(rec.get("any"))))
    if as_text(rec.get("summary")):
        rows.append(("Summary", as_text(rec.get("summary"))))
    if as_text(rec.get("escalation")):
        rows.append(("Escalation", as_text(rec.get("escalation"))))
    return _fields(rows, *([Para(ESCALATION_REMINDER)] if rec.get("any") is True else []))


def _feedback_to_family(rec: dict, ctx: Context) -> list[Block]:
    rows: Rows = []
    who = ctx.attendee_name(rec.get("by_attendee_id"), rec.get("by_name"))
    if who:
        rows.append((ctx.words.cap("Who tells {family}"), who))
    if rec.get("by_date"):
        rows.append(("By", fmt_date(rec.get("by_date"))))
    if as_line(rec.get("method")):
        rows.append(("How", as_line(rec.get("method"))))
    # why it is not needed is a rationale: never in the family copy
    if not ctx.family and as_text(rec.get("not_needed_reason")):
        rows.append(("Not needed because", as_text(rec.get("not_needed_reason"))))
    return _fields(rows)


def _minutes_sharing(rec: dict, ctx: Context) -> list[Block]:
    rows: Rows = [(ctx.words.cap("Minutes shared with {family}"), yes_no(rec.get("share_with_family")))]
    if as_text(rec.get("reason_not_shared")):
        rows.append(("The chair's reason for not sharing", as_text(rec.get("reason_not_shared"))))
    if "fii_concern" in rec:
        rows.append(("Concerns of fabricated or induced illness", yes_no(rec.get("fii_concern"))))
    if as_line(rec.get("senior_consulted")):
        rows.append(("Senior manager or named doctor consulted", as_line(rec.get("senior_consulted"))))
    return _fields(rows)


def _next_review(rec: dict, ctx: Context) -> list[Block]:
    rows: Rows = []
    if rec.get("date"):
        when = fmt_date(rec.get("date"))
        if as_line(rec.get("time")):
            when += f" at {as_line(rec.get('time'))}"
        rows.append(("Next review", when))
        if as_line(rec.get("venue")):
            rows.append(("Venue", as_line(rec.get("venue"))))
    elif rec.get("required") is False:
        rows.append(("Next review", "No review meeting is needed."))
        if as_text(rec.get("reason_not_required")):  # part of the decision: the family copy keeps it
            rows.append(("Why none is needed", as_text(rec.get("reason_not_required"))))
    elif rec.get("required") is True:
        rows.append(("Next review", "A review is needed; the date is still to be set."))
    return _fields(rows)


#: closing step kind -> the function that writes its record
CLOSING: dict[str, Callable[[dict, Context], list[Block]]] = {
    "family_meeting": _family_meeting,
    "lead_practitioner": _lead_practitioner,
    "disagreement": _disagreement,
    "feedback_to_family": _feedback_to_family,
    "minutes_sharing": _minutes_sharing,
    "next_review": _next_review,
}
