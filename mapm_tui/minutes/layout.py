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

from ..participants import is_advocate
from ..subject_words import SubjectWords, words_for
from ..text import clean, clean_line
from ..vocabulary import CLOSED_ACTION_STATUSES, ENTRY_KIND_LABELS, OTHER_PROCEDURES

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
ENTRY_LABELS = {**ENTRY_KIND_LABELS, "voice_of_subject": "Voice", "family_view": "View"}  # a narrow column

STAGE_WORDS = {"before_meeting": "identified before the meeting", "during_meeting": "identified during the meeting"}
SNR = ("strength", "need", "risk")

TEXT_FIELD_TITLES = {
    "aim": "Aim of the meeting",
    "introductions": "Introductions",
    "existing_plan_reviewed": "Review of the existing plan",
    "legislation_considered": "Legislation and statutory guidance considered",
}
#: Text fields the family copy shows (design.md's list: the aim). Others only by the chair's own decision
#: (`extras.family_fields`): introductions once said "professionals-only because of FII concerns".
FAMILY_TEXT_FIELDS = ("aim",)

#: The meeting type as the family copy names it: a disagreement meeting is not named as one (G-42).
FAMILY_MEETING_TYPES = {
    "planning": "Planning meeting",
    "professional_disagreement": "Multi-agency professionals' meeting",
    "other": "Multi-agency professionals' meeting",
}

#: Fact / opinion in words a parent reads without a key (the family copy).
BASIS_FAMILY = {"fact": "a fact", "opinion": "an opinion", "unverified": "not yet checked"}

FAMILY_OPENING = (
    "These are the minutes of a meeting of professionals about {subjects}. They are the parts of the minutes "
    "that are shared with you: some parts are for the professionals only and are not included here.",
    "After each point you will see who shared it and whether it is a fact (something known or seen) or an "
    "opinion (what someone thinks). The action plan says who will do what, and by when.",
    "If you have a question, or think something here is wrong or missing, please contact {contact}. If you "
    "disagree with a decision, tell {contact}: your view will be written down and looked at again, at the "
    "latest at the next review.",
)

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

#: G-54: how the minutes are handled, under the protective marking (settings.handling_statement replaces it).
HANDLING_CHILDREN = (
    "Handle as {marking}. These minutes are shared between the agencies named in them to safeguard and "
    "promote the welfare of {subjects}. The lawful basis is public task and legal obligation (UK GDPR "
    "Article 6(1)(e) and (c); for special category data, Article 9(2)(g) and Data Protection Act 2018 "
    "Schedule 1 paragraph 18, safeguarding of children and individuals at risk), not consent. Keep them "
    "secure, share only what is relevant to safety and welfare, and pass them on only with the chair's "
    "agreement or to protect someone from harm."
)
HANDLING_ADULTS = (
    "Handle as {marking}. These minutes are shared between the agencies named in them to safeguard "
    "{subjects}. Information about an adult is shared with their consent where possible, and without it "
    "only where there is a lawful basis (UK GDPR Article 6(1)(e); for special category data, Article 9(2)(g) "
    "and Data Protection Act 2018 Schedule 1 paragraph 18). Keep them secure, share only what is relevant "
    "to safety and welfare, and pass them on only with the chair's agreement or to protect someone from harm."
)
HANDLING_FAMILY = (
    "These minutes are about your family and contain personal information. Please keep them somewhere safe. "
    "You may show them to someone who is helping you, such as an advocate or a solicitor."
)

#: G-53: the request to check draft minutes.
CHECK_REQUEST = (
    "Please check these minutes for accuracy, and the actions that are yours, and send any corrections "
    "to {contact} {by}."
)

#: The parts of a two-part meeting a part copy can hold (G-51).
PARTS_ONLY = ("professionals", "family")
PART_TITLES = {"professionals": "the professionals-only part", "family": "the part with the family"}

ESCALATION_REMINDER = (
    "Anyone still concerned after the meeting should raise it with their line manager and follow "
    "the local escalation procedure."
)

