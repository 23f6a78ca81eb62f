"""What goes where in the minutes: a pure function of the meeting dict, the template and the copy.

`build_layout(meeting, template, family=...)` returns a `Layout`: the title, the details block and the
ordered sections, each holding simple blocks (paragraphs, label/value fields, groups of entries,
tables). No Word here: `docx_writer` renders a Layout, and tests can check what goes where without
opening a document.

Every string in a Layout has been through `mapm_tui.text.clean` (or `clean_line` for one-line fields),
so nothing that reaches python-docx can make it raise.

The full copy holds everything captured: an entry is placed under the step it was captured in; with no
step, or a step the template does not have, under `template.home_step(kind, stage)`; failing that under
"Other information". Meeting fields and closing records that the template has no step for also go there.

The family copy (G-52, design.md "The family version of the minutes") holds only: meeting type, case
reference, date, time, venue, subjects, chair, attendance, aim and introductions, the entries and actions
marked `share_with_family: true`, family meeting, lead practitioner, who will contact the family and the
next review. Left out always: reasons for convening, the family decision and its rationales, the
disagreement step and disagreement entries (even if marked shared), minutes sharing / FII details,
distribution, annex, and the source / fact-or-opinion of anything not shared. Actions are renumbered
1..n so that gaps do not hint at what was withheld.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..text import clean, clean_line

# --------------------------------------------------------------------------------------------- words

NOTHING = "Nothing was recorded under this item."
NOTHING_FAMILY = "Nothing under this item is included in the family copy."
NOT_RECORDED = "Not recorded"

MEETING_TYPES = {
    "planning": "Planning meeting",
    "professional_disagreement": "Meeting to resolve professional disagreement",
    "other": "Other professionals' meeting",
}

REASONS = {
    "uncertainty": "Uncertainty about the steps needed to safeguard",
    "family_undermining": "The family undermining attempts to understand the risk "
    "(disguised compliance, hostility or resistance)",
    "professional_disagreement": "Professional disagreement",
    "drift": "Drift or no progress (a stuck case)",
    "needs_unmet": "Needs not being met within one agency",
    "discussion_needed": "Telephone or email discussion is not enough",
    "significant_event": "A significant life event",
    "fii_concern": "Concerns about fabricated or induced illness",
    "other": "Another reason (see the details)",
}

OTHER_PROCEDURES = {
    "strategy_discussion": "a strategy discussion",
    "child_protection_conference": "a child protection conference",
    "child_in_need_review": "a Child in Need review",
    "looked_after_review": "a looked-after child review",
    "team_around_the_child": "a Team Around the Child meeting",
    "anonymised_consultation": "an anonymised consultation",
}

ATTENDANCE = {
    "present": "Present",
    "apologies": "Apologies",
    "absent": "Absent",
    "invited": "Invited",
    "written_contribution": "Written contribution (not present)",
    "substitute": "Substitute",
}

PARTS = {
    "professionals": "Professionals-only part",
    "family": "Part with the family",
    "both": "Both parts",
}

FAMILY_ATTENDING = {
    "no": "No",
    "part_two": "For the second part only",
    "whole": "For the whole meeting",
}

ACTION_STATUS = {
    "open": "Open",
    "done": "Done",
    "partly_done": "Partly done",
    "not_done": "Not done",
    "cancelled": "Cancelled",
}

BASIS = {"fact": "fact", "opinion": "opinion", "unverified": "unverified"}

ENTRY_KIND_ORDER = (
    "strength",
    "need",
    "risk",
    "information",
    "voice_of_subject",
    "family_view",
    "already_tried",
    "how_to_address",
    "decision",
    "referral",
    "disagreement",
    "note",
)

#: Group headings per entry kind (plural).
ENTRY_GROUPS = {
    "strength": "Strengths",
    "need": "Needs",
    "risk": "Risks",
    "information": "Information",
    "voice_of_subject": "Voice of the child",  # adjusted to the subjects, see _voice_title
    "family_view": "Views of the individual, family, carer or advocate",
    "already_tried": "What has already been tried",
    "how_to_address": "How the needs will be addressed",
    "decision": "Decisions",
    "referral": "Referrals",
    "disagreement": "Disagreement",
    "note": "Notes",
}

#: One entry's kind as a label, for an action's "addresses" column.
ENTRY_LABELS = {
    "strength": "Strength",
    "need": "Need",
    "risk": "Risk",
    "information": "Information",
    "voice_of_subject": "Voice",
    "family_view": "View",
    "already_tried": "Already tried",
    "how_to_address": "How to address",
    "decision": "Decision",
    "referral": "Referral",
    "disagreement": "Disagreement",
    "note": "Note",
}

STAGE_WORDS = {"before_meeting": "identified before the meeting", "during_meeting": "identified during the meeting"}
SNR = ("strength", "need", "risk")

TEXT_FIELD_TITLES = {
    "aim": "Aim of the meeting",
    "introductions": "Introductions",
    "existing_plan_reviewed": "Review of the existing plan",
    "legislation_considered": "Legislation and statutory guidance considered",
}
#: Text fields the family copy shows (design.md: aim; introductions are who attended and why).
FAMILY_TEXT_FIELDS = ("aim", "introductions")

CLOSING_KINDS = (
    "family_meeting",
    "lead_practitioner",
    "disagreement",
    "feedback_to_family",
    "minutes_sharing",
    "next_review",
)
CLOSING_TITLES = {
    "family_meeting": "Has a family meeting been considered?",
    "lead_practitioner": "Lead practitioner",
    "disagreement": "Professional disagreement",
    "feedback_to_family": "Who tells the family the outcome",
    "minutes_sharing": "Sharing the minutes",
    "next_review": "Date of next review",
}
#: Closing records the family copy shows (design.md).
FAMILY_CLOSING = ("family_meeting", "lead_practitioner", "feedback_to_family", "next_review")

ESCALATION_REMINDER = (
    "Anyone still concerned after the meeting should raise it with their line manager and follow "
    "the local escalation procedure."
)

ACTION_COLUMNS = ("No.", "Action", "Owner", "Due", "How we will know it is done", "Addresses", "Status")
ACTION_WIDTHS = (6, 23, 14, 10, 18, 17, 12)

# -------------------------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Para:
    """A paragraph of body text (newlines become separate paragraphs)."""

    text: str
    italic: bool = False


@dataclass(frozen=True)
class Subheading:
    """A Heading 2 inside a section."""

    text: str


@dataclass(frozen=True)
class Fields:
    """Label / value pairs: paragraphs with a bold label, or (as_table) a two-column table."""

    rows: tuple[tuple[str, str], ...]
    as_table: bool = False

    def get(self, label: str) -> str | None:
        return next((v for k, v in self.rows if k == label), None)


@dataclass(frozen=True)
class Item:
    """One captured entry: its text, and who said it / fact or opinion (`meta`)."""

    text: str
    meta: str = ""
    entry_id: str = ""


@dataclass(frozen=True)
class Group:
    """A Heading 2 and a bulleted list of entries."""

    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Table:
    """A table with a header row repeated on every page. `kind` says what it is (for tests, styling)."""

    kind: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...] = ()


Block = Para | Subheading | Fields | Group | Table


@dataclass
class Section:
    """A Heading 1 and its blocks. `key` is the step key, or attendance/actions/other/distribution/annex
    for sections that are not (or not only) a template step."""

    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    step_kind: str | None = None
    #: agenda steps are numbered 1..n in the order shown; other sections are not.
    number: int | None = None

    def entry_ids(self) -> list[str]:
        return [i.entry_id for b in self.blocks if isinstance(b, Group) for i in b.items]

    def groups(self) -> list[Group]:
        return [b for b in self.blocks if isinstance(b, Group)]

    def tables(self, kind: str | None = None) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table) and (kind is None or b.kind == kind)]

    def texts(self) -> list[str]:
        """Every string in the section, heading first (for tests and searching)."""
        out = [self.title]
        for b in self.blocks:
            out.extend(_block_texts(b))
        return out


def _block_texts(b: Block) -> list[str]:
    if isinstance(b, (Para, Subheading)):
        return [b.text]
    if isinstance(b, Fields):
        return [s for row in b.rows for s in row]
    if isinstance(b, Group):
        return [b.title] + [s for i in b.items for s in (i.text, i.meta) if s]
    if isinstance(b, Table):
        return list(b.columns) + [c for r in b.rows for c in r]
    return []


@dataclass
class Layout:
    family: bool
    title: str
    subtitle: str
    details: Fields
    sections: list[Section]
    marking: str
    case_ref: str
    date_short: str
    doc_title: str
    author: str

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def texts(self) -> list[str]:
        out = [self.title, self.subtitle, *_block_texts(self.details)]
        for s in self.sections:
            out.extend(s.texts())
        return out


# ------------------------------------------------------------------------------------------- helpers


def _s(value: Any) -> str:
    """Any value as clean multi-line text ('' for None)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return clean(value if isinstance(value, str) else str(value)).strip()


