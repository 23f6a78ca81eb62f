"""The details of the meeting: the table on the first page, and the sentence under the details step."""

from __future__ import annotations

from ...subject_words import SUBJECT_KIND_LABELS, SubjectWords, is_adult
from ...vocabulary import MEETING_REASONS, MEETING_TYPES, OTHER_PROCEDURES
from .. import family_copy
from ..blocks import Fields
from ..context import Context
from ..values import (
    as_dict,
    as_line,
    as_text,
    dates,
    dicts,
    fmt_date,
    fmt_long,
    fmt_timestamp,
    parse_date,
    person,
    word_for,
)
from ..words import FAMILY_ATTENDING, NOT_RECORDED


def details(meeting: dict, ctx: Context) -> Fields:
    """The details table; the family copy's stops after the chair (design.md's list)."""
    types = family_copy.MEETING_TYPES if ctx.family else MEETING_TYPES
    rows: list[tuple[str, str]] = [
        ("Meeting type", word_for(types, meeting.get("meeting_type")) or NOT_RECORDED),
        ("Case reference", as_line(meeting.get("case_ref")) or NOT_RECORDED),
        ("Subjects" if len(dicts(meeting.get("subjects"))) > 1 else "Subject", _subjects(meeting)),
        ("Date", fmt_date(meeting.get("date")) or NOT_RECORDED),
        ("Time", _time(meeting)),
        ("Venue", as_line(meeting.get("venue")) or NOT_RECORDED),
        ("Chair", person(meeting.get("chair")) or NOT_RECORDED),
    ]
    if not ctx.family:
        rows += [
            ("Minute-taker", person(meeting.get("minute_taker")) or NOT_RECORDED),
            ("Convening agency", as_line(meeting.get("convening_agency")) or NOT_RECORDED),
            ("Authorised by", person(meeting.get("authorised_by")) or NOT_RECORDED),
            ("Reasons for holding the meeting", _reasons(meeting)),
        ]
        if meeting.get("other_procedure") or meeting.get("other_procedure_reason"):
            rows.append(("Another procedure considered", _other_procedure(meeting)))
        fam = as_dict(meeting.get("family"))
        rows += [
            ("Family told beforehand", _family_told(fam, ctx.words)),
            ("Family attending", _family_attending(fam)),
            ("Status of these minutes", _status(meeting)),
        ]
    return Fields(tuple(rows), as_table=True)


def details_sentence(meeting: dict) -> str:
    """'The meeting was held on Friday 20 November 2026 from 10:00 to 12:00 at Meeting room 2.'"""
    bits = ["The meeting was held"]
    if meeting.get("date"):
        bits.append(f"on {fmt_long(meeting.get('date'))}")
    start, end = as_line(meeting.get("start_time")), as_line(meeting.get("end_time"))
    if start and end:
        bits.append(f"from {start} to {end}")
    elif start:
        bits.append(f"from {start}")
    if as_line(meeting.get("venue")):
        bits.append(venue_phrase(as_line(meeting.get("venue"))))
    return " ".join(bits) + "."


_ONLINE = ("online", "virtual", "remote", "by video", "by phone", "by telephone", "via ")
_ON_PLATFORM = ("teams", "microsoft teams", "zoom", "google meet", "webex", "skype", "video call", "phone", "telephone")


def venue_phrase(venue: str) -> str:
    """'at Meeting room 2' for a place; 'online (Teams)' or 'on Microsoft Teams' for a meeting held online."""
    low = venue.casefold()
    if low.startswith(_ONLINE):
        return venue[0].lower() + venue[1:]
    if low in _ON_PLATFORM or low.startswith(tuple(f"{p} " for p in _ON_PLATFORM[:6])):
        return f"on {venue}"
    return f"at {venue}"