ACTION_COLUMNS = ("No.", "Action", "Owner", "Due", "How we will know it is done", "Addresses", "Status")
#: On a continued row of a long action the number, owner and due date are repeated.
ACTION_REPEAT = {0: "{}", 2: "{}", 3: "{}"}

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
    #: 9 pt text (every table of a kind is one size: the action plan, the annex, the distribution list)
    small: bool = False
    #: rows may split across pages (none do: long rows are cut into continued rows by `split_long_rows`)
    can_split: bool = False


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
    #: the family copy's plain-English opening (empty in the full copy)
    opening: tuple[Para, ...] = ()
    #: G-54: the handling and onward-sharing statement, printed under the marking on the first page
    handling: str = ""

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def texts(self) -> list[str]:
        out = [self.title, self.subtitle, *(p.text for p in self.opening), *_block_texts(self.details)]
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
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            when = when.astimezone(ZoneInfo("Europe/London"))
        except ZoneInfoNotFoundError:  # no tz database (Windows without tzdata): the machine's zone
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

    def __init__(self, meeting: dict, template, family: bool, previous: dict | None = None, part: str | None = None):
        self.m = meeting
        #: the meeting this one reviews, when it is in the store (its actions and lead practitioner)
        self.previous = _dict(previous)
        from .extras import family_fields

        #: free-text fields outside design.md's list that the chair decided to share with the family
        self.shared_fields = family_fields(meeting) if family else set()
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
            # a part copy (G-51): the minutes of one part, for someone who was at that part only
            self.entries = [e for e in all_entries if part not in PARTS_ONLY or e.get("part") in (None, part)]
            # one numbering in both copies: the actions the family sees come first, so the family's action 2
            # is the professionals' action 2, and the family copy has no gaps that hint at what is withheld
            shared = [a for a in all_actions if a.get("share_with_family") is True]
            self.actions = shared + [a for a in all_actions if a.get("share_with_family") is not True]
        self.by_entry = {e.get("id"): e for e in self.entries if e.get("id")}
        #: earlier actions carried into this meeting: the review of earlier actions (G-34)
        self.reviewed = [a for a in self.actions if a.get("carried_from_action_id")]
        #: the action plan: every action, except earlier ones this meeting closed (done or stopped)
        self.plan = [
            a
            for a in self.actions
            if not (a.get("carried_from_action_id") and a.get("status") in CLOSED_ACTION_STATUSES)
        ]
        self.action_numbers = {a.get("id"): n for n, a in enumerate(self.plan, start=1) if a.get("id")}
        earlier = _list(_dict(previous).get("actions"))
        self.earlier_actions = {a.get("id"): a for a in earlier if a.get("id")}
        fam = _dict(meeting.get("family"))
        self.two_part = (
            fam.get("attending") == "part_two"
            or any(a.get("parts") for a in self.attendees)
            or any(e.get("part") for e in all_entries)
        )
        self.words = words_for(meeting, template)
        self.voice_title = self.words.voice_title

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
        if self.family:  # words a parent reads without a key, no tags
            if src:
                meta.append(f"Shared by {src}")
            if e.get("basis") in BASIS_FAMILY:
                meta.append(f"this is {BASIS_FAMILY[e['basis']]}")
        else:
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
        return Item(
            text=_s(e.get("text")) or "(no text)", meta="; ".join(m for m in meta if m), entry_id=_l(e.get("id"))
        )

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
        return f"{label}: {_l(e.get('text'))}"  # whole: the minutes never cut text

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
        for n, a in enumerate(self.plan, start=1):
            addresses = [self.entry_short(i) for i in (a.get("addresses") or []) if isinstance(i, str)]
            addresses = [x for x in addresses if x]
            status = ACTION_STATUS.get(a.get("status"), _l(a.get("status"))) or "Open"
            lines = [status]
            if a.get("carried_from_action_id"):
                lines.append("Carried over (see the review of earlier actions)")
            else:
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

    def is_family(self, attendee: dict) -> bool:
        from ..family import is_family_member

        return is_family_member(attendee, _list(self.m.get("subjects")))

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
            if s.get("kind") != "adult_at_risk" and day and dob > day:
                born += " (after the meeting date: check the date of birth)"
            elif s.get("kind") != "adult_at_risk" and day:
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


