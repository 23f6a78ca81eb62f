"""The annex of the full minutes: amendments made after the meeting was finalised, and the findings the
chair overrode when finalising, each in words (which action, which field, what the finding said)."""

from __future__ import annotations

import re
from typing import Any

from ...text import clean_line
from ...vocabulary import ACTION_STATUS_LABELS, STATUS_WORDS, status_in_words
from ..blocks import Block, headed_table
from ..context import Context
from ..values import as_line, as_text, dicts, fmt_date, fmt_timestamp, parse_date, sentence, word_for
from ..words import CLOSING_TITLES, ENTRY_LABELS, TEXT_FIELD_TITLES
from .attendance import attendance_in_words

#: An action's fields as an override of G-31 names them.
ACTION_FIELD_WORDS = {
    "description": "what is to be done",
    "owner": "who does it",
    "due_date": "the due date",
    "success_measure": "how we will know it is done",
    "addresses": "the needs or risks it addresses",
}

#: How the annex names a field that was amended (the store records the bundle's field paths).
FIELD_WORDS = {
    "status": "status",
    "due_date": "due date",
    "description": "description",
    "success_measure": "how we will know it is done",
    "owner_attendee_id": "owner",
    "owner_name": "owner",
    "agency": "agency",
    "addresses": "what it addresses",
    "progress_note": "progress",
    "share_with_family": "shared with the family",
    "text": "text",
    "kind": "kind",
    "basis": "fact or opinion",
    "source_agency": "source",
    "source_attendee_id": "source",
    "date": "date",
    "time": "time",
    "venue": "venue",
    "required": "whether a review is needed",
    "reason_not_required": "why no review is needed",
    "attendance": "attendance",
    "name": "name",
    "role": "role",
    "email": "email",
    "parts": "part attended",
    "considered": "considered",
    "outcome": "outcome",
    "changed": "whether it changes",
    "note": "note",
    "summary": "summary",
    "escalation": "escalation",
    "any": "whether there was any",
    "reason_not_shared": "the chair's reason for not sharing",
    "fii_concern": "concerns of fabricated or induced illness",
    "by_date": "by when",
    "method": "how",
    "not_needed_reason": "why it is not needed",
    "informed_beforehand": "told beforehand",
    "not_informed_reason": "why not told",
    "not_attending_rationale": "why not attending",
}
MEETING_FIELD_WORDS = {
    "status": "Status of the minutes",
    "title": "Title",
    "date": "Date of the meeting",
    "start_time": "Start time",
    "end_time": "End time",
    "venue": "Venue",
    "reasons": "Reasons for holding the meeting",
    "reasons_detail": "Reasons for holding the meeting (details)",
    "family": "The family",
    "minutes_sharing": "Sharing the minutes",
    "extensions": "Records kept with the minutes (checking, sharing decisions)",
    **TEXT_FIELD_TITLES,
    **{k: v.rstrip("?") for k, v in CLOSING_TITLES.items()},
    "next_review": "Next review",
}
#: A meeting's status as an amended value: after the meeting was finalised, a move to review is a reopen
#: (the store records it as "in review").
REOPENED_WORDS = "Reopened for amendment"
STATUS_VALUE_WORDS = {**STATUS_WORDS, "in_review": REOPENED_WORDS, status_in_words("in_review"): REOPENED_WORDS}

#: What each rule of the completeness check is about (guidance.md's headings), for the annex.
RULE_WORDS = {
    "G-02": "another procedure",
    "G-06": "family told beforehand",
    "G-07": "family attending",
    "G-12": "voice of the child or adult",
    "G-20": "the agenda",
    "G-21": "the agenda",
    "G-22": "apologies",
    "G-30": "actions agreed",
    "G-31": "SMART action",
    "G-32": "ownership of actions",
    "G-40": "family meeting",
    "G-41": "lead practitioner",
    "G-42": "disagreement",
    "G-43": "feedback to the family",
    "G-44": "next review",
    "G-52": "sharing with the family",
}


AMENDMENT_COLUMNS = ("When", "By", "What changed", "Before", "After", "Reason")
OVERRIDE_COLUMNS = ("Finding", "Reason", "By", "When")


def annex(meeting: dict, ctx: Context) -> list[Block]:
    blocks: list[Block] = []
    amendments = dicts(meeting.get("amendments"))
    if amendments:
        rows = [_amendment_row(x, ctx) for x in amendments]
        blocks += headed_table("Amendments after the meeting was finalised", "amendments", AMENDMENT_COLUMNS, rows)
    overrides = dicts(meeting.get("finding_overrides"))
    if overrides:
        from ... import rules

        findings = rules.check_meeting(meeting, ctx.t)
        rows = [_override_row(o, ctx, findings) for o in overrides]
        blocks += headed_table("Findings overridden when finalising", "overrides", OVERRIDE_COLUMNS, rows)
    return blocks


