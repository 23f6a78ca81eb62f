"""SMART checks and the completeness check: pure functions from a meeting dict to findings.

Everything here follows the table "Rules per template" in the design: each finding names its G-id, how
hard it presses (block / warn, some set per template), what it is about (a step, an action by its number
and description, an attendee) and one sentence a chair understands that says how to put it right.

The meeting is the bundle's `meeting` object (see docs/architecture.md); absent keys mean "not recorded".
Nothing here reads a clock: "on or after the meeting" compares with the meeting's own date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .agenda import RULE_DEFAULTS, Template
from .minutes import family_copy
from .minutes.values import as_dict
from .participants import is_family_member
from .subject_words import words_for
from .vocabulary import OTHER_PROCEDURES, is_open_action, is_two_part

BLOCK = "block"
WARN = "warn"

#: Attendance values that count as someone being there. A substitute counts; apologies, absent,
#: a written contribution and "invited" (not yet marked) do not.
PRESENT = frozenset({"present", "substitute"})

#: Wording that makes an action impossible to check later (G-31: specific and time-bound).
VAGUE_PHRASES = (
    "monitor",
    "monitoring",
    "continue to",
    "continue with",
    "continue supporting",
    "support as needed",
    "as needed",
    "as required",
    "as appropriate",
    "when possible",
    "if needed",
    "keep an eye",
    "ongoing",
    "on-going",
    "asap",
    "as soon as possible",
    "tbc",
    "tba",
    "to be confirmed",
    "to be arranged",
)
_VAGUE = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in VAGUE_PHRASES) + r")(?![\w-])",
    re.IGNORECASE,
)

#: Action fields a finding can point at (the action form highlights them).
ACTION_FIELDS = ("description", "owner", "due_date", "success_measure", "addresses")


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    #: a step key ("aim"), "setup", "action:<id>", "attendee:<id>" or "meeting"
    target: str
    #: what it is about, for people: "Step 4, Aim of the meeting" / "Action 2: Ask the GP…"
    about: str
    #: one sentence a chair understands, saying how to put it right
    message: str
    #: where it is fixed: a step key, or "setup"; None when the template has no such step
    step: str | None = None
    #: for an action: description, owner, due_date, success_measure or addresses
    field: str | None = None

    @property
    def key(self) -> str:
        """What an override names: one finding, stable while the meeting is edited."""
        base = f"{self.rule}:{self.target}"
        return f"{base}:{self.field}" if self.field else base

    @property
    def blocks(self) -> bool:
        return self.severity == BLOCK


def blocking(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.blocks]


def split_overridden(findings: list[Finding], overrides: list[dict] | None) -> tuple[list[Finding], list[Finding]]:
    """(still open, overridden). An override names a finding's key; a bare "rule:target" (as older
    bundles may carry) covers every finding of that rule about that target."""
    names = {str(o.get("rule", "")).strip() for o in overrides or [] if isinstance(o, dict)}
    open_: list[Finding] = []
    done: list[Finding] = []
    for f in findings:
        (done if f.key in names or f"{f.rule}:{f.target}" in names else open_).append(f)
    return open_, done


# -- helpers --------------------------------------------------------------------------------------
def _has(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _date(value) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _pretty_date(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def action_about(action: dict, number: int) -> str:
    desc = _short(action.get("description", ""))
    return f"Action {number}: {desc}" if desc else f"Action {number} (no description yet)"


def _owner_key(action: dict) -> str | None:
    for field in ("owner_attendee_id", "owner_name", "agency"):
        if _has(action.get(field)):
            return f"{field}:{action[field].strip().casefold()}"
    return None


class _Places:
    """Where each rule is fixed in this template, and how to name it for people."""

    def __init__(self, template: Template | None):
        self.template = template
        self.steps = list(template.steps) if template else []

    def of_kind(self, kind: str) -> str | None:
        return next((s.key for s in self.steps if s.kind == kind), None)

    def of_field(self, field: str) -> str | None:
        return next((s.key for s in self.steps if s.kind == "text" and s.field == field), None)

    def about(self, key: str | None, fallback: str) -> str:
        for n, s in enumerate(self.steps, start=1):
            if s.key == key:
                return f"Step {n}, {s.title}"
        return fallback

    def order(self, key: str | None) -> int:
        if key == "setup":
            return -1
        for n, s in enumerate(self.steps):
            if s.key == key:
                return n
        return len(self.steps)


def _severity(template: Template | None, rule: str, meeting: dict) -> str | None:
    """The template's severity for a per-template rule, as block / warn, or None when off."""
    sev = template.severity(rule) if template else RULE_DEFAULTS.get(rule, BLOCK)
    if sev == "block_in_disagreement_meeting":
        return BLOCK if meeting.get("meeting_type") == "professional_disagreement" else WARN
    return None if sev == "off" else sev