def _family_told(fam: dict, words: SubjectWords) -> str:
    who = words.family
    told = fam.get("informed_beforehand")
    if told is True:
        lines = [f"Yes, {who} was told about the meeting beforehand."]
    elif told is False:
        lines = [f"No, {who} was not told about the meeting beforehand."]
        reason = _s(fam.get("not_informed_reason"))
        lines.append(f"Why: {reason}" if reason else "Why: not recorded.")
        agreed = fam.get("agencies_agreed_not_to_inform")
        if agreed is True:
            lines.append(f"The invited agencies agreed not to tell {who}.")
        elif agreed is False:
            lines.append(f"The invited agencies did not all agree not to tell {who}.")
    else:
        lines = [NOT_RECORDED]
    if fam.get("objected") is True:
        lines.append(f"{who[:1].upper()}{who[1:]} objected to the meeting.")
        response = _s(fam.get("objection_response"))
        if response:
            lines.append(f"Response to the objection: {response}")
    return "\n".join(lines)


def _family_attending(fam: dict) -> str:
    attending = fam.get("attending")
    lines = [FAMILY_ATTENDING.get(attending, _l(attending)) or NOT_RECORDED]
    rationale = _s(fam.get("not_attending_rationale"))
    why = "Why the family did not attend" if attending == "no" else "Why not throughout"
    if rationale:
        lines.append(f"{why}: {rationale}")
    elif attending in ("no", "part_two"):
        lines.append(f"{why}: not recorded.")
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
            (FAMILY_MEETING_TYPES if family else MEETING_TYPES).get(
                meeting.get("meeting_type"), _l(meeting.get("meeting_type"))
            )
            or NOT_RECORDED,
        ),
        ("Case reference", _l(meeting.get("case_ref")) or NOT_RECORDED),
        ("Subjects" if len(_list(meeting.get("subjects"))) > 1 else "Subject", _subjects(meeting, ctx)),
        ("Date", fmt_date(meeting.get("date")) or NOT_RECORDED),
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
            ("Family told beforehand", _family_told(fam, ctx.words)),
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
        family = ctx.is_family(a)
        if family:
            as_ = "Advocate or supporter" if is_advocate(a) else "Family"
        elif a.get("is_expert"):
            as_ = "Expert adviser"
        else:
            as_ = "Professional"
        if family and a.get("is_expert"):
            as_ += "; expert adviser"
        attendance = ATTENDANCE.get(a.get("attendance"), _l(a.get("attendance"))) or NOT_RECORDED
        if a.get("attendance") == "substitute":
            whom = _l(a.get("substitute_for"))
            attendance = f"Present as substitute for {whom}" if whom else "Present as a substitute"
        row = [_l(a.get("name")) or "(no name)", _l(a.get("role")), _l(a.get("agency")), as_, attendance]
        if show_parts:
            row.append(PARTS.get(a.get("parts"), _l(a.get("parts"))) or "—")
        rows.append(tuple(row))
    return Table("attendance", tuple(columns), tuple(rows), tuple(widths))


def table(kind: str, columns, rows, *, repeat: dict[int, str] | None = None, small: bool = True) -> Table:
    """A table whose column widths come from its content; with `repeat`, long rows are cut into continued
    rows that repeat those columns (see `columns`)."""
    from .columns import content_widths, split_long_rows

    columns, rows = tuple(columns), tuple(tuple(r) for r in rows)
    widths = content_widths(columns, rows)
    if repeat is not None:
        rows = split_long_rows(rows, widths, repeat)
    return Table(kind, columns, rows, widths, small=small)


def _action_table(ctx: _Ctx) -> Table:
    return table("actions", ACTION_COLUMNS, ctx.action_rows(), repeat=ACTION_REPEAT)


REVIEW_COLUMNS = ("Earlier action", "Owner", "Status then", "Status now", "Progress", "The meeting decided")