def _l(value: Any) -> str:
    """Any value as clean one-line text."""
    return " ".join(clean_line(_s(value)).split())


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _parse_date(text: Any) -> dt.date | None:
    if not isinstance(text, str):
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def _dates():
    from .. import dates  # imported late: the minutes depend on it only when rendering

    return dates


def fmt_date(text: Any) -> str:
    """'2026-11-20' -> 'Fri 20 Nov 2026'; anything unparseable shown as typed."""
    d = _parse_date(text)
    return _dates().format_date(d) if d else _l(text)


def fmt_long(text: Any) -> str:
    """'2026-11-20' -> 'Friday 20 November 2026'."""
    d = _parse_date(text)
    return _dates().format_long(d) if d else _l(text)


def fmt_timestamp(text: Any) -> str:
    """An ISO timestamp -> 'Fri 20 Nov 2026 14:05' in UK time (local time if the zone is unknown)."""
    if not isinstance(text, str):
        return _l(text)
    try:
        when = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return _l(text)
    if when.tzinfo is not None:
        try:
            from zoneinfo import ZoneInfo

            when = when.astimezone(ZoneInfo("Europe/London"))
        except Exception:  # no tz database (Windows without tzdata): the machine's zone
            when = when.astimezone()
    return f"{_dates().format_date(when.date())} {when:%H:%M}"