# -- actions (G-31, G-32) ------------------------------------------------------------------------
def check_action(action: dict, meeting: dict, number: int, template: Template | None = None) -> list[Finding]:
    """SMART findings for one action (as saved, or as typed in the form), blocking first."""
    if not is_open_action(action):  # finished with: not SMART-checked any more
        return []
    places = _Places(template)
    step = places.of_kind("actions")
    target = f"action:{action.get('id') or 'new'}"
    about = action_about(action, number)
    out: list[Finding] = []

    def add(rule: str, severity: str, field: str, message: str) -> None:
        out.append(Finding(rule, severity, target, about, message, step, field))

    description = action.get("description") or ""
    if not _has(description):
        add(
            "G-31",
            BLOCK,
            "description",
            "Say what will be done, specifically enough that anyone can tell later whether it happened.",
        )
    has_person = _has(action.get("owner_attendee_id")) or _has(action.get("owner_name"))
    if not has_person and not _has(action.get("agency")):
        add("G-31", BLOCK, "owner", "Name who will do it: a person, or at least an agency.")
    due = _date(action.get("due_date"))
    meeting_day = _date(meeting.get("date"))
    if due is None:
        add("G-31", BLOCK, "due_date", 'Give a due date (a date, not "ongoing" or "as soon as possible").')
    elif meeting_day and due < meeting_day:
        add(
            "G-31",
            BLOCK,
            "due_date",
            f"The due date {_pretty_date(due)} is before the meeting ({_pretty_date(meeting_day)}); give a "
            "date on or after it.",
        )
    if not _has(action.get("success_measure")):
        add(
            "G-31",
            BLOCK,
            "success_measure",
            "Say how the meeting will know it has been done or has worked (the measure of success).",
        )

    # warnings
    if not has_person and _has(action.get("agency")):
        add(
            "G-32",
            WARN,
            "owner",
            f"Only an agency ({_short(action['agency'], 40)}) owns this; name the person who will do it if you can.",
        )
    for field in ("description", "success_measure"):
        match = _VAGUE.search(action.get(field) or "")
        if match:
            where = "It says" if field == "description" else "The measure says"
            add(
                "G-31",
                WARN,
                field,
                f'{where} "{match.group(0)}", which cannot be checked later; say exactly what will be done '
                "and by when.",
            )
            break
    review = meeting.get("next_review") or {}
    review_day = _date(review.get("date")) if isinstance(review, dict) else None
    if due and review_day and due > review_day:
        add(
            "G-31",
            WARN,
            "due_date",
            f"It is due {_pretty_date(due)}, after the next review on {_pretty_date(review_day)}; bring it "
            "forward or say why.",
        )
    addresses = action.get("addresses") or []
    if not addresses:
        add("G-31", WARN, "addresses", "Link it to the need or risk it addresses, so the plan shows why it matters.")
    elif not _meets_a_need_or_risk(addresses, meeting):
        add(
            "G-31",
            WARN,
            "addresses",
            "It is linked only to entries that are not needs or risks; link the need or risk it meets as well.",
        )
    owner_id = action.get("owner_attendee_id")
    if _has(owner_id):
        owner = next((a for a in meeting.get("attendees") or [] if a.get("id") == owner_id), None)
        if (
            owner is not None
            and owner.get("attendance") not in PRESENT
            and not is_family_member(owner, meeting.get("subjects"))
        ):
            add(
                "G-32",
                WARN,
                "owner",
                f"{_short(owner.get('name', 'The owner'), 40)} was not at the meeting; make sure they know of "
                "this action and agree to it.",
            )
    out.sort(key=lambda f: (not f.blocks, ACTION_FIELDS.index(f.field) if f.field in ACTION_FIELDS else 9))
    return out


def _meets_a_need_or_risk(addresses: list, meeting: dict) -> bool:
    """An action may address any entry (a strength it builds on, something already tried); G-31 still
    wants it to meet a need or reduce a risk. An id this meeting does not hold is given the benefit of
    the doubt (an entry of an earlier meeting, say)."""
    kinds = {e.get("id"): e.get("kind") for e in meeting.get("entries") or [] if isinstance(e, dict)}
    return any(kinds.get(i, "need") in ("need", "risk") for i in addresses if isinstance(i, str))