def _changes(before: dict, now: dict, ctx: _Ctx) -> list[str]:
    """What the meeting changed in a continued action, compared with the earlier meeting's."""
    out = []
    if _l(before.get("description")) and _l(before.get("description")) != _l(now.get("description")):
        out.append("reworded")
    if before.get("due_date") != now.get("due_date") and now.get("due_date"):
        out.append(f"new due date {fmt_date(now.get('due_date'))}")
    owner_then = (before.get("owner_attendee_id"), _l(before.get("owner_name")), _l(before.get("agency")))
    owner_now = (now.get("owner_attendee_id"), _l(now.get("owner_name")), _l(now.get("agency")))
    if owner_then != owner_now and ctx.owner(now) != NOT_RECORDED:
        out.append("new owner " + ctx.owner(now).replace("\n", ", "))
    if _l(before.get("success_measure")) != _l(now.get("success_measure")) and _l(now.get("success_measure")):
        out.append("new measure")
    return out


def _review_rows(ctx: _Ctx) -> list[tuple[str, ...]]:
    """One row per earlier action: its status then and now, progress, and what the meeting decided (G-34).

    The bundle records no decision of its own: it follows from the status now (done: closed; cancelled:
    stopped) and, for an action that goes on, from what changed since the earlier meeting (when that
    meeting is in the store) — else it continues as it was."""
    rows = []
    for a in ctx.reviewed:
        before = ctx.earlier_actions.get(a.get("carried_from_action_id"))
        if before is not None:
            then = ACTION_STATUS.get(before.get("status"), _l(before.get("status"))) or "Open"
        else:
            then = "Not finished (carried over)"
        status = a.get("status")
        now = ACTION_STATUS.get(status, _l(status)) or "Open"
        if status == "done":
            decided = "Done: closed"
        elif status == "cancelled":
            decided = "Stopped"
        else:
            n = ctx.action_numbers.get(a.get("id"))
            changes = _changes(before, a, ctx) if before is not None else []
            where = f" as action {n}" if n else ""
            decided = f"Changed{where}: {', '.join(changes)}" if changes else f"Continues{where}"
        rows.append(
            (
                _s(a.get("description")) or "(no description)",
                ctx.owner(a),
                then,
                now,
                _s(a.get("progress_note")) or "No progress recorded",
                decided,
            )
        )
    return rows


def _actions_blocks(ctx: _Ctx) -> list[Block]:
    """The review of earlier actions (on a review meeting) and the action plan."""
    blocks: list[Block] = []
    if ctx.reviewed:
        blocks.append(Subheading("Review of earlier actions"))
        blocks.append(table("review", REVIEW_COLUMNS, _review_rows(ctx), repeat={1: "{}"}))
        if ctx.plan:
            blocks.append(Subheading("Action plan"))
    if ctx.plan:
        blocks.append(_action_table(ctx))
        shared = sum(1 for a in ctx.plan if a.get("share_with_family") is True)
        sharing = _dict(ctx.m.get("minutes_sharing")).get("share_with_family") is True
        if not ctx.family and sharing and 0 < shared < len(ctx.plan):
            first = "Action 1 is" if shared == 1 else f"Actions 1 to {shared} are"
            blocks.append(
                Para(
                    f"{first} in the family's copy of the minutes too, with the same numbers; the others are for "
                    "professionals only.",
                    italic=True,
                )
            )
    return blocks


def _text_blocks(value: Any) -> list[Block]:
    text = _s(value)
    return [Para(p) for p in text.split("\n") if p.strip()] if text else []