def _person(p: Any, *, role: bool = True) -> str:
    """'Name, Role, Agency' for a person object."""
    p = _dict(p)
    parts = [_l(p.get("name"))]
    if role:
        parts.append(_l(p.get("role")))
    parts.append(_l(p.get("agency")))
    return ", ".join(x for x in parts if x)


def _yes_no(value: Any) -> str:
    return "Yes" if value is True else "No" if value is False else NOT_RECORDED


def _short(text: str, limit: int = 80) -> str:
    one = " ".join(text.split())
    if len(one) <= limit:
        return one
    cut = one[:limit].rsplit(" ", 1)[0] or one[:limit]
    return cut.rstrip(",;:.") + "…"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?…" else text + "."


# ---------------------------------------------------------------------------------------- the build


class _Ctx:
    """What the build needs to look things up, computed once (the big meeting has 300 entries)."""

    def __init__(self, meeting: dict, template, family: bool):
        self.m = meeting
        self.t = template
        self.family = family
        self.attendees = _list(meeting.get("attendees"))
        self.by_attendee = {a.get("id"): a for a in self.attendees if a.get("id")}
        all_entries = _list(meeting.get("entries"))
        all_actions = _list(meeting.get("actions"))
        if family:
            self.entries = [
                e for e in all_entries if e.get("share_with_family") is True and e.get("kind") != "disagreement"
            ]
            self.actions = [a for a in all_actions if a.get("share_with_family") is True]
        else:
            self.entries = all_entries
            self.actions = all_actions
        self.by_entry = {e.get("id"): e for e in self.entries if e.get("id")}
        self.action_numbers = {a.get("id"): n for n, a in enumerate(self.actions, start=1) if a.get("id")}
        fam = _dict(meeting.get("family"))
        self.two_part = (
            fam.get("attending") == "part_two"
            or any(a.get("parts") for a in self.attendees)
            or any(e.get("part") for e in all_entries)
        )
        kinds = {_dict(s).get("kind") for s in _list(meeting.get("subjects"))}
        if kinds == {"adult_at_risk"}:
            self.voice_title = "Voice of the adult"
        elif kinds == {"child"} or (not kinds and template.subject_kind == "child"):
            self.voice_title = "Voice of the child"
        else:
            self.voice_title = "Voice of the child or adult"

    # --- entries
    def source(self, e: dict, *, with_agency: bool = True) -> str:
        who = self.by_attendee.get(e.get("source_attendee_id")) if e.get("source_attendee_id") else None
        agency = _l(e.get("source_agency")) or (_l(who.get("agency")) if who else "")
        name = _l(who.get("name")) if who else ""
        if with_agency and agency and name:
            return f"{agency} ({name})"
        return (agency if with_agency else "") or name

    def agency_of(self, e: dict) -> str:
        who = self.by_attendee.get(e.get("source_attendee_id")) if e.get("source_attendee_id") else None
        return _l(e.get("source_agency")) or (_l(who.get("agency")) if who else "")

    def item(self, e: dict, *, with_agency: bool = True) -> Item:
        meta = []
        src = self.source(e, with_agency=with_agency)
        if src:
            meta.append(f"Source: {src}")
        if e.get("basis") in BASIS:
            meta.append(BASIS[e["basis"]])
        if not self.family and self.two_part and e.get("part") in ("professionals", "family"):
            meta.append(
                "said in the professionals-only part"
                if e["part"] == "professionals"
                else "said with the family present"
            )
        return Item(text=_s(e.get("text")) or "(no text)", meta="; ".join(meta), entry_id=_l(e.get("id")))

    def groups(self, entries: list[dict], step=None) -> list[Group]:
        """Entries grouped by kind (the step's kinds first), strengths/needs/risks by stage, information
        by agency, the voice of the child/adult on its own."""
        if not entries:
            return []
        order = list(getattr(step, "entry_kinds", ()) or ())
        order += [k for k in ENTRY_KIND_ORDER if k not in order]
        order += sorted({_l(e.get("kind")) for e in entries} - set(order))
        step_stage = getattr(step, "stage", None) if getattr(step, "kind", None) == "entries" else None
        by_kind: dict[str, list[dict]] = {}
        for e in entries:
            by_kind.setdefault(_l(e.get("kind")), []).append(e)
        out: list[Group] = []
        for kind in order:
            es = by_kind.get(kind)
            if not es:
                continue
            if kind in SNR:
                for stage in ("before_meeting", "during_meeting", None):
                    sub = [e for e in es if (e.get("stage") or step_stage) == stage]
                    if sub:
                        title = ENTRY_GROUPS[kind] + (f" {STAGE_WORDS[stage]}" if stage else "")
                        out.append(Group(title, tuple(self.item(e) for e in sub)))
            elif kind == "information":
                agencies: dict[str, list[dict]] = {}
                for e in es:
                    agencies.setdefault(self.agency_of(e), []).append(e)
                for agency, sub in agencies.items():
                    title = f"Information from {agency}" if agency else "Information (agency not recorded)"
                    out.append(Group(title, tuple(self.item(e, with_agency=False) for e in sub)))
            elif kind == "voice_of_subject":
                out.append(Group(self.voice_title, tuple(self.item(e) for e in es)))
            else:
                title = ENTRY_GROUPS.get(kind) or (kind.replace("_", " ").capitalize() or "Other entries")
                out.append(Group(title, tuple(self.item(e) for e in es)))
        return out

    def entry_short(self, entry_id: Any) -> str | None:
        e = self.by_entry.get(entry_id)
        if e is None:
            return None
        label = ENTRY_LABELS.get(e.get("kind"), "Item")
        return f"{label}: {_short(_l(e.get('text')))}"

    # --- actions
    def owner(self, a: dict) -> str:
        who = self.by_attendee.get(a.get("owner_attendee_id")) if a.get("owner_attendee_id") else None
        name = (_l(who.get("name")) if who else "") or _l(a.get("owner_name"))
        agency = (_l(who.get("agency")) if who else "") or _l(a.get("agency"))
        if name and agency:
            return f"{name}\n{agency}"
        return name or agency or NOT_RECORDED

    def action_rows(self) -> tuple[tuple[str, ...], ...]:
        rows = []
        for n, a in enumerate(self.actions, start=1):
            addresses = [self.entry_short(i) for i in (a.get("addresses") or []) if isinstance(i, str)]
            addresses = [x for x in addresses if x]
            status = ACTION_STATUS.get(a.get("status"), _l(a.get("status"))) or "Open"
            if a.get("carried_from_action_id"):
                lines = ["Carried over from an earlier meeting", f"Earlier status: {status}"]
            else:
                lines = [status]
            note = _s(a.get("progress_note"))
            if note:
                lines.append(f"Progress: {note}")
            rows.append(
                (
                    str(n),
                    _s(a.get("description")) or "(no description)",
                    self.owner(a),
                    fmt_date(a.get("due_date")) if a.get("due_date") else "Not set",
                    _s(a.get("success_measure")) or NOT_RECORDED,
                    ("\n".join(f"• {x}" for x in addresses) if len(addresses) > 1 else "".join(addresses)) or "—",
                    "\n".join(lines),
                )
            )
        return tuple(rows)

    def attendee_name(self, attendee_id: Any, fallback: Any = None) -> str:
        who = self.by_attendee.get(attendee_id) if attendee_id else None
        if who:
            return ", ".join(x for x in (_l(who.get("name")), _l(who.get("agency"))) if x)
        return _l(fallback)