# -- the whole meeting ---------------------------------------------------------------------------
def check_meeting(meeting: dict, template: Template) -> list[Finding]:
    """Every finding for the meeting: blocking first, then in agenda order (setup first)."""
    places = _Places(template)
    out: list[Finding] = []
    agenda_rule = template.agenda_rule  # the guidance agenda the template follows (G-20, G-21)

    def step_finding(
        rule: str, severity: str, step: str | None, fallback: str, message: str, target: str | None = None
    ):
        out.append(Finding(rule, severity, target or step or "meeting", places.about(step, fallback), message, step))

    setup_about = "Setting up the meeting"
    family = as_dict(meeting.get("family"))
    words = words_for(meeting, template)
    subject_words = words.family

    # G-02: standing in for another procedure only with a recorded reason
    out.extend(start_refusals(meeting))

    # G-05: a subject born after the meeting is a typing slip (and has no age to print)
    out.extend(birth_date_findings(meeting))

    # G-06: was the family told beforehand, and if not, why
    informed = family.get("informed_beforehand")
    if informed is None:
        step_finding(
            "G-06",
            BLOCK,
            "setup",
            setup_about,
            f"Record whether {subject_words} was told about the meeting beforehand.",
        )
    elif informed is False and not _has(family.get("not_informed_reason")):
        step_finding(
            "G-06",
            BLOCK,
            "setup",
            setup_about,
            f"{subject_words.capitalize()} was not told beforehand: record why, and whether the agencies agreed.",
        )
    if family.get("objected") and not _has(family.get("objection_response")):
        step_finding(
            "G-06",
            WARN,
            "setup",
            setup_about,
            f"{subject_words.capitalize()} objected to the meeting: record what was done about it "
            "(was a strategy discussion considered?).",
        )

    # G-07: does the family attend, and if not throughout, why
    attending = family.get("attending")
    if attending is None:
        step_finding(
            "G-07",
            BLOCK,
            "setup",
            setup_about,
            f"Record whether {subject_words} attends: not at all, part two only, or the whole meeting.",
        )
    elif attending != "whole" and not _has(family.get("not_attending_rationale")):
        what = "is not attending" if attending == "no" else "attends part two only"
        step_finding(
            "G-07",
            BLOCK,
            "setup",
            setup_about,
            f"{subject_words.capitalize()} {what}: record the reason for this meeting (a past exclusion is "
            "not a reason).",
        )

    # G-08: parts recorded for people or entries of a meeting held in one part (they make no part copies)
    if not is_two_part(meeting):
        people = sum(
            1
            for a in meeting.get("attendees") or []
            if isinstance(a, dict) and a.get("parts") in ("professionals", "family")
        )
        said = sum(1 for e in meeting.get("entries") or [] if isinstance(e, dict) and e.get("part"))
        if people or said:
            what = " and ".join(
                bit
                for bit in (
                    f"{people} {'person is' if people == 1 else 'people are'} recorded at one part only"
                    if people
                    else "",
                    f"{said} {'entry is' if said == 1 else 'entries are'} marked with a part" if said else "",
                )
                if bit
            )
            step_finding(
                "G-08",
                WARN,
                "setup",
                setup_about,
                f"{what}, but this is not recorded as a two-part meeting ({subject_words} attending the second "
                "part only): the minutes show no parts and send no part copies. If that is how it went, record "
                f"it under whether {subject_words} attends.",
            )

    # times: an end before the start (typed, or a start typed as planned) makes the minutes contradict themselves
    start, end = meeting.get("start_time"), meeting.get("end_time")
    if isinstance(start, str) and isinstance(end, str) and end < start:
        step_finding(
            agenda_rule,
            WARN,
            places.of_kind("details"),
            "Date, time and venue",
            f"The end time {end} is before the start time {start}; correct whichever is wrong.",
        )

    # aim
    aim_step = places.of_field("aim")
    if not _has(meeting.get("aim")):
        step_finding(
            agenda_rule, BLOCK, aim_step, "Aim of the meeting", "Record the aim: the issue this meeting must address."
        )

    # someone present; apologies without cover (G-22)
    attendees = [a for a in meeting.get("attendees") or [] if isinstance(a, dict)]
    attendance_step = places.of_kind("attendance")
    if not any(a.get("attendance") in PRESENT for a in attendees):
        step_finding(
            agenda_rule,
            BLOCK,
            attendance_step,
            "Attendance and apologies",
            "Mark who was present: nobody is recorded as present or as a substitute.",
        )
    covered = {
        str(a.get("substitute_for", "")).strip().casefold() for a in attendees if a.get("attendance") == "substitute"
    }
    for a in attendees:
        if a.get("attendance") == "apologies" and str(a.get("name", "")).strip().casefold() not in covered:
            who = _short(a.get("name", ""), 40) + (f" ({_short(a['agency'], 30)})" if _has(a.get("agency")) else "")
            out.append(
                Finding(
                    "G-22",
                    WARN,
                    f"attendee:{a.get('id')}",
                    who,
                    "Sent apologies with neither a substitute nor a written contribution; record which, or "
                    "follow it up.",
                    attendance_step,
                )
            )

    # voice of the child / adult (G-12)
    severity = _severity(template, "G-12", meeting)
    if severity and not any(
        e.get("kind") == "voice_of_subject" and _has(e.get("text")) for e in meeting.get("entries") or []
    ):
        home = template.home_step("voice_of_subject", "during_meeting")
        whose = words.subjects
        step_finding(
            "G-12",
            severity,
            home.key if home else None,
            words.voice_title,
            f'Record {whose} lived experience, wishes and feelings (an entry of the kind "voice").',
        )

    # steps that must have content (G-21 on Calderdale: the individual's information and views on the plan)
    for s in template.steps:
        if s.check and s.kind == "entries":
            severity = _severity(template, s.check, meeting)
            if severity and not _entries_in_step(meeting, template, s.key):
                step_finding(
                    s.check,
                    severity,
                    s.key,
                    s.title,
                    f'Nothing is recorded under "{s.title}"; record what was said, or that they were asked '
                    "and declined.",
                )

    # actions (G-30, then each action)
    actions_step = places.of_kind("actions")
    actions = [a for a in meeting.get("actions") or [] if isinstance(a, dict)]
    live_actions = [a for a in actions if a.get("status") != "cancelled"]
    if not live_actions:
        step_finding("G-30", BLOCK, actions_step, "The plan", "Agree at least one action: who does what, by when.")
    action_findings: list[tuple[int, Finding]] = []
    for number, action in enumerate(actions, start=1):
        for f in check_action(action, meeting, number, template):
            action_findings.append((number, f))
    open_actions = [a for a in actions if is_open_action(a)]
    owners = {_owner_key(a) for a in open_actions}
    if len(open_actions) >= 3 and len(owners) == 1 and None not in owners:
        step_finding(
            "G-32",
            WARN,
            actions_step,
            "The plan",
            "One person or agency owns every action; share the work so the plan does not rest on one agency.",
        )

    # closing steps
    fm = as_dict(meeting.get("family_meeting"))
    severity = _severity(template, "G-40", meeting)
    if severity:
        fm_step = places.of_kind("family_meeting")
        if fm.get("considered") is None:
            step_finding(
                "G-40",
                severity,
                fm_step,
                "Family meeting",
                "Record whether a family meeting (such as a family group conference) has been considered.",
            )
        elif fm.get("considered") and not _has(fm.get("outcome")):
            step_finding(
                "G-40", WARN, fm_step, "Family meeting", "A family meeting was considered: record the outcome."
            )

    lp = as_dict(meeting.get("lead_practitioner"))
    if not _has(lp.get("name")) and lp.get("changed") is not False:
        step_finding(
            "G-41",
            BLOCK,
            places.of_kind("lead_practitioner"),
            "Lead practitioner",
            "Name the lead practitioner, or record that it does not change.",
        )

    dis = as_dict(meeting.get("disagreement"))
    severity = _severity(template, "G-42", meeting)
    dis_step = places.of_kind("disagreement")
    if severity and dis.get("any") is None:
        step_finding(
            "G-42",
            severity,
            dis_step,
            "Professional disagreement",
            "Record whether any professional disagreement remains (yes or no).",
        )
    elif dis.get("any") and not (_has(dis.get("summary")) and _has(dis.get("escalation"))):
        step_finding(
            "G-42",
            BLOCK,
            dis_step,
            "Professional disagreement",
            "Disagreement remains: record what it is about and the escalation route (line manager, local "
            "escalation procedure).",
        )

    fb = as_dict(meeting.get("feedback_to_family"))
    if attending != "whole":
        fb_step = places.of_kind("feedback_to_family")
        someone_named = _has(fb.get("by_attendee_id")) or _has(fb.get("by_name"))
        when = _has(fb.get("by_date"))
        if not _has(fb.get("not_needed_reason")) and not (someone_named and when):
            missing = (
                f"who will tell {words.family} the outcome and by when"
                if not someone_named and not when
                else (f"who will tell {words.family}" if not someone_named else f"by when {words.family} will be told")
            )
            step_finding(
                "G-43", BLOCK, fb_step, "Feedback to the family", f"Record {missing}, or why it is not needed."
            )

    ms = family_copy.sharing(meeting)  # G-52: the chair's decision, which decides the family copy
    ms_step = places.of_kind("minutes_sharing")
    share = ms.get("share_with_family")
    if share is None:
        step_finding(
            "G-52", BLOCK, ms_step, "Sharing the minutes", f"Record whether the minutes are shared with {words.family}."
        )
    elif share is False and not _has(ms.get("reason_not_shared")):
        step_finding(
            "G-52",
            BLOCK,
            ms_step,
            "Sharing the minutes",
            f"The minutes are not shared with {words.family}: record the chair's reason.",
        )
    elif share is True and ms.get("fii_concern") and not _has(ms.get("senior_consulted")):
        step_finding(
            "G-52",
            WARN,
            ms_step,
            "Sharing the minutes",
            "With concerns of fabricated or induced illness, record the senior manager or named doctor "
            "consulted before sharing.",
        )

    nr = as_dict(meeting.get("next_review"))
    nr_step = places.of_kind("next_review")
    if nr.get("required") is False:
        if not _has(nr.get("reason_not_required")):
            step_finding("G-44", BLOCK, nr_step, "Next review", "No review is planned: record why none is needed.")
    elif (review_day := _date(nr.get("date"))) is None:
        step_finding(
            "G-44",
            BLOCK,
            nr_step,
            "Next review",
            "Give the date of the next review, or record that none is needed and why.",
        )
    elif (meeting_day := _date(meeting.get("date"))) is not None and review_day < meeting_day:
        step_finding(
            "G-44", BLOCK, nr_step, "Next review", "The next review is dated before this meeting; give a later date."
        )

    order = {id(f): places.order(f.step) for f in out}
    merged = [(order[id(f)], 0, f) for f in out] + [(places.order(f.step), n, f) for n, f in action_findings]
    merged.sort(key=lambda t: (not t[2].blocks, t[0], t[1]))
    return [f for _, _, f in merged]