def _lead_change(rec: dict, ctx: _Ctx) -> str:
    """'Yes: from Martin Ellis, Northfield Primary School, to Kirsty Lane.' The earlier lead comes from the
    meeting this one reviews (when it is known); the bundle has no field for it."""
    to = _l(rec.get("name")) or "the lead practitioner named above"
    before = _dict(_dict(ctx.previous).get("lead_practitioner"))
    was = ", ".join(x for x in (_l(before.get("name")), _l(before.get("agency"))) if x)
    if was and _l(before.get("name")).casefold() != _l(rec.get("name")).casefold():
        return f"Yes: from {was}, to {to}."
    return f"Yes: {to} takes over as lead practitioner (who held it before is not recorded in this meeting)."


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
        if _s(rec.get("outcome")) and (not family or "family_meeting.outcome" in ctx.shared_fields):
            rows.append(("Outcome", _s(rec.get("outcome"))))
    elif kind == "lead_practitioner":
        who = ", ".join(x for x in (_l(rec.get("name")), _l(rec.get("agency"))) if x)
        if who:
            rows.append(("Lead practitioner", who))
        if rec.get("changed") is True:
            rows.append(("Change", _lead_change(rec, ctx)))
        elif rec.get("changed") is False:
            rows.append(("Change", "No change."))
        if _s(rec.get("note")) and (not family or "lead_practitioner.note" in ctx.shared_fields):
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
            rows.append((ctx.words.cap("Who tells {family}"), who))
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
        rows.append((ctx.words.cap("Minutes shared with {family}"), _yes_no(share)))
        if _s(rec.get("reason_not_shared")):
            rows.append(("The chair's reason for not sharing", _s(rec.get("reason_not_shared"))))
        if "fii_concern" in rec:
            rows.append(("Concerns of fabricated or induced illness", _yes_no(rec.get("fii_concern"))))
        if _l(rec.get("senior_consulted")):
            rows.append(("Senior manager or named doctor consulted", _l(rec.get("senior_consulted"))))
    elif kind == "next_review":
        if rec.get("date"):
            when = fmt_date(rec.get("date"))
            if _l(rec.get("time")):
                when += f" at {_l(rec.get('time'))}"
            rows.append(("Next review", when))
            if _l(rec.get("venue")):
                rows.append(("Venue", _l(rec.get("venue"))))
        elif rec.get("required") is False:
            rows.append(("Next review", "No review meeting is needed."))
            if _s(rec.get("reason_not_required")):  # part of the decision: the family copy keeps it
                rows.append(("Why none is needed", _s(rec.get("reason_not_required"))))
        elif rec.get("required") is True:
            rows.append(("Next review", "A review is needed; the date is still to be set."))
    if not rows:
        return []
    return [Fields(tuple(rows)), *extra]


def _distribution(meeting: dict, ctx: _Ctx) -> list[Block]:
    """G-51: everyone who should receive the minutes, which version, how and when it was sent."""
    from .recipients import recipients

    people = recipients(meeting)
    records = _list(meeting.get("distribution"))
    blocks: list[Block] = []
    if people:
        blocks.append(
            Para(
                "These minutes go to everyone on the attendance list; someone who was at one part of the "
                "meeting only gets the minutes of that part."
                if any(p.version.startswith("part_") for p in people)
                else "These minutes go to everyone on the attendance list."
            )
        )
        rows = []
        for p in people:
            if p.sent:
                last = p.sent[-1]
                sent = fmt_timestamp(last.get("sent_at")) if last.get("sent_at") else "Sent"
                how = _l(last.get("method")) or (f"Email to {p.email}" if p.email else NOT_RECORDED)
            elif p.version:
                sent = "Not yet"
                how = f"Email to {p.email}" if p.email else "By hand or post (no email address)"
            else:
                sent = how = "—"
            copy = p.version_words if p.version else f"No copy ({p.why.split(': ', 1)[-1]})"
            rows.append((p.name or "(no name)", p.agency or ("Family" if p.is_family else ""), copy, how, sent))
        blocks.append(table("distribution", ("Name", "Agency", "Copy", "How", "Sent"), rows))
    known = {id(r) for p in people for r in p.sent}
    others = [r for r in records if id(r) not in known]
    if others:
        blocks.append(Subheading("Also sent to"))
        blocks.append(
            table(
                "distribution_record",
                ("Name", "Email", "Copy", "Sent", "How"),
                [
                    (
                        _l(r.get("name")),
                        _l(r.get("email")) or "—",
                        {"full": "Full minutes", "family": "Family copy"}.get(r.get("version"), _l(r.get("version")))
                        or "—",
                        fmt_timestamp(r.get("sent_at")) if r.get("sent_at") else "—",
                        _l(r.get("method")) or "—",
                    )
                    for r in others
                ],
            )
        )
    return blocks


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
STATUS_VALUE_WORDS = {
    "final": "Final",
    "in review": "Reopened for amendment",
    "in_review": "Reopened for amendment",
    "draft": "Draft",
    "in_progress": "In progress",
}