def _subjects(meeting: dict, ctx: _Ctx) -> str:
    day = _parse_date(meeting.get("date"))
    lines = []
    for s in _list(meeting.get("subjects")):
        name = _l(s.get("name")) or "(no name)"
        dob = _parse_date(s.get("date_of_birth"))
        bits = []
        if s.get("kind") == "adult_at_risk":
            bits.append("adult at risk")
        if dob:
            born = f"born {_dates().format_date(dob)}"
            if s.get("kind") != "adult_at_risk" and day:
                born += f", aged {_dates().age_on(dob, day)}"
            bits.append(born)
        elif s.get("date_of_birth"):
            bits.append(f"born {_l(s.get('date_of_birth'))}")
        elif s.get("kind") != "adult_at_risk":
            bits.append("date of birth not recorded")
        lines.append(f"{name} ({'; '.join(bits)})" if bits else name)
    return "\n".join(lines) or NOT_RECORDED


def _time(meeting: dict) -> str:
    start, end = _l(meeting.get("start_time")), _l(meeting.get("end_time"))
    if start and end:
        return f"{start}–{end}"
    if start:
        return f"From {start}"
    return f"Until {end}" if end else NOT_RECORDED


def _reasons(meeting: dict) -> str:
    reasons = meeting.get("reasons") or []
    if isinstance(reasons, str):
        reasons = [reasons]
    words = [REASONS.get(r, _l(r)) for r in reasons if isinstance(r, str)]
    lines = [w for w in words if w]
    detail = _s(meeting.get("reasons_detail"))
    if detail:
        lines.append(f"Details: {detail}")
    return "\n".join(lines) or NOT_RECORDED