def _subjects(meeting: dict) -> str:
    day = parse_date(meeting.get("date"))
    lines = []
    for s in dicts(meeting.get("subjects")):
        name = as_line(s.get("name")) or "(no name)"
        dob = parse_date(s.get("date_of_birth"))
        child = not is_adult(s.get("kind"))
        bits = [] if child else [SUBJECT_KIND_LABELS["adult_at_risk"].lower()]
        if dob:
            born = f"born {dates().format_date(dob)}"
            if child and day and dob > day:
                born += " (after the meeting date: check the date of birth)"
            elif child and day:
                born += f", aged {dates().age_on(dob, day)}"
            bits.append(born)
        elif s.get("date_of_birth"):
            bits.append(f"born {as_line(s.get('date_of_birth'))}")
        elif child:
            bits.append("date of birth not recorded")
        lines.append(f"{name} ({'; '.join(bits)})" if bits else name)
    return "\n".join(lines) or NOT_RECORDED


def _time(meeting: dict) -> str:
    start, end = as_line(meeting.get("start_time")), as_line(meeting.get("end_time"))
    if start and end:
        return f"{start}–{end}"
    if start:
        return f"From {start}"
    return f"Until {end}" if end else NOT_RECORDED


def _reasons(meeting: dict) -> str:
    reasons = meeting.get("reasons") or []
    if isinstance(reasons, str):
        reasons = [reasons]
    lines = [w for w in (word_for(MEETING_REASONS, r) for r in reasons if isinstance(r, str)) if w]
    detail = as_text(meeting.get("reasons_detail"))
    if detail:
        lines.append(f"Details: {detail}")
    return "\n".join(lines) or NOT_RECORDED


def _other_procedure(meeting: dict) -> str:
    """G-02: the procedure this meeting resembled, and why the chair went on."""
    proc = word_for(OTHER_PROCEDURES, meeting.get("other_procedure"))
    text = f"This meeting resembled {proc}." if proc else "This meeting resembled another procedure."
    reason = as_text(meeting.get("other_procedure_reason"))
    return text + (f"\nWhy the chair went on: {reason}" if reason else "\nWhy the chair went on: not recorded.")


def _family_told(fam: dict, words: SubjectWords) -> str:
    """G-06: whether the family was told beforehand, and if not why and whether the agencies agreed."""
    who = words.family
    told = fam.get("informed_beforehand")
    if told is True:
        lines = [f"Yes, {who} was told about the meeting beforehand."]
    elif told is False:
        lines = [f"No, {who} was not told about the meeting beforehand."]
        reason = as_text(fam.get("not_informed_reason"))
        lines.append(f"Why: {reason}" if reason else "Why: not recorded.")
        agreed = fam.get("agencies_agreed_not_to_inform")
        if agreed is True:
            lines.append(f"The invited agencies agreed not to tell {who}.")
        elif agreed is False:
            lines.append(f"The invited agencies did not all agree not to tell {who}.")
    else:
        lines = [NOT_RECORDED]
    if fam.get("objected") is True:
        lines.append(f"{words.cap('{family}')} objected to the meeting.")
        response = as_text(fam.get("objection_response"))
        if response:
            lines.append(f"Response to the objection: {response}")
    return "\n".join(lines)


def _family_attending(fam: dict) -> str:
    """G-07: whether the family attends, and if not throughout, why."""
    attending = fam.get("attending")
    lines = [word_for(FAMILY_ATTENDING, attending) or NOT_RECORDED]
    rationale = as_text(fam.get("not_attending_rationale"))
    why = "Why the family did not attend" if attending == "no" else "Why not throughout"
    if rationale:
        lines.append(f"{why}: {rationale}")
    elif attending in ("no", "part_two"):
        lines.append(f"{why}: not recorded.")
    return "\n".join(lines)


def _status(meeting: dict) -> str:
    if meeting.get("status") != "final":
        return "Draft: not yet finalised"
    text = "Final"
    if meeting.get("finalised_at") or meeting.get("finalised_by"):
        text += ": finalised"
    if meeting.get("finalised_at"):
        text += f" on {fmt_timestamp(meeting.get('finalised_at'))}"
    if meeting.get("finalised_by"):
        text += f" by {as_line(meeting.get('finalised_by'))}"
    return text