def _amended_field(path: str, ctx: _Ctx) -> str:
    """'actions[act-2].due_date' -> 'Action 2: due date'; 'next_review.date' -> 'Date of next review: date'."""
    import re

    m = re.fullmatch(r"(\w+)\[([^\]]*)\](?:\.(\w+))?", path)
    if m:
        kind, key, sub = m.groups()
        what = FIELD_WORDS.get(sub or "", (sub or "").replace("_", " "))
        if kind == "actions":
            n = ctx.action_numbers.get(key)
            head = f"Action {n}" if n else "An action"
        elif kind == "entries":
            e = ctx.by_entry.get(key)
            head = f"An entry ({ENTRY_LABELS.get(e.get('kind'), 'item').lower()})" if e else "An entry"
        elif kind == "attendees":
            who = ctx.by_attendee.get(key)
            head = f"Attendee {_l(who.get('name'))}" if who else "An attendee"
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
    text = _s(value)
    if not text:
        return "—"
    if path == "extensions":  # this product's records, as JSON: the sections above show them in words
        return "(changed)"
    if path == "status":
        return STATUS_VALUE_WORDS.get(text, text)
    last = path.rsplit(".", 1)[-1]
    if last == "status":
        return ACTION_STATUS.get(text, STATUS_VALUE_WORDS.get(text, text))
    if last == "attendance":
        return ATTENDANCE.get(text, text)
    if text in ("yes", "no"):
        return text.capitalize()
    if _parse_date(text):
        return fmt_date(text)
    return text


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


def _overridden(rule: str, ctx: _Ctx, findings: list) -> str:
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
            head = f"{gid}, action {n} ({_l(a.get('description'))})"
        else:
            head = f"{gid}, an action no longer in these minutes"
    elif target.startswith("attendee:"):
        who = ctx.by_attendee.get(target[len("attendee:") :])
        head = f"{gid}, attendee {_l(who.get('name'))}" if who else f"{gid}, an attendee"
    elif target == "meeting":
        head = f"{gid}, the meeting as a whole"
    elif target == "setup":
        head = f"{gid}, setting up the meeting"
    elif target:
        step = ctx.t.step(target)
        head = f"{gid}, {clean_line(step.title)}" if step is not None else f"{gid}, {target}"
    if matched:
        return f"{head}: " + " ".join(_sentence(clean_line(f.message)) for f in matched)
    if field_words:
        return f"{head}: {field_words}."
    return head