def _family_told(fam: dict) -> str:
    told = fam.get("informed_beforehand")
    if told is True:
        lines = ["Yes, the family was told about the meeting beforehand."]
    elif told is False:
        lines = ["No, the family was not told about the meeting beforehand."]
        reason = _s(fam.get("not_informed_reason"))
        lines.append(f"Why: {reason}" if reason else "Why: not recorded.")
        agreed = fam.get("agencies_agreed_not_to_inform")
        if agreed is True:
            lines.append("The invited agencies agreed not to tell the family.")
        elif agreed is False:
            lines.append("The invited agencies did not all agree not to tell the family.")
    else:
        lines = [NOT_RECORDED]
    if fam.get("objected") is True:
        lines.append("The family objected to the meeting.")
        response = _s(fam.get("objection_response"))
        if response:
            lines.append(f"Response to the objection: {response}")
    return "\n".join(lines)


def _family_attending(fam: dict) -> str:
    attending = fam.get("attending")
    lines = [FAMILY_ATTENDING.get(attending, _l(attending)) or NOT_RECORDED]
    rationale = _s(fam.get("not_attending_rationale"))
    if rationale:
        lines.append(f"Why not throughout: {rationale}")
    elif attending in ("no", "part_two"):
        lines.append("Why not throughout: not recorded.")
    return "\n".join(lines)


def _status(meeting: dict) -> str:
    status = meeting.get("status")
    if status == "final":
        bits = ["Final"]
        if meeting.get("finalised_at") or meeting.get("finalised_by"):
            bits.append(": finalised")
        if meeting.get("finalised_at"):
            bits.append(f" on {fmt_timestamp(meeting.get('finalised_at'))}")
        if meeting.get("finalised_by"):
            bits.append(f" by {_l(meeting.get('finalised_by'))}")
        return "".join(bits)
    return "Draft: not yet finalised"


def _details(meeting: dict, ctx: _Ctx) -> Fields:
    family = ctx.family
    rows: list[tuple[str, str]] = [
        (
            "Meeting type",
            MEETING_TYPES.get(meeting.get("meeting_type"), _l(meeting.get("meeting_type"))) or NOT_RECORDED,
        ),
        ("Case reference", _l(meeting.get("case_ref")) or NOT_RECORDED),
        ("Subjects" if len(_list(meeting.get("subjects"))) > 1 else "Subject", _subjects(meeting, ctx)),
        ("Date", fmt_long(meeting.get("date")) or NOT_RECORDED),
        ("Time", _time(meeting)),
        ("Venue", _l(meeting.get("venue")) or NOT_RECORDED),
        ("Chair", _person(meeting.get("chair")) or NOT_RECORDED),
    ]
    if not family:
        rows += [
            ("Minute-taker", _person(meeting.get("minute_taker")) or NOT_RECORDED),
            ("Convening agency", _l(meeting.get("convening_agency")) or NOT_RECORDED),
            ("Authorised by", _person(meeting.get("authorised_by")) or NOT_RECORDED),
            ("Reasons for holding the meeting", _reasons(meeting)),
        ]
        if meeting.get("other_procedure") or meeting.get("other_procedure_reason"):
            proc = OTHER_PROCEDURES.get(meeting.get("other_procedure"), _l(meeting.get("other_procedure")))
            text = f"This meeting resembled {proc}." if proc else "This meeting resembled another procedure."
            reason = _s(meeting.get("other_procedure_reason"))
            text += f"\nWhy the chair went on: {reason}" if reason else "\nWhy the chair went on: not recorded."
            rows.append(("Another procedure considered", text))
        fam = _dict(meeting.get("family"))
        rows += [
            ("Family told beforehand", _family_told(fam)),
            ("Family attending", _family_attending(fam)),
            ("Status of these minutes", _status(meeting)),
        ]
    return Fields(tuple(rows), as_table=True)


def _attendance_table(ctx: _Ctx) -> Table:
    show_parts = ctx.two_part and not ctx.family
    columns = ["Name", "Role", "Agency", "Taking part as", "Attendance"]
    widths = [20, 18, 20, 14, 18]
    if show_parts:
        columns.append("Part attended")
        widths.append(14)
    rows = []
    for a in ctx.attendees:
        if a.get("is_family"):
            as_ = "Family or advocate"
        elif a.get("is_expert"):
            as_ = "Expert adviser"
        else:
            as_ = "Professional"
        if a.get("is_family") and a.get("is_expert"):
            as_ = "Family or advocate; expert adviser"
        attendance = ATTENDANCE.get(a.get("attendance"), _l(a.get("attendance"))) or NOT_RECORDED
        if a.get("attendance") == "substitute":
            whom = _l(a.get("substitute_for"))
            attendance = f"Present as substitute for {whom}" if whom else "Present as a substitute"
        row = [_l(a.get("name")) or "(no name)", _l(a.get("role")), _l(a.get("agency")), as_, attendance]
        if show_parts:
            row.append(PARTS.get(a.get("parts"), _l(a.get("parts"))) or "—")
        rows.append(tuple(row))
    return Table("attendance", tuple(columns), tuple(rows), tuple(widths))