def _amendment_row(x: dict, ctx: Context) -> tuple[str, ...]:
    path = as_line(x.get("field"))
    return (
        fmt_timestamp(x.get("at")),
        as_line(x.get("by")) or "—",
        _amended_field(path, ctx),
        _amended_value(path, x.get("old")),
        _amended_value(path, x.get("new")),
        as_text(x.get("reason")) or "—",
    )


def _override_row(o: dict, ctx: Context, findings: list) -> tuple[str, ...]:
    return (
        _overridden(as_line(o.get("rule")), ctx, findings),
        as_text(o.get("reason")) or "—",
        as_line(o.get("by")) or "—",
        fmt_timestamp(o.get("at")) if o.get("at") else "—",
    )


def _amended_field(path: str, ctx: Context) -> str:
    """'actions[act-2].due_date' -> 'Action 2: due date'; 'next_review.date' -> 'Date of next review: date'."""
    m = re.fullmatch(r"(\w+)\[([^\]]*)\](?:\.(\w+))?", path)
    if m:
        kind, key, sub = m.groups()
        what = FIELD_WORDS.get(sub or "", (sub or "").replace("_", " "))
        if kind == "actions":
            n = ctx.action_numbers.get(key)
            head = f"Action {n}" if n else "An action"
        elif kind == "entries":
            e = ctx.by_entry.get(key)
            head = f"An entry ({word_for(ENTRY_LABELS, e.get('kind'), 'item').lower()})" if e else "An entry"
        elif kind == "attendees":
            who = ctx.by_attendee.get(key)
            head = f"Attendee {as_line(who.get('name'))}" if who else "An attendee"
        elif kind == "subjects":
            head = f"Subject {key}"
        else:
            head = kind.replace("_", " ").capitalize()
        return f"{head}: {what}" if sub else f"{head} (added or removed)"
    top, _, sub = path.partition(".")
    head = MEETING_FIELD_WORDS.get(top, top.replace("_", " ").capitalize())
    return f"{head}: {FIELD_WORDS.get(sub, sub.replace('_', ' '))}" if sub else head


def _amended_value(path: str, value: Any) -> str:
    """A recorded before/after value in words: dates in the house style, yes/no, statuses."""
    text = as_text(value)
    if not text:
        return "—"
    if path == "extensions":  # this product's records, as JSON: the sections above show them in words
        return "(changed)"
    if path == "status":
        return STATUS_VALUE_WORDS.get(text, text)
    last = path.rsplit(".", 1)[-1]
    if last == "status":
        return ACTION_STATUS_LABELS.get(text, STATUS_VALUE_WORDS.get(text, text))
    if last == "attendance":
        return attendance_in_words(text) or text
    if text in ("yes", "no"):
        return text.capitalize()
    if parse_date(text):
        return fmt_date(text)
    return text


def _overridden(rule: str, ctx: Context, findings: list) -> str:
    """'G-31:action:act-2:due_date' -> 'G-31, action 2 (Ask the GP to …): the due date. <the finding's
    sentence>' — which finding of which item, in words."""
    gid, _, target = rule.partition(":")
    gid = f"{gid} ({RULE_WORDS[gid]})" if gid in RULE_WORDS else gid
    # an override names one finding, or (without a field) every finding of that rule and item
    matched = [f for f in findings if f.key == rule] or [f for f in findings if f.key.startswith(rule + ":")]
    field_words = ""
    head = gid if target else rule
    if target.startswith("action:"):
        aid = target[len("action:") :]
        base, _, tail = aid.rpartition(":")
        if base and tail in ACTION_FIELD_WORDS:
            aid, field_words = base, ACTION_FIELD_WORDS[tail]
        n = ctx.action_numbers.get(aid)
        a = next((x for x in ctx.actions if x.get("id") == aid), None)
        if n and a:
            head = f"{gid}, action {n} ({as_line(a.get('description'))})"
        else:
            head = f"{gid}, an action no longer in these minutes"
    elif target.startswith("attendee:"):
        who = ctx.by_attendee.get(target[len("attendee:") :])
        head = f"{gid}, attendee {as_line(who.get('name'))}" if who else f"{gid}, an attendee"
    elif target == "meeting":
        head = f"{gid}, the meeting as a whole"
    elif target == "setup":
        head = f"{gid}, setting up the meeting"
    elif target:
        step = ctx.t.step(target)
        head = f"{gid}, {clean_line(step.title)}" if step is not None else f"{gid}, {target}"
    if matched:
        return f"{head}: " + " ".join(sentence(clean_line(f.message)) for f in matched)
    if field_words:
        return f"{head}: {field_words}."
    return head