def birth_date_findings(meeting: dict) -> list[Finding]:
    """G-05: each subject whose date of birth is after the meeting's date (blocks: the minutes would
    print a birth that has not happened). Also said by `mapm import`, which stores such a meeting."""
    day = _date(meeting.get("date"))
    out = []
    subjects = value if isinstance(value := meeting.get("subjects"), list) else []
    for n, subject in enumerate(subjects, start=1):
        born = _date(subject.get("date_of_birth")) if isinstance(subject, dict) else None
        if day and born and born > day:
            name = _short(subject.get("name") or f"subject {n}")
            out.append(
                Finding(
                    "G-05",
                    BLOCK,
                    f"subject:{n}",
                    f"Subject {n}: {name}",
                    f"The date of birth ({_pretty_date(born)}) is after the meeting ({_pretty_date(day)}): "
                    "correct the date of birth.",
                    "setup",
                )
            )
    return out


def _entries_in_step(meeting: dict, template: Template, key: str) -> list[dict]:
    """Entries with text that the minutes place under step `key` (`Template.entries_in`)."""
    return [e for e in template.entries_in(meeting.get("entries"), key) if _has(e.get("text"))]


# -- starting the meeting (G-02) -----------------------------------------------------------------------
def other_procedure_warning(meeting: dict) -> str | None:
    """The G-02 warning when the chair says this is really another procedure, else None."""
    which = OTHER_PROCEDURES.get(meeting.get("other_procedure") or "")
    if which is None:
        return None
    return (
        f"A professionals' meeting must not stand in for {which}: that has its own procedure (G-02). "
        "Go on only if you record why this meeting is still the right one."
    )


def start_refusals(meeting: dict) -> list[Finding]:
    """What stops the chair starting the meeting: G-02 without a recorded reason."""
    if other_procedure_warning(meeting) and not _has(meeting.get("other_procedure_reason")):
        return [
            Finding(
                "G-02",
                BLOCK,
                "setup",
                "Setting up the meeting",
                "Record why a professionals' meeting is right although it stands in for another procedure, "
                "or change the answer.",
                "setup",
            )
        ]
    return []