def _annex(meeting: dict, ctx: _Ctx) -> list[Block]:
    blocks: list[Block] = []
    amendments = _list(meeting.get("amendments"))
    if amendments:
        blocks.append(Subheading("Amendments after the meeting was finalised"))
        blocks.append(
            table(
                "amendments",
                ("When", "By", "What changed", "Before", "After", "Reason"),
                [
                    (
                        fmt_timestamp(x.get("at")),
                        _l(x.get("by")) or "—",
                        _amended_field(_l(x.get("field")), ctx),
                        _amended_value(_l(x.get("field")), x.get("old")),
                        _amended_value(_l(x.get("field")), x.get("new")),
                        _s(x.get("reason")) or "—",
                    )
                    for x in amendments
                ],
            )
        )
    overrides = _list(meeting.get("finding_overrides"))
    if overrides:
        from .. import rules

        findings = rules.check_meeting(meeting, ctx.t)
        blocks.append(Subheading("Findings overridden when finalising"))
        blocks.append(
            table(
                "overrides",
                ("Finding", "Reason", "By", "When"),
                [
                    (
                        _overridden(_l(o.get("rule")), ctx, findings),
                        _s(o.get("reason")) or "—",
                        _l(o.get("by")) or "—",
                        fmt_timestamp(o.get("at")) if o.get("at") else "—",
                    )
                    for o in overrides
                ],
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
        bits.append(venue_phrase(_l(meeting.get("venue"))))
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


def build_layout(
    meeting: dict,
    template,
    *,
    family: bool = False,
    marking: str = "OFFICIAL-SENSITIVE",
    previous: dict | None = None,
    family_contact: str = "",
    handling: str = "",
    corrections_days: int = 10,
    part: str | None = None,
) -> Layout:
    """The minutes as ordered sections (pure; see the module docstring for what goes where)."""
    meeting = _dict(meeting)
    ctx = _Ctx(meeting, template, family, previous, part)
    step_keys = {s.key for s in template.steps}

    # Where each entry goes: its step, else its home step, else "Other information".
    placed: dict[str, list[dict]] = {k: [] for k in step_keys}
    other_entries: list[dict] = []
    for e in ctx.entries:
        where = template.step_of_entry(e)
        if where is not None:
            placed[where.key].append(e)
        else:
            other_entries.append(e)

    # the family copy says "nothing was recorded" as the full copy does where nothing was; only where
    # something was recorded and not shared does it say that nothing is included
    recorded = (
        {
            s.key
            for s in build_layout(meeting, template, marking=marking, previous=previous).sections
            if s.blocks and s.blocks != [Para(NOTHING)]
        }
        if family
        else set()
    )
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
                blocks=blocks or [Para(NOTHING_FAMILY if family and key in recorded else NOTHING)],
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
            if family and name not in FAMILY_TEXT_FIELDS and name not in ctx.shared_fields:
                other_entries.extend(entries_here)  # shared entries captured here still reach the family
                continue
            blocks.extend(_text_blocks(meeting.get(name)))
            shown_fields.add(name)
        elif kind == "actions":
            if ctx.actions and not tables_done["actions"]:
                blocks.extend(_actions_blocks(ctx))
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
            _actions_blocks(ctx),
            None,
        )

    # Other information: fields and closing records the template has no step for, and entries with no home.
    other: list[Block] = []
    for name, title in TEXT_FIELD_TITLES.items():
        if name in shown_fields or (family and name not in FAMILY_TEXT_FIELDS and name not in ctx.shared_fields):
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
        checking = _checking(meeting, corrections_days)
        if checking:
            sections.append(Section("checking", "Checking these minutes", checking))
        dist = _distribution(meeting, ctx)
        sections.append(Section("distribution", "Distribution", dist or [Para("No one is on the attendance list.")]))
        annex = _annex(meeting, ctx)
        from ..audit import MINUTES_NOTE  # what is logged (issue 12): the annex always ends with it

        title = "Annex: amendments and overridden findings" if annex else "Annex: the record of this meeting"
        sections.append(Section("annex", title, [*annex, Para(MINUTES_NOTE)]))

    case_ref = _l(meeting.get("case_ref"))
    date_short = fmt_date(meeting.get("date")) if meeting.get("date") else ""
    types = FAMILY_MEETING_TYPES if family else MEETING_TYPES
    mtype = types.get(meeting.get("meeting_type"), "Multi-agency professionals' meeting")
    title = "Minutes of a multi-agency professionals' meeting"
    # the family copy shows the meeting type, never the chair's free-text title (not in design.md's list)
    subtitle_bits = [mtype if family else (_l(meeting.get("title")) or mtype)]
    if meeting.get("status") != "final":
        subtitle_bits.append("DRAFT")
    if family:
        title = "Minutes of a multi-agency professionals' meeting: the family's copy"
    elif part in PART_TITLES:
        title = f"Minutes of a multi-agency professionals' meeting: {PART_TITLES[part]}"
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
        opening=_family_opening(meeting, family_contact) if family else (),
        handling=_handling(meeting, template, family, handling, marking_text),
    )


def action_summary(layout: Layout) -> Layout:
    """Just the action plan (with the review of earlier actions) and the next review: what the agencies
    get within a working day of the meeting, before the minutes."""
    import dataclasses

    keep = []
    for s in layout.sections:
        if s.tables("actions") or s.tables("review") or s.step_kind == "next_review" or s.key == "next_review":
            keep.append(dataclasses.replace(s, blocks=[b for b in s.blocks if not isinstance(b, Group)]))
    return dataclasses.replace(
        layout,
        title="Action summary of a multi-agency professionals' meeting",
        sections=keep,
        doc_title=layout.doc_title.replace("Minutes of", "Action summary of", 1),
    )