def _text_blocks(value: Any) -> list[Block]:
    text = _s(value)
    return [Para(p) for p in text.split("\n") if p.strip()] if text else []


def _closing(kind: str, meeting: dict, ctx: _Ctx) -> list[Block]:
    """The blocks of a closing record ([] when nothing is recorded or the family copy leaves it out)."""
    family = ctx.family
    if family and kind not in FAMILY_CLOSING:
        return []
    rec = _dict(meeting.get(kind))
    if not rec:
        return []
    rows: list[tuple[str, str]] = []
    extra: list[Block] = []
    if kind == "family_meeting":
        if "considered" in rec:
            rows.append(("Family meeting considered", _yes_no(rec.get("considered"))))
        if _s(rec.get("outcome")):
            rows.append(("Outcome", _s(rec.get("outcome"))))
    elif kind == "lead_practitioner":
        who = ", ".join(x for x in (_l(rec.get("name")), _l(rec.get("agency"))) if x)
        if who:
            rows.append(("Lead practitioner", who))
        if rec.get("changed") is True:
            rows.append(("Change", "Yes, the lead practitioner changes."))
        elif rec.get("changed") is False:
            rows.append(("Change", "No change."))
        if not family and _s(rec.get("note")):
            rows.append(("Note", _s(rec.get("note"))))
    elif kind == "disagreement":
        if "any" in rec:
            rows.append(("Any disagreement between professionals", _yes_no(rec.get("any"))))
        if _s(rec.get("summary")):
            rows.append(("Summary", _s(rec.get("summary"))))
        if _s(rec.get("escalation")):
            rows.append(("Escalation", _s(rec.get("escalation"))))
        if rec.get("any") is True:
            extra.append(Para(ESCALATION_REMINDER))
    elif kind == "feedback_to_family":
        who = ctx.attendee_name(rec.get("by_attendee_id"), rec.get("by_name"))
        if who:
            rows.append(("Who tells the family", who))
        if rec.get("by_date"):
            rows.append(("By", fmt_date(rec.get("by_date"))))
        if _l(rec.get("method")):
            rows.append(("How", _l(rec.get("method"))))
        if family and not rows:
            return []  # only "why not needed" recorded: a rationale, not for the family copy
        if not family and _s(rec.get("not_needed_reason")):
            rows.append(("Not needed because", _s(rec.get("not_needed_reason"))))
    elif kind == "minutes_sharing":
        share = rec.get("share_with_family")
        rows.append(("Minutes shared with the family", _yes_no(share)))
        if _s(rec.get("reason_not_shared")):
            rows.append(("The chair's reason for not sharing", _s(rec.get("reason_not_shared"))))
        if "fii_concern" in rec:
            rows.append(("Concerns of fabricated or induced illness", _yes_no(rec.get("fii_concern"))))
        if _l(rec.get("senior_consulted")):
            rows.append(("Senior manager or named doctor consulted", _l(rec.get("senior_consulted"))))
    elif kind == "next_review":
        if rec.get("date"):
            when = fmt_long(rec.get("date"))
            if _l(rec.get("time")):
                when += f" at {_l(rec.get('time'))}"
            rows.append(("Next review", when))
            if _l(rec.get("venue")):
                rows.append(("Venue", _l(rec.get("venue"))))
        elif rec.get("required") is False:
            rows.append(("Next review", "No review meeting is needed."))
            if not family and _s(rec.get("reason_not_required")):
                rows.append(("Why none is needed", _s(rec.get("reason_not_required"))))
        elif rec.get("required") is True:
            rows.append(("Next review", "A review is needed; the date is still to be set."))
    if not rows:
        return []
    return [Fields(tuple(rows)), *extra]