def _subject_names(meeting: dict, fallback: str) -> str:
    names = [_l(s.get("name")) for s in _list(meeting.get("subjects")) if _l(s.get("name"))]
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names) or fallback


def _handling(meeting: dict, template, family: bool, own: str, marking: str) -> str:
    """G-54: the settings' statement, else a default that names the lawful basis ({marking} and {subjects}
    are filled in)."""
    adult = {_dict(s).get("kind") for s in _list(meeting.get("subjects"))} == {"adult_at_risk"} or (
        not _list(meeting.get("subjects")) and getattr(template, "subject_kind", "child") == "adult_at_risk"
    )
    text = _l(own) or (HANDLING_FAMILY if family else HANDLING_ADULTS if adult else HANDLING_CHILDREN)
    subjects = _subject_names(meeting, "the adult" if adult else "the children")
    try:
        return text.format(marking=marking, subjects=subjects)
    except (KeyError, IndexError, ValueError):  # braces of its own in the organisation's text
        return text


def _checking(meeting: dict, corrections_days: int) -> list[Block]:
    """G-53: the request to check draft minutes, corrections received, who agreed the text, the sign-off."""
    from .accuracy import accuracy, sign_off

    record = accuracy(meeting)
    blocks: list[Block] = []
    chair = _dict(meeting.get("chair"))
    contact = ", ".join(x for x in (_l(chair.get("name")), _l(chair.get("agency"))) if x) or "the chair"
    if meeting.get("status") != "final":
        by = (
            f"by {fmt_date(record['corrections_by'])}"
            if record.get("corrections_by")
            else f"within {corrections_days} working days of receiving them"
        )
        blocks.append(Para(CHECK_REQUEST.format(contact=contact, by=by)))
        if record.get("requested_on"):
            blocks.append(Para(f"Sent for checking on {fmt_date(record['requested_on'])}."))
    corrections = [c for c in record.get("corrections") or [] if isinstance(c, dict)]
    if corrections:
        blocks.append(Subheading("Corrections received"))
        blocks.append(
            table(
                "corrections",
                ("From", "Received", "Correction", "Accepted"),
                [
                    (
                        _l(c.get("from")),
                        fmt_date(c.get("received_on")),
                        _s(c.get("summary")),
                        _yes_no(c.get("accepted")) if "accepted" in c else NOT_RECORDED,
                    )
                    for c in corrections
                ],
            )
        )
    agreed = _dict(record.get("agreed_by"))
    if agreed.get("name") and meeting.get("status") != "final":
        who = ", ".join(x for x in (_l(agreed.get("name")), _l(agreed.get("role"))) if x)
        blocks.append(Para(f"The final text was agreed by {who} on {fmt_date(agreed.get('on'))}."))
    signed = sign_off(meeting)
    if signed:
        name, role, on = signed
        blocks.append(Subheading("Sign-off"))
        blocks.append(
            Fields(
                (
                    ("Approved by", _l(name)),
                    ("Role", _l(role) or NOT_RECORDED),
                    ("Date", fmt_date(on) if on else NOT_RECORDED),
                ),
            )
        )
    return blocks


def _family_opening(meeting: dict, contact: str) -> tuple[Para, ...]:
    """The plain-English words that open the family's copy (what it is, who to ask, how to disagree)."""
    names = [_l(s.get("name")) for s in _list(meeting.get("subjects")) if _l(s.get("name"))]
    subjects = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names) or "your family"
    if not _l(contact):
        chair = _dict(meeting.get("chair"))
        who = ", ".join(x for x in (_l(chair.get("name")), _l(chair.get("agency"))) if x)
        contact = f"the chair of the meeting, {who}" if who else "the chair of the meeting"
    return tuple(Para(p.format(subjects=subjects, contact=_l(contact))) for p in FAMILY_OPENING)