def _distribution(meeting: dict, ctx: _Ctx) -> list[Block]:
    shared = _dict(meeting.get("minutes_sharing")).get("share_with_family") is True
    rows = []
    family_rows = 0
    for a in ctx.attendees:
        email = _l(a.get("email"))
        if a.get("is_family"):
            if shared:
                rows.append((_l(a.get("name")), _l(a.get("agency")) or "Family", email or "—", "Family copy"))
                family_rows += 1
        elif email:
            rows.append((_l(a.get("name")), _l(a.get("agency")), email, "Full minutes"))
    if shared and not family_rows:
        rows.append(("The family", "", "—", "Family copy"))
    blocks: list[Block] = []
    if rows:
        blocks.append(
            Para(
                "These minutes go to every attendee with an email address recorded"
                + (", and to the family." if shared else ".")
            )
        )
        blocks.append(Table("distribution", ("Name", "Agency", "Email", "Copy"), tuple(rows), (24, 24, 32, 20)))
    records = _list(meeting.get("distribution"))
    if records:
        blocks.append(Subheading("Record of sending"))
        blocks.append(
            Table(
                "distribution_record",
                ("Name", "Email", "Copy", "Sent", "How"),
                tuple(
                    (
                        _l(r.get("name")),
                        _l(r.get("email")) or "—",
                        {"full": "Full minutes", "family": "Family copy"}.get(r.get("version"), _l(r.get("version")))
                        or "—",
                        fmt_timestamp(r.get("sent_at")) if r.get("sent_at") else "—",
                        _l(r.get("method")) or "—",
                    )
                    for r in records
                ),
                (24, 28, 16, 18, 14),
            )
        )
    return blocks


_ACTION_FIELDS = ("description", "owner", "due_date", "success_measure", "addresses")


def _finding_about(rule: str, ctx: _Ctx) -> str:
    """'G-31:action:a2' -> 'G-31, action 2: Ask the GP…' (as readable as the target allows)."""
    gid, _, target = rule.partition(":")
    if not target:
        return rule
    if target.startswith("action:"):
        aid = target[len("action:") :]
        head, _, tail = aid.rpartition(":")
        if head and tail in _ACTION_FIELDS:  # "G-31:action:a2:due_date" names one gap of action a2
            aid = head
        n = ctx.action_numbers.get(aid)
        a = next((x for x in ctx.actions if x.get("id") == aid), None)
        if n and a:
            return f"{gid}, action {n}: {_short(_l(a.get('description')), 60)}"
    elif target.startswith("attendee:"):
        who = ctx.by_attendee.get(target[len("attendee:") :])
        if who:
            return f"{gid}, attendee {_l(who.get('name'))}"
    elif target == "meeting":
        return f"{gid}, the meeting"
    else:
        step = ctx.t.step(target)
        if step is not None:
            return f"{gid}, {clean_line(step.title)}"
    return f"{gid}, {target}"


def _annex(meeting: dict, ctx: _Ctx) -> list[Block]:
    blocks: list[Block] = []
    amendments = _list(meeting.get("amendments"))
    if amendments:
        blocks.append(Subheading("Amendments after the meeting was finalised"))
        blocks.append(
            Table(
                "amendments",
                ("When", "By", "What changed", "Before", "After", "Reason"),
                tuple(
                    (
                        fmt_timestamp(x.get("at")),
                        _l(x.get("by")) or "—",
                        _l(x.get("field")),
                        _s(x.get("old")) or "—",
                        _s(x.get("new")) or "—",
                        _s(x.get("reason")) or "—",
                    )
                    for x in amendments
                ),
                (14, 12, 14, 20, 20, 20),
            )
        )
    overrides = _list(meeting.get("finding_overrides"))
    if overrides:
        blocks.append(Subheading("Findings overridden when finalising"))
        blocks.append(
            Table(
                "overrides",
                ("Finding", "Reason", "By", "When"),
                tuple(
                    (
                        _finding_about(_l(o.get("rule")), ctx),
                        _s(o.get("reason")),
                        _l(o.get("by")) or "—",
                        fmt_timestamp(o.get("at")) if o.get("at") else "—",
                    )
                    for o in overrides
                ),
                (30, 40, 15, 15),
            )
        )
    return blocks


def _details_sentence(meeting: dict) -> str:
    bits = ["The meeting was held"]
    if meeting.get("date"):
        bits.append(f"on {fmt_long(meeting.get('date'))}")
    start, end = _l(meeting.get("start_time")), _l(meeting.get("end_time"))
    if start and end:
        bits.append(f"from {start} to {end}")
    elif start:
        bits.append(f"from {start}")
    if _l(meeting.get("venue")):
        bits.append(f"at {_l(meeting.get('venue'))}")
    return " ".join(bits) + "."


def build_layout(meeting: dict, template, *, family: bool = False, marking: str = "OFFICIAL-SENSITIVE") -> Layout:
    """The minutes as ordered sections (pure; see the module docstring for what goes where)."""
    meeting = _dict(meeting)
    ctx = _Ctx(meeting, template, family)
    step_keys = {s.key for s in template.steps}

    # Where each entry goes: its step, else its home step, else "Other information".
    placed: dict[str, list[dict]] = {k: [] for k in step_keys}
    other_entries: list[dict] = []
    for e in ctx.entries:
        key = e.get("step")
        if isinstance(key, str) and key in step_keys:
            placed[key].append(e)
            continue
        home = template.home_step(e.get("kind"), e.get("stage"))
        if home is not None:
            placed[home.key].append(e)
        else:
            other_entries.append(e)

    nothing = NOTHING_FAMILY if family else NOTHING
    sections: list[Section] = []
    shown_fields: set[str] = set()
    shown_closing: set[str] = set()
    has_attendance = any(s.kind == "attendance" for s in template.steps)
    has_actions = any(s.kind == "actions" for s in template.steps)
    tables_done = {"attendance": False, "actions": False}

    def add(key: str, title: str, blocks: list[Block], kind: str | None) -> None:
        number = sum(1 for s in sections if s.number) + 1 if kind else None
        sections.append(
            Section(
                key=key,
                title=clean_line(title).strip() or key,
                blocks=blocks or [Para(nothing)],
                step_kind=kind,
                number=number,
            )
        )

    if not has_attendance:
        add("attendance", "Attendance", [_attendance_table(ctx)] if ctx.attendees else [], None)

    for step in template.steps:
        entries_here = placed.get(step.key, [])
        blocks: list[Block] = []
        kind = step.kind
        if kind == "details":
            blocks.append(Para(_details_sentence(meeting)))
        elif kind == "attendance":
            if ctx.attendees and not tables_done["attendance"]:
                blocks.append(_attendance_table(ctx))
                tables_done["attendance"] = True
        elif kind == "text":
            name = step.field or ""
            if family and name not in FAMILY_TEXT_FIELDS:
                other_entries.extend(entries_here)  # shared entries captured here still reach the family
                continue
            blocks.extend(_text_blocks(meeting.get(name)))
            shown_fields.add(name)
        elif kind == "actions":
            if ctx.actions and not tables_done["actions"]:
                blocks.append(Table("actions", ACTION_COLUMNS, ctx.action_rows(), ACTION_WIDTHS))
                tables_done["actions"] = True
        elif kind in CLOSING_KINDS:
            if family and kind not in FAMILY_CLOSING:
                other_entries.extend(entries_here)
                continue
            closing = _closing(kind, meeting, ctx)
            shown_closing.add(kind)
            if family and not closing and not entries_here and kind == "feedback_to_family":
                continue  # nothing the family copy may say about who tells them
            blocks.extend(closing)
        blocks.extend(ctx.groups(entries_here, step))
        add(step.key, step.title, blocks, kind)

    if not has_actions:
        add(
            "actions",
            "Action plan",
            [Table("actions", ACTION_COLUMNS, ctx.action_rows(), ACTION_WIDTHS)] if ctx.actions else [],
            None,
        )

    # Other information: fields and closing records the template has no step for, and entries with no home.
    other: list[Block] = []
    for name, title in TEXT_FIELD_TITLES.items():
        if name in shown_fields or (family and name not in FAMILY_TEXT_FIELDS):
            continue
        paras = _text_blocks(meeting.get(name))
        if paras:
            other.append(Subheading(title))
            other.extend(paras)
    for kind in CLOSING_KINDS:
        if kind in shown_closing:
            continue
        closing = _closing(kind, meeting, ctx)
        if closing:
            other.append(Subheading(CLOSING_TITLES[kind]))
            other.extend(closing)
    other.extend(ctx.groups(other_entries))
    if other:
        sections.append(Section("other", "Other information", other))

    if not family:
        dist = _distribution(meeting, ctx)
        sections.append(
            Section("distribution", "Distribution", dist or [Para("No one with an email address is recorded yet.")])
        )
        annex = _annex(meeting, ctx)
        from ..audit import MINUTES_NOTE  # what is logged (issue 12): the annex always ends with it

        title = "Annex: amendments and overridden findings" if annex else "Annex: the record of this meeting"
        sections.append(Section("annex", title, [*annex, Para(MINUTES_NOTE)]))

    case_ref = _l(meeting.get("case_ref"))
    date_short = fmt_date(meeting.get("date")) if meeting.get("date") else ""
    mtype = MEETING_TYPES.get(meeting.get("meeting_type"), "Professionals' meeting")
    title = "Minutes of a multi-agency professionals' meeting"
    # the family copy shows the meeting type, never the chair's free-text title (not in design.md's list)
    subtitle_bits = [mtype if family else (_l(meeting.get("title")) or mtype)]
    if meeting.get("status") != "final":
        subtitle_bits.append("DRAFT")
    if family:
        title = "Minutes of a multi-agency professionals' meeting: the family's copy"
    doc_title = "Minutes of a multi-agency professionals' meeting"
    doc_title += "".join(f", {x}" for x in (case_ref, date_short) if x)
    if family:
        doc_title += " (family copy)"
    marking_text = _l(marking).upper() or "OFFICIAL-SENSITIVE"
    return Layout(
        family=family,
        title=title,
        subtitle=" · ".join(subtitle_bits),
        details=_details(meeting, ctx),
        sections=sections,
        marking=marking_text,
        case_ref=case_ref,
        date_short=date_short,
        doc_title=doc_title,
        author=_l(_dict(meeting.get("chair")).get("name")),
    )
